"""Calls through the generated namespaces, checked against what the mock
recorded: method, path, query and body."""

import json
import urllib.parse

import pytest

import uspacy

from conftest import Mock

DEALS = "/crm/v1/entities/deals"


def only_request(mock: Mock) -> dict:
    recorded = mock.requests()
    assert len(recorded) == 1, recorded
    return recorded[0]


def test_list_sends_documented_query(mock: Mock, client: uspacy.Client) -> None:
    page = client.crm.items.list("deals", page=2, list=25)

    recorded = only_request(mock)
    assert recorded["method"] == "GET"
    assert recorded["path"] == DEALS
    assert recorded["query"] == "page=2&list=25"
    assert len(page["data"]) == 25


def test_smart_filter_is_bracket_encoded(mock: Mock, client: uspacy.Client) -> None:
    smart_filter = {
        "condition": "and",
        "filters": [
            {"field": "owner", "operator": "eq", "values": [1]},
            {"field": "title", "operator": "like", "values": ["Постачання"]},
        ],
    }

    page = client.crm.items.list("deals", list=10, filters=smart_filter)

    query = only_request(mock)["query"]
    assert query == (
        "list=10"
        "&filters[condition]=and"
        "&filters[filters][0][field]=owner"
        "&filters[filters][0][operator]=eq"
        "&filters[filters][0][values][0]=1"
        "&filters[filters][1][field]=title"
        "&filters[filters][1][operator]=like"
        "&filters[filters][1][values][0]=" + urllib.parse.quote("Постачання")
    )
    assert isinstance(page["data"], list)


def test_extra_query_and_none_values(mock: Mock, client: uspacy.Client) -> None:
    client.crm.items.list("deals", page=None, list=5, query={"owner": [1, 2], "q": ""})

    assert only_request(mock)["query"] == "list=5&owner[]=1&owner[]=2&q="


def test_query_parameter_given_twice(client: uspacy.Client) -> None:
    with pytest.raises(uspacy.ConfigError, match="`list` is given twice"):
        client.crm.items.list("deals", list=5, query={"list": 10})


def test_create_sends_json_body(mock: Mock, client: uspacy.Client) -> None:
    created = client.crm.items.create("deals", {"title": "Постачання обладнання", "uf_crm_1716200002": "expo"})

    recorded = only_request(mock)
    assert recorded["method"] == "POST"
    assert recorded["path"] == DEALS
    assert json.loads(recorded["body"]) == {"title": "Постачання обладнання", "uf_crm_1716200002": "expo"}
    headers = dict((name, value) for name, value in recorded["headers"])
    assert headers["content-type"] == "application/json"
    assert created["title"] == "Постачання обладнання"
    assert isinstance(created["id"], int)


def test_update_sends_patch_to_item_path(mock: Mock, client: uspacy.Client) -> None:
    updated = client.crm.items.update("deals", 7, {"title": "Нова назва"})

    recorded = only_request(mock)
    assert recorded["method"] == "PATCH"
    assert recorded["path"] == f"{DEALS}/7"
    assert json.loads(recorded["body"]) == {"title": "Нова назва"}
    assert updated["title"] == "Нова назва"


def test_path_parameter_is_one_segment(mock: Mock, client: uspacy.Client) -> None:
    with pytest.raises(uspacy.NotFound):
        client.crm.items.get("deals", "7/../../x?y")

    assert only_request(mock)["path"] == f"{DEALS}/7%2F..%2F..%2Fx%3Fy"


def test_multipart_upload_with_cyrillic_filename(mock: Mock, client: uspacy.Client) -> None:
    content = b"%PDF-1.4 test document\n"

    uploaded = client.files.upload(
        files=[("Договір №5.pdf", content, "application/pdf")],
        fields={"entityType": "deals", "entityId": 7},
    )

    recorded = only_request(mock)
    assert recorded["method"] == "POST"
    assert recorded["path"] == "/files/v1/files"
    headers = dict((name, value) for name, value in recorded["headers"])
    assert headers["content-type"].startswith("multipart/form-data; boundary=")
    body = recorded["body"]
    assert 'name="files[]"; filename="Договір №5.pdf"' in body
    assert "Content-Type: application/pdf" in body
    assert content.decode() in body
    assert 'name="entityType"\r\n\r\ndeals\r\n' in body
    assert 'name="entityId"\r\n\r\n7\r\n' in body
    assert json.dumps(uploaded, ensure_ascii=False).count("Договір №5.pdf") == 1


def test_upload_without_fields_fails_validation(client: uspacy.Client) -> None:
    with pytest.raises(uspacy.ValidationError) as raised:
        client.files.upload(files=[("a.txt", b"a")])

    assert raised.value.status == 422
    assert set(raised.value.field_errors) == {"entityType", "entityId"}


def test_operation_the_mock_lacks_still_sends(mock: Mock, client: uspacy.Client) -> None:
    mock.fault("POST /tasks/v1/tasks", "respond", status=201, body={"id": "42", "title": "Дзвінок"})
    mock.fault("POST /messenger/v1/chats/chat-1/pin", "respond", status=204)

    task = client.tasks.create({"title": "Дзвінок", "responsibleId": 1})
    pinned = client.messenger.chats.pin("chat-1")

    recorded = mock.requests()
    assert [(r["method"], r["path"]) for r in recorded] == [
        ("POST", "/tasks/v1/tasks"),
        ("POST", "/messenger/v1/chats/chat-1/pin"),
    ]
    assert json.loads(recorded[0]["body"]) == {"title": "Дзвінок", "responsibleId": 1}
    assert task == {"id": "42", "title": "Дзвінок"}
    assert pinned is None


def test_empty_body_is_none(mock: Mock, client: uspacy.Client) -> None:
    mock.fault(f"GET {DEALS}/1", "empty_body", times=1)

    assert client.crm.items.get("deals", 1) is None


def test_generic_call_and_paginate(client: uspacy.Client) -> None:
    item = client.call("crm.items.get", {"entity_code": "deals", "id": 1})
    first = next(iter(client.paginate("crm.items.list", {"entity_code": "deals"}, query={"list": 3})))

    assert item["id"] == 1
    assert first["id"] == 1


@pytest.mark.parametrize(
    "arguments, fragment",
    [
        ({"op_id": "crm.items.nope"}, "unknown operation `crm.items.nope`"),
        ({"op_id": "crm.items.get", "path_params": {"entity_code": "deals"}}, "missing path parameter `id`"),
        ({"op_id": "crm.items.create", "path_params": {"entity_code": "deals"}, "body": {"at": object()}}, "body cannot be sent as JSON"),
        ({"op_id": "files.upload", "files": ["a.txt"]}, "files[0] must be a (filename, content)"),
        ({"op_id": "files.upload", "files": [("a.txt", "text")]}, "the content must be bytes"),
        ({"op_id": "files.upload", "files": [("a.txt", b"a")], "fields": {"x": {}}}, 'fields["x"] must be a str'),
        ({"op_id": "files.upload", "files": [("a.txt", b"a")], "body": {}}, "not both"),
        ({"op_id": "crm.items.list", "path_params": {"entity_code": "deals"}, "query": [1]}, "query must be a dict"),
        ({"op_id": 5}, "the op id must be a str"),
    ],
)
def test_bad_call_arguments(mock: Mock, client: uspacy.Client, arguments: dict, fragment: str) -> None:
    with pytest.raises(uspacy.ConfigError) as raised:
        client.call(**arguments)

    assert fragment in str(raised.value)
    assert mock.requests() == []


def test_closed_client_rejects_calls(client: uspacy.Client) -> None:
    client.close()
    client.close()

    assert client.closed
    with pytest.raises(uspacy.ConfigError, match="closed"):
        client.crm.items.list("deals")
