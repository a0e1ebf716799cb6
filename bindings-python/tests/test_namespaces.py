"""One call in each top-level namespace, through the generated methods of
both clients, checked against the request the mock recorded.

The calls create records (a department, a webhook, a post...), so they run
against a mock portal of their own instead of the session's. Every
namespace gets a real answer from the mock; no fault stands in for one.
"""

import asyncio
import json
import pathlib
from typing import Any, Callable, Dict, Iterator, Optional

import pytest

import uspacy
from uspacy import _generated

from conftest import Mock, mock_ready, spawn_mock, stop_mock

CSV = "name,phone\nІван Петренко,+380441234567\n"


class Case:
    """A call of one namespace and the request it must send."""

    def __init__(
        self,
        namespace: str,
        call: Callable[[Any, pathlib.Path], Any],
        method: str,
        path: str,
        query: Optional[str] = None,
        json_body: Any = None,
        parts: Optional[list] = None,
        returns: Optional[Callable[[Any], bool]] = None,
        signed: bool = True,
    ) -> None:
        self.namespace = namespace
        self.call = call
        self.method = method
        self.path = path
        self.query = query
        self.json_body = json_body
        self.parts = parts or []
        self.returns = returns
        # Whether the operation needs sign-in and so sends the bearer token.
        self.signed = signed


def csv_file(folder: pathlib.Path) -> pathlib.Path:
    path = folder / "контакти.csv"
    path.write_text(CSV, encoding="utf-8")
    return path


CASES = [
    Case(
        "auth",
        lambda c, _: c.auth.check_email(email="admin@demo.uspacy.ua"),
        "GET",
        "/auth/v1/users/check_email",
        query="email=admin%40demo.uspacy.ua",
        returns=lambda r: r["status"] is False,
        signed=False,
    ),
    Case("users", lambda c, _: c.users.get(1), "GET", "/company/v1/users/1", returns=lambda r: r["id"] == 1),
    Case(
        "departments",
        lambda c, _: c.departments.create({"name": "Відділ закупівель"}),
        "POST",
        "/company/v1/departments",
        json_body={"name": "Відділ закупівель"},
        returns=lambda r: r["name"] == "Відділ закупівель",
    ),
    Case("roles", lambda c, _: c.roles.list(), "GET", "/company/v1/roles", returns=lambda r: len(r) > 0),
    Case(
        "invites",
        lambda c, _: c.invites.check(email="нова@demo.uspacy.ua"),
        "GET",
        "/company/v1/users/check_invite",
        query="email=%D0%BD%D0%BE%D0%B2%D0%B0%40demo.uspacy.ua",
        returns=lambda r: "status" in r,
    ),
    Case(
        "custom_fields",
        lambda c, _: c.custom_fields.fields.list(),
        "GET",
        "/company/v1/custom_fields/users/fields",
        returns=lambda r: isinstance(r, list),
    ),
    Case(
        "webhooks",
        lambda c, _: c.webhooks.outgoing.create(
            {"name": "Угоди", "url": "https://hooks.example.ua/deals", "events": ["crm.deals.create"]}
        ),
        "POST",
        "/company/v1/webhooks",
        json_body={"name": "Угоди", "url": "https://hooks.example.ua/deals", "events": ["crm.deals.create"]},
    ),
    Case(
        "newsfeed",
        lambda c, _: c.newsfeed.posts.create({"title": "Новини", "message": "Привіт усім"}),
        "POST",
        "/newsfeed/v1/posts",
        json_body={"title": "Новини", "message": "Привіт усім"},
        returns=lambda r: r["message"] == "Привіт усім",
    ),
    Case(
        "tasks",
        lambda c, _: c.tasks.list(page=1, list=5),
        "GET",
        "/tasks/v1/tasks",
        query="page=1&list=5",
        returns=lambda r: len(r["data"]) <= 5,
    ),
    Case(
        "files",
        lambda c, _: c.files.totals.get_size(),
        "GET",
        "/files/v1/totals/size",
        returns=lambda r: "size" in r["data"],
    ),
    Case(
        "comments",
        lambda c, _: c.comments.list(entity_type="deals", entity_id=1),
        "GET",
        "/comments/v1/comments",
        query="entityType=deals&entityId=1",
        returns=lambda r: isinstance(r["data"], list),
    ),
    Case(
        "groups",
        lambda c, _: c.groups.list(page=1, list=2, q="Прод"),
        "GET",
        "/groups/v1/groups",
        query="page=1&list=2&q=%D0%9F%D1%80%D0%BE%D0%B4",
        returns=lambda r: isinstance(r["data"], list),
    ),
    Case(
        "crm",
        lambda c, _: c.crm.items.update("deals", 3, {"title": "Нова назва"}),
        "PATCH",
        "/crm/v1/entities/deals/3",
        json_body={"title": "Нова назва"},
        returns=lambda r: r["id"] == 3 and r["title"] == "Нова назва",
    ),
    Case(
        "search",
        lambda c, _: c.search.query(q="Постачання"),
        "GET",
        "/search/v1/search",
        query="q=%D0%9F%D0%BE%D1%81%D1%82%D0%B0%D1%87%D0%B0%D0%BD%D0%BD%D1%8F",
        returns=lambda r: isinstance(r["data"], dict),
    ),
    Case(
        "file_import",
        lambda c, folder: c.file_import.upload_csv(files=[csv_file(folder)], fields={"entity_type": "contacts"}),
        "POST",
        "/fileimport/v1/csv-import",
        parts=[
            'name="file"; filename="контакти.csv"\r\nContent-Type: application/octet-stream\r\n\r\n' + CSV,
            'name="entity_type"\r\n\r\ncontacts\r\n',
        ],
        returns=lambda r: r["file_name"] == "контакти.csv" and r["total_rows"] == 1,
    ),
    Case(
        "apps",
        lambda c, _: c.apps.list(q="Telegram"),
        "GET",
        "/apps/v1/apps",
        query="q=Telegram",
        returns=lambda r: isinstance(r["data"], list),
    ),
    Case(
        "email",
        lambda c, _: c.email.mailboxes.list(),
        "GET",
        "/email/v1/emails",
        returns=lambda r: isinstance(r["data"], list),
    ),
    Case(
        "history",
        lambda c, _: c.history.changes.list("crm", "deals", 1, page=1),
        "GET",
        "/history/v1/crm/deals/1",
        query="page=1",
        returns=lambda r: isinstance(r["data"], list),
    ),
    Case(
        "activities",
        lambda c, _: c.activities.create({"title": "Дзвінок клієнту", "type": "call"}),
        "POST",
        "/activities/v1/activities",
        json_body={"title": "Дзвінок клієнту", "type": "call"},
        returns=lambda r: r["title"] == "Дзвінок клієнту",
    ),
    Case(
        "messenger",
        lambda c, _: c.messenger.chats.list(type="EXTERNAL", limit=2),
        "GET",
        "/messenger/v1/chats",
        query="type=EXTERNAL&limit=2",
        returns=lambda r: all(chat["type"] == "EXTERNAL" for chat in r["data"]),
    ),
]


def test_every_namespace_has_a_case() -> None:
    namespaces = set(vars(_generated.ClientNamespaces(None)))

    assert sorted(case.namespace for case in CASES) == sorted(namespaces)


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Mock]:
    """Start a mock portal for this module only."""
    log_path = tmp_path_factory.mktemp("namespaces") / "uspacy-mock.log"
    with open(log_path, "w") as log:
        process = spawn_mock(log=log)
        try:
            yield mock_ready(process, log_path)
        finally:
            stop_mock(process)


def make_call(flavour: str, portal: Mock, case: Case, folder: pathlib.Path) -> Any:
    """Sign in, forget that request, and make the case's call."""
    options: Dict[str, Any] = {"base_url": portal.base_url, "email": portal.email, "password": portal.password}
    if flavour == "sync":
        with uspacy.Client(**options) as client:
            client.authenticate()
            portal.control("DELETE", "/__mock/requests")
            return case.call(client, folder)

    async def main() -> Any:
        async with uspacy.AsyncClient(**options) as client:
            await client.authenticate()
            portal.control("DELETE", "/__mock/requests")
            return await case.call(client, folder)

    return asyncio.run(main())


@pytest.mark.parametrize("flavour", ["sync", "async"])
@pytest.mark.parametrize("case", CASES, ids=[case.namespace for case in CASES])
def test_one_call_per_namespace(portal: Mock, tmp_path: pathlib.Path, case: Case, flavour: str) -> None:
    result = make_call(flavour, portal, case, tmp_path)

    recorded = portal.requests()
    assert len(recorded) == 1, recorded
    request = recorded[0]
    assert (request["method"], request["path"], request["query"]) == (case.method, case.path, case.query)
    headers = dict(request["headers"])
    if case.signed:
        assert headers["authorization"].startswith("Bearer ")
    else:
        assert "authorization" not in headers
    body = request["body"]
    if case.json_body is not None:
        assert headers["content-type"] == "application/json"
        assert json.loads(body) == case.json_body
    elif case.parts:
        assert headers["content-type"].startswith("multipart/form-data; boundary=")
        for part in case.parts:
            assert part in body
    else:
        assert body == ""
    if case.returns is not None:
        assert case.returns(result), result
