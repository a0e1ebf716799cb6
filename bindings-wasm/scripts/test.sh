#!/usr/bin/env bash
# Builds `uspacy-web` and runs its tests against the local mock portal:
# the Node.js suite (node --test, global fetch) and the browser suite
# (headless Chromium through playwright-core).
#
# Usage: bash bindings-wasm/scripts/test.sh [node --test arguments]
#
# Installs what a fresh machine lacks and skips what is present: the build
# tools through scripts/setup.sh (the wasm32 target, wasm-bindgen-cli, the
# npm dev dependencies), and Debian's chromium when /usr/bin/chromium is
# missing (apt-get, as root).
# Then builds the module (scripts/build.sh), builds the `uspacy-mock`
# binary for the host, and runs both suites. The browser suite prints a
# closing `N passed, N failed` line.
#
# Environment:
#   CARGO_BUILD_TARGET  used for the mock (default: the host triple); the
#                       wasm build always passes its own --target
#   CHROMIUM            the browser binary (default /usr/bin/chromium)
#   USPACY_WEB_SKIP_BROWSER=1  runs the Node.js suite only
set -euo pipefail

package_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
workspace_dir="$(cd "$package_dir/.." && pwd)"

step() {
    printf '\n==> %s\n' "$*"
}

fail() {
    printf 'bindings-wasm/scripts/test.sh: %s\n' "$*" >&2
    exit 1
}

command -v cargo >/dev/null 2>&1 \
    || fail "cargo not found: install Rust with rustup (https://rustup.rs), then open a new shell"
command -v node >/dev/null 2>&1 || fail "node not found: install Node.js 18 or newer"
command -v npm >/dev/null 2>&1 || fail "npm not found: install it with Node.js"
node_major=$(node -p 'process.versions.node.split(".")[0]')
(( node_major >= 18 )) || fail "Node.js 18 or newer is needed, found $(node --version)"

host_triple=$(rustc -vV | sed -n 's/^host: //p')
[[ -n "$host_triple" ]] || fail "could not read the host triple from rustc -vV"

# Processes the suites start record their ids here; anything a crashed run
# leaves behind is stopped on exit.
run_dir=$(mktemp -d "${TMPDIR:-/tmp}/uspacy-web-test.XXXXXX")
export USPACY_WEB_PID_DIR="$run_dir/pids"
mkdir -p "$USPACY_WEB_PID_DIR"
cleanup() {
    local file
    for file in "$USPACY_WEB_PID_DIR"/*.pid; do
        [[ -f "$file" ]] || continue
        kill "$(cat "$file")" 2>/dev/null || true
    done
    rm -rf "$run_dir"
}
trap cleanup EXIT

bash "$package_dir/scripts/setup.sh"
cd "$package_dir"

chromium=${CHROMIUM:-/usr/bin/chromium}
if [[ "${USPACY_WEB_SKIP_BROWSER:-}" != 1 && ! -x "$chromium" ]]; then
    [[ "$chromium" == /usr/bin/chromium ]] || fail "CHROMIUM=$chromium is not an executable"
    [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1 \
        || fail "/usr/bin/chromium is missing: install Debian's chromium package (needs root and apt-get)"
    step "installing Debian's chromium (apt-get)"
    DEBIAN_FRONTEND=noninteractive apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium
fi

step "building the WebAssembly module (scripts/build.sh)"
bash "$package_dir/scripts/build.sh"

step "building the mock portal (cargo build -p uspacy-mock, target ${CARGO_BUILD_TARGET:-$host_triple})"
mock_target=${CARGO_BUILD_TARGET:-$host_triple}
(cd "$workspace_dir" && CARGO_BUILD_TARGET="$mock_target" cargo build -p uspacy-mock --bin uspacy-mock)
target_dir=$(cd "$workspace_dir" && cargo metadata --format-version 1 --no-deps \
    | node -e 'let t = ""; process.stdin.on("data", (c) => (t += c)).on("end", () => console.log(JSON.parse(t).target_directory))')
export USPACY_MOCK_BIN="$target_dir/$mock_target/debug/uspacy-mock"
[[ -x "$USPACY_MOCK_BIN" ]] || fail "the build did not produce $USPACY_MOCK_BIN"

step "running the Node.js suite (node --test)"
node --test --test-reporter=spec "$@" test/*.test.mjs

if [[ "${USPACY_WEB_SKIP_BROWSER:-}" == 1 ]]; then
    echo "skipping the browser suite (USPACY_WEB_SKIP_BROWSER=1)"
    exit 0
fi
step "running the browser suite (headless Chromium)"
CHROMIUM="$chromium" USPACY_WEB_OUTPUT="$run_dir/output" node test/browser/run.mjs
