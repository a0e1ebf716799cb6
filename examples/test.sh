#!/usr/bin/env bash
# Runs the scenarios of examples/ in Python, Node.js and Rust against one
# local mock portal; the webhook receiver has no Rust version. After each
# step examples/check_state.py checks the portal state (through the API and
# the mock's /__mock/items route). Last, the browser widget runs in headless
# Chromium against a mock of its own (examples/browser/test.mjs).
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

# lang_number LANG: 1, 2 or 3, which keeps the phone numbers and codes each
# language's steps create apart from the others'.
lang_number() {
    case "$1" in
        python) echo 1 ;;
        node) echo 2 ;;
        rust) echo 3 ;;
    esac
}

# Fails unless a line of OUTPUT matches PATTERN: `expect_line PATTERN OUTPUT`.
expect_line() {
    grep -qE "$1" <<<"$2" || { printf 'examples/test.sh: no output line matches "%s" in:\n%s\n' "$1" "$2" >&2; exit 1; }
}

# Fails if a line of OUTPUT matches PATTERN: `expect_no_line PATTERN OUTPUT`.
expect_no_line() {
    if grep -qE "$1" <<<"$2"; then
        printf 'examples/test.sh: an output line matches "%s" in:\n%s\n' "$1" "$2" >&2
        exit 1
    fi
}

# Runs one scenario that must fail with exit status 1, and sets `out` to its
# stdout and stderr: `expect_failure WHAT LANG SCENARIO ARGS...`, WHAT naming
# the bad input.
expect_failure() {
    local what=$1 status=0
    shift
    out=$(run "$@" 2>&1) || status=$?
    if [[ $status -eq 0 ]]; then
        printf 'examples/test.sh: %s was accepted:\n%s\n' "$what" "$out" >&2
        exit 1
    fi
    if [[ $status -ne 1 ]]; then
        printf 'examples/test.sh: %s: exit status %s, expected 1:\n%s\n' "$what" "$status" "$out" >&2
        exit 1
    fi
    echo "$out"
}

# Fails unless OUTPUT is one line, so an error came without a traceback or
# stack trace: `expect_single_line OUTPUT`.
expect_single_line() {
    if [[ $(wc -l <<<"$1") -ne 1 ]]; then
        printf 'examples/test.sh: expected one output line, got:\n%s\n' "$1" >&2
        exit 1
    fi
}

csv=examples/data/companies.csv
companies_before=500

for lang in python node rust; do
    phone=+38050111000$(lang_number "$lang")
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

    step "$lang: lead capture, an amount on a tie rounds half to even, as Python's Decimal does"
    # 17250.125 is exact as a float, so rounding the float would give 17250.13.
    out=$(run "$lang" lead_capture submit --form "$form" --interests "Сервіс,Навчання" --amount 17250.125 --channel Виставка)
    echo "$out"
    expect_line '^deal updated: id=[0-9]+ funnel=1 amount=17250.12 UAH' "$out"
    check lead "$phone" "$email" service,training expo 17250.12 open

    # The form's own interests (heating,solar) differ from the stored ones, so
    # a step that wrote the contact before failing would show in `check lead`.
    step "$lang: lead capture, an unknown option title is rejected"
    expect_failure "an unknown option title" "$lang" lead_capture submit --form "$form" --interests "Космос"
    expect_line "^error: 'Космос' is not an option of uf_crm_1716200001; options: " "$out"
    check lead "$phone" "$email" service,training expo 17250.12 open

    step "$lang: lead capture, an unknown channel title is rejected before any change"
    expect_failure "an unknown channel title" "$lang" lead_capture submit --form "$form" --channel "Космос"
    expect_line "^error: 'Космос' is not an option of uf_crm_1716200002; options: " "$out"
    check lead "$phone" "$email" service,training expo 17250.12 open

    step "$lang: lead capture, a funnel without stages is rejected before any change"
    expect_failure "a funnel without stages" "$lang" lead_capture --funnel 99 submit --form "$form"
    expect_line '^error: deal funnel 99 not found or has no stages$' "$out"
    check lead "$phone" "$email" service,training expo 17250.12 open

    step "$lang: lead capture, the common options are accepted after the command too"
    expect_failure "a funnel without stages after the command" "$lang" lead_capture submit --form "$form" \
        --funnel 99 --write --interests-field uf_crm_1716200001 --channel-field uf_crm_1716200002
    expect_line '^error: deal funnel 99 not found or has no stages$' "$out"
    check lead "$phone" "$email" service,training expo 17250.12 open

    step "$lang: lead capture, an amount that is not a number is rejected"
    expect_failure "the amount 12,5" "$lang" lead_capture submit --form "$form" --amount 12,5
    expect_line "^error: amount '12,5' is not a number$" "$out"
    # Every version quotes the text in single quotes, even one that contains one.
    expect_failure "the amount 12'5" "$lang" lead_capture submit --form "$form" --amount "12'5"
    expect_line "^error: amount '12'5' is not a number$" "$out"
    check lead "$phone" "$email" service,training expo 17250.12 open

    # Rust reads the file before it looks at the environment, and so do the
    # others, so the same bad input gives the same first error.
    step "$lang: lead capture, a form file that cannot be read is the first error"
    USPACY_BASE_URL='' expect_failure "a missing form file" "$lang" lead_capture submit --form "$work_dir/missing.json"
    expect_single_line "$out"
    expect_line "^error: cannot read $work_dir/missing.json: No such file or directory \(os error 2\)$" "$out"
    printf '{"first_name": "\377", "phone": "%s", "email": "%s"}' "$phone" "$email" >"$work_dir/invalid-utf8-$lang.json"
    expect_failure "a form file of invalid UTF-8" "$lang" lead_capture submit --form "$work_dir/invalid-utf8-$lang.json"
    expect_single_line "$out"
    expect_line "^error: cannot read $work_dir/invalid-utf8-$lang.json: stream did not contain valid UTF-8$" "$out"
    USPACY_BASE_URL='' expect_failure "a payment file of invalid UTF-8" "$lang" lead_capture paid --payment "$work_dir/invalid-utf8-$lang.json"
    expect_line "^error: cannot read $work_dir/invalid-utf8-$lang.json: stream did not contain valid UTF-8$" "$out"
    check lead "$phone" "$email" service,training expo 17250.12 open

    step "$lang: lead capture, a payment callback of another status changes nothing"
    "$python" - "$payment" "$work_dir/payment-failed-$lang.json" <<'PY'
import json, sys
payment = json.load(open(sys.argv[1], encoding="utf-8"))
payment["status"] = "failed"
json.dump(payment, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
PY
    check snapshot deals "$work_dir/deals-before.json"
    out=$(run "$lang" lead_capture paid --payment "$work_dir/payment-failed-$lang.json")
    echo "$out"
    expect_line "^payment status is 'failed', not 'success': nothing to do$" "$out"
    printf '{"status": null, "phone": "%s"}' "$phone" >"$work_dir/payment-null-$lang.json"
    out=$(run "$lang" lead_capture paid --payment "$work_dir/payment-null-$lang.json")
    echo "$out"
    expect_line "^payment status is null, not 'success': nothing to do$" "$out"
    check unchanged deals "$work_dir/deals-before.json"

    # Without a phone and an e-mail the contact search has no filter and
    # would return some other contact, whose deal must stay as it is.
    step "$lang: lead capture, a payment callback without phone and e-mail is rejected"
    "$python" - "$payment" "$work_dir/payment-anonymous-$lang.json" <<'PY'
import json, sys
payment = json.load(open(sys.argv[1], encoding="utf-8"))
payment.pop("email")
payment["phone"] = ""
json.dump(payment, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
PY
    expect_failure "a payment without phone and e-mail" "$lang" lead_capture paid --payment "$work_dir/payment-anonymous-$lang.json"
    expect_line '^error: the payment has neither a phone nor an e-mail to find the contact by$' "$out"
    check unchanged deals "$work_dir/deals-before.json"

    step "$lang: lead capture, payment callback"
    out=$(run "$lang" lead_capture paid --payment "$payment")
    echo "$out"
    expect_line '^deal moved: id=[0-9]+ stage=5 \(Успішно\) reason=1 \(Оплачено\)' "$out"
    check lead "$phone" "$email" service,training expo 17250.12 SUCCESS

    step "$lang: lead capture, a repeated payment callback changes nothing"
    out=$(run "$lang" lead_capture paid --payment "$payment" --funnel 1 --write)
    echo "$out"
    expect_line '^deal already won: id=[0-9]+ stage=5' "$out"
    check lead "$phone" "$email" service,training expo 17250.12 SUCCESS
done

# A number in the form file is text, null is no value, and any other type is
# rejected, before anything is written.
for lang in python node rust; do
    phone=38050111001$(lang_number "$lang")
    "$python" - "$work_dir" "$lang" "$phone" <<'PY'
import json, sys
work_dir, lang, phone = sys.argv[1:]
forms = {
    "typed": {"first_name": None, "last_name": "Тестова", "phone": int(phone),
              "interests": "Опалення,Сервіс", "channel": "Сайт", "amount": 100},
    "number-channel": {"last_name": "Тестова", "phone": int(phone), "channel": 5},
    "boolean-name": {"first_name": True, "phone": int(phone)},
}
for name, form in forms.items():
    with open(f"{work_dir}/{name}-{lang}.json", "w", encoding="utf-8") as handle:
        json.dump(form, handle, ensure_ascii=False)
PY

    step "$lang: lead capture, a form with a null first name and a numeric phone"
    out=$(run "$lang" lead_capture submit --form "$work_dir/typed-$lang.json")
    echo "$out"
    expect_line '^contact created: id=[0-9]+ interests=heating,service$' "$out"
    expect_line '^deal created: id=[0-9]+ funnel=1 stage=1 amount=100.00 UAH$' "$out"
    sed -E 's/id=[0-9]+/id=N/g' <<<"$out" >"$work_dir/typed-$lang.out"
    check contact "$phone" "Тестова" "" "Тестова"

    step "$lang: lead capture, a numeric channel is a title, and a boolean name is rejected"
    expect_failure "the channel 5" "$lang" lead_capture submit --form "$work_dir/number-channel-$lang.json"
    expect_single_line "$out"
    expect_line "^error: '5' is not an option of uf_crm_1716200002; options: " "$out"
    expect_failure "the first name true" "$lang" lead_capture submit --form "$work_dir/boolean-name-$lang.json"
    expect_single_line "$out"
    expect_line "^error: $work_dir/boolean-name-$lang.json: first_name must be a string, not true$" "$out"
    check contact "$phone" "Тестова" "" "Тестова"
done
for lang in node rust; do
    cmp "$work_dir/typed-python.out" "$work_dir/typed-$lang.out" \
        || { echo "examples/test.sh: the Python and $lang outputs for the typed form differ" >&2; exit 1; }
done
echo "ok: the Python, Node.js and Rust outputs for the typed form are identical"

# The amounts are ones where rounding the float differs from rounding the
# text (1.015, 2.675, 17250.125), edge cases of the Rust unit tests, and text
# that is no number. Python's Decimal and the Rust version differ on some
# other inputs (NaN, 1_000, digits of other scripts, -0), which are left out.
step "node: amounts round as Python's Decimal does"
amounts=(15000 17250.5 17250.125 1.015 2.675 0.135 0.1251 9.999 0.005 " 7 " +.5 5. 1e3 1e+3 12.5E-1
    -1.5 -1.005 0e999999999 1e-999999999 1e25 1e26 1e99999999999999999999999 "" abc 12,5 1e e3 . 1.2.3 Infinity)
python_amounts=$("$python" - "${amounts[@]}" <<'PY'
import sys
from decimal import Decimal, InvalidOperation
for text in sys.argv[1:]:
    try:
        print(Decimal(text).quantize(Decimal("0.01")))
    except InvalidOperation:
        print("invalid")
PY
)
node_amounts=$(node --input-type=module -e '
import { twoPlaces } from "./examples/node/common.mjs"
for (const text of process.argv.slice(1)) console.log(twoPlaces(text) ?? "invalid")
' -- "${amounts[@]}")
if [[ "$python_amounts" != "$node_amounts" ]]; then
    echo "examples/test.sh: Node.js rounds amounts unlike Python's Decimal (amount, Python, Node.js):" >&2
    paste <(printf '%s\n' "${amounts[@]}") <(echo "$python_amounts") <(echo "$node_amounts") >&2
    exit 1
fi
echo "ok: ${#amounts[@]} amounts round alike"

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

# Each language imports CSVs of its own, with EDRPOU codes 999N00NN that
# the generated companies.csv does not use.
for lang in python node rust; do
    n=$(lang_number "$lang")
    "$python" - "$work_dir" "$lang" "$n" <<'PY'
import sys
work_dir, lang, n = sys.argv[1:]
header = "title,edrpou,city,phone,email\r\n"
def row(k, title, city="Львів", email=None):
    email = f"row{k}.{lang}@example.com" if email is None else email
    return f"{title},999{n}00{k:02},{city},+38050999{n}0{k:02},{email}\r\n"
files = {
    # A byte order mark, a blank line, quoted cells with commas and doubled
    # quotes, and a quote inside an unquoted cell.
    "import": "\ufeff" + header + row(1, '"ТОВ ""Лан, Поле"""', '"Київ, Поділ"') + "\r\n"
        + row(2, 'ПП "Степ"', email=""),
    "short-row": header + row(11, "Нова А") + row(12, "Нова Б").replace(f",row12.{lang}@example.com", ""),
    # The bad row starts on line 6, after a blank line and a cell of two lines.
    "bad-edrpou": header + row(21, "Нова В") + "\r\n" + row(22, "Нова Г", '"Львів,\r\nцентр"')
        + row(23, "Нова Ґ").replace(f",999{n}0023,", ",1234,"),
    "unclosed-quote": header + row(31, "Нова Д") + row(32, '"Нова Е'),
    "text-after-quote": header + row(41, '"Нова Є"x'),
    "create-fails": header + row(51, "Нова Ж"),
    # Python's csv module rejects a cell of more than 131072 characters by default.
    "long-cell": header.replace("email\r\n", "email,note\r\n")
        + row(61, "Нова З").replace("\r\n", "," + "x" * 200000 + "\r\n"),
}
for name, text in files.items():
    with open(f"{work_dir}/{name}-{lang}.csv", "w", encoding="utf-8", newline="") as handle:
        handle.write(text)
PY

    step "$lang: bulk import, a bad CSV changes nothing"
    check snapshot companies "$work_dir/companies-before.json"
    expect_failure "a row of 4 cells" "$lang" bulk_import "$work_dir/short-row-$lang.csv"
    expect_line ': line 3: 4 cells, but the header has 5 columns$' "$out"
    expect_failure "the EDRPOU 1234" "$lang" bulk_import "$work_dir/bad-edrpou-$lang.csv"
    expect_line "^error: line 6: EDRPOU '1234' is not 8 digits$" "$out"
    expect_failure "an unclosed quote" "$lang" bulk_import "$work_dir/unclosed-quote-$lang.csv"
    expect_line ': line 3: a quoted cell is not closed before the end of the file$' "$out"
    expect_failure "text after a closing quote" "$lang" bulk_import "$work_dir/text-after-quote-$lang.csv"
    expect_line ': line 2: unexpected text after the closing quote of a cell$' "$out"
    check unchanged companies "$work_dir/companies-before.json"

    step "$lang: bulk import prints no \"done:\" line for a change that failed"
    check fault-once "POST /crm/v1/entities/companies" 422
    expect_failure "a rejected create" "$lang" bulk_import "$work_dir/create-fails-$lang.csv"
    expect_no_line '^done:' "$out"
    expect_line "^error: creating the company of line 2 failed: validation failed: Injected validation error\. \(POST $USPACY_BASE_URL/crm/v1/entities/companies -> 422\)$" "$out"
    check faults-used
    check unchanged companies "$work_dir/companies-before.json"

    step "$lang: bulk import reads a cell of 200000 characters"
    out=$(run "$lang" bulk_import "$work_dir/long-cell-$lang.csv" --dry-run)
    echo "$out"
    expect_line '^import planned: create=1 update=0 unchanged=0$' "$out"

    step "$lang: bulk import of a CSV with a byte order mark, a blank line and quoted cells"
    out=$(run "$lang" bulk_import "$work_dir/import-$lang.csv")
    echo "$out"
    expect_line " 2 rows in import-$lang.csv$" "$out"
    expect_line "^done: create edrpou=999${n}0001 ТОВ \"Лан, Поле\"$" "$out"
    expect_line "^done: create edrpou=999${n}0002 ПП \"Степ\"$" "$out"
    expect_line '^import applied: create=2 update=0 unchanged=0$' "$out"
    check companies-match "$work_dir/import-$lang.csv"
    out=$(run "$lang" bulk_import "$work_dir/import-$lang.csv")
    echo "$out"
    expect_line '^import applied: create=0 update=0 unchanged=2$' "$out"
done

for lang in python node rust; do
    step "$lang: export of funnel 1"
    out=$(run "$lang" export_deals --funnel 1 --out "$work_dir/deals-$lang.csv" --page-size 250 2>"$work_dir/progress-$lang.txt")
    echo "$out"
    expect_line "^exported [0-9]+ deals of funnel 1 to " "$out"
    grep -q '\[##############################\]' "$work_dir/progress-$lang.txt" \
        || { echo "examples/test.sh: $lang export drew no full progress bar" >&2; exit 1; }
    check export-matches "$work_dir/deals-$lang.csv" 1

    step "$lang: export prints an SDK error as one error line"
    check fault-once "GET /crm/v1/entities/deals" 404
    expect_failure "a 404 response" "$lang" export_deals --funnel 1 --out "$work_dir/unused-$lang.csv"
    expect_single_line "$out"
    expect_line "^error: reading the number of deals failed: not found: Not Found \(GET $USPACY_BASE_URL/crm/v1/entities/deals\?list=1&funnel_id=1 -> 404\)$" "$out"
    check faults-used

    step "$lang: export without a portal and credentials names the portal variables"
    USPACY_BASE_URL='' USPACY_EMAIL='' expect_failure "no portal and no credentials" "$lang" export_deals --funnel 1 --out "$work_dir/unused-$lang.csv"
    expect_single_line "$out"
    expect_line '^error: set USPACY_BASE_URL \(a mock portal\) or USPACY_DOMAIN \(a live portal\) and credentials$' "$out"
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

# The browser widget needs the WebAssembly build and the npm dev
# dependencies of bindings-wasm (playwright-core). scripts/test.sh has built
# both by this point, but a run of this script alone may not have.
if [[ ! -f bindings-wasm/pkg/uspacy_web_bg.wasm || ! -f bindings-wasm/node_modules/.package-lock.json ]]; then
    step "building the WebAssembly package (bindings-wasm/scripts/setup.sh and build.sh)"
    bash bindings-wasm/scripts/setup.sh
    bash bindings-wasm/scripts/build.sh
fi
step "browser: the deals widget in headless Chromium (examples/browser/test.mjs)"
USPACY_MOCK_BIN="$mock_bin" node examples/browser/test.mjs

step "all scenario checks passed"
