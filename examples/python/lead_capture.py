"""Lead capture: turn a web-form submission into a contact and a deal, and
move the deal to the won stage when the payment callback arrives.

Usage:
  python3 lead_capture.py submit --form FORM.json [--funnel ID] [--write]
  python3 lead_capture.py submit --first-name N --last-name N --phone P --email E \
      [--interests "Опалення,Сервіс"] [--channel Сайт] --amount 15000 [--funnel ID] [--write]
  python3 lead_capture.py paid --payment PAYMENT.json [--funnel ID] [--write]

Re-running `submit` with the same phone or e-mail updates the contact and
its deal in the funnel instead of creating new ones.
"""

import argparse
import json
import pathlib
import re
from decimal import Decimal, InvalidOperation

from common import connect, fail, list_options, map_titles, may_write

CURRENCY = "UAH"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Web-form lead to contact and deal; payment to won deal.")
    parser.add_argument("--funnel", type=int, default=1, help="deal funnel id (default 1)")
    parser.add_argument("--interests-field", default="uf_crm_1716200001",
                        help="code of the contacts' multi-select list field")
    parser.add_argument("--channel-field", default="uf_crm_1716200002", help="code of the deals' list field")
    parser.add_argument("--write", action="store_true", help="allow changes on a live portal")
    commands = parser.add_subparsers(dest="command", required=True)

    submit = commands.add_parser("submit", help="create or update the contact and the deal of a form")
    submit.add_argument("--form", type=pathlib.Path, help="JSON file of the form submission")
    submit.add_argument("--first-name")
    submit.add_argument("--last-name")
    submit.add_argument("--phone")
    submit.add_argument("--email")
    submit.add_argument("--interests", help="comma-separated option titles")
    submit.add_argument("--channel", help="option title of the deal's channel")
    submit.add_argument("--amount", help="deal amount in UAH, e.g. 15000.00")

    paid = commands.add_parser("paid", help="move the deal of a paid order to the won stage")
    paid.add_argument("--payment", type=pathlib.Path, required=True, help="JSON file of the payment callback")
    return parser.parse_args()


def read_form(args: argparse.Namespace) -> dict:
    form = json.loads(args.form.read_text(encoding="utf-8")) if args.form else {}
    for key in ("first_name", "last_name", "phone", "email", "channel", "amount"):
        value = getattr(args, key)
        if value is not None:
            form[key] = value
    if args.interests is not None:
        form["interests"] = args.interests.split(",")
    if not form.get("phone") and not form.get("email"):
        fail("the form needs a phone or an e-mail")
    form["amount"] = two_places(str(form.get("amount", "0")))
    return form


# ASCII digits only: Decimal alone would also take NaN, Infinity, `1_000`
# and digits of other scripts, which the Rust and Node versions reject.
AMOUNT = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", re.ASCII)


def two_places(text: str) -> str:
    """Return the amount with two decimal places, rounded half to even."""
    match = AMOUNT.fullmatch(text.strip())
    if not match:
        fail(f"amount {text!r} is not a number")
    exponent = int(match.group(3)[1:]) if match.group(3) else 0
    if exponent < -1_000_000:
        # Far below a cent, and beyond what Decimal can hold: it rounds to 0.
        return "0.00"
    try:
        value = Decimal(text.strip()).quantize(Decimal("0.01"))
    except InvalidOperation:
        fail(f"amount {text!r} is not a number")
    # `-0.001` rounds to `-0.00`; the other versions print `0.00`.
    return str(value.copy_abs() if value.is_zero() else value)


def find_contact(client, phone, email):
    """Find a contact whose phone or e-mail matches, through the list filters."""
    # NOTE: the filters `phone[]=...&email[]=...&boolean_operator=OR` are those the
    # mock portal implements; a live portal was not tried.
    query = {}
    if phone:
        query["phone"] = [phone]
    if email:
        query["email"] = [email]
    page = client.crm.items.list("contacts", list=2, boolean_operator="OR", query=query)
    return page["data"][0] if page["data"] else None


def find_deal(client, contact_id, funnel_id):
    """Find the contact's deal in the funnel, preferring one that is still open."""
    page = client.crm.items.list("deals", list=50, funnel_id=funnel_id, query={"contacts": [contact_id]})
    deals = page["data"]
    open_deals = [d for d in deals if d.get("kanban_status") not in ("SUCCESS", "FAIL")]
    return (open_deals or deals or [None])[0]


def submit(client, args, write: bool) -> None:
    form = read_form(args)
    interests = map_titles(list_options(client, "contacts", args.interests_field),
                           form.get("interests", []), args.interests_field)
    contact_body = {
        "title": f"{form.get('last_name', '')} {form.get('first_name', '')}".strip(),
        "first_name": form.get("first_name", ""),
        "last_name": form.get("last_name", ""),
        args.interests_field: interests,
    }
    if form.get("phone"):
        contact_body["phone"] = [{"type": "mobile", "value": form["phone"], "main": True}]
    if form.get("email"):
        contact_body["email"] = [{"type": "work", "value": form["email"], "main": True}]

    # The funnel and the channel are checked before anything is written, so
    # a wrong title or funnel leaves the portal as it was.
    stages = client.crm.kanban_stages.list("deals", funnel_id=args.funnel)["data"]
    stages = sorted((s for s in stages if s.get("funnel_id") == args.funnel), key=lambda s: s["sort"])
    if not stages:
        fail(f"deal funnel {args.funnel} not found or has no stages")
    deal_body = {
        "title": f"Заявка з сайту: {contact_body['title']}",
        "amount": {"value": form["amount"], "currency": CURRENCY},
    }
    if form.get("channel"):
        channel = map_titles(list_options(client, "deals", args.channel_field), [form["channel"]],
                             args.channel_field)
        # A title of only spaces maps to no option, and the deal keeps its channel.
        if channel:
            deal_body[args.channel_field] = channel[0]

    contact = find_contact(client, form.get("phone"), form.get("email"))
    if not write:
        action = f"update id={contact['id']}" if contact else "create"
        print(f"plan: contact {action}: {contact_body['title']} interests={','.join(interests)}")
    elif contact:
        contact = client.crm.items.update("contacts", contact["id"], contact_body)
        print(f"contact updated: id={contact['id']} interests={','.join(interests)}")
    else:
        contact = client.crm.items.create("contacts", contact_body)
        print(f"contact created: id={contact['id']} interests={','.join(interests)}")

    deal = find_deal(client, contact["id"], args.funnel) if contact else None
    if not write:
        action = f"update id={deal['id']}" if deal else "create"
        print(f"plan: deal {action}: funnel={args.funnel} amount={form['amount']} {CURRENCY}")
        return
    if deal:
        deal = client.crm.items.update("deals", deal["id"], deal_body)
        print(f"deal updated: id={deal['id']} funnel={args.funnel} amount={form['amount']} {CURRENCY}")
    else:
        deal_body.update({"funnel_id": args.funnel, "kanban_stage_id": stages[0]["id"],
                          "contacts": [contact["id"]]})
        deal = client.crm.items.create("deals", deal_body)
        print(f"deal created: id={deal['id']} funnel={args.funnel} stage={stages[0]['id']} "
              f"amount={form['amount']} {CURRENCY}")


def paid(client, args, write: bool) -> None:
    payment = json.loads(args.payment.read_text(encoding="utf-8"))
    if payment.get("status") != "success":
        print(f"payment status is {payment.get('status')!r}, not 'success': nothing to do")
        return
    # Without either, the list filters would match every contact.
    if not payment.get("phone") and not payment.get("email"):
        fail("the payment has neither a phone nor an e-mail to find the contact by")
    contact = find_contact(client, payment.get("phone"), payment.get("email"))
    if not contact:
        fail("no contact matches the payment's phone or e-mail; submit the form first")
    deal = find_deal(client, contact["id"], args.funnel)
    if not deal:
        fail(f"contact {contact['id']} has no deal in funnel {args.funnel}")
    if deal.get("kanban_status") == "SUCCESS":
        print(f"deal already won: id={deal['id']} stage={deal.get('kanban_stage_id')}")
        return

    stages = client.crm.kanban_stages.list("deals", funnel_id=args.funnel)["data"]
    won = next((s for s in stages if s.get("funnel_id") == args.funnel and s.get("stage_code") == "SUCCESS"), None)
    if not won:
        fail(f"funnel {args.funnel} has no won (SUCCESS) stage")
    reason_title = payment.get("reason", "Оплачено")
    reasons = client.crm.reasons.list(args.funnel).get("SUCCESS", [])
    reason = next((r for r in reasons if r["title"] == reason_title), None)
    if not reason:
        fail(f"'{reason_title}' is not a won reason of funnel {args.funnel}; "
             f"reasons: {', '.join(r['title'] for r in reasons)}")

    if not write:
        print(f"plan: deal move id={deal['id']} stage={won['id']} ({won['title']}) reason={reason['id']}")
        return
    client.crm.kanban_stages.move("deals", deal["id"], won["id"], {"reason_id": reason["id"]})
    print(f"deal moved: id={deal['id']} stage={won['id']} ({won['title']}) "
          f"reason={reason['id']} ({reason['title']})")


def main() -> None:
    args = parse_args()
    client, live = connect()
    with client:
        write = may_write(live, args.write)
        if args.command == "submit":
            submit(client, args, write)
        else:
            paid(client, args, write)


if __name__ == "__main__":
    main()
