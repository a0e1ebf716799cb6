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
import pathlib

from common import connect, fail, map_titles, may_write

DEFAULT_CSV = pathlib.Path(__file__).resolve().parent.parent / "data" / "companies.csv"
BASE_COLUMNS = ("title", "edrpou", "city", "phone", "email")
SHOWN_ACTIONS = 5


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Create or update companies from a CSV, matched by EDRPOU.")
    parser.add_argument("csv", nargs="?", type=pathlib.Path, default=DEFAULT_CSV,
                        help="CSV file (default examples/data/companies.csv)")
    parser.add_argument("--edrpou-field", default="uf_crm_1716200003", help="code of the EDRPOU field")
    parser.add_argument("--dry-run", action="store_true", help="print the plan, change nothing")
    parser.add_argument("--write", action="store_true", help="allow changes on a live portal")
    parser.add_argument("--verbose", action="store_true", help="print every planned action")
    return parser.parse_args()


def company_body(row: dict, edrpou_field: str, extra_fields: dict) -> dict:
    """Build the company fields of one CSV row."""
    body = {"title": row["title"], "city": row["city"], edrpou_field: row["edrpou"]}
    if row.get("phone"):
        body["phone"] = [{"type": "work", "value": row["phone"], "main": True}]
    if row.get("email"):
        body["email"] = [{"type": "work", "value": row["email"], "main": True}]
    for code, field in extra_fields.items():
        cell = row.get(code, "")
        if field.get("type") == "list":
            options = {o["title"]: o["value"] for o in field.get("values") or []}
            values = map_titles(options, cell.split(";"), code)
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
    with args.csv.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    if not rows:
        fail(f"{args.csv} has no rows")
    missing = [c for c in BASE_COLUMNS if c not in rows[0]]
    if missing:
        fail(f"{args.csv} lacks the columns {', '.join(missing)}")

    client, live = connect()
    with client:
        write = may_write(live, args.write) and not args.dry_run
        fields = {f["code"]: f for f in client.crm.fields.list("companies")["data"]}
        if args.edrpou_field not in fields:
            fail(f"field {args.edrpou_field} not found among the fields of companies")
        extra_fields = {c: fields[c] for c in rows[0] if c not in BASE_COLUMNS and c in fields}

        # One pass over every company, a page at a time, keeps only the EDRPOU index.
        by_edrpou = {}
        for company in client.crm.items.iter("companies", list=100):
            code = company.get(args.edrpou_field)
            if code:
                by_edrpou[str(code)] = {k: company.get(k) for k in ("id", "title", "city", "phone", "email",
                                                                   args.edrpou_field, *extra_fields)}
        print(f"read {len(by_edrpou)} companies with an EDRPOU code; {len(rows)} rows in {args.csv.name}")

        counts = {"create": 0, "update": 0, "unchanged": 0}
        shown = 0
        for number, row in enumerate(rows, start=2):
            if not row["edrpou"].isdigit() or len(row["edrpou"]) != 8:
                fail(f"line {number}: EDRPOU {row['edrpou']!r} is not 8 digits")
            body = company_body(row, args.edrpou_field, extra_fields)
            existing = by_edrpou.get(row["edrpou"])
            if existing is None:
                action = "create"
            elif differs(existing, body):
                action = "update"
            else:
                action = "unchanged"
            counts[action] += 1

            target = f"id={existing['id']} " if existing else ""
            if action != "unchanged" and (args.verbose or shown < SHOWN_ACTIONS):
                verb = "plan" if not write else "done"
                print(f"{verb}: {action} {target}edrpou={row['edrpou']} {row['title']}")
                shown += 1
            if not write or action == "unchanged":
                continue
            if action == "create":
                created = client.crm.items.create("companies", body)
                by_edrpou[row["edrpou"]] = created
            else:
                client.crm.items.update("companies", existing["id"], body)

        hidden = counts["create"] + counts["update"] - shown
        if hidden > 0:
            print(f"... {hidden} more actions (--verbose lists them)")
        mode = "applied" if write else "planned"
        print(f"import {mode}: create={counts['create']} update={counts['update']} "
              f"unchanged={counts['unchanged']}")


if __name__ == "__main__":
    main()
