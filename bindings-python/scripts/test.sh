#!/usr/bin/env bash
# Builds the `uspacy` Python package into bindings-python/.venv and runs its
# tests against the local mock portal.
#
# Usage: bash bindings-python/scripts/test.sh [pytest arguments]
#
# Steps: create the virtual environment and install maturin, pytest and
# mypy into it (each only when missing), then `maturin develop` the package
# and build the `uspacy-mock` binary (cargo rebuilds only what changed),
# and run pytest.
#
# Environment:
#   PYTHON            interpreter that creates the venv (default python3)
#   CARGO_BUILD_TARGET  defaults to the host triple, so cargo, maturin and
#                     napi builds share one target folder
set -euo pipefail

package_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
workspace_dir="$(cd "$package_dir/.." && pwd)"
venv_dir="$package_dir/.venv"
python=${PYTHON:-python3}

step() {
    printf '\n==> %s\n' "$*"
}

fail() {
    printf 'bindings-python/scripts/test.sh: %s\n' "$*" >&2
    exit 1
}

command -v cargo >/dev/null 2>&1 \
    || fail "cargo not found: install Rust with rustup (https://rustup.rs), then open a new shell"
command -v "$python" >/dev/null 2>&1 \
    || fail "$python not found: install Python 3.9 or newer, or set PYTHON"

if [[ -z "${CARGO_BUILD_TARGET:-}" ]]; then
    CARGO_BUILD_TARGET=$(rustc -vV | sed -n 's/^host: //p')
    [[ -n "$CARGO_BUILD_TARGET" ]] || fail "could not read the host triple from rustc -vV"
fi
export CARGO_BUILD_TARGET

if [[ ! -x "$venv_dir/bin/python" ]]; then
    step "creating the virtual environment $venv_dir"
    "$python" -m venv "$venv_dir" \
        || fail "could not create a venv: on Debian install python3-venv (apt-get install python3-venv)"
fi
export VIRTUAL_ENV="$venv_dir"
export PATH="$venv_dir/bin:$PATH"
unset CONDA_PREFIX

missing=()
python -c 'import maturin' >/dev/null 2>&1 || command -v maturin >/dev/null 2>&1 || missing+=("maturin>=1.16,<2")
python -c 'import pytest' >/dev/null 2>&1 || missing+=("pytest>=8")
python -c 'import mypy' >/dev/null 2>&1 || missing+=("mypy")
if (( ${#missing[@]} > 0 )); then
    step "installing ${missing[*]} into the venv"
    python -m pip install --disable-pip-version-check --quiet "${missing[@]}"
fi

step "building the package (maturin develop, target $CARGO_BUILD_TARGET)"
(cd "$package_dir" && maturin develop --quiet)

step "building the mock portal (cargo build -p uspacy-mock)"
(cd "$workspace_dir" && cargo build --quiet -p uspacy-mock --bin uspacy-mock)
target_dir=$(cd "$workspace_dir" && cargo metadata --format-version 1 --no-deps \
    | python -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
export USPACY_MOCK_BIN="$target_dir/$CARGO_BUILD_TARGET/debug/uspacy-mock"
[[ -x "$USPACY_MOCK_BIN" ]] || fail "the mock binary is missing at $USPACY_MOCK_BIN after the build"

step "running pytest"
cd "$package_dir"
python -m pytest "$@"
