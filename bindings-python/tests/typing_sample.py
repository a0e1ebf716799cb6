"""Typical use of the package, type-checked by test_typing.py (never run)."""

import asyncio
import pathlib
from typing import Any, Dict, List

import uspacy
from uspacy.models import Item


def run() -> None:
    with uspacy.Client(domain="acme", email="a@acme.ua", password="x", request_timeout=5) as client:
        page = client.crm.items.list("deals", page=1, list=50)
        items: List[Item] = page["data"]
        for deal in client.crm.items.iter("deals", list=100):
            title = deal.get("title")
            print(title)
        created: Item = client.crm.items.create("deals", {"title": "x"})
        client.files.upload(files=[("a.pdf", b"x", "application/pdf")], fields={"entityType": "deals"})
        scan = pathlib.Path("Договір №5.pdf")
        client.files.upload(files=[scan, ("b.pdf", scan, "application/pdf")], fields=[("entityId", 7)])
        client.messenger.chats.pin("x")
        try:
            client.crm.items.get("deals", 1)
        except uspacy.NotFound as error:
            print(error.status, error.field_errors)
        print(items, created, client.tokens)


async def run_async() -> None:
    async with uspacy.AsyncClient(domain="acme") as client:
        funnels = await client.crm.funnels.list("deals")
        async for deal in client.crm.items.iter("deals"):
            print(deal["id"])
        print(funnels)


if __name__ == "__main__":
    run()
    asyncio.run(run_async())


def typed_errors(client: uspacy.Client) -> None:
    try:
        client.crm.items.list("deals")
    except uspacy.RateLimited as error:
        wait: float = error.retry_after or 0.0
        print(wait)
    except uspacy.ApiError as error:
        status: int = error.status
        body: bytes = error.body or b""
        print(status, body)


def token_persistence(pair: uspacy.TokenPair) -> None:
    stored: Dict[str, Any] = pair.to_dict()
    expires: int = pair.expires_at or 0
    print(stored, expires)
