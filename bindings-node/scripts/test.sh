#!/usr/bin/env bash
# Builds the `uspacy` npm package's native addon and runs its tests against
# the local mock portal.
#
# Usage: bash bindings-node/scripts/test.sh [node --test arguments]
#
# Steps: install the npm dev dependencies (`npm ci` from package-lock.json,
# only when node_modules is missing or older than the lock file), build the
# addon with `napi build`, build the `uspacy-mock` binary (cargo rebuilds
# only what changed), then run `node --test` on test/*.test.mjs.
#
# Environment:
#   CARGO_BUILD_TARGET  defaults to the host triple, so cargo, maturin and
#                       napi builds share one target folder
#   CARGO_TARGET_DIR    honoured as cargo honours it
#   USPACY_MOCK_BIN     set by this script to the built mock binary
set -euo pipefail

package_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
workspace_dir="$(cd "$package_dir/.." && pwd)"

step() {
    printf '\n==> %s\n' "$*"
}

fail() {
    printf 'bindings-node/scripts/test.sh: %s\n' "$*" >&2
    exit 1
}

command -v cargo >/dev/null 2>&1 \
    || fail "cargo not found: install Rust with rustup (https://rustup.rs), then open a new shell"
command -v node >/dev/null 2>&1 \
    || fail "node not found: install Node.js 18 or newer"
command -v npm >/dev/null 2>&1 \
    || fail "npm not found: install it with Node.js"

node_major=$(node -p 'process.versions.node.split(".")[0]')
(( node_major >= 18 )) || fail "Node.js 18 or newer is needed, found $(node --version)"

if [[ -z "${CARGO_BUILD_TARGET:-}" ]]; then
    CARGO_BUILD_TARGET=$(rustc -vV | sed -n 's/^host: //p')
    [[ -n "$CARGO_BUILD_TARGET" ]] || fail "could not read the host triple from rustc -vV"
fi
export CARGO_BUILD_TARGET

cd "$package_dir"

installed_marker=node_modules/.package-lock.json
if [[ -f package-lock.json ]]; then
    if [[ ! -f "$installed_marker" || package-lock.json -nt "$installed_marker" ]]; then
        step "installing the npm dev dependencies (npm ci)"
        npm ci --no-audit --no-fund
    fi
elif [[ ! -d node_modules ]]; then
    step "installing the npm dev dependencies (npm install)"
    npm install --no-audit --no-fund
fi

step "building the native addon (napi build, target $CARGO_BUILD_TARGET)"
npx --no-install napi build --platform --output-dir native --js binding.js --dts binding.d.ts

step "building the mock portal (cargo build -p uspacy-mock)"
(cd "$workspace_dir" && cargo build -p uspacy-mock --bin uspacy-mock)

target_dir=$(cd "$workspace_dir" && cargo metadata --format-version 1 --no-deps \
    | node -e 'let text = ""; process.stdin.on("data", (c) => (text += c)).on("end", () => console.log(JSON.parse(text).target_directory))')
export USPACY_MOCK_BIN="$target_dir/$CARGO_BUILD_TARGET/debug/uspacy-mock"
[[ -x "$USPACY_MOCK_BIN" ]] || fail "the build did not produce $USPACY_MOCK_BIN"

step "running the tests (node --test)"
node --test --test-reporter=spec "$@" test/*.test.mjs
