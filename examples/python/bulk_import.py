"""Bulk import: create or update CRM companies from a CSV file, matched by
the EDRPOU code in a custom field.

Usage:
  python3 bulk_import.py [CSV] [--edrpou-field CODE] [--dry-run] [--write] [--verbose]

CSV columns: title, edrpou, city, phone, email. Any other column named after
a company field code is sent as that field. For a list field the cell
contains option titles (separated by ";"), which are mapped to option values
through the field definitions.
"""

import argparse
import csv
import io
import pathlib

from common import connect, exit_on_sdk_error, fail, map_titles, may_write, options_of, read_text

DEFAULT_CSV = str(pathlib.Path(__file__).resolve().parent.parent / "data" / "companies.csv")
BASE_COLUMNS = ("title", "edrpou", "city", "phone", "email")
SHOWN_ACTIONS = 5


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Create or update companies from a CSV, matched by EDRPOU.")
    parser.add_argument("csv", nargs="?", default=DEFAULT_CSV,
                        help="CSV file (default examples/data/companies.csv)")
    parser.add_argument("--edrpou-field", default="uf_crm_1716200003", help="code of the EDRPOU field")
    parser.add_argument("--dry-run", action="store_true", help="print the plan, change nothing")
    parser.add_argument("--write", action="store_true", help="allow changes on a live portal")
    parser.add_argument("--verbose", action="store_true", help="print every planned action")
    return parser.parse_args()


def read_rows(path: str) -> "tuple[list[str], list[tuple[int, dict]]]":
    """Read the CSV's header and its data rows as (first line, {column: cell}).

    The header must name every base column, and each row must have as many
    cells as the header.
    """
    text = read_text(path)
    # Spreadsheet programs often start a UTF-8 CSV with a byte order mark.
    text = text.removeprefix("\ufeff")
    # The csv module rejects a cell of more than 131072 characters by default,
    # and the Rust and Node.js parsers have no limit. 2**31 - 1 is the largest
    # value the limit takes on every platform, as it is a C long.
    csv.field_size_limit(2**31 - 1)
    records = []
    # In strict mode the reader rejects a quoted cell that is not closed or
    # that has text after its closing quote, as the Rust and Node.js parsers
    # do, instead of guessing the cell.
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    while True:
        line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            fail(f"{path}: {describe_csv_error(error, line, reader.line_num)}")
        # The reader returns a blank line as an empty record, which
        # csv.DictReader skips too.
        if cells:
            records.append((line, cells))

    header = records[0][1] if records else []
    rows = []
    for line, cells in records[1:]:
        if len(cells) != len(header):
            fail(f"{path}: line {line}: {len(cells)} cells, but the header has {len(header)} columns")
        rows.append((line, dict(zip(header, cells))))
    if not rows:
        fail(f"{path} has no rows")
    missing = [c for c in BASE_COLUMNS if c not in header]
    if missing:
        fail(f"{path} lacks the columns {', '.join(missing)}")
    return header, rows


def describe_csv_error(error: csv.Error, record_line: int, error_line: int) -> str:
    """Return the message the Rust and Node.js scenarios print for a strict-mode reader error."""
    # NOTE: this matches the message texts of CPython's csv module (3.11),
    # "unexpected end of data" and "',' expected after '\"'". Any other error
    # keeps the reader's own text.
    text = str(error)
    if "unexpected end of data" in text:
        return f"line {record_line}: a quoted cell is not closed before the end of the file"
    if "expected after" in text:
        return f"line {error_line}: unexpected text after the closing quote of a cell"
    return f"line {error_line}: {text}"


def company_body(row: dict, line: int, edrpou_field: str, extra_fields: dict) -> dict:
    """Build the company fields of the CSV row that starts on `line`."""
    body = {"title": row["title"], "city": row["city"], edrpou_field: row["edrpou"]}
    if row.get("phone"):
        body["phone"] = [{"type": "work", "value": row["phone"], "main": True}]
    if row.get("email"):
        body["email"] = [{"type": "work", "value": row["email"], "main": True}]
    for code, field in extra_fields.items():
        cell = row.get(code, "")
        if field.get("type") == "list":
            values = map_titles(options_of(field), cell.split(";"), code, f"line {line}: ")
            if field.get("multiple"):
                body[code] = values
            else:
                body[code] = values[0] if values else None
        else:
            body[code] = cell
    return body


def first_value(entries) -> str:
    return entries[0]["value"] if entries else ""


def differs(company: dict, body: dict) -> bool:
    """Return whether sending the body would change the stored company."""
    for key, value in body.items():
        stored = company.get(key)
        if key in ("phone", "email"):
            if first_value(stored or []) != value[0]["value"]:
                return True
        elif stored != value:
            return True
    return False


def main() -> None:
    args = parse_args()
    header, rows = read_rows(args.csv)

    client, live = connect()
    with client:
        write = may_write(live, args.write) and not args.dry_run
        with exit_on_sdk_error("listing the fields of companies"):
            fields = {f.get("code"): f for f in client.crm.fields.list("companies")["data"]}
        if args.edrpou_field not in fields:
            fail(f"field {args.edrpou_field} not found among the fields of companies")
        extra_fields = {c: fields[c] for c in header if c not in BASE_COLUMNS and c in fields}

        # Every row is checked before the first change, so a bad row leaves
        # the portal as it was.
        bodies = []
        for line, row in rows:
            edrpou = row["edrpou"]
            if not (edrpou.isascii() and edrpou.isdigit()) or len(edrpou) != 8:
                fail(f"line {line}: EDRPOU '{edrpou}' is not 8 digits")
            bodies.append(company_body(row, line, args.edrpou_field, extra_fields))

        # One pass over every company, a page at a time, keeps only the EDRPOU index.
        by_edrpou = {}
        with exit_on_sdk_error("listing the companies"):
            for company in client.crm.items.iter("companies", list=100):
                code = company.get(args.edrpou_field)
                if code:
                    by_edrpou[str(code)] = {k: company.get(k) for k in ("id", "title", "city", "phone", "email",
                                                                       args.edrpou_field, *extra_fields)}
        file_name = pathlib.Path(args.csv).name
        print(f"read {len(by_edrpou)} companies with an EDRPOU code; {len(rows)} rows in {file_name}")

        counts = {"create": 0, "update": 0, "unchanged": 0}
        shown = 0
        for (line, row), body in zip(rows, bodies):
            existing = by_edrpou.get(row["edrpou"])
            if existing is None:
                action = "create"
            elif differs(existing, body):
                action = "update"
            else:
                action = "unchanged"
            counts[action] += 1
            if action == "unchanged":
                continue

            if write and action == "create":
                with exit_on_sdk_error(f"creating the company of line {line}"):
                    # A later row with the same code is compared with this company.
                    by_edrpou[row["edrpou"]] = client.crm.items.create("companies", body)
            elif write:
                with exit_on_sdk_error(f"updating company {existing['id']} (line {line})"):
                    client.crm.items.update("companies", existing["id"], body)
            # Printed after the change, so a "done:" line means it was made.
            if args.verbose or shown < SHOWN_ACTIONS:
                verb = "done" if write else "plan"
                target = f"id={existing['id']} " if existing else ""
                print(f"{verb}: {action} {target}edrpou={row['edrpou']} {row['title']}")
                shown += 1

        hidden = counts["create"] + counts["update"] - shown
        if hidden > 0:
            print(f"... {hidden} more actions (--verbose lists them)")
        mode = "applied" if write else "planned"
        print(f"import {mode}: create={counts['create']} update={counts['update']} "
              f"unchanged={counts['unchanged']}")


if __name__ == "__main__":
    main()
