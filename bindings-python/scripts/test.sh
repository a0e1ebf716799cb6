#!/usr/bin/env bash
# Builds the `uspacy` Python package and runs its tests against the local
# mock portal twice: once on the development build in bindings-python/.venv,
# and once on the built wheel installed into a fresh virtual environment.
#
# Usage: bash bindings-python/scripts/test.sh [pytest arguments]
#
# Steps: create the virtual environment and install maturin, pytest and
# mypy into it (each only when missing), `maturin develop` the package,
# build the `uspacy-mock` binary (cargo rebuilds only what changed) and run
# pytest. Then build the wheel with `maturin build`, install it with pytest
# and mypy into a new venv in a temporary folder, and run the same tests
# there. The script deletes that folder at exit.
#
# Environment:
#   PYTHON            interpreter that creates the venvs (default python3)
#   CARGO_BUILD_TARGET  defaults to the host triple, so cargo, maturin and
#                     napi builds share one target folder
#   USPACY_WHEEL      release (default): test a `maturin build --release`
#                     wheel; debug: a wheel of the dev profile, which reuses
#                     the `maturin develop` build; skip: no wheel run
set -euo pipefail

package_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
workspace_dir="$(cd "$package_dir/.." && pwd)"
venv_dir="$package_dir/.venv"
python=${PYTHON:-python3}
wheel_profile=${USPACY_WHEEL:-release}
case "$wheel_profile" in
    release | debug | skip) ;;
    *) printf 'bindings-python/scripts/test.sh: USPACY_WHEEL=%s is invalid: use release, debug or skip\n' "$wheel_profile" >&2
       exit 2 ;;
esac

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

step "running pytest (maturin develop build)"
(cd "$package_dir" && python -m pytest "$@")

[[ "$wheel_profile" == skip ]] && exit 0

scratch_dir=$(mktemp -d "${TMPDIR:-/tmp}/uspacy-wheel.XXXXXX")
trap 'rm -rf "$scratch_dir"' EXIT

release_flag=()
[[ "$wheel_profile" == release ]] && release_flag=(--release)
step "building the wheel (maturin build ${release_flag[*]:-(dev profile)})"
(cd "$package_dir" && maturin build --quiet ${release_flag[@]+"${release_flag[@]}"} --out "$scratch_dir/dist")
wheels=("$scratch_dir"/dist/uspacy-*.whl)
[[ -f "${wheels[0]}" ]] || fail "maturin build wrote no uspacy-*.whl into $scratch_dir/dist"

step "installing $(basename "${wheels[0]}") with pytest and mypy into a fresh venv"
"$python" -m venv "$scratch_dir/venv" || fail "could not create the venv $scratch_dir/venv"
wheel_python="$scratch_dir/venv/bin/python"
"$wheel_python" -m pip install --disable-pip-version-check --quiet "${wheels[0]}" "pytest>=8" mypy

# pytest runs in the source folder, so it finds the same conftest.py and
# test files. The package itself is only in the new venv's site-packages,
# and conftest.py checks that it was imported from there.
step "running pytest (installed wheel)"
(
    cd "$package_dir"
    "$wheel_python" -c 'import uspacy; print("testing uspacy", uspacy.__version__, "from", uspacy.__file__)'
    export VIRTUAL_ENV="$scratch_dir/venv"
    export PATH="$scratch_dir/venv/bin:$PATH"
    USPACY_TEST_INSTALLED=1 "$wheel_python" -m pytest -p no:cacheprovider "$@"
)
