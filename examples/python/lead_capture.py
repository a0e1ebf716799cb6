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
import dataclasses
import json
import re
from decimal import Decimal, InvalidOperation
from typing import Optional

from common import connect, exit_on_sdk_error, fail, list_options, map_titles, may_write, read_text

CURRENCY = "UAH"
DEFAULT_REASON = "Оплачено"


def common_options(with_defaults: bool) -> argparse.ArgumentParser:
    """Return a parent parser of the options accepted before and after the command.

    The subcommands get the copy without defaults, because argparse would
    otherwise reset an option given before the command to its default.
    """
    parser = argparse.ArgumentParser(add_help=False, argument_default=None if with_defaults else argparse.SUPPRESS)
    parser.add_argument("--funnel", type=int, help="deal funnel id (default 1)")
    parser.add_argument("--interests-field", help="code of the contacts' multi-select list field")
    parser.add_argument("--channel-field", help="code of the deals' list field")
    parser.add_argument("--write", action="store_true", help="allow changes on a live portal")
    if with_defaults:
        parser.set_defaults(funnel=1, interests_field="uf_crm_1716200001", channel_field="uf_crm_1716200002")
    return parser


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Web-form lead to contact and deal; payment to won deal.",
                                     parents=[common_options(with_defaults=True)])
    commands = parser.add_subparsers(dest="command", required=True)

    submit = commands.add_parser("submit", parents=[common_options(with_defaults=False)],
                                 help="create or update the contact and the deal of a form")
    submit.add_argument("--form", help="JSON file of the form submission")
    submit.add_argument("--first-name")
    submit.add_argument("--last-name")
    submit.add_argument("--phone")
    submit.add_argument("--email")
    submit.add_argument("--interests", help="comma-separated option titles")
    submit.add_argument("--channel", help="option title of the deal's channel")
    submit.add_argument("--amount", help="deal amount in UAH, e.g. 15000.00")

    paid = commands.add_parser("paid", parents=[common_options(with_defaults=False)],
                               help="move the deal of a paid order to the won stage")
    paid.add_argument("--payment", required=True, help="JSON file of the payment callback")
    return parser.parse_args()


@dataclasses.dataclass
class Form:
    """A form submission with the command-line options applied over the file."""

    first_name: str
    last_name: str
    phone: Optional[str]
    email: Optional[str]
    interests: "list[str]"
    channel: Optional[str]
    amount: str  # with two decimal places


@dataclasses.dataclass
class Payment:
    """A payment callback."""

    status: object  # any JSON value
    phone: Optional[str]
    email: Optional[str]
    reason: str


def reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not a JSON value")


def read_json_object(path: str) -> dict:
    """Read a JSON file that must contain an object."""
    text = read_text(path)
    try:
        # NaN and Infinity are no JSON, and the Rust and Node.js parsers reject them.
        value = json.loads(text, parse_constant=reject_constant)
    except ValueError as error:
        fail(f"{path} is not valid JSON: {error}")
    if not isinstance(value, dict):
        fail(f"{path} does not contain a JSON object")
    return value


def json_text(value: object) -> str:
    """Return a JSON value as compact JSON, as the Rust and Node.js versions print one."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def text_of(values: dict, key: str, path: str) -> Optional[str]:
    """Return a text field of a JSON object: a string as it is, a number as written, None for a missing key, null or ""."""
    value = values.get(key)
    if value is None:
        return None
    if isinstance(value, str):
        return value or None
    if is_number(value):
        # NOTE: this is Python's form of the number, which matches Rust's for
        # integers, plain decimals and large floats, but not for every small
        # float: 1e-7 reads "1e-07" here and "1e-7" in Rust.
        return json_text(value)
    fail(f"{path}: {key} must be a string, not {json_text(value)}")


def interests_of(value: object, path: str) -> "list[str]":
    """Return the option titles of the form file's interests: a list of titles or one comma-separated text."""
    if value is None:
        return []
    if isinstance(value, str):
        return value.split(",")
    if not isinstance(value, list):
        fail(f"{path}: interests must be a list of option titles, not {json_text(value)}")
    for title in value:
        if not isinstance(title, str):
            fail(f"{path}: interests must be option titles, not {json_text(title)}")
    return value


def read_form(args: argparse.Namespace) -> Form:
    file = read_json_object(args.form) if args.form is not None else {}
    path = args.form if args.form is not None else "the form"

    def field(key: str) -> Optional[str]:
        # A command-line option replaces the file's value, even with an empty one.
        option_value = getattr(args, key)
        if option_value is not None:
            return option_value or None
        return text_of(file, key, path)

    first_name = field("first_name") or ""
    last_name = field("last_name") or ""
    phone = field("phone")
    email = field("email")
    channel = field("channel")
    if channel is not None and not channel.strip():
        channel = None
    interests = args.interests.split(",") if args.interests is not None else interests_of(file.get("interests"), path)

    if phone is None and email is None:
        fail("the form needs a phone or an e-mail")
    if args.amount is not None:
        amount_text = args.amount
    elif "amount" not in file:
        amount_text = "0"
    elif isinstance(file["amount"], str):
        amount_text = file["amount"]
    elif is_number(file["amount"]):
        amount_text = json_text(file["amount"])
    else:
        fail(f"amount {json_text(file['amount'])} is not a number")
    return Form(first_name, last_name, phone, email, interests, channel, two_places(amount_text))


def read_payment(path: str) -> Payment:
    file = read_json_object(path)
    return Payment(
        status=file.get("status"),
        phone=text_of(file, "phone", path),
        email=text_of(file, "email", path),
        reason=text_of(file, "reason", path) or DEFAULT_REASON,
    )


# ASCII digits only: Decimal alone would also take NaN, Infinity, `1_000`
# and digits of other scripts, which the Rust and Node versions reject.
AMOUNT = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", re.ASCII)


def two_places(text: str) -> str:
    """Return the amount with two decimal places, rounded half to even."""
    match = AMOUNT.fullmatch(text.strip())
    if not match:
        fail(f"amount '{text}' is not a number")
    exponent = int(match.group(3)[1:]) if match.group(3) else 0
    if exponent < -1_000_000:
        # Far below a cent, and beyond what Decimal can hold: it rounds to 0.
        return "0.00"
    try:
        value = Decimal(text.strip()).quantize(Decimal("0.01"))
    except InvalidOperation:
        fail(f"amount '{text}' is not a number")
    # `-0.001` rounds to `-0.00`; the other versions print `0.00`.
    return str(value.copy_abs() if value.is_zero() else value)


def id_of(item: dict, kind: str) -> int:
    if item.get("id") is None:
        fail(f"the portal returned a {kind} without an id")
    return item["id"]


def find_contact(client, phone: Optional[str], email: Optional[str]) -> Optional[dict]:
    """Find a contact whose phone or e-mail matches, through the list filters."""
    # NOTE: the filters `phone[]=...&email[]=...&boolean_operator=OR` are those the
    # mock portal implements; a live portal was not tried.
    query = {}
    if phone:
        query["phone"] = [phone]
    if email:
        query["email"] = [email]
    with exit_on_sdk_error("searching contacts by phone and e-mail"):
        page = client.crm.items.list("contacts", list=2, boolean_operator="OR", query=query)
    return page["data"][0] if page["data"] else None


def find_deal(client, contact_id: int, funnel_id: int) -> Optional[dict]:
    """Find the contact's deal in the funnel, preferring one that is still open."""
    with exit_on_sdk_error(f"listing the deals of contact {contact_id}"):
        page = client.crm.items.list("deals", list=50, funnel_id=funnel_id, query={"contacts": [contact_id]})
    deals = page["data"]
    open_deals = [d for d in deals if d.get("kanban_status") not in ("SUCCESS", "FAIL")]
    return (open_deals or deals or [None])[0]


def list_stages(client, funnel_id: int) -> "list[dict]":
    with exit_on_sdk_error(f"listing the stages of funnel {funnel_id}"):
        return client.crm.kanban_stages.list("deals", funnel_id=funnel_id)["data"]


def submit(client, args: argparse.Namespace, form: Form, write: bool) -> None:
    interests = map_titles(list_options(client, "contacts", args.interests_field), form.interests,
                           args.interests_field)
    title = f"{form.last_name} {form.first_name}".strip()
    contact_body = {
        "title": title,
        "first_name": form.first_name,
        "last_name": form.last_name,
        args.interests_field: interests,
    }
    if form.phone:
        contact_body["phone"] = [{"type": "mobile", "value": form.phone, "main": True}]
    if form.email:
        contact_body["email"] = [{"type": "work", "value": form.email, "main": True}]

    # The funnel and the channel are checked before anything is written, so
    # a wrong title or funnel leaves the portal as it was.
    stages = [s for s in list_stages(client, args.funnel) if s.get("funnel_id") == args.funnel]
    stages.sort(key=lambda s: s["sort"])
    if not stages:
        fail(f"deal funnel {args.funnel} not found or has no stages")
    deal_body = {
        "title": f"Заявка з сайту: {title}",
        "amount": {"value": form.amount, "currency": CURRENCY},
    }
    if form.channel:
        channel = map_titles(list_options(client, "deals", args.channel_field), [form.channel],
                             args.channel_field)
        if channel:
            deal_body[args.channel_field] = channel[0]

    contact = find_contact(client, form.phone, form.email)
    contact_id = id_of(contact, "contact") if contact else None
    if not write:
        action = f"update id={contact_id}" if contact else "create"
        print(f"plan: contact {action}: {title} interests={','.join(interests)}")
    elif contact:
        with exit_on_sdk_error(f"updating contact {contact_id}"):
            client.crm.items.update("contacts", contact_id, contact_body)
        print(f"contact updated: id={contact_id} interests={','.join(interests)}")
    else:
        with exit_on_sdk_error(f"creating contact {title}"):
            created = client.crm.items.create("contacts", contact_body)
        contact_id = id_of(created, "contact")
        print(f"contact created: id={contact_id} interests={','.join(interests)}")

    deal = find_deal(client, contact_id, args.funnel) if contact_id is not None else None
    deal_id = id_of(deal, "deal") if deal else None
    if not write:
        action = f"update id={deal_id}" if deal else "create"
        print(f"plan: deal {action}: funnel={args.funnel} amount={form.amount} {CURRENCY}")
        return
    if deal:
        with exit_on_sdk_error(f"updating deal {deal_id}"):
            client.crm.items.update("deals", deal_id, deal_body)
        print(f"deal updated: id={deal_id} funnel={args.funnel} amount={form.amount} {CURRENCY}")
    else:
        stage_id = stages[0]["id"]
        deal_body.update({"funnel_id": args.funnel, "kanban_stage_id": stage_id, "contacts": [contact_id]})
        with exit_on_sdk_error(f"creating the deal of contact {contact_id}"):
            created = client.crm.items.create("deals", deal_body)
        print(f"deal created: id={id_of(created, 'deal')} funnel={args.funnel} stage={stage_id} "
              f"amount={form.amount} {CURRENCY}")


def paid(client, args: argparse.Namespace, payment: Payment, write: bool) -> None:
    if payment.status != "success":
        status = f"'{payment.status}'" if isinstance(payment.status, str) else json_text(payment.status)
        print(f"payment status is {status}, not 'success': nothing to do")
        return
    # Without either, the list filters would match every contact.
    if not payment.phone and not payment.email:
        fail("the payment has neither a phone nor an e-mail to find the contact by")
    contact = find_contact(client, payment.phone, payment.email)
    if not contact:
        fail("no contact matches the payment's phone or e-mail; submit the form first")
    contact_id = id_of(contact, "contact")
    deal = find_deal(client, contact_id, args.funnel)
    if not deal:
        fail(f"contact {contact_id} has no deal in funnel {args.funnel}")
    deal_id = id_of(deal, "deal")
    if deal.get("kanban_status") == "SUCCESS":
        stage = deal.get("kanban_stage_id")
        print(f"deal already won: id={deal_id} stage={'' if stage is None else stage}")
        return

    stages = list_stages(client, args.funnel)
    won = next((s for s in stages if s.get("funnel_id") == args.funnel and s.get("stage_code") == "SUCCESS"), None)
    if not won:
        fail(f"funnel {args.funnel} has no won (SUCCESS) stage")
    won_id = id_of(won, "won stage")
    won_title = won.get("title") or ""
    with exit_on_sdk_error(f"listing the reasons of funnel {args.funnel}"):
        reasons = client.crm.reasons.list(args.funnel).get("SUCCESS") or []
    reason = next((r for r in reasons if r.get("title") == payment.reason), None)
    if not reason:
        titles = [r["title"] for r in reasons if r.get("title") is not None]
        fail(f"'{payment.reason}' is not a won reason of funnel {args.funnel}; reasons: {', '.join(titles)}")
    reason_id = id_of(reason, "reason")

    if not write:
        print(f"plan: deal move id={deal_id} stage={won_id} ({won_title}) reason={reason_id}")
        return
    with exit_on_sdk_error(f"moving deal {deal_id} to stage {won_id}"):
        client.crm.kanban_stages.move("deals", deal_id, won_id, {"reason_id": reason_id})
    print(f"deal moved: id={deal_id} stage={won_id} ({won_title}) reason={reason_id} ({payment.reason})")


def main() -> None:
    args = parse_args()
    # The file is read before connecting, as in the other versions, so a bad
    # file is the first error whatever the environment.
    command_input = read_form(args) if args.command == "submit" else read_payment(args.payment)
    client, live = connect()
    with client:
        write = may_write(live, args.write)
        if args.command == "submit":
            submit(client, args, command_input, write)
        else:
            paid(client, args, command_input, write)


if __name__ == "__main__":
    main()
