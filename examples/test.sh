#!/usr/bin/env bash
# Runs the scenarios of examples/ in Python, Node.js and Rust against one
# local mock portal; the webhook receiver has no Rust version. After each
# step examples/check_state.py checks the portal state (through the API and
# the mock's /__mock/items route).
#
# Usage: bash examples/test.sh
# Builds the mock, the Rust scenarios and, when missing, the Python and
# Node.js packages (examples/build.sh).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

if [[ -z "${CARGO_BUILD_TARGET:-}" ]]; then
    CARGO_BUILD_TARGET=$(rustc -vV | sed -n 's/^host: //p')
fi
export CARGO_BUILD_TARGET

work_dir=$(mktemp -d "${TMPDIR:-/tmp}/uspacy-examples.XXXXXX")
mock_pid=
receiver_pid=
cleanup() {
    local pid
    for pid in "$receiver_pid" "$mock_pid"; do
        if [[ -n "$pid" ]]; then
            kill "$pid" 2>/dev/null || true
            wait "$pid" 2>/dev/null || true
        fi
    done
    rm -rf "$work_dir"
}
trap cleanup EXIT

step() {
    printf '\n==> %s\n' "$*"
}

python=$(bash examples/build.sh | tail -n 1)

step "building the mock portal (cargo build -p uspacy-mock)"
cargo build --quiet -p uspacy-mock --bin uspacy-mock
target_dir=$(cargo metadata --format-version 1 --no-deps \
    | "$python" -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
mock_bin="$target_dir/$CARGO_BUILD_TARGET/debug/uspacy-mock"

# The Rust scenarios are a workspace of their own, which the repository's
# fmt and clippy stages do not cover.
step "checking, testing and building the Rust scenarios (cargo fmt, clippy, test, build --manifest-path examples/rust/Cargo.toml)"
cargo fmt --manifest-path examples/rust/Cargo.toml --check
cargo clippy --quiet --manifest-path examples/rust/Cargo.toml --target-dir "$target_dir" --all-targets -- -D warnings
cargo test --quiet --manifest-path examples/rust/Cargo.toml --target-dir "$target_dir"
cargo build --quiet --manifest-path examples/rust/Cargo.toml --target-dir "$target_dir"
rust_bin_dir="$target_dir/$CARGO_BUILD_TARGET/debug"

"$mock_bin" --port 0 --json >"$work_dir/mock.out" 2>"$work_dir/mock.err" </dev/null &
mock_pid=$!
for _ in $(seq 1 300); do
    [[ "$(head -n 1 "$work_dir/mock.out" | wc -l)" -ge 1 ]] && break
    kill -0 "$mock_pid" 2>/dev/null || { cat "$work_dir/mock.err" >&2; exit 1; }
    sleep 0.1
done
eval "$(head -n 1 "$work_dir/mock.out" | "$python" -c '
import json, shlex, sys
info = json.loads(sys.stdin.readline())
for name, key in [("USPACY_BASE_URL", "base_url"), ("USPACY_EMAIL", "email"), ("USPACY_PASSWORD", "password")]:
    print(f"export {name}={shlex.quote(info[key])}")
')"
unset USPACY_DOMAIN USPACY_CLIENT_ID USPACY_CLIENT_SECRET USPACY_WEBHOOK_URL
echo "mock portal at $USPACY_BASE_URL (pid $mock_pid)"

check() {
    "$python" examples/check_state.py "$@"
}

# run LANG SCENARIO ARGS...: runs one scenario in one language.
run() {
    local lang=$1 scenario=$2
    shift 2
    case "$lang" in
        python) "$python" "examples/python/$scenario.py" "$@" ;;
        node) node "examples/node/$scenario.mjs" "$@" ;;
        rust) "$rust_bin_dir/$scenario" "$@" ;;
    esac
}

# Fails unless a line of OUTPUT matches PATTERN: `expect_line PATTERN OUTPUT`.
expect_line() {
    grep -qE "$1" <<<"$2" || { printf 'examples/test.sh: no output line matches "%s" in:\n%s\n' "$1" "$2" >&2; exit 1; }
}

csv=examples/data/companies.csv
companies_before=500

for lang in python node rust; do
    case "$lang" in
        python) phone=+380501110001 ;;
        node) phone=+380501110002 ;;
        rust) phone=+380501110003 ;;
    esac
    email="lead.$lang@example.com"
    form="$work_dir/form-$lang.json"
    payment="$work_dir/payment-$lang.json"
    "$python" - "$form" "$payment" "$phone" "$email" <<'PY'
import json, sys
form_path, payment_path, phone, email = sys.argv[1:]
form = json.load(open("examples/data/lead_form.json", encoding="utf-8"))
form.update(phone=phone, email=email)
json.dump(form, open(form_path, "w", encoding="utf-8"), ensure_ascii=False)
payment = json.load(open("examples/data/payment.json", encoding="utf-8"))
payment.update(phone=phone, email=email)
json.dump(payment, open(payment_path, "w", encoding="utf-8"), ensure_ascii=False)
PY

    step "$lang: lead capture, first submission"
    out=$(run "$lang" lead_capture submit --form "$form")
    echo "$out"
    expect_line '^contact created: id=[0-9]+' "$out"
    expect_line '^deal created: id=[0-9]+ funnel=1 stage=1 amount=15000.00 UAH' "$out"
    check lead "$phone" "$email" heating,solar site 15000.00 open

    step "$lang: lead capture, the same form again with other interests and amount"
    out=$(run "$lang" lead_capture submit --form "$form" --interests "Сервіс,Навчання" --amount 17250.5 --channel Виставка)
    echo "$out"
    expect_line '^contact updated: id=[0-9]+ interests=service,training' "$out"
    expect_line '^deal updated: id=[0-9]+ funnel=1 amount=17250.50 UAH' "$out"
    check lead "$phone" "$email" service,training expo 17250.50 open

    step "$lang: lead capture, an unknown option title is rejected"
    if out=$(run "$lang" lead_capture submit --form "$form" --interests "Космос" 2>&1); then
        echo "examples/test.sh: an unknown option title was accepted" >&2
        exit 1
    fi
    expect_line "'Космос' is not an option of uf_crm_1716200001" "$out"
    check lead "$phone" "$email" service,training expo 17250.50 open

    # Only the Rust version checks the channel before it writes the contact.
    if [[ "$lang" == rust ]]; then
        step "$lang: lead capture, an unknown channel title is rejected before any change"
        if out=$(run "$lang" lead_capture submit --form "$form" --channel "Космос" 2>&1); then
            echo "examples/test.sh: an unknown channel title was accepted" >&2
            exit 1
        fi
        expect_line "'Космос' is not an option of uf_crm_1716200002" "$out"
        check lead "$phone" "$email" service,training expo 17250.50 open
    fi

    step "$lang: lead capture, payment callback"
    out=$(run "$lang" lead_capture paid --payment "$payment")
    echo "$out"
    expect_line '^deal moved: id=[0-9]+ stage=5 \(Успішно\) reason=1 \(Оплачено\)' "$out"
    check lead "$phone" "$email" service,training expo 17250.50 SUCCESS

    step "$lang: lead capture, a repeated payment callback changes nothing"
    out=$(run "$lang" lead_capture paid --payment "$payment")
    echo "$out"
    expect_line '^deal already won: id=[0-9]+ stage=5' "$out"
    check lead "$phone" "$email" service,training expo 17250.50 SUCCESS
done

step "python: bulk import, dry run changes nothing"
out=$(run python bulk_import --dry-run)
echo "$out"
expect_line '^import planned: create=500 update=0 unchanged=0' "$out"
check companies-total "$companies_before"

step "python: bulk import creates every company"
out=$(run python bulk_import)
echo "$out"
expect_line '^import applied: create=500 update=0 unchanged=0' "$out"
check companies-total $((companies_before + 500))
check companies-match "$csv"

step "node: bulk import after 2 companies changed and 1 deleted"
check change-companies "$csv"
out=$(run node bulk_import --dry-run)
echo "$out"
expect_line '^import planned: create=1 update=2 unchanged=497' "$out"
out=$(run node bulk_import)
echo "$out"
expect_line '^import applied: create=1 update=2 unchanged=497' "$out"
check companies-total $((companies_before + 500))
check companies-match "$csv"

step "rust: bulk import after 2 companies changed and 1 deleted"
check change-companies "$csv"
out=$(run rust bulk_import --dry-run)
echo "$out"
expect_line '^import planned: create=1 update=2 unchanged=497' "$out"
check companies-total $((companies_before + 499))
out=$(run rust bulk_import)
echo "$out"
expect_line '^import applied: create=1 update=2 unchanged=497' "$out"
check companies-total $((companies_before + 500))
check companies-match "$csv"

for lang in python node rust; do
    step "$lang: bulk import again finds nothing to do"
    out=$(run "$lang" bulk_import)
    echo "$out"
    expect_line '^import applied: create=0 update=0 unchanged=500' "$out"
done

for lang in python node rust; do
    step "$lang: export of funnel 1"
    out=$(run "$lang" export_deals --funnel 1 --out "$work_dir/deals-$lang.csv" --page-size 250 2>"$work_dir/progress-$lang.txt")
    echo "$out"
    expect_line "^exported [0-9]+ deals of funnel 1 to " "$out"
    grep -q '\[##############################\]' "$work_dir/progress-$lang.txt" \
        || { echo "examples/test.sh: $lang export drew no full progress bar" >&2; exit 1; }
    check export-matches "$work_dir/deals-$lang.csv" 1
done
for lang in node rust; do
    cmp "$work_dir/deals-python.csv" "$work_dir/deals-$lang.csv" \
        || { echo "examples/test.sh: the Python and $lang exports differ" >&2; exit 1; }
done
echo "ok: the Python, Node.js and Rust exports are identical"

for lang in python node; do
    step "$lang: webhook receiver creates a follow-up task for a new deal"
    receiver_out="$work_dir/receiver-$lang.out"
    if [[ "$lang" == python ]]; then
        "$python" -u examples/python/webhook_receiver.py --port 0 >"$receiver_out" 2>&1 &
    else
        node examples/node/webhook_receiver.mjs --port 0 >"$receiver_out" 2>&1 &
    fi
    receiver_pid=$!
    for _ in $(seq 1 100); do
        grep -q '^listening on ' "$receiver_out" && break
        kill -0 "$receiver_pid" 2>/dev/null || { cat "$receiver_out" >&2; exit 1; }
        sleep 0.1
    done
    receiver_url="$(sed -n 's/^listening on //p' "$receiver_out" | head -n 1)/uspacy"
    [[ "$receiver_url" == http://127.0.0.1:* ]] || { echo "examples/test.sh: the $lang receiver printed no address" >&2; exit 1; }
    check webhook-task "$receiver_url" examples/data/webhook_deal_created.json
    kill "$receiver_pid"
    wait "$receiver_pid" 2>/dev/null || true
    receiver_pid=
    cat "$receiver_out"
    expect_line '^task created: id=[0-9]+ deal=1 owner=[0-9]+' "$(cat "$receiver_out")"
done

step "all scenario checks passed"
