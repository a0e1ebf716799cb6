#!/usr/bin/env bash
# Builds every contender of the benchmark suite in release mode, then runs
# bench/driver.py: one release uspacy-mock on 127.0.0.1, every contender
# against it, and the table written to BENCHMARKS.md.
#
# Usage: bash bench/run.sh [driver options]    (make bench runs it bare)
#   e.g. bash bench/run.sh --quick --trials 1  to check the harness quickly
#        bash bench/run.sh --only rust-core rust-reqwest --workloads get-c1
#
# What it builds, each step skipped when already done:
#   - uspacy-mock and uspacy-bench (cargo, release)
#   - bench/.venv with requests, httpx and maturin, and the `uspacy` Python
#     package from bindings-python as a release wheel
#   - bench/node/node_modules (axios), and a copy of the `uspacy` npm
#     package from bindings-node with a release build of its addon (napi's
#     CLI comes from bindings-node's npm dev dependencies, installed when
#     missing)
#
# A binding that does not build is reported as a gap in BENCHMARKS.md, and
# the other contenders still run.
#
# The Python and Node bindings are built here in release mode rather than
# taken from bindings-*/ (where their test scripts leave debug builds), so
# the numbers are those of what users install. The browser package is used
# as bindings-wasm/scripts/build.sh left it (its only build is the
# size-optimized release one), and built that way when missing.
#
# Environment:
#   PYTHON              interpreter that creates bench/.venv (default python3)
#   CARGO_BUILD_TARGET  defaults to the host triple, so these builds share
#                       target/ with the other native builds
#   USPACY_WEB_PACKAGE  folder of the browser package, used as built by its own
#                       scripts/build.sh (default bindings-wasm)
set -euo pipefail

bench_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$bench_dir/.." && pwd)"
out="$bench_dir/.out"
python=${PYTHON:-python3}
mkdir -p "$out"

step() {
    printf '\n==> %s\n' "$*" >&2
}

warn() {
    printf 'bench/run.sh: %s\n' "$*" >&2
}

fail() {
    warn "$*"
    exit 1
}

command -v cargo >/dev/null 2>&1 || fail "cargo not found: install Rust with rustup"
command -v "$python" >/dev/null 2>&1 || fail "$python not found: install Python 3.9 or newer, or set PYTHON"
command -v node >/dev/null 2>&1 || fail "node not found: install Node.js 18 or newer"

if ! command -v wrk >/dev/null 2>&1; then
    if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
        step "installing wrk (apt-get)"
        apt-get install -y -qq wrk >/dev/null 2>&1 \
            || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; } \
            || warn "could not install wrk: the report will have no ceiling"
    else
        warn "wrk not found (Debian package wrk): the report will have no ceiling"
    fi
fi

if [[ -z "${CARGO_BUILD_TARGET:-}" ]]; then
    CARGO_BUILD_TARGET=$(rustc -vV | sed -n 's/^host: //p')
    [[ -n "$CARGO_BUILD_TARGET" ]] || fail "could not read the host triple from rustc -vV"
fi
export CARGO_BUILD_TARGET
target_dir=$(cd "$root" && cargo metadata --format-version 1 --no-deps \
    | "$python" -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
release_dir="$target_dir/$CARGO_BUILD_TARGET/release"

step "building uspacy-mock and uspacy-bench (release)"
(cd "$root" && cargo build --quiet --release -p uspacy-mock -p uspacy-bench)

step "preparing bench/.venv (requests, httpx, maturin)"
venv="$bench_dir/.venv"
if [[ ! -x "$venv/bin/python" ]]; then
    "$python" -m venv "$venv" \
        || fail "could not create a venv: on Debian install python3-venv"
fi
missing=()
"$venv/bin/python" -c 'import requests' >/dev/null 2>&1 || missing+=("requests>=2.32")
"$venv/bin/python" -c 'import httpx' >/dev/null 2>&1 || missing+=("httpx>=0.28")
[[ -x "$venv/bin/maturin" ]] || missing+=("maturin>=1.16,<2")
if (( ${#missing[@]} > 0 )); then
    "$venv/bin/python" -m pip install --disable-pip-version-check --quiet "${missing[@]}"
fi

step "building the uspacy Python package (maturin build --release)"
wheels="$out/wheels"
rm -rf "$wheels"
if (cd "$root/bindings-python" \
        && "$venv/bin/maturin" build --quiet --release --out "$wheels" >"$out/maturin.log" 2>&1); then
    "$venv/bin/python" -m pip install --disable-pip-version-check --quiet \
        --force-reinstall --no-deps "$wheels"/uspacy-*.whl
else
    warn "the Python package did not build (see $out/maturin.log); its contenders are skipped"
    "$venv/bin/python" -m pip uninstall --quiet --yes uspacy >/dev/null 2>&1 || true
fi

step "installing the Node contenders' packages (npm)"
if [[ ! -d "$bench_dir/node/node_modules/axios" ]]; then
    if [[ -f "$bench_dir/node/package-lock.json" ]]; then
        (cd "$bench_dir/node" && npm ci --no-audit --no-fund --silent)
    else
        (cd "$bench_dir/node" && npm install --no-audit --no-fund --silent)
    fi
fi

step "building the uspacy npm package's addon (napi build --release)"
node_package="$out/uspacy-node"
rm -rf "$node_package"
mkdir -p "$node_package/native"
# napi's CLI is a dev dependency of bindings-node; a fresh clone has none.
if [[ ! -f "$root/bindings-node/node_modules/.package-lock.json" ]]; then
    (cd "$root/bindings-node" && npm ci --no-audit --no-fund --silent) >"$out/napi.log" 2>&1 || true
fi
# The package as npm would ship it (package.json "files"), with a release
# addon and its loader written by napi into the copy, so bindings-node/native
# (the debug build of its tests) is left alone.
if (cd "$root/bindings-node" && npx --no-install napi build --platform --release \
        --output-dir "$node_package/native" --js binding.js --dts binding.d.ts) >>"$out/napi.log" 2>&1; then
    cp "$root/bindings-node/package.json" "$root/bindings-node/index.js" "$node_package/"
    cp -r "$root/bindings-node/lib" "$node_package/"
else
    warn "the Node addon did not build (see $out/napi.log); its contender is skipped"
    rm -rf "$node_package"
fi
export USPACY_NODE_PACKAGE="$node_package"

if [[ ! -f "$root/bindings-wasm/pkg/uspacy_web_bg.wasm" ]]; then
    step "building the browser package (bindings-wasm/scripts/setup.sh and build.sh)"
    if ! { bash "$root/bindings-wasm/scripts/setup.sh" && bash "$root/bindings-wasm/scripts/build.sh"; } >"$out/wasm.log" 2>&1; then
        warn "the browser package did not build (see $out/wasm.log); its contender is skipped"
    fi
fi

step "running the benchmarks (bench/driver.py)"
cd "$root"
exec "$python" "$bench_dir/driver.py" \
    --mock "$release_dir/uspacy-mock" \
    --rust-bench "$release_dir/uspacy-bench" \
    --python "$venv/bin/python" \
    --node "$(command -v node)" \
    --command "${BENCH_COMMAND:-bash bench/run.sh${*:+ $*}}" \
    "$@"
