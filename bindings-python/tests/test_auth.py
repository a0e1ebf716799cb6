"""Sign-in with each kind of credentials, token persistence and refresh."""

import asyncio
from typing import Any, List

import pytest

import uspacy

from conftest import FAST_RETRIES, Mock

SIGN_IN = "/auth/v1/auth/sign_in"
APP_SIGN_IN = "/auth/v1/auth/app_sign_in"
REFRESH = "/auth/v1/auth/refresh_token"
ME = "/company/v1/users/me"
DEALS = "/crm/v1/entities/deals"


def test_password_sign_in(mock: Mock) -> None:
    pairs: List[uspacy.TokenPair] = []
    with uspacy.Client(
        base_url=mock.base_url, email=mock.email, password=mock.password, on_tokens=pairs.append
    ) as client:
        page = client.crm.items.list("deals", page=1, list=1)

    assert len(page["data"]) == 1
    sign_ins = mock.requests_to("POST", SIGN_IN)
    assert len(sign_ins) == 1
    assert '"email"' in sign_ins[0]["body"]
    assert len(pairs) == 1
    assert pairs[0].access_token.count(".") == 2
    assert pairs[0].refresh_token
    assert pairs[0].expires_at is not None


def test_password_sign_in_with_two_factor_code(mock: Mock) -> None:
    info = mock.info
    with uspacy.Client(
        base_url=mock.base_url,
        email=info["two_factor_email"],
        password=info["two_factor_password"],
        code=info["two_factor_code"],
    ) as client:
        client.authenticate()
        assert client.tokens is not None

    body = mock.requests_to("POST", SIGN_IN)[0]["body"]
    assert f'"code":"{info["two_factor_code"]}"' in body.replace(" ", "")


def test_two_factor_without_code_is_rejected(mock: Mock) -> None:
    info = mock.info
    client = uspacy.Client(
        base_url=mock.base_url, email=info["two_factor_email"], password=info["two_factor_password"]
    )
    with pytest.raises(uspacy.ValidationError) as raised:
        client.authenticate()
    assert "code" in raised.value.field_errors


def test_app_sign_in(mock: Mock) -> None:
    pairs: List[uspacy.TokenPair] = []
    with uspacy.Client(
        base_url=mock.base_url,
        client_id=mock.client_id,
        client_secret=mock.client_secret,
        on_tokens=pairs.append,
    ) as client:
        client.crm.items.list("deals", list=1)

    assert len(mock.requests_to("POST", APP_SIGN_IN)) == 1
    assert len(pairs) == 1


def test_token_pair_sign_in(mock: Mock) -> None:
    issued = mock.issue_tokens(3600)
    with uspacy.Client(
        base_url=mock.base_url,
        access_token=issued["access_token"],
        refresh_token=issued["refresh_token"],
    ) as client:
        client.crm.items.list("deals", list=1)

    recorded = mock.requests_to("GET", DEALS)
    assert len(recorded) == 1
    headers = dict((name, value) for name, value in recorded[0]["headers"])
    assert headers["authorization"] == f"Bearer {issued['access_token']}"
    assert mock.requests_to("POST", SIGN_IN) == []
    assert mock.requests_to("POST", REFRESH) == []


def test_expired_token_is_refreshed_first(mock: Mock) -> None:
    issued = mock.issue_tokens(-5)
    pairs: List[uspacy.TokenPair] = []
    with uspacy.Client(
        base_url=mock.base_url,
        access_token=issued["access_token"],
        refresh_token=issued["refresh_token"],
        on_tokens=pairs.append,
    ) as client:
        client.crm.items.list("deals", list=1)
        assert client.tokens == pairs[-1]

    refreshes = mock.requests_to("POST", REFRESH)
    assert len(refreshes) == 1
    headers = dict((name, value) for name, value in refreshes[0]["headers"])
    assert headers["authorization"] == f"Bearer {issued['refresh_token']}"
    assert len(pairs) == 1
    assert pairs[0].access_token != issued["access_token"]


def test_stored_pair_starts_a_new_client(mock: Mock) -> None:
    stored: List[dict] = []
    with uspacy.Client(
        base_url=mock.base_url,
        email=mock.email,
        password=mock.password,
        on_tokens=lambda pair: stored.append(pair.to_dict()),
    ) as first:
        first.authenticate()

    with uspacy.Client(base_url=mock.base_url, **{k: stored[-1][k] for k in ("access_token", "refresh_token")}) as second:
        second.crm.items.list("deals", list=1)
    assert len(mock.requests_to("POST", SIGN_IN)) == 1


def test_401_refreshes_once_and_replays(mock: Mock, client: uspacy.Client) -> None:
    mock.fault(f"GET {DEALS}", "expired_token", times=1)

    page = client.crm.items.list("deals", list=1)

    assert len(page["data"]) == 1
    assert len(mock.requests_to("GET", DEALS)) == 2
    assert len(mock.requests_to("POST", REFRESH)) == 1


def test_explicit_refresh_returns_new_pair(client: uspacy.Client) -> None:
    before = client.tokens
    after = client.refresh()
    assert isinstance(after, uspacy.TokenPair)
    assert after.access_token != before.access_token
    assert client.tokens == after


def test_webhook_calls_without_tokens(mock: Mock) -> None:
    with uspacy.Client(webhook_url=mock.webhook_url) as client:
        page = client.crm.items.list("deals", list=1)
        assert client.tokens is None

    assert len(page["data"]) == 1
    recorded = mock.requests()[0]
    assert recorded["path"].endswith(DEALS)
    assert "/incoming_webhooks/run/" in recorded["path"]
    assert all(name != "authorization" for name, _ in recorded["headers"])


def test_wrong_password_raises_unauthorized(mock: Mock) -> None:
    client = uspacy.Client(base_url=mock.base_url, email=mock.email, password="not-the-password")
    with pytest.raises(uspacy.ApiError) as raised:
        client.crm.items.list("deals")
    assert isinstance(raised.value, (uspacy.Unauthorized, uspacy.ValidationError))
    assert raised.value.status in (401, 422)
    assert "not-the-password" not in str(raised.value)


def test_rejected_refresh_token_ends_session(mock: Mock) -> None:
    issued = mock.issue_tokens(-5)
    client = uspacy.Client(
        base_url=mock.base_url, access_token=issued["access_token"], refresh_token="no-such-token"
    )
    with pytest.raises(uspacy.SessionExpired):
        client.crm.items.list("deals")
    with pytest.raises(uspacy.SessionExpired):
        client.crm.items.list("deals")
    assert len(mock.requests_to("POST", REFRESH)) == 1


def test_async_sign_in_and_refresh(mock: Mock) -> None:
    pairs: List[uspacy.TokenPair] = []

    async def scenario() -> None:
        async with uspacy.AsyncClient(
            base_url=mock.base_url,
            email=mock.email,
            password=mock.password,
            on_tokens=pairs.append,
            **FAST_RETRIES,
        ) as client:
            await client.authenticate()
            refreshed = await client.refresh()
            assert client.tokens == refreshed

    asyncio.run(scenario())
    assert len(pairs) == 2
    assert len(mock.requests_to("POST", SIGN_IN)) == 1
    assert len(mock.requests_to("POST", REFRESH)) == 1


def test_failing_callback_is_logged_not_raised(mock: Mock, caplog: pytest.LogCaptureFixture) -> None:
    def persist(pair: uspacy.TokenPair) -> None:
        raise OSError("disk full")

    with uspacy.Client(
        base_url=mock.base_url, email=mock.email, password=mock.password, on_tokens=persist
    ) as client, caplog.at_level("WARNING", logger="uspacy"):
        client.crm.items.list("deals", list=1)

    warnings = [r for r in caplog.records if r.name == "uspacy" and r.levelname == "WARNING"]
    assert len(warnings) == 1
    assert "on_tokens" in warnings[0].getMessage()
    assert isinstance(warnings[0].exc_info[1], OSError)


def test_refresh_running_at_close_is_not_reported(mock: Mock) -> None:
    issued = mock.issue_tokens(-5)
    pairs: List[uspacy.TokenPair] = []
    mock.fault(f"POST {REFRESH}", "latency", times=1, latency_ms=300)

    async def scenario() -> Any:
        client = uspacy.AsyncClient(
            base_url=mock.base_url,
            access_token=issued["access_token"],
            refresh_token=issued["refresh_token"],
            on_tokens=pairs.append,
        )
        call = asyncio.ensure_future(client.crm.items.list("deals", list=1))
        await asyncio.sleep(0.1)
        await client.close()
        return await call

    page = asyncio.run(scenario())

    assert page["data"]
    assert len(mock.requests_to("POST", REFRESH)) == 1
    assert pairs == []
