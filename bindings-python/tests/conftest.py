"""Fixtures: one `uspacy-mock` portal per test session on a free loopback
port, reset between tests, and clients signed in to it. Tests that need a
portal of their own start one with `spawn_mock` and `mock_ready`.

The mock binary is not built here: `scripts/test.sh` builds it and sets
USPACY_MOCK_BIN. Without the variable the binary is looked up in cargo's
target folder (`<target>/<CARGO_BUILD_TARGET or host>/debug`, then
`<target>/debug`).
"""

import json
import os
import pathlib
import subprocess
import threading
import urllib.request
from typing import Any, Dict, Iterator, List, Optional

import pytest

import uspacy

PACKAGE_DIR = pathlib.Path(__file__).resolve().parent.parent
WORKSPACE_DIR = PACKAGE_DIR.parent
STARTUP_TIMEOUT_SECS = 60

# Requests go to 127.0.0.1 only; keep any configured HTTP proxy out of them.
for variable in ("NO_PROXY", "no_proxy"):
    os.environ[variable] = ",".join(
        part for part in (os.environ.get(variable), "127.0.0.1", "localhost", "::1") if part
    )

# Short backoffs keep the retry tests fast; the retry rules stay the core's.
FAST_RETRIES = {"initial_backoff": 0.01, "max_backoff": 0.05}


def pytest_report_header(config: pytest.Config) -> str:
    """Name the `uspacy` package under test, so a run against an installed
    wheel shows that it did not import the source folder."""
    return f"uspacy {uspacy.__version__} from {pathlib.Path(uspacy.__file__).parent}"


if os.environ.get("USPACY_TEST_INSTALLED") == "1":
    # scripts/test.sh sets this for the run against the built wheel.
    _imported = pathlib.Path(uspacy.__file__).resolve()
    if PACKAGE_DIR in _imported.parents:
        raise RuntimeError(
            f"USPACY_TEST_INSTALLED=1 but uspacy was imported from the source folder ({_imported})"
        )


def _host_triple() -> Optional[str]:
    try:
        output = subprocess.run(
            ["rustc", "-vV"], check=True, capture_output=True, text=True
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    for line in output.splitlines():
        if line.startswith("host: "):
            return line.split(": ", 1)[1].strip()
    return None


def mock_binary() -> pathlib.Path:
    """Return the path of the `uspacy-mock` binary; fail with the build
    command when it is missing."""
    explicit = os.environ.get("USPACY_MOCK_BIN")
    if explicit:
        path = pathlib.Path(explicit)
        if not path.is_file():
            pytest.fail(f"USPACY_MOCK_BIN={explicit} does not exist: build it with `cargo build -p uspacy-mock`")
        return path

    metadata = subprocess.run(
        ["cargo", "metadata", "--format-version", "1", "--no-deps"],
        check=True,
        capture_output=True,
        text=True,
        cwd=WORKSPACE_DIR,
    )
    target_dir = pathlib.Path(json.loads(metadata.stdout)["target_directory"])
    triple = os.environ.get("CARGO_BUILD_TARGET") or _host_triple()
    candidates = [target_dir / "debug" / "uspacy-mock"]
    if triple:
        candidates.insert(0, target_dir / triple / "debug" / "uspacy-mock")
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    pytest.fail(
        "the uspacy-mock binary is missing: run `bash bindings-python/scripts/test.sh`, "
        "or build it with `cargo build -p uspacy-mock` and set USPACY_MOCK_BIN"
    )


class Mock:
    """A running mock portal: its credentials and its control routes."""

    def __init__(self, info: Dict[str, Any]) -> None:
        self.info = info
        self.base_url: str = info["base_url"]
        self.email: str = info["email"]
        self.password: str = info["password"]
        self.client_id: str = info["client_id"]
        self.client_secret: str = info["client_secret"]
        self.webhook_url: str = info["webhook_url"]
        self.webhook_key: str = info["webhook_key"]
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def control(self, method: str, path: str, body: Any = None) -> Any:
        """Send a control request (`/__mock/...`) and return its JSON response."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base_url + path, data=data, method=method)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        with self._opener.open(request, timeout=10) as response:
            text = response.read().decode()
        return json.loads(text) if text else None

    def fault(self, route: str, kind: str, times: Optional[int] = None, **details: Any) -> None:
        """Queue a fault such as `fault("GET /crm/v1/entities/deals", "status", status=503)`."""
        spec = {"route": route, "kind": kind, **details}
        if times is not None:
            spec["times"] = times
        self.control("POST", "/__mock/faults", spec)

    def requests(self) -> List[Dict[str, Any]]:
        """Every request the mock received since the last reset, in order."""
        return self.control("GET", "/__mock/requests")

    def requests_to(self, method: str, path: str) -> List[Dict[str, Any]]:
        return [r for r in self.requests() if r["method"] == method and r["path"] == path]

    def issue_tokens(self, lifetime_secs: int) -> Dict[str, Any]:
        """A fresh token pair whose access token lives `lifetime_secs` (negative: expired)."""
        return self.control("POST", "/__mock/tokens", {"lifetime_secs": lifetime_secs})

    def reset(self) -> None:
        self.control("DELETE", "/__mock/faults")
        self.control("DELETE", "/__mock/requests")


def spawn_mock(*arguments: str, log: Any) -> "subprocess.Popen[str]":
    """Start `uspacy-mock --port 0 --json` with extra `arguments` on a free
    loopback port; its log goes to the open file `log`. `mock_ready` waits
    for it."""
    return subprocess.Popen(
        [str(mock_binary()), "--port", "0", "--json", *arguments],
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
        env={**os.environ, "RUST_LOG": "warn"},
    )


def mock_ready(process: "subprocess.Popen[str]", log_path: pathlib.Path) -> Mock:
    """Wait for the JSON line a started mock prints once it listens."""
    first_line: List[str] = []
    reader = threading.Thread(target=lambda: first_line.append(process.stdout.readline()), daemon=True)
    reader.start()
    reader.join(STARTUP_TIMEOUT_SECS)
    if not first_line or not first_line[0].strip():
        stop_mock(process)
        pytest.fail(
            f"uspacy-mock printed no JSON line within {STARTUP_TIMEOUT_SECS} s; "
            f"its log is {log_path}"
        )
    return Mock(json.loads(first_line[0]))


def stop_mock(process: "subprocess.Popen[str]") -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    if process.stdout is not None:
        process.stdout.close()


@pytest.fixture(scope="session")
def mock(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Mock]:
    """Start `uspacy-mock --port 0 --json` once and stop it after the session."""
    log_path = tmp_path_factory.mktemp("mock") / "uspacy-mock.log"
    with open(log_path, "w") as log:
        process = spawn_mock(log=log)
        try:
            yield mock_ready(process, log_path)
        finally:
            stop_mock(process)


@pytest.fixture(autouse=True)
def clean_mock(request: pytest.FixtureRequest) -> Iterator[None]:
    """Clear faults and recorded requests before each test that uses the mock."""
    if "mock" in request.fixturenames:
        request.getfixturevalue("mock").reset()
    yield


@pytest.fixture
def client(mock: Mock) -> Iterator[uspacy.Client]:
    """A blocking client signed in with the demo user's e-mail and password."""
    with uspacy.Client(
        base_url=mock.base_url, email=mock.email, password=mock.password, **FAST_RETRIES
    ) as client:
        client.authenticate()
        mock.control("DELETE", "/__mock/requests")
        yield client


@pytest.fixture
def async_options(mock: Mock) -> Dict[str, Any]:
    """Keyword arguments of an AsyncClient signed in as the demo user."""
    return {"base_url": mock.base_url, "email": mock.email, "password": mock.password, **FAST_RETRIES}
