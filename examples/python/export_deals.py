"""Export: stream every deal of a funnel into a CSV file, page by page.

Usage:
  python3 export_deals.py --funnel ID --out FILE [--page-size N]

Only one page of deals is in memory at a time; the progress bar goes to stderr.
"""

import argparse
import csv
import sys

import uspacy
from common import connect, exit_on_sdk_error, fail, os_error_text

COLUMNS = ["id", "title", "stage_id", "stage", "status", "amount", "currency", "owner", "created_at"]
BAR_WIDTH = 30


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Export every deal of a funnel to CSV.")
    parser.add_argument("--funnel", type=int, required=True, help="deal funnel id")
    parser.add_argument("--out", required=True, help="CSV file to write")
    parser.add_argument("--page-size", type=int, default=100, help="deals per request (default 100)")
    return parser.parse_args()


def draw_progress(done: int, total: int, previous: int) -> None:
    """Redraw the bar in place on a terminal; elsewhere print a line per quarter done."""
    filled = BAR_WIDTH * done // total if total else BAR_WIDTH
    bar = f"[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {done}/{total}"
    if sys.stderr.isatty():
        sys.stderr.write("\r" + bar)
    elif total and 4 * done // total > 4 * previous // total:
        sys.stderr.write(bar + "\n")
    sys.stderr.flush()


def main() -> None:
    args = parse_args()
    if args.page_size < 1:
        fail("--page-size must be at least 1")
    client, _live = connect()
    with client:
        with exit_on_sdk_error(f"listing the stages of funnel {args.funnel}"):
            stages = {s["id"]: s["title"] for s in client.crm.kanban_stages.list("deals", funnel_id=args.funnel)["data"]}
        # A one-item page gives the total for the progress bar.
        with exit_on_sdk_error("reading the number of deals"):
            total = client.crm.items.list("deals", list=1, funnel_id=args.funnel)["meta"]["total"]
        try:
            handle = open(args.out, "w", newline="", encoding="utf-8")
        except OSError as error:
            fail(f"cannot create {args.out}: {os_error_text(error)}")
        written = 0
        drawn = 0
        try:
            with handle:
                writer = csv.writer(handle, lineterminator="\n")
                writer.writerow(COLUMNS)
                for deal in client.crm.items.iter("deals", list=args.page_size, funnel_id=args.funnel):
                    amount = deal.get("amount") or {}
                    writer.writerow([
                        deal["id"], deal.get("title", ""), deal.get("kanban_stage_id", ""),
                        stages.get(deal.get("kanban_stage_id"), ""), deal.get("kanban_status", ""),
                        amount.get("value", ""), amount.get("currency", ""), deal.get("owner", ""),
                        deal.get("created_at", ""),
                    ])
                    written += 1
                    if written % args.page_size == 0 or written == total:
                        draw_progress(written, max(total, written), drawn)
                        drawn = written
        except uspacy.UspacyError as error:
            fail(f"listing the deals failed after {written} deals: {error}")
        except OSError as error:
            fail(f"writing {args.out} failed: {os_error_text(error)}")
        if sys.stderr.isatty():
            sys.stderr.write("\n")
        print(f"exported {written} deals of funnel {args.funnel} to {args.out}")


if __name__ == "__main__":
    main()
