"""Every exception class, raised from real mock faults, and argument checks."""

import asyncio
import pickle
from datetime import timedelta

import pytest

import uspacy
from uspacy import _native

from conftest import FAST_RETRIES, Mock

DEALS = "/crm/v1/entities/deals"


def make_client(mock: Mock, **options) -> uspacy.Client:
    return uspacy.Client(
        base_url=mock.base_url, email=mock.email, password=mock.password, **{**FAST_RETRIES, **options}
    )


def attempts(mock: Mock, method: str, path: str) -> int:
    return len(mock.requests_to(method, path))


def test_hierarchy() -> None:
    for name in ("Unauthorized", "Forbidden", "NotFound", "ValidationError", "RateLimited", "Duplicate"):
        assert issubclass(getattr(uspacy, name), uspacy.ApiError)
    for name in ("ApiError", "SessionExpired", "NetworkError", "DecodeError", "ConfigError"):
        assert issubclass(getattr(uspacy, name), uspacy.UspacyError)
    assert issubclass(uspacy.Timeout, uspacy.NetworkError)
    assert issubclass(uspacy.ConfigError, ValueError)
    assert issubclass(uspacy.UspacyError, Exception)


def test_not_found(mock: Mock, client: uspacy.Client) -> None:
    with pytest.raises(uspacy.NotFound) as raised:
        client.crm.items.get("deals", 987654)

    error = raised.value
    assert error.status == 404
    assert error.method == "GET"
    assert error.url == f"{mock.base_url}{DEALS}/987654"
    assert "987654" in error.message
    assert b"987654" in error.body
    assert error.kind == "not_found"
    assert not error.retryable
    assert attempts(mock, "GET", f"{DEALS}/987654") == 1


def test_forbidden(mock: Mock, client: uspacy.Client) -> None:
    mock.fault(f"GET {DEALS}", "status", status=403)

    with pytest.raises(uspacy.Forbidden) as raised:
        client.crm.items.list("deals")
    assert raised.value.status == 403


def test_validation_error_has_field_errors(mock: Mock, client: uspacy.Client) -> None:
    body = {"message": "The given data was invalid.", "errors": {"title": ["The title field is required."]}}
    mock.fault(f"POST {DEALS}", "respond", status=422, body=body)

    with pytest.raises(uspacy.ValidationError) as raised:
        client.crm.items.create("deals", {})

    assert raised.value.status == 422
    assert raised.value.field_errors == {"title": ["The title field is required."]}
    assert raised.value.message == "The given data was invalid."


def test_rate_limited_after_retries(mock: Mock) -> None:
    mock.fault(f"GET {DEALS}", "rate_limited", retry_after="0")

    with make_client(mock, max_attempts=3) as client, pytest.raises(uspacy.RateLimited) as raised:
        client.crm.items.list("deals")

    assert raised.value.status == 429
    assert raised.value.retry_after == 0.0
    assert raised.value.retryable
    assert attempts(mock, "GET", DEALS) == 3


def test_rate_limited_over_cap_fails_at_once(mock: Mock) -> None:
    mock.fault(f"GET {DEALS}", "rate_limited", retry_after="120")

    with make_client(mock, max_retry_after=1) as client, pytest.raises(uspacy.RateLimited) as raised:
        client.crm.items.list("deals")

    assert raised.value.retry_after == 120.0
    assert attempts(mock, "GET", DEALS) == 1


def test_rate_limited_then_success(mock: Mock, client: uspacy.Client) -> None:
    mock.fault(f"POST {DEALS}", "rate_limited", times=1, retry_after="0")

    created = client.crm.items.create("deals", {"title": "Після 429"})

    assert created["title"] == "Після 429"
    assert attempts(mock, "POST", DEALS) == 2


def test_html_502_keeps_status_and_body(mock: Mock) -> None:
    mock.fault(f"GET {DEALS}", "html_error", status=502)

    with make_client(mock, max_attempts=2) as client, pytest.raises(uspacy.ApiError) as raised:
        client.crm.items.list("deals")

    error = raised.value
    assert type(error) is uspacy.ApiError
    assert error.status == 502
    assert error.text is not None and "<html" in error.text.lower()
    assert error.retryable
    assert attempts(mock, "GET", DEALS) == 2


def test_503_on_post_is_not_retried(mock: Mock, client: uspacy.Client) -> None:
    mock.fault(f"POST {DEALS}", "status", status=503, times=3)

    with pytest.raises(uspacy.ApiError) as raised:
        client.crm.items.create("deals", {"title": "x"})

    assert raised.value.status == 503
    assert raised.value.method == "POST"
    assert attempts(mock, "POST", DEALS) == 1


def test_503_on_get_is_retried(mock: Mock, client: uspacy.Client) -> None:
    mock.fault(f"GET {DEALS}", "status", status=503, times=2)

    page = client.crm.items.list("deals", list=1)

    assert len(page["data"]) == 1
    assert attempts(mock, "GET", DEALS) == 3


def test_dropped_connection(mock: Mock) -> None:
    mock.fault(f"GET {DEALS}", "drop_connection")

    with make_client(mock, max_attempts=2) as client, pytest.raises(uspacy.NetworkError) as raised:
        client.crm.items.list("deals")

    assert not isinstance(raised.value, uspacy.Timeout)
    assert raised.value.status is None
    assert raised.value.retryable
    assert attempts(mock, "GET", DEALS) == 2


def test_dropped_connection_on_post_is_not_retried(mock: Mock, client: uspacy.Client) -> None:
    mock.fault(f"POST {DEALS}", "drop_connection")

    with pytest.raises(uspacy.NetworkError):
        client.crm.items.create("deals", {"title": "x"})
    assert attempts(mock, "POST", DEALS) == 1


def test_timeout(mock: Mock) -> None:
    mock.fault(f"GET {DEALS}", "latency", latency_ms=3000)

    with make_client(mock, request_timeout=0.3, max_attempts=1) as client, pytest.raises(uspacy.Timeout):
        client.crm.items.list("deals")


def test_malformed_json_is_decode_error(mock: Mock, client: uspacy.Client) -> None:
    mock.fault(f"GET {DEALS}/1", "malformed_json")

    with pytest.raises(uspacy.DecodeError) as raised:
        client.crm.items.get("deals", 1)

    assert raised.value.status == 200
    assert raised.value.body
    assert not isinstance(raised.value, uspacy.ApiError)


def test_malformed_page_in_iteration_names_json_path(mock: Mock, client: uspacy.Client) -> None:
    mock.fault(f"GET {DEALS}", "respond", status=200, body={"data": {"not": "a list"}})

    with pytest.raises(uspacy.DecodeError) as raised:
        next(client.crm.items.iter("deals"))
    assert raised.value.json_path == "data"


def test_duplicate(mock: Mock, client: uspacy.Client) -> None:
    body = {"message": "E11000 duplicate key error collection: messenger.messages index: _id_"}
    mock.fault(f"POST {DEALS}", "respond", status=400, body=body)

    with pytest.raises(uspacy.Duplicate) as raised:
        client.crm.items.create("deals", {"title": "x"})
    assert raised.value.status == 400


def test_unauthorized_on_webhook(mock: Mock) -> None:
    mock.fault("*", "expired_token")

    with uspacy.Client(webhook_url=mock.webhook_url) as client, pytest.raises(uspacy.Unauthorized) as raised:
        client.crm.items.list("deals")

    assert raised.value.status == 401
    assert mock.webhook_url.rsplit("/", 1)[1] not in str(raised.value)
    assert "/run/***/" in raised.value.url


def test_async_errors(mock: Mock, async_options: dict) -> None:
    mock.fault(f"GET {DEALS}/1", "malformed_json")

    async def scenario() -> None:
        async with uspacy.AsyncClient(**async_options) as client:
            with pytest.raises(uspacy.NotFound):
                await client.crm.items.get("deals", 987654)
            with pytest.raises(uspacy.DecodeError):
                await client.crm.items.get("deals", 1)
            with pytest.raises(uspacy.ConfigError):
                await client.call("no.such.op")

    asyncio.run(scenario())


def test_exceptions_pickle(client: uspacy.Client) -> None:
    with pytest.raises(uspacy.NotFound) as raised:
        client.crm.items.get("deals", 987654)

    copy = pickle.loads(pickle.dumps(raised.value))
    assert type(copy) is uspacy.NotFound
    assert str(copy) == str(raised.value)
    assert copy.status == 404
    assert copy.body == raised.value.body


def test_panic_becomes_uspacy_error() -> None:
    with pytest.raises(uspacy.UspacyError, match="internal error") as raised:
        _native._panic_for_test()
    assert raised.value.kind == "internal"

    async def panic_async() -> None:
        await _native._panic_for_test(asynchronous=True)

    with pytest.raises(uspacy.UspacyError, match="internal error"):
        asyncio.run(panic_async())


BAD_CONFIG = [
    ({}, "no portal given"),
    ({"domain": 5}, "`domain` must be a str, got int"),
    ({"domain": "  "}, "`domain` is empty"),
    ({"domain": "bad domain!"}, "invalid portal domain"),
    ({"base_url": "ftp://acme.uspacy.ua"}, "unsupported URL scheme `ftp`"),
    ({"base_url": "not a url"}, "invalid base_url"),
    ({"domain": "acme", "email": "a@acme.ua"}, "`password` is missing"),
    ({"domain": "acme", "password": "x"}, "`email` is missing"),
    ({"domain": "acme", "code": "123456"}, "`email` is missing"),
    ({"domain": "acme", "client_id": "app"}, "`client_secret` is missing"),
    ({"domain": "acme", "refresh_token": "r"}, "`access_token` is missing"),
    ({"domain": "acme", "email": "a@acme.ua", "password": "x", "client_id": "app"}, "pass one kind of credentials"),
    ({"webhook_url": "https://acme.uspacy.ua/crm/v1"}, "invalid incoming-webhook URL"),
    ({"access_token": "not-a-jwt"}, "portal domain"),
    ({"domain": "acme", "request_timeout": 0}, "`request_timeout` must be a positive number of seconds"),
    ({"domain": "acme", "connect_timeout": -1}, "`connect_timeout` must be a positive number"),
    ({"domain": "acme", "upload_timeout": "300"}, "`upload_timeout` must be a positive number of seconds (int, float or datetime.timedelta), got str"),
    ({"domain": "acme", "initial_backoff": True}, "`initial_backoff` must be a number of seconds"),
    ({"domain": "acme", "max_elapsed": float("nan")}, "`max_elapsed` must be a number of seconds, 0 or more, got NaN"),
    ({"domain": "acme", "max_backoff": float("inf")}, "`max_backoff` must be a number of seconds"),
    ({"domain": "acme", "max_attempts": 0}, "`max_attempts` must be 1 or more"),
    ({"domain": "acme", "max_attempts": 2.5}, "`max_attempts` must be an int"),
    ({"domain": "acme", "max_attempts": True}, "`max_attempts` must be an int"),
    ({"domain": "acme", "user_agent": b"bot"}, "`user_agent` must be a str, got bytes"),
    ({"domain": "acme", "email": "a@acme.ua", "password": "x", "on_tokens": 5}, "`on_tokens` must be a callable"),
    ({"domain": "acme", "on_tokens": print}, "`on_tokens` is never called"),
]


@pytest.mark.parametrize("options, fragment", BAD_CONFIG)
def test_bad_config(options: dict, fragment: str) -> None:
    with pytest.raises(uspacy.ConfigError) as raised:
        uspacy.Client(**options)
    assert fragment in str(raised.value)
    assert raised.value.kind == "config"


def test_async_callback_is_rejected() -> None:
    async def persist(pair: uspacy.TokenPair) -> None:
        pass

    with pytest.raises(uspacy.ConfigError, match="not `async def`"):
        uspacy.AsyncClient(domain="acme", email="a@acme.ua", password="x", on_tokens=persist)


def test_good_config_variants() -> None:
    client = uspacy.Client(
        domain="acme",
        email="a@acme.ua",
        password="x",
        connect_timeout=timedelta(seconds=2),
        request_timeout=5,
        upload_timeout=60.5,
        max_attempts=1,
        initial_backoff=0,
        max_retry_after=0,
        refresh_skew=timedelta(0),
        user_agent="my-app/1.0",
    )
    assert client.base_url == "https://acme.uspacy.ua/"
    assert uspacy.Client(domain="acme.example.com").base_url == "https://acme.example.com/"


def test_defaults_come_from_core() -> None:
    defaults = uspacy.defaults()
    assert set(defaults) == {
        "connect_timeout",
        "request_timeout",
        "upload_timeout",
        "max_attempts",
        "initial_backoff",
        "max_backoff",
        "max_retry_after",
        "max_elapsed",
        "user_agent",
    }
    assert defaults["max_attempts"] >= 1
    assert defaults["user_agent"].startswith("uspacy-python/")
