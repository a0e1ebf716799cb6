#!/usr/bin/env bash
# Makes the Python and Node.js packages importable by the scenarios in
# examples/, building each one only when it is missing:
#   - Python: the venv bindings-python/.venv with the package installed by
#     `maturin develop` (the venv and the tool as bindings-python/scripts/test.sh makes them);
#   - Node.js: the addon bindings-node/native/uspacy.*.node built by `napi build`.
# A package that already imports is not rebuilt, so a source change needs
# the binding's own test script (or `maturin develop` / `npm run build`).
#
# Usage: bash examples/build.sh [python] [node]   (both without arguments)
# Prints the Python interpreter to use as the last line of its output.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
python=${PYTHON:-python3}
venv="$root/bindings-python/.venv"

if [[ -z "${CARGO_BUILD_TARGET:-}" ]]; then
    CARGO_BUILD_TARGET=$(rustc -vV | sed -n 's/^host: //p')
fi
export CARGO_BUILD_TARGET

build_python() {
    if [[ ! -x "$venv/bin/python" ]]; then
        echo "examples/build.sh: creating the virtual environment $venv" >&2
        "$python" -m venv "$venv" >&2
    fi
    if "$venv/bin/python" -c 'import uspacy' >/dev/null 2>&1; then
        return
    fi
    if ! "$venv/bin/python" -c 'import maturin' >/dev/null 2>&1; then
        echo "examples/build.sh: installing maturin into the venv" >&2
        "$venv/bin/python" -m pip install --disable-pip-version-check --quiet "maturin>=1.16,<2" >&2
    fi
    echo "examples/build.sh: building the Python package (maturin develop)" >&2
    (cd "$root/bindings-python" && VIRTUAL_ENV="$venv" PATH="$venv/bin:$PATH" maturin develop --quiet >&2)
}

build_node() {
    local addons=("$root"/bindings-node/native/uspacy.*.node)
    if [[ -f "${addons[0]}" && -d "$root/bindings-node/node_modules" ]]; then
        return
    fi
    command -v npm >/dev/null 2>&1 || { echo "examples/build.sh: npm not found: install Node.js 18 or newer" >&2; exit 1; }
    echo "examples/build.sh: building the Node.js addon (npm ci, napi build)" >&2
    (cd "$root/bindings-node" && npm ci --no-audit --no-fund >&2 \
        && npx --no-install napi build --platform --output-dir native --js binding.js --dts binding.d.ts >&2)
}

targets=("$@")
(( ${#targets[@]} > 0 )) || targets=(python node)
for target in "${targets[@]}"; do
    case "$target" in
        python) build_python ;;
        node) build_node ;;
        *) echo "examples/build.sh: unknown package '$target': expected python or node" >&2; exit 2 ;;
    esac
done
echo "$venv/bin/python"
