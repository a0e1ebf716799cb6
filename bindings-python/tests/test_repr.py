"""repr() of clients, token pairs and errors shows no secrets."""

import asyncio
import pickle

import uspacy

from conftest import Mock


def test_client_repr_hides_credentials(mock: Mock) -> None:
    client = uspacy.Client(base_url=mock.base_url, email=mock.email, password=mock.password)
    client.authenticate()

    text = repr(client)
    assert text == f"<uspacy.Client base_url='{mock.base_url}/' auth=password>"
    assert mock.password not in text
    assert client.tokens.access_token not in text
    client.close()
    assert repr(client).endswith("auth=password closed>")


def test_app_and_token_clients_repr(mock: Mock) -> None:
    app = uspacy.Client(base_url=mock.base_url, client_id=mock.client_id, client_secret=mock.client_secret)
    issued = mock.issue_tokens(3600)
    tokens = uspacy.AsyncClient(
        base_url=mock.base_url, access_token=issued["access_token"], refresh_token=issued["refresh_token"]
    )

    assert mock.client_secret not in repr(app)
    assert "auth=app" in repr(app)
    assert issued["access_token"] not in repr(tokens)
    assert issued["refresh_token"] not in repr(tokens)
    assert repr(tokens).startswith("<uspacy.AsyncClient ")
    asyncio.run(tokens.close())


def test_webhook_key_is_redacted(mock: Mock) -> None:
    client = uspacy.Client(webhook_url=mock.webhook_url)
    key = mock.webhook_url.rsplit("/", 1)[1]

    assert key not in repr(client)
    assert key not in client.base_url
    assert "/run/***" in client.base_url


def test_token_pair_repr() -> None:
    pair = uspacy.TokenPair("header.payload.signature", "refresh-secret", 1_900_000_000)

    assert repr(pair) == "TokenPair(access_token='***', refresh_token='***', expires_at=1900000000)"
    assert str(pair) == repr(pair)
    assert repr(uspacy.TokenPair("a")) == "TokenPair(access_token='***', refresh_token=None, expires_at=None)"
    assert pair.to_dict() == {
        "access_token": "header.payload.signature",
        "refresh_token": "refresh-secret",
        "expires_at": 1_900_000_000,
    }
    assert pickle.loads(pickle.dumps(pair)) == pair


def test_namespace_repr(client: uspacy.Client) -> None:
    assert repr(client.crm.items) == "<uspacy namespace crm.items>"
    assert repr(client.crm.items.iter("deals")) == "<uspacy.Pager crm.items.list>"


def test_error_repr_has_no_body(mock: Mock, client: uspacy.Client) -> None:
    mock.fault("GET /crm/v1/entities/deals", "respond", status=500, body="secret-looking body")

    try:
        client.crm.items.list("deals")
    except uspacy.ApiError as error:
        assert "secret-looking body" not in repr(error)
        assert "status=500" in repr(error)
    else:
        raise AssertionError("no error raised")
