#!/usr/bin/env bash
# Installs what building `uspacy-web` needs, skipping what is present:
#   - the Rust target wasm32-unknown-unknown (rustup target add)
#   - wasm-bindgen-cli 0.2.130 (cargo install, 2-3 minutes the first time)
#   - the npm dev dependencies (npm ci from package-lock.json: binaryen for
#     wasm-opt, playwright-core, typescript)
# scripts/test.sh, examples/test.sh and bench/run.sh run it before
# scripts/build.sh.
#
# Usage: bash bindings-wasm/scripts/setup.sh
set -euo pipefail

package_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# The CLI must match the wasm-bindgen crate in Cargo.lock.
bindgen_version=0.2.130

step() {
    printf '\n==> %s\n' "$*"
}

if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
    step "adding the Rust target wasm32-unknown-unknown"
    rustup target add wasm32-unknown-unknown
fi

if [[ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $bindgen_version" ]]; then
    step "installing wasm-bindgen-cli $bindgen_version (cargo install)"
    # Without --locked: the CLI's lock file pins a dependency version that
    # the registry no longer serves.
    cargo install wasm-bindgen-cli --version "$bindgen_version"
fi

cd "$package_dir"
installed_marker=node_modules/.package-lock.json
if [[ ! -f "$installed_marker" || package-lock.json -nt "$installed_marker" ]]; then
    step "installing the npm dev dependencies of uspacy-web (npm ci)"
    npm ci --no-audit --no-fund
fi
