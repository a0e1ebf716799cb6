#!/usr/bin/env bash
# Builds the WebAssembly module of `uspacy-web` into pkg/:
#
#   1. cargo build --target wasm32-unknown-unknown with the size-optimized
#      profile `wasm-release` (wasm-release.toml; `--dev` uses the dev profile)
#   2. wasm-bindgen --target web (ES module glue; the CLI must be 0.2.130,
#      the version the crate pins)
#   3. a patch of the glue, see below
#   4. wasm-opt -Oz from the npm package `binaryen` (release builds only)
#   5. prints the raw, optimized and gzipped sizes and writes pkg/size.json
#
# Usage: bash bindings-wasm/scripts/build.sh [--dev]
# Needs: rustup target wasm32-unknown-unknown, wasm-bindgen 0.2.130 on PATH,
# `npm ci` run in bindings-wasm/ (for wasm-opt). scripts/test.sh installs
# all of them.
set -euo pipefail

package_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
workspace_dir="$(cd "$package_dir/.." && pwd)"
bindgen_version=0.2.130

fail() {
    printf 'bindings-wasm/scripts/build.sh: %s\n' "$*" >&2
    exit 1
}

profile=wasm-release
profile_dir=wasm-release
case "${1:-}" in
    --dev) profile=dev; profile_dir=debug ;;
    '') ;;
    *) fail "unknown argument $1 (expected nothing or --dev)" ;;
esac

command -v wasm-bindgen >/dev/null 2>&1 \
    || fail "wasm-bindgen not found: cargo install wasm-bindgen-cli --version $bindgen_version"
found_version=$(wasm-bindgen --version | awk '{print $2}')
[[ "$found_version" == "$bindgen_version" ]] \
    || fail "wasm-bindgen $found_version found, $bindgen_version needed: cargo install wasm-bindgen-cli --version $bindgen_version"

cd "$workspace_dir"
# The target is passed explicitly: a CARGO_BUILD_TARGET set for the native
# packages must not leak into this build, nor this target into theirs.
unset CARGO_BUILD_TARGET
cargo build -p uspacy-web --target wasm32-unknown-unknown \
    --config bindings-wasm/wasm-release.toml --profile "$profile"

target_dir=$(cargo metadata --format-version 1 --no-deps \
    | node -e 'let t = ""; process.stdin.on("data", (c) => (t += c)).on("end", () => console.log(JSON.parse(t).target_directory))')
raw="$target_dir/wasm32-unknown-unknown/$profile_dir/uspacy_web.wasm"
[[ -f "$raw" ]] || fail "the build did not produce $raw"

out="$package_dir/pkg"
rm -rf "$out"
# --experimental-reset-state-function exports __wbg_reset_state, which
# lib/runtime.js calls to start a fresh instance after a panic.
wasm-bindgen --target web --out-dir "$out" --out-name uspacy_web --no-typescript \
    --experimental-reset-state-function "$raw"

# Callbacks that the stopped instance registered (a fetch still in flight,
# a timer) fire after the reset. The glue of wasm-bindgen 0.2.130 throws
# from them, which surfaces as an uncaught exception (fatal in Node.js);
# they are ignored instead, since their task was already settled.
glue="$out/uspacy_web.js"
stale_throw="throw new Error('Cannot invoke closure from previous WASM instance');"
count=$(grep -cF "$stale_throw" "$glue" || true)
(( count >= 1 )) || fail "the glue no longer contains the stale-closure check this script patches: review the patch for wasm-bindgen $bindgen_version"
STALE="$stale_throw" node -e '
const fs = require("node:fs")
const file = process.argv[1]
const text = fs.readFileSync(file, "utf8")
fs.writeFileSync(file, text.split(process.env.STALE).join("return; // a callback of a stopped instance: ignored"))
' "$glue"

bindgen_bytes=$(stat -c %s "$out/uspacy_web_bg.wasm")
if [[ "$profile" == wasm-release ]]; then
    wasm_opt="$package_dir/node_modules/.bin/wasm-opt"
    [[ -x "$wasm_opt" ]] || fail "wasm-opt not found at $wasm_opt: run npm ci in bindings-wasm/"
    "$wasm_opt" -Oz --strip-debug --strip-producers \
        "$out/uspacy_web_bg.wasm" -o "$out/uspacy_web_bg.opt.wasm"
    mv "$out/uspacy_web_bg.opt.wasm" "$out/uspacy_web_bg.wasm"
fi
final_bytes=$(stat -c %s "$out/uspacy_web_bg.wasm")
gzip_bytes=$(gzip -9 -c "$out/uspacy_web_bg.wasm" | wc -c)

printf '{"profile": "%s", "cargoBytes": %d, "bindgenBytes": %d, "finalBytes": %d, "gzipBytes": %d}\n' \
    "$profile" "$(stat -c %s "$raw")" "$bindgen_bytes" "$final_bytes" "$gzip_bytes" > "$out/size.json"
printf 'uspacy_web_bg.wasm (%s): cargo %d bytes, after wasm-bindgen %d, final %d, gzip -9 %d bytes\n' \
    "$profile" "$(stat -c %s "$raw")" "$bindgen_bytes" "$final_bytes" "$gzip_bytes"
