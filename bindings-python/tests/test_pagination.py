"""Iteration over every item, page by page, for both clients."""

import asyncio

import pytest

import uspacy

from conftest import Mock

DEALS = "/crm/v1/entities/deals"


def deal_count(mock: Mock) -> int:
    """The number of deals of the mock portal, from its first page's meta."""
    with uspacy.Client(base_url=mock.base_url, email=mock.email, password=mock.password) as client:
        return client.crm.items.list("deals", list=1)["meta"]["total"]


def test_iterates_every_deal(mock: Mock, client: uspacy.Client) -> None:
    total = deal_count(mock)
    mock.control("DELETE", "/__mock/requests")

    ids = [deal["id"] for deal in client.crm.items.iter("deals", list=500)]

    assert total >= 5000
    assert len(ids) == total
    assert len(set(ids)) == total
    assert len(mock.requests_to("GET", DEALS)) == -(-total // 500)


def test_iteration_is_lazy(mock: Mock, client: uspacy.Client) -> None:
    pager = client.crm.items.iter("deals", list=100)
    assert mock.requests() == []

    first_page = [next(pager) for _ in range(100)]
    assert len(mock.requests_to("GET", DEALS)) == 1

    next(pager)
    assert len(mock.requests_to("GET", DEALS)) == 2
    assert len({deal["id"] for deal in first_page}) == 100
    pager.close()
    assert list(pager) == []


def test_iteration_starts_at_given_page(mock: Mock, client: uspacy.Client) -> None:
    total = deal_count(mock)
    mock.control("DELETE", "/__mock/requests")

    count = sum(1 for _ in client.crm.items.iter("deals", page=3, list=1000))

    assert count == total - 2000
    assert mock.requests_to("GET", DEALS)[0]["query"] == "page=3&list=1000"


def test_iteration_error_ends_iterator(mock: Mock, client: uspacy.Client) -> None:
    mock.fault(f"GET {DEALS}", "status", status=404)
    pager = client.crm.items.iter("deals")

    with pytest.raises(uspacy.NotFound):
        next(pager)
    with pytest.raises(StopIteration):
        next(pager)


def test_paginate_rejects_operation_without_paging(client: uspacy.Client) -> None:
    with pytest.raises(uspacy.ConfigError, match="does not page"):
        client.paginate("crm.items.get", {"entity_code": "deals", "id": 1})


def test_async_iterates_every_deal(mock: Mock, async_options: dict) -> None:
    total = deal_count(mock)

    async def collect() -> list:
        async with uspacy.AsyncClient(**async_options) as client:
            return [deal["id"] async for deal in client.crm.items.iter("deals", list=500)]

    ids = asyncio.run(collect())

    assert len(ids) == total
    assert len(set(ids)) == total


def test_async_iteration_error(mock: Mock, async_options: dict) -> None:
    mock.fault(f"GET {DEALS}", "status", status=403)

    async def first() -> None:
        async with uspacy.AsyncClient(**async_options) as client:
            async for _ in client.crm.items.iter("deals"):
                pass

    with pytest.raises(uspacy.Forbidden):
        asyncio.run(first())
