#!/usr/bin/env bash
# Builds the local mock portal and the quickstart example, starts the mock
# on a free loopback port and runs the quickstart against it. Then it runs
# the scenarios of examples/ (lead capture, bulk import, export) in Python,
# Node.js and Rust against the same mock, and stops the mock. The Python and Node.js packages are built only when missing
# (examples/build.sh).
#
# Usage: bash scripts/demo.sh [quickstart arguments]
#
# Environment:
#   DEMO_START_TIMEOUT  seconds to wait for the mock's first output line (default 120)
#   CARGO_TARGET_DIR    honoured as cargo honours it
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

start_timeout=${DEMO_START_TIMEOUT:-120}
mock_pid=
work_dir=

step() {
    printf '\n==> %s\n' "$*"
}

fail() {
    printf 'demo.sh: %s\n' "$*" >&2
    exit 1
}

# Stops the mock and removes the temporary files on every exit path.
cleanup() {
    local status=$?
    if [[ -n "$mock_pid" ]] && kill -0 "$mock_pid" 2>/dev/null; then
        printf '\n==> stopping the mock portal (pid %s)\n' "$mock_pid"
        kill "$mock_pid" 2>/dev/null || true
        # Give it a moment to shut down cleanly, then force it.
        for _ in 1 2 3 4 5 6 7 8 9 10; do
            kill -0 "$mock_pid" 2>/dev/null || break
            sleep 0.2
        done
        kill -9 "$mock_pid" 2>/dev/null || true
        wait "$mock_pid" 2>/dev/null || true
    fi
    if [[ -n "$work_dir" ]]; then
        rm -rf "$work_dir"
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [[ ! "$start_timeout" =~ ^[0-9]+$ ]] || (( start_timeout == 0 )); then
    fail "DEMO_START_TIMEOUT must be a whole number of seconds above 0, got '$start_timeout'"
fi

step "checking for cargo and python3"
command -v cargo >/dev/null 2>&1 \
    || fail "cargo not found: install Rust with rustup (https://rustup.rs), then open a new shell"
command -v python3 >/dev/null 2>&1 \
    || fail "python3 not found (it reads the mock's JSON line): install it, e.g. apt-get install python3"
cargo --version

step "building the mock portal (cargo build -p uspacy-mock)"
cargo build -p uspacy-mock --bin uspacy-mock

step "building the quickstart example (cargo build -p uspacy --example quickstart)"
cargo build -p uspacy --example quickstart

target_dir=$(cargo metadata --format-version 1 --no-deps \
    | python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
# With CARGO_BUILD_TARGET set (scripts/test.sh sets it, so cargo, maturin
# and napi share one build), binaries go to a folder named after the target.
build_dir="$target_dir${CARGO_BUILD_TARGET:+/$CARGO_BUILD_TARGET}/debug"
mock_bin="$build_dir/uspacy-mock"
quickstart_bin="$build_dir/examples/quickstart"
[[ -x "$mock_bin" ]] || fail "the build did not produce $mock_bin"
[[ -x "$quickstart_bin" ]] || fail "the build did not produce $quickstart_bin"

work_dir=$(mktemp -d "${TMPDIR:-/tmp}/uspacy-demo.XXXXXX")
mock_stdout="$work_dir/mock.stdout"
mock_stderr="$work_dir/mock.stderr"

step "starting the mock portal on a free loopback port ($mock_bin --port 0 --json)"
"$mock_bin" --port 0 --json >"$mock_stdout" 2>"$mock_stderr" </dev/null &
mock_pid=$!

# The first line of the mock's output is one JSON object. Wait until that
# line is complete (ends in a newline), the mock exits, or the time is up.
deadline=$((SECONDS + start_timeout))
while true; do
    if [[ "$(head -n 1 "$mock_stdout" | wc -l)" -ge 1 ]]; then
        break
    fi
    if ! kill -0 "$mock_pid" 2>/dev/null; then
        mock_status=0
        wait "$mock_pid" || mock_status=$?
        mock_pid=
        printf 'mock stderr:\n' >&2
        tail -n 20 "$mock_stderr" >&2 || true
        fail "the mock portal exited with status $mock_status before printing its JSON line"
    fi
    if (( SECONDS >= deadline )); then
        printf 'mock stderr:\n' >&2
        tail -n 20 "$mock_stderr" >&2 || true
        fail "timed out after ${start_timeout}s waiting for the mock portal's JSON line (set DEMO_START_TIMEOUT to wait longer)"
    fi
    sleep 0.1
done

# python3 prints one value per line, in a fixed order. It rejects a missing
# key or a value with a line break, so the reads below stay in step.
parsed=$(head -n 1 "$mock_stdout" | python3 -c '
import json, sys

line = sys.stdin.readline()
try:
    info = json.loads(line)
except ValueError as error:
    sys.exit("the mock portal'"'"'s first line is not JSON (%s): %r" % (error, line[:200]))
keys = ["base_url", "email", "password", "client_id", "client_secret", "webhook_url"]
for key in keys:
    if key not in info:
        sys.exit("the mock portal'"'"'s JSON line has no %r key; it has: %s" % (key, ", ".join(info)))
    value = info[key]
    text = "" if value is None else str(value)
    if "\n" in text or "\r" in text:
        sys.exit("the mock portal'"'"'s %r value contains a line break" % key)
    print(text)
') || fail "could not read the mock portal's JSON line (see the message above)"

{
    read -r base_url
    read -r email
    read -r password
    read -r client_id
    read -r client_secret
    read -r webhook_url
} <<<"$parsed"

[[ -n "$base_url" ]] || fail "the mock portal printed an empty base_url"
echo "mock portal at $base_url (pid $mock_pid), demo user $email"

export USPACY_BASE_URL="$base_url"
export USPACY_EMAIL="$email"
export USPACY_PASSWORD="$password"
export USPACY_CLIENT_ID="$client_id"
export USPACY_CLIENT_SECRET="$client_secret"
export USPACY_WEBHOOK_URL="$webhook_url"
# A portal name from the caller's environment must not redirect the demo.
unset USPACY_DOMAIN

step "running the quickstart against the mock portal ($quickstart_bin${*:+ $*})"
"$quickstart_bin" "$@"

step "building the Python and Node.js packages when missing (bash examples/build.sh)"
demo_python=$(bash examples/build.sh | tail -n 1)

for lang in python node; do
    if [[ "$lang" == python ]]; then
        runner=("$demo_python")
        ext=py
    else
        runner=(node)
        ext=mjs
    fi
    step "$lang: lead capture, a web form becomes a contact and a deal (examples/$lang/lead_capture.$ext submit)"
    (cd "examples/$lang" && "${runner[@]}" "lead_capture.$ext" submit --form ../data/lead_form.json)
    step "$lang: lead capture, the payment callback wins the deal (examples/$lang/lead_capture.$ext paid)"
    (cd "examples/$lang" && "${runner[@]}" "lead_capture.$ext" paid --payment ../data/payment.json)
    step "$lang: bulk import of examples/data/companies.csv matched by EDRPOU (examples/$lang/bulk_import.$ext)"
    (cd "examples/$lang" && "${runner[@]}" "bulk_import.$ext")
    step "$lang: export of every deal of funnel 1 (examples/$lang/export_deals.$ext)"
    (cd "examples/$lang" && "${runner[@]}" "export_deals.$ext" --funnel 1 --out "$work_dir/deals-$lang.csv")
done

step "building the Rust scenarios (cargo build --manifest-path examples/rust/Cargo.toml)"
cargo build --manifest-path examples/rust/Cargo.toml --target-dir "$target_dir"
step "rust: lead capture, a web form becomes a contact and a deal (examples/rust/src/bin/lead_capture.rs submit)"
"$build_dir/lead_capture" submit --form examples/data/lead_form.json
step "rust: lead capture, the payment callback wins the deal (examples/rust/src/bin/lead_capture.rs paid)"
"$build_dir/lead_capture" paid --payment examples/data/payment.json
step "rust: bulk import of examples/data/companies.csv matched by EDRPOU (examples/rust/src/bin/bulk_import.rs)"
"$build_dir/bulk_import"
step "rust: export of every deal of funnel 1 (examples/rust/src/bin/export_deals.rs)"
"$build_dir/export_deals" --funnel 1 --out "$work_dir/deals-rust.csv"

step "demo finished"
