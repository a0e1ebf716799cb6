"""Response bodies become Python objects through `json.loads`; whatever it
rejects is decided by the core, as in the other languages."""

import asyncio
import base64
import json
from typing import Any, List

import pytest

import uspacy

from conftest import Mock

DEALS = "/crm/v1/entities/deals"


def respond(mock: Mock, route: str, body: str) -> None:
    mock.fault(route, "respond", times=1, status=200, body=body)


def test_objects_keep_every_key_and_type(mock: Mock, client: uspacy.Client) -> None:
    body = '{"id": 1, "title": "Угода №1", "amount": {"currency": "UAH", "value": "12500.50"}, ' \
        '"uf_crm_1": [1, "два", null, true, 2.5], "nested": {"deep": {"x": -3}}, "id2": 9007199254740993}'
    respond(mock, f"GET {DEALS}/1", body)

    deal = client.crm.items.get("deals", 1)

    assert deal == {
        "id": 1,
        "title": "Угода №1",
        "amount": {"currency": "UAH", "value": "12500.50"},
        "uf_crm_1": [1, "два", None, True, 2.5],
        "nested": {"deep": {"x": -3}},
        "id2": 9007199254740993,
    }
    assert list(deal) == ["id", "title", "amount", "uf_crm_1", "nested", "id2"]


@pytest.mark.parametrize(
    "body",
    [
        '{"id": NaN}',
        '{"id": Infinity}',
        '[-Infinity]',
        '{"id": 1',
        '{"id": 1} {"id": 2}',
    ],
)
def test_non_json_bodies_are_decode_errors(mock: Mock, client: uspacy.Client, body: str) -> None:
    respond(mock, f"GET {DEALS}/1", body)

    with pytest.raises(uspacy.DecodeError, match="crm.items.get returned a body that is not JSON") as raised:
        client.crm.items.get("deals", 1)
    assert raised.value.status == 200


def test_invalid_utf8_and_bom_are_decode_errors(mock: Mock, client: uspacy.Client) -> None:
    for raw in (b'{"title": "\xff"}', b'\xef\xbb\xbf{"id": 1}'):
        mock.fault(f"GET {DEALS}/1", "respond", times=1, status=200,
                   body_base64=base64.b64encode(raw).decode())
        with pytest.raises(uspacy.DecodeError):
            client.crm.items.get("deals", 1)


@pytest.mark.parametrize("body", ["", "   \n"])
def test_blank_body_is_none(mock: Mock, client: uspacy.Client, body: str) -> None:
    respond(mock, f"GET {DEALS}/1", body)

    assert client.crm.items.get("deals", 1) is None


def test_async_client_decodes_the_same(mock: Mock, async_options: dict) -> None:
    respond(mock, f"GET {DEALS}/1", '{"id": 1, "title": "Угода", "tags": ["a", "b"]}')
    respond(mock, f"GET {DEALS}/2", '{"id": NaN}')

    async def scenario() -> Any:
        async with uspacy.AsyncClient(**async_options) as client:
            first = await client.crm.items.get("deals", 1)
            with pytest.raises(uspacy.DecodeError, match="not JSON"):
                await client.crm.items.get("deals", 2)
            return first

    assert asyncio.run(scenario()) == {"id": 1, "title": "Угода", "tags": ["a", "b"]}


def test_async_iteration_matches_sync(mock: Mock, client: uspacy.Client, async_options: dict) -> None:
    expected = [deal["id"] for deal in client.crm.items.iter("deals", list=7, page=1)][:50]
    mock.control("DELETE", "/__mock/requests")

    async def first_fifty() -> List[int]:
        ids = []
        async with uspacy.AsyncClient(**async_options) as async_client:
            pager = async_client.crm.items.iter("deals", list=7, page=1)
            async for deal in pager:
                ids.append(deal["id"])
                if len(ids) == 50:
                    break
            await pager.aclose()
        return ids

    assert asyncio.run(first_fifty()) == expected
    # 50 items of pages of 7: the 8th page was fetched, and no more.
    assert len(mock.requests_to("GET", DEALS)) == 8


def test_concurrent_anext_loses_nothing(mock: Mock, async_options: dict) -> None:
    async def scenario() -> List[int]:
        async with uspacy.AsyncClient(**async_options) as client:
            pager = client.crm.items.iter("deals", list=3, page=1)
            first = await asyncio.gather(*(pager.__anext__() for _ in range(10)))
            second = await asyncio.gather(*(pager.__anext__() for _ in range(10)))
            return [deal["id"] for deal in first + second]

    ids = asyncio.run(scenario())

    assert len(ids) == 20
    assert len(set(ids)) == 20


def test_async_iteration_keeps_custom_fields(mock: Mock, async_options: dict) -> None:
    page = '{"data": [{"id": 1, "uf_crm_9": {"a": [1, 2]}}, {"id": 2, "title": "Друга"}], ' \
        '"meta": {"current_page": 1, "last_page": 1, "per_page": 2, "total": 2}}'
    respond(mock, f"GET {DEALS}", page)

    async def scenario() -> List[Any]:
        async with uspacy.AsyncClient(**async_options) as client:
            return [deal async for deal in client.crm.items.iter("deals")]

    assert asyncio.run(scenario()) == [{"id": 1, "uf_crm_9": {"a": [1, 2]}}, {"id": 2, "title": "Друга"}]


def test_escapes_and_numbers_match_json_loads(mock: Mock, client: uspacy.Client) -> None:
    body = r'{"title": "\u0423\u0433\u043e\u0434\u0430 \ud83d\ude00 \"q\" \\ \/", "n": [0, -7, 18446744073709551615, 1.5e3, -0.0, 1E-2]}'
    respond(mock, f"GET {DEALS}/1", body)

    deal = client.crm.items.get("deals", 1)

    assert deal == json.loads(body)
    assert [type(n) for n in deal["n"]] == [int, int, int, float, float, float]


def test_lone_surrogate_is_decode_error(mock: Mock, client: uspacy.Client) -> None:
    respond(mock, f"GET {DEALS}/1", r'{"title": "\ud800"}')

    with pytest.raises(uspacy.DecodeError):
        client.crm.items.get("deals", 1)


def test_items_of_a_page_share_key_objects(mock: Mock, client: uspacy.Client) -> None:
    page = client.crm.items.list("deals", list=3)
    first, second = (list(item) for item in page["data"][:2])

    assert first == second
    assert all(a is b for a, b in zip(first, second))
