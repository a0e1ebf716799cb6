"""Assertions on the portal state left by the scenarios, for examples/test.sh.

Each command reads the portal through the API (and stored records through the
mock's /__mock/items route), exits with status 1 and a message when the state
is not the expected one, and prints one "ok:" line otherwise.

Usage: python check_state.py COMMAND ARGS...  (USPACY_BASE_URL and the demo
credentials in the environment, as examples/test.sh sets them)
"""

import csv
import json
import os
import sys
import urllib.request

import uspacy

BASE_URL = os.environ["USPACY_BASE_URL"]
INTERESTS = "uf_crm_1716200001"
CHANNEL = "uf_crm_1716200002"
EDRPOU = "uf_crm_1716200003"


def check(condition: bool, message: str) -> None:
    if not condition:
        print(f"check_state: FAILED: {message}", file=sys.stderr)
        sys.exit(1)


def stored_item(entity: str, item_id: int) -> dict:
    with urllib.request.urlopen(f"{BASE_URL}/__mock/items/{entity}/{item_id}") as response:
        return json.load(response)


def client() -> uspacy.Client:
    return uspacy.Client(base_url=BASE_URL, email=os.environ["USPACY_EMAIL"],
                         password=os.environ["USPACY_PASSWORD"])


def lead(phone: str, email: str, interests: str, channel: str, amount: str, status: str) -> None:
    """Check for one contact with the phone and e-mail, and one deal of it in funnel 1 in the given state."""
    with client() as api:
        by_phone = api.crm.items.list("contacts", list=10, query={"phone": [phone]})["data"]
        by_email = api.crm.items.list("contacts", list=10, query={"email": [email]})["data"]
        check(len(by_phone) == 1, f"expected one contact with phone {phone}, found {len(by_phone)}")
        check(len(by_email) == 1, f"expected one contact with e-mail {email}, found {len(by_email)}")
        contact = stored_item("contacts", by_phone[0]["id"])
        check(contact["id"] == by_email[0]["id"], "phone and e-mail match different contacts")
        check(contact.get(INTERESTS) == interests.split(","),
              f"contact {contact['id']} interests are {contact.get(INTERESTS)}, expected {interests}")

        deals = api.crm.items.list("deals", list=10, funnel_id=1, query={"contacts": [contact["id"]]})["data"]
        check(len(deals) == 1, f"expected one deal of contact {contact['id']} in funnel 1, found {len(deals)}")
        deal = stored_item("deals", deals[0]["id"])
        check(deal["amount"] == {"value": amount, "currency": "UAH"}, f"deal {deal['id']} amount is {deal['amount']}")
        check(deal.get(CHANNEL) == channel, f"deal {deal['id']} channel is {deal.get(CHANNEL)}, expected {channel}")
        if status == "open":
            check(deal.get("kanban_stage_id") == 1, f"deal {deal['id']} is in stage {deal.get('kanban_stage_id')}, expected 1")
        else:
            check(deal.get("kanban_status") == status, f"deal {deal['id']} status is {deal.get('kanban_status')}")
            reason = deal.get("kanban_reason_id")
            check(reason == 1, f"deal {deal['id']} reason is {reason}, expected 1 (Оплачено)")
    print(f"ok: contact {contact['id']} and deal {deal['id']} ({status}) match the form")


def contact(phone: str, title: str, first_name: str, last_name: str) -> None:
    """Check for one contact with the phone, stored with the title and the first and last names."""
    with client() as api:
        found = api.crm.items.list("contacts", list=10, query={"phone": [phone]})["data"]
    check(len(found) == 1, f"expected one contact with phone {phone}, found {len(found)}")
    stored = stored_item("contacts", found[0]["id"])
    for key, expected in (("title", title), ("first_name", first_name), ("last_name", last_name)):
        check(stored.get(key) == expected, f"contact {stored['id']} {key} is {stored.get(key)!r}, expected {expected!r}")
    print(f"ok: contact {stored['id']} with phone {phone} is {title!r}")


def companies_total(expected: str) -> None:
    with client() as api:
        total = api.crm.items.list("companies", list=1)["meta"]["total"]
    check(total == int(expected), f"expected {expected} companies, found {total}")
    print(f"ok: {total} companies")


def companies_match(csv_path: str) -> None:
    """Check that every CSV row is exactly one company with the row's title, city and phone.

    The CSV may start with a UTF-8 byte order mark, as the scenarios accept one.
    """
    with client() as api:
        by_code: "dict[str, list]" = {}
        for company in api.crm.items.iter("companies", list=200):
            by_code.setdefault(str(company.get(EDRPOU)), []).append(company)
    with open(csv_path, newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        found = by_code.get(row["edrpou"], [])
        check(len(found) == 1, f"EDRPOU {row['edrpou']}: expected one company, found {len(found)}")
        company = found[0]
        check(company["title"] == row["title"], f"EDRPOU {row['edrpou']}: title {company['title']!r}")
        check(company.get("city") == row["city"], f"EDRPOU {row['edrpou']}: city {company.get('city')!r}")
        check(company["phone"][0]["value"] == row["phone"], f"EDRPOU {row['edrpou']}: phone {company['phone']}")
    print(f"ok: all {len(rows)} CSV rows are one company each with the row's fields")


def change_companies(csv_path: str) -> None:
    """Change the city of the first two CSV companies and delete the third."""
    with open(csv_path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))[:3]
    with client() as api:
        for index, row in enumerate(rows):
            found = api.crm.items.list("companies", list=2, query={EDRPOU: [row["edrpou"]]})["data"]
            check(len(found) == 1, f"EDRPOU {row['edrpou']}: expected one company, found {len(found)}")
            if index < 2:
                api.crm.items.update("companies", found[0]["id"], {"city": "Змінене місто"})
            else:
                api.crm.items.delete("companies", found[0]["id"])
    print("ok: changed the city of 2 companies and deleted 1")


def all_items(entity: str) -> "dict[str, dict]":
    with client() as api:
        return {str(item["id"]): item for item in api.crm.items.iter(entity, list=500)}


def snapshot(entity: str, path: str) -> None:
    """Save every item of the entity, as the API lists it, to a JSON file for the unchanged check."""
    items = all_items(entity)
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(items, handle, ensure_ascii=False)
    print(f"ok: saved {len(items)} {entity} to {path}")


def unchanged(entity: str, path: str) -> None:
    """Check that the items of the entity are those the snapshot saved, none added, deleted or changed."""
    with open(path, encoding="utf-8") as handle:
        before = json.load(handle)
    after = all_items(entity)
    added = sorted(after.keys() - before.keys(), key=int)
    deleted = sorted(before.keys() - after.keys(), key=int)
    changed = [item_id for item_id in before if item_id in after and before[item_id] != after[item_id]]
    check(not added, f"{entity} added since the snapshot: ids {', '.join(added)}")
    check(not deleted, f"{entity} deleted since the snapshot: ids {', '.join(deleted)}")
    check(not changed, f"{entity} changed since the snapshot: ids {', '.join(changed)}")
    print(f"ok: all {len(after)} {entity} are as the snapshot saved them")


def fault_once(route: str, status: str) -> None:
    """Make the mock respond to the next request of the route ("METHOD /path") with the HTTP status."""
    fault = {"route": route, "times": 1, "kind": "status", "status": int(status)}
    code, body = post_json(f"{BASE_URL}/__mock/faults", fault)
    check(code == 201, f"queuing the fault failed: {code} {body}")
    print(f"ok: the next {route} gets status {status}")


def faults_used() -> None:
    """Check that the mock has no queued fault left, so each fault-once fault met its request."""
    with urllib.request.urlopen(f"{BASE_URL}/__mock/faults") as response:
        left = json.load(response)
    check(left == [], f"faults not used: {left}")
    print("ok: every queued fault was used")


def export_matches(csv_path: str, funnel: str) -> None:
    """Check that the export contains every deal of the funnel once, with the API's amounts."""
    with client() as api:
        expected = {d["id"]: d for d in api.crm.items.iter("deals", list=500, funnel_id=int(funnel))}
    with open(csv_path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    ids = [int(r["id"]) for r in rows]
    check(len(ids) == len(set(ids)), "the export repeats deals")
    check(set(ids) == set(expected), f"the export has {len(ids)} deals, the funnel {len(expected)}")
    for row in rows:
        amount = (expected[int(row["id"])].get("amount") or {}).get("value", "")
        check(row["amount"] == amount, f"deal {row['id']}: amount {row['amount']!r}, API {amount!r}")
    print(f"ok: the export holds all {len(ids)} deals of funnel {funnel}")


def post_json(url: str, payload: dict) -> "tuple[int, dict]":
    request = urllib.request.Request(url, data=json.dumps(payload).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request) as response:
        return response.status, json.load(response)


def webhook_task(receiver_url: str, payload_path: str) -> None:
    """Check that a new-deal call creates one task for the deal's owner, and a repeat or another call none."""
    with open(payload_path, encoding="utf-8") as handle:
        payload = json.load(handle)
    deal_id = payload["data"]["id"]
    with client() as api:
        tasks_before = api.tasks.list(list=1)["meta"]["total"]
        status, body = post_json(receiver_url, payload)
        check(status == 201 and body.get("status") == "created", f"first call: {status} {body}")
        task = api.tasks.get(body["task_id"])
        deal = stored_item("deals", deal_id)
        check(task["responsibleId"] == deal["owner"],
              f"task {task['id']} is for user {task['responsibleId']}, the deal's owner is {deal['owner']}")
        check(deal["title"] in task["title"], f"task title {task['title']!r} does not name the deal")

        status, again = post_json(receiver_url, payload)
        check(status == 200 and again == {"status": "exists", "task_id": body["task_id"], "deal_id": deal_id},
              f"repeated call: {status} {again}")
        status, other = post_json(receiver_url, {"event": "create", "entity": "contacts", "data": {"id": 1}})
        check(status == 200 and other == {"status": "ignored"}, f"contact call: {status} {other}")
        tasks_after = api.tasks.list(list=1)["meta"]["total"]
        check(tasks_after == tasks_before + 1, f"tasks went from {tasks_before} to {tasks_after}, expected +1")
    print(f"ok: task {task['id']} for user {task['responsibleId']}, the owner of deal {deal_id}")


COMMANDS = {
    "webhook-task": webhook_task,
    "lead": lead,
    "contact": contact,
    "companies-total": companies_total,
    "companies-match": companies_match,
    "change-companies": change_companies,
    "export-matches": export_matches,
    "snapshot": snapshot,
    "unchanged": unchanged,
    "fault-once": fault_once,
    "faults-used": faults_used,
}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        sys.exit(f"usage: check_state.py {{{','.join(COMMANDS)}}} ARGS...")
    COMMANDS[sys.argv[1]](*sys.argv[2:])
