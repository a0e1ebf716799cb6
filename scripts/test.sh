#!/usr/bin/env bash
# Runs every check of the project, one stage after another, and stops at the
# first stage that fails. Installs the Rust components a fresh machine lacks.
#
# Usage: bash scripts/test.sh [STAGE...]
#   Without arguments every stage runs, in the order of STAGES below.
#   With arguments only the named stages run, e.g. `bash scripts/test.sh fmt clippy`.
#
# To add a stage (pytest for bindings-python, node --test for bindings-node,
# headless Chromium for the browser package): write a `stage_NAME` function,
# add NAME to STAGES and describe it in `describe_stage`.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# One build folder for cargo, maturin and napi: napi always passes the host
# target explicitly, and builds with and without it would not share output.
if [[ -z "${CARGO_BUILD_TARGET:-}" ]] && command -v rustc >/dev/null 2>&1; then
    CARGO_BUILD_TARGET=$(rustc -vV | sed -n 's/^host: //p')
    export CARGO_BUILD_TARGET
fi

# The demo runs before `cargo test`, so that cargo's summary lines close the output.
STAGES=(tools fmt clippy doc wasm demo python node browser examples cargo-test)

current_stage=

describe_stage() {
    case "$1" in
        tools) echo "install missing Rust components (rustfmt, clippy, the wasm32 target)" ;;
        fmt) echo "check formatting (cargo fmt --all --check)" ;;
        clippy) echo "lint every target (cargo clippy --workspace --all-targets -- -D warnings)" ;;
        doc) echo "build the core's API documentation, warnings as errors (cargo doc -p uspacy --no-deps)" ;;
        wasm) echo "build the core for browsers (cargo build -p uspacy --target wasm32-unknown-unknown)" ;;
        demo) echo "run the README's first command (bash scripts/demo.sh)" ;;
        python) echo "build the Python package and run its tests (bash bindings-python/scripts/test.sh)" ;;
        node) echo "build the Node.js addon and run its tests (bash bindings-node/scripts/test.sh)" ;;
        browser) echo "build the WebAssembly package and run its Node.js and headless Chromium tests (bash bindings-wasm/scripts/test.sh)" ;;
        examples) echo "run the scenarios of examples/ against the mock and check the portal state (bash examples/test.sh)" ;;
        cargo-test) echo "run the Rust tests (cargo test --workspace)" ;;
        *) return 1 ;;
    esac
}

# Names the failed stage; runs on every exit, so it also catches a command
# that fails inside a stage under `set -e`.
report_exit() {
    local status=$?
    if (( status != 0 )); then
        if [[ -n "$current_stage" ]]; then
            printf '\ntest.sh: FAILED at stage "%s" (%s), exit status %d\n' \
                "$current_stage" "$(describe_stage "$current_stage")" "$status" >&2
        else
            printf '\ntest.sh: FAILED before any stage started, exit status %d\n' "$status" >&2
        fi
    fi
}
trap report_exit EXIT

fail() {
    printf 'test.sh: %s\n' "$*" >&2
    exit 1
}

has_rust_target() {
    local sysroot
    sysroot=$(rustc --print sysroot)
    [[ -d "$sysroot/lib/rustlib/$1/lib" ]]
}

stage_tools() {
    command -v cargo >/dev/null 2>&1 \
        || fail "cargo not found: install Rust with rustup (https://rustup.rs), then open a new shell"
    cargo --version

    if cargo fmt --version >/dev/null 2>&1; then
        echo "rustfmt: present ($(cargo fmt --version))"
    else
        command -v rustup >/dev/null 2>&1 || fail "cargo fmt is missing and rustup is not installed to add it"
        echo "rustfmt: missing, running rustup component add rustfmt"
        rustup component add rustfmt
    fi

    if cargo clippy --version >/dev/null 2>&1; then
        echo "clippy: present ($(cargo clippy --version))"
    else
        command -v rustup >/dev/null 2>&1 || fail "cargo clippy is missing and rustup is not installed to add it"
        echo "clippy: missing, running rustup component add clippy"
        rustup component add clippy
    fi

    if has_rust_target wasm32-unknown-unknown; then
        echo "wasm32-unknown-unknown: present"
    else
        command -v rustup >/dev/null 2>&1 \
            || fail "the wasm32-unknown-unknown target is missing and rustup is not installed to add it"
        echo "wasm32-unknown-unknown: missing, running rustup target add wasm32-unknown-unknown"
        rustup target add wasm32-unknown-unknown
    fi

    command -v python3 >/dev/null 2>&1 \
        || fail "python3 not found (scripts/demo.sh needs it): install it, e.g. apt-get install python3"
}

stage_fmt() {
    cargo fmt --all --check
}

stage_clippy() {
    cargo clippy --workspace --all-targets -- -D warnings
}

stage_doc() {
    RUSTDOCFLAGS="-D warnings" cargo doc -p uspacy --no-deps
}

stage_wasm() {
    cargo build -p uspacy --target wasm32-unknown-unknown
}

stage_demo() {
    bash scripts/demo.sh
}

stage_python() {
    bash bindings-python/scripts/test.sh
}

stage_node() {
    bash bindings-node/scripts/test.sh
}

stage_browser() {
    bash bindings-wasm/scripts/test.sh
}

stage_examples() {
    bash examples/test.sh
}

stage_cargo_test() {
    cargo test --workspace
}

run_stage() {
    current_stage=$1
    printf '\n===== stage %s: %s\n' "$1" "$(describe_stage "$1")"
    # A plain call, not `if stage_x`: bash ignores `set -e` inside a function
    # called as a condition, which would let a failing command pass unnoticed.
    "stage_${1//-/_}"
    current_stage=
}

main() {
    local selected=("$@")
    if (( ${#selected[@]} == 0 )); then
        selected=("${STAGES[@]}")
    fi
    local name
    for name in "${selected[@]}"; do
        describe_stage "$name" >/dev/null \
            || fail "unknown stage '$name': expected one of: ${STAGES[*]}"
    done
    for name in "${selected[@]}"; do
        run_stage "$name"
    done
}

main "$@"
