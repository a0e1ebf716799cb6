"""Replays the cross-language conformance cases of tests/conformance/ at
the workspace root with `uspacy.Client` and `uspacy.AsyncClient`, through
their generic `call` and `paginate` entry points.

The format and the comparison rules are in tests/conformance/README.md;
core/tests/conformance.rs is the reference runner. Every case runs against
a fresh mock portal (`--deals 120`). The next mock starts while a case
runs, so the cases do not wait for its startup.
"""

import asyncio
import base64
import json
import pathlib
import subprocess
import threading
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple

import pytest

import uspacy

from conftest import WORKSPACE_DIR, Mock, mock_ready, spawn_mock, stop_mock

CASES_DIR = WORKSPACE_DIR / "tests" / "conformance"
CASE_TIMEOUT_SECS = 60

# The exception class of each error kind the cases name.
KIND_CLASSES = {
    "api": uspacy.ApiError,
    "unauthorized": uspacy.Unauthorized,
    "forbidden": uspacy.Forbidden,
    "not_found": uspacy.NotFound,
    "validation": uspacy.ValidationError,
    "rate_limited": uspacy.RateLimited,
    "session_expired": uspacy.SessionExpired,
    "duplicate": uspacy.Duplicate,
    "network": uspacy.NetworkError,
    "timeout": uspacy.Timeout,
    "decode": uspacy.DecodeError,
    "config": uspacy.ConfigError,
}

# A call's outcome: its value, or the exception it raised.
Outcome = Tuple[Any, Optional[BaseException]]


def load_cases() -> List[Tuple[str, Dict[str, Any]]]:
    """Load every case of every file, as (`file.case_name`, case)."""
    cases = []
    for path in sorted(CASES_DIR.glob("*.json")):
        for case in json.loads(path.read_text(encoding="utf-8")):
            cases.append((f"{path.stem}.{case['name']}", case))
    return cases


CASES = load_cases()


def test_cases_found() -> None:
    names = [name for name, _ in CASES]
    assert len(names) >= 40, f"only {len(names)} cases in {CASES_DIR}"
    assert len(set(names)) == len(names), "two cases share a name"


# ---------------------------------------------------------------------------
# Mock portals


class MockPool:
    """Hands out a freshly started mock per case and starts the next one at
    once, so its startup overlaps the case that runs meanwhile."""

    def __init__(self, log: Any, log_path: pathlib.Path) -> None:
        self._log = log
        self._log_path = log_path
        self._spare: Optional["subprocess.Popen[str]"] = None

    def _spawn(self) -> "subprocess.Popen[str]":
        return spawn_mock("--deals", "120", log=self._log)

    def take(self) -> Tuple["subprocess.Popen[str]", Mock]:
        process = self._spare or self._spawn()
        self._spare = self._spawn()
        return process, mock_ready(process, self._log_path)

    def close(self) -> None:
        if self._spare is not None:
            stop_mock(self._spare)
            self._spare = None


@pytest.fixture(scope="module")
def mock_pool(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MockPool]:
    log_path = tmp_path_factory.mktemp("conformance") / "uspacy-mock.log"
    with open(log_path, "w") as log:
        pool = MockPool(log, log_path)
        try:
            yield pool
        finally:
            pool.close()


@pytest.fixture
def fresh_mock(mock_pool: MockPool) -> Iterator[Mock]:
    process, mock = mock_pool.take()
    try:
        yield mock
    finally:
        stop_mock(process)


# ---------------------------------------------------------------------------
# Running a case


def seconds(milliseconds: Any, default_ms: int) -> float:
    return (default_ms if milliseconds is None else milliseconds) / 1000


def client_options(mock: Mock, spec: Dict[str, Any]) -> Dict[str, Any]:
    """Return the client's keyword arguments for the case's `client` object."""
    retry = spec.get("retry", {})
    options: Dict[str, Any] = {
        "base_url": mock.base_url,
        "max_attempts": retry.get("max_attempts", 4),
        "initial_backoff": seconds(retry.get("initial_backoff_ms"), 10),
        "max_backoff": seconds(retry.get("max_backoff_ms"), 50),
        "max_retry_after": seconds(retry.get("max_retry_after_ms"), 5000),
        "max_elapsed": seconds(retry.get("max_elapsed_ms"), 20000),
        "request_timeout": seconds(spec.get("request_timeout_ms"), 30000),
    }
    credentials = spec.get("credentials", "password")
    if credentials == "password":
        options.update(email=mock.email, password=mock.password)
    elif credentials == "wrong_password":
        options.update(email=mock.email, password="not the password")
    elif credentials == "app":
        options.update(client_id=mock.client_id, client_secret=mock.client_secret)
    elif credentials in ("tokens", "expired_tokens"):
        issued = mock.issue_tokens(3600 if credentials == "tokens" else -10)
        options.update(access_token=issued["access_token"], refresh_token=issued["refresh_token"])
    elif credentials == "access_token_only":
        options.update(access_token=mock.issue_tokens(-10)["access_token"])
    elif credentials == "webhook":
        options.update(webhook_url=mock.webhook_url)
    elif credentials != "none":
        raise AssertionError(f"unknown credentials kind {credentials!r}")
    return options


def signs_in_first(case: Dict[str, Any]) -> bool:
    return case.get("client", {}).get("credentials", "password") in ("password", "app", "wrong_password")


def prepare(mock: Mock, case: Dict[str, Any]) -> None:
    """Queue the case's faults, then forget the requests sent so far."""
    if "faults" in case:
        mock.control("POST", "/__mock/faults", case["faults"])
    mock.control("DELETE", "/__mock/requests")


def call_arguments(call: Dict[str, Any]) -> Dict[str, Any]:
    """Return the keyword arguments of `client.call` for a case's `call`
    object. As in the reference runner, `fields` count only next to `files`."""
    arguments: Dict[str, Any] = {"query": call.get("query")}
    if "files" in call:
        arguments["files"] = [(file["name"], file["text"].encode()) for file in call["files"]]
        arguments["fields"] = call.get("fields")
    else:
        arguments["body"] = call.get("body")
    return arguments


def sync_call(client: uspacy.Client, call: Dict[str, Any]) -> Any:
    if call.get("paginate"):
        return list(client.paginate(call["op"], call.get("path"), query=call.get("query")))
    return client.call(call["op"], call.get("path"), **call_arguments(call))


async def async_call(client: uspacy.AsyncClient, call: Dict[str, Any]) -> Any:
    if call.get("paginate"):
        return [item async for item in client.paginate(call["op"], call.get("path"), query=call.get("query"))]
    return await client.call(call["op"], call.get("path"), **call_arguments(call))


def capture(function: Callable[[], Any]) -> Outcome:
    try:
        return function(), None
    except Exception as error:  # noqa: BLE001 - compared with the case below
        return None, error


def run_sync(mock: Mock, case: Dict[str, Any]) -> List[Outcome]:
    call = case["call"]
    concurrency = call.get("concurrency", 1)
    with uspacy.Client(**client_options(mock, case.get("client", {}))) as client:
        if signs_in_first(case):
            capture(client.authenticate)
        prepare(mock, case)
        if concurrency == 1:
            return [capture(lambda: sync_call(client, call))]

        start = threading.Barrier(concurrency)
        outcomes: List[Outcome] = []
        lock = threading.Lock()

        def worker() -> None:
            start.wait()
            outcome = capture(lambda: sync_call(client, call))
            with lock:
                outcomes.append(outcome)

        threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(CASE_TIMEOUT_SECS)
        assert not any(thread.is_alive() for thread in threads), "a call thread is stuck"
        return outcomes


def run_async(mock: Mock, case: Dict[str, Any]) -> List[Outcome]:
    call = case["call"]
    concurrency = call.get("concurrency", 1)

    async def one(client: uspacy.AsyncClient) -> Outcome:
        try:
            return await async_call(client, call), None
        except Exception as error:  # noqa: BLE001 - compared with the case below
            return None, error

    async def main() -> List[Outcome]:
        async with uspacy.AsyncClient(**client_options(mock, case.get("client", {}))) as client:
            if signs_in_first(case):
                try:
                    await client.authenticate()
                except uspacy.UspacyError:
                    pass
            prepare(mock, case)
            calls = asyncio.gather(*(one(client) for _ in range(concurrency)))
            return list(await asyncio.wait_for(calls, CASE_TIMEOUT_SECS))

    return asyncio.run(main())


# ---------------------------------------------------------------------------
# Comparing


def subset(expected: Any, actual: Any) -> bool:
    """Compare `actual` with `expected` by the subset rules of the README."""
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(
            key in actual and subset(value, actual[key]) for key, value in expected.items()
        )
    if isinstance(expected, list):
        return (
            isinstance(actual, list)
            and len(expected) == len(actual)
            and all(subset(e, a) for e, a in zip(expected, actual))
        )
    if is_number(expected):
        return is_number(actual) and float(expected) == float(actual)
    return type(expected) is type(actual) and expected == actual


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def same_json(expected: Any, actual: Any) -> bool:
    """Compare two JSON values exactly, so 1 differs from 1.0 and from true."""
    if type(expected) is not type(actual):
        return False
    if isinstance(expected, dict):
        return expected.keys() == actual.keys() and all(same_json(expected[k], actual[k]) for k in expected)
    if isinstance(expected, list):
        return len(expected) == len(actual) and all(same_json(e, a) for e, a in zip(expected, actual))
    return bool(expected == actual)


def check_outcome(expect: Dict[str, Any], outcome: Outcome, problems: List[str]) -> None:
    value, error = outcome
    expected_error = expect.get("error")
    if error is None:
        if expected_error is not None:
            problems.append(f"succeeded with {value!r}, expected an error")
            return
        if "ok" in expect and expect["ok"] is not True and not subset(expect["ok"], value):
            problems.append(f"value {value!r} does not match {expect['ok']!r}")
        if "items" in expect:
            count = len(value) if isinstance(value, list) else 0
            if count != expect["items"]:
                problems.append(f"{count} items, expected {expect['items']}")
        return
    if expected_error is None:
        problems.append(f"failed with {type(error).__name__}: {error}, expected success")
        return

    kind = expected_error["kind"]
    if not isinstance(error, uspacy.UspacyError):
        problems.append(f"raised {type(error).__name__}: {error}, expected a uspacy error of kind {kind}")
        return
    if error.kind != kind or type(error) is not KIND_CLASSES[kind]:
        problems.append(
            f"{type(error).__name__} of kind {error.kind} ({error}), "
            f"expected {KIND_CLASSES[kind].__name__} of kind {kind}"
        )
    if "status" in expected_error and error.status != expected_error["status"]:
        problems.append(f"status {error.status}, expected {expected_error['status']}")
    for field in expected_error.get("field_errors", []):
        if field not in error.field_errors:
            problems.append(f"no field error for {field!r}: {error.field_errors}")
    if "retry_after_s" in expected_error and error.retry_after != expected_error["retry_after_s"]:
        problems.append(f"retry_after {error.retry_after}, expected {expected_error['retry_after_s']} s")


def raw_body(recorded: Dict[str, Any]) -> bytes:
    if recorded.get("body") is not None:
        return str(recorded["body"]).encode()
    if recorded.get("body_base64"):
        return base64.b64decode(recorded["body_base64"])
    return b""


def check_requests(mock: Mock, expect: Dict[str, Any], problems: List[str]) -> None:
    recorded = mock.requests()
    expected = expect.get("request")
    if expected is not None:
        last = next((r for r in reversed(recorded) if not r["path"].startswith("/auth/")), None)
        if last is None:
            problems.append("no request was recorded")
        else:
            check_request(mock, expected, last, problems)
    for route, count in expect.get("count", {}).items():
        if route == "*":
            actual = len(recorded)
        else:
            method, path = route.split(" ", 1)
            actual = sum(1 for r in recorded if r["method"] == method and r["path"] == path)
        if actual != count:
            problems.append(f"{route} seen {actual} times, expected {count}")


def check_request(mock: Mock, expected: Dict[str, Any], request: Dict[str, Any], problems: List[str]) -> None:
    path = expected.get("path", "").replace("{webhook_key}", mock.webhook_key)
    if expected.get("method") != request["method"] or path != request["path"]:
        problems.append(f"request {request['method']} {request['path']}, expected {expected.get('method')} {path}")
    if "query" in expected and expected["query"] != request["query"]:
        problems.append(f"query {request['query']!r}, expected {expected['query']!r}")
    body = raw_body(request)
    if "json" in expected:
        try:
            sent = json.loads(body)
        except ValueError:
            sent = None
        if not same_json(expected["json"], sent):
            problems.append(f"body {sent!r}, expected {expected['json']!r}")
    text = body.decode("utf-8", errors="replace")
    for needle in expected.get("contains", []):
        if needle not in text:
            problems.append(f"body lacks {needle!r}")
    sent_headers = {name.lower() for name, _ in request["headers"]}
    for header in expected.get("no_header", []):
        if header.lower() in sent_headers:
            problems.append(f"header {header} was sent")


# ---------------------------------------------------------------------------
# The cases


@pytest.mark.parametrize("flavour", ["sync", "async"])
@pytest.mark.parametrize("case", [case for _, case in CASES], ids=[name for name, _ in CASES])
def test_case(fresh_mock: Mock, case: Dict[str, Any], flavour: str) -> None:
    run = run_sync if flavour == "sync" else run_async
    outcomes = run(fresh_mock, case)

    problems: List[str] = []
    expect = case["expect"]
    for outcome in outcomes:
        check_outcome(expect, outcome, problems)
    check_requests(fresh_mock, expect, problems)
    assert not problems, f"{case['name']} ({case.get('about', '')}):\n" + "\n".join(problems)
