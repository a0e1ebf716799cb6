"""Shared pieces of the Python scenarios: the client from the environment,
the write guard, the mapping of list-field option titles to values, and the
error messages that match those of the Rust and Node.js scenarios."""

import contextlib
import os
import sys
from typing import Iterator, NoReturn

import uspacy


def fail(message: str) -> NoReturn:
    print(f"error: {message}", file=sys.stderr)
    sys.exit(1)


@contextlib.contextmanager
def exit_on_sdk_error(action: str) -> Iterator[None]:
    """Turn an SDK error raised in the block into `error: {action} failed: {error}` and exit status 1.

    The SDK's message contains no secret (it redacts tokens and webhook keys)
    and no request or response body.
    """
    try:
        yield
    except uspacy.UspacyError as error:
        fail(f"{action} failed: {error}")


def os_error_text(error: OSError) -> str:
    """Return an OS error as Rust's std::io::Error prints it: "No such file or directory (os error 2)"."""
    if error.errno is None or error.strerror is None:
        return str(error)
    return f"{error.strerror} (os error {error.errno})"


def read_text(path: str) -> str:
    """Read a UTF-8 text file, failing with the Rust version's message when it cannot be read or decoded."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as error:
        fail(f"cannot read {path}: {os_error_text(error)}")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        # Rust's fs::read_to_string reports invalid UTF-8 with this text.
        fail(f"cannot read {path}: stream did not contain valid UTF-8")


def connect() -> "tuple[uspacy.Client, bool]":
    """Build a client from USPACY_* variables; return it and whether the portal is live.

    USPACY_BASE_URL selects a local mock portal, USPACY_DOMAIN a live one
    (https://{domain}.uspacy.ua). Credentials are tried in this order:
    e-mail and password, app id and secret, incoming-webhook URL. An empty
    variable counts as unset.
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
    with exit_on_sdk_error("building the client"):
        client = uspacy.Client(**portal, **credentials)
    return client, not base_url


def may_write(live: bool, write_flag: bool) -> bool:
    """Return whether changes may be sent: always to a mock, to a live portal only with --write."""
    if live and not write_flag:
        print("live portal without --write: reading only, changes are printed as a plan")
        return False
    return True


def options_of(field: dict) -> "dict[str, str]":
    """Return {option title: option value} of a list field definition.

    An option without a title or a value is left out, because no title can select it.
    """
    options = {}
    for option in field.get("values") or []:
        title, value = option.get("title"), option.get("value")
        # The first option of a title wins, as in the other versions.
        if title is not None and value is not None:
            options.setdefault(title, value)
    return options


def list_options(client: uspacy.Client, entity: str, field_code: str) -> "dict[str, str]":
    """Return {option title: option value} of a list field, read from the field definitions."""
    with exit_on_sdk_error(f"listing the fields of {entity}"):
        fields = client.crm.fields.list(entity)["data"]
    for field in fields:
        if field.get("code") == field_code:
            field_type = field.get("type")
            if field_type != "list":
                shown_type = "(none)" if field_type is None else field_type
                fail(f"field {field_code} of {entity} is of type {shown_type}, not list")
            return options_of(field)
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
