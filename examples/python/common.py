"""Shared pieces of the Python scenarios: the client from the environment,
the write guard and the mapping of list-field option titles to values."""

import os
import sys
from typing import NoReturn

import uspacy


def fail(message: str) -> NoReturn:
    print(f"error: {message}", file=sys.stderr)
    sys.exit(1)


def connect() -> "tuple[uspacy.Client, bool]":
    """Build a client from USPACY_* variables; return it and whether the portal is live.

    USPACY_BASE_URL selects a local mock portal, USPACY_DOMAIN a live one
    (https://{domain}.uspacy.ua). Credentials are tried in this order:
    e-mail and password, app id and secret, incoming-webhook URL.
    """
    base_url = os.environ.get("USPACY_BASE_URL")
    domain = os.environ.get("USPACY_DOMAIN")
    if base_url and domain:
        fail("set either USPACY_BASE_URL (a mock portal) or USPACY_DOMAIN (a live portal), not both")
    if not base_url and not domain:
        fail("set USPACY_BASE_URL (a mock portal) or USPACY_DOMAIN (a live portal) and credentials")
    portal = {"base_url": base_url} if base_url else {"domain": domain}

    env = os.environ.get
    if env("USPACY_EMAIL") and env("USPACY_PASSWORD"):
        credentials = {"email": env("USPACY_EMAIL"), "password": env("USPACY_PASSWORD")}
    elif env("USPACY_CLIENT_ID") and env("USPACY_CLIENT_SECRET"):
        credentials = {"client_id": env("USPACY_CLIENT_ID"), "client_secret": env("USPACY_CLIENT_SECRET")}
    elif env("USPACY_WEBHOOK_URL"):
        credentials = {"webhook_url": env("USPACY_WEBHOOK_URL")}
    else:
        fail("missing credentials: set USPACY_EMAIL and USPACY_PASSWORD, "
             "USPACY_CLIENT_ID and USPACY_CLIENT_SECRET, or USPACY_WEBHOOK_URL")
    return uspacy.Client(**portal, **credentials), domain is not None


def may_write(live: bool, write_flag: bool) -> bool:
    """Return whether changes may be sent: always to a mock, to a live portal only with --write."""
    if live and not write_flag:
        print("live portal without --write: reading only, changes are printed as a plan")
        return False
    return True


def list_options(client: uspacy.Client, entity: str, field_code: str) -> "dict[str, str]":
    """Return {option title: option value} of a list field, read from the field definitions."""
    for field in client.crm.fields.list(entity)["data"]:
        if field["code"] == field_code:
            if field.get("type") != "list":
                fail(f"field {field_code} of {entity} is of type {field.get('type')}, not list")
            return {option["title"]: option["value"] for option in field.get("values") or []}
    fail(f"field {field_code} not found among the fields of {entity}")


def map_titles(options: "dict[str, str]", titles: "list[str]", field_code: str, context: str = "") -> "list[str]":
    """Map option titles to their values; a title that is not an option is an error.

    `context` starts the error message, e.g. "line 5: " for a CSV row.
    """
    values = []
    for title in titles:
        title = title.strip()
        if not title:
            continue
        if title not in options:
            fail(f"{context}'{title}' is not an option of {field_code}; options: {', '.join(options)}")
        values.append(options[title])
    return values
