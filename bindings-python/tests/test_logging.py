"""The core's tracing events reach Python's logging without secrets."""

import logging
from typing import List

import pytest

import uspacy

from conftest import Mock


def all_text(records: List[logging.LogRecord]) -> str:
    parts = []
    for record in records:
        parts.append(record.getMessage())
        parts.append(repr(getattr(record, "uspacy", {})))
    return "\n".join(parts)


def test_sign_in_and_refresh_logs_hold_no_secrets(mock: Mock, caplog: pytest.LogCaptureFixture) -> None:
    pairs: List[uspacy.TokenPair] = []
    caplog.set_level(logging.DEBUG, logger="uspacy")

    with uspacy.Client(
        base_url=mock.base_url, email=mock.email, password=mock.password, on_tokens=pairs.append
    ) as client:
        client.crm.items.list("deals", list=1)
        client.refresh()
        mock.fault("GET /crm/v1/entities/deals", "expired_token", times=1)
        client.crm.items.list("deals", list=1)

    records = [record for record in caplog.records if record.name.startswith("uspacy")]
    text = all_text(records)
    secrets = [mock.password]
    for pair in pairs:
        secrets.append(pair.access_token)
        secrets.append(pair.refresh_token)
    assert len(pairs) == 3
    for secret in secrets:
        assert secret not in text
    assert "Bearer" not in text

    messages = [record.getMessage() for record in records]
    assert any(message.startswith("signed in") for message in messages)
    assert sum(message.startswith("access token refreshed") for message in messages) == 2
    attempts = [record for record in records if record.getMessage().startswith("uspacy request attempt")]
    assert attempts
    assert all(record.levelno == logging.DEBUG for record in attempts)
    assert any(record.uspacy.get("op") == "crm.items.list" for record in attempts)
    assert any(record.uspacy.get("status") == "200" for record in attempts)


def test_app_secret_and_webhook_key_not_logged(mock: Mock, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="uspacy")

    with uspacy.Client(base_url=mock.base_url, client_id=mock.client_id, client_secret=mock.client_secret) as app:
        app.crm.items.list("deals", list=1)
    with uspacy.Client(webhook_url=mock.webhook_url) as webhook:
        webhook.crm.items.list("deals", list=1)
        mock.fault("GET *", "status", status=404, times=1)
        with pytest.raises(uspacy.NotFound):
            webhook.crm.items.list("deals", list=1)

    text = all_text(caplog.records)
    assert mock.client_secret not in text
    assert mock.webhook_url.rsplit("/", 1)[1] not in text
    assert text


def test_levels_and_logger_names(mock: Mock, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="uspacy")

    with uspacy.Client(base_url=mock.base_url, email=mock.email, password=mock.password) as client:
        client.crm.items.list("deals", list=1)

    records = [record for record in caplog.records if record.name.startswith("uspacy")]
    assert records
    assert all(record.levelno >= logging.INFO for record in records)
    assert {record.name for record in records} == {"uspacy.auth"}


def test_nothing_logged_when_disabled(mock: Mock, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="uspacy")

    with uspacy.Client(base_url=mock.base_url, email=mock.email, password=mock.password) as client:
        client.crm.items.list("deals", list=1)

    assert [record for record in caplog.records if record.name.startswith("uspacy")] == []
