"""Threads, the GIL, the shared token refresh and the asyncio event loop."""

import asyncio
import json
import os
import pathlib
import signal
import subprocess
import sys
import threading
import time
from typing import List

import pytest

import uspacy

from conftest import FAST_RETRIES, Mock

REFRESH = "/auth/v1/auth/refresh_token"
DEAL = "/crm/v1/entities/deals/1"
THREADS = 8


def test_threads_share_one_refresh(mock: Mock) -> None:
    issued = mock.issue_tokens(-5)
    stored: List[dict] = []
    store_lock = threading.Lock()

    def persist(pair: uspacy.TokenPair) -> None:
        # Slow, lock-taking persistence, as writing to a file or database is.
        with store_lock:
            time.sleep(0.05)
            stored.append(pair.to_dict())

    client = uspacy.Client(
        base_url=mock.base_url,
        access_token=issued["access_token"],
        refresh_token=issued["refresh_token"],
        on_tokens=persist,
    )
    barrier = threading.Barrier(THREADS)
    results: List[int] = []
    failures: List[BaseException] = []

    def call() -> None:
        barrier.wait()
        try:
            results.append(client.crm.items.get("deals", 1)["id"])
        except BaseException as error:  # noqa: BLE001 - reported by the asserts below
            failures.append(error)

    threads = [threading.Thread(target=call) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert not any(thread.is_alive() for thread in threads), "a thread is stuck: deadlock"
    assert failures == []
    assert results == [1] * THREADS
    assert len(mock.requests_to("POST", REFRESH)) == 1
    assert len(stored) == 1
    assert stored[0]["access_token"] == client.tokens.access_token


def test_threads_calling_across_expiry(mock: Mock) -> None:
    issued = mock.issue_tokens(2)
    stored: List[str] = []
    client = uspacy.Client(
        base_url=mock.base_url,
        access_token=issued["access_token"],
        refresh_token=issued["refresh_token"],
        refresh_skew=0,
        on_tokens=lambda pair: stored.append(pair.access_token),
    )
    deadline = time.monotonic() + 3.5
    calls = [0]
    failures: List[BaseException] = []
    count_lock = threading.Lock()

    def call_until_deadline() -> None:
        while time.monotonic() < deadline:
            try:
                client.crm.items.get("deals", 1)
            except BaseException as error:  # noqa: BLE001 - reported by the asserts below
                failures.append(error)
                return
            with count_lock:
                calls[0] += 1
            time.sleep(0.02)

    threads = [threading.Thread(target=call_until_deadline) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert not any(thread.is_alive() for thread in threads), "a thread is stuck: deadlock"
    assert failures == []
    assert calls[0] > THREADS * 20
    assert len(mock.requests_to("POST", REFRESH)) == 1
    assert len(stored) == 1


def test_refresh_callback_runs_while_python_threads_are_busy(mock: Mock) -> None:
    issued = mock.issue_tokens(-5)
    seen: List[str] = []
    stop = threading.Event()

    def spin() -> None:
        # Pure Python work that wants the GIL all the time.
        while not stop.is_set():
            sum(range(1000))

    spinners = [threading.Thread(target=spin) for _ in range(2)]
    for spinner in spinners:
        spinner.start()
    try:
        client = uspacy.Client(
            base_url=mock.base_url,
            access_token=issued["access_token"],
            refresh_token=issued["refresh_token"],
            on_tokens=lambda pair: seen.append(pair.access_token),
        )
        assert client.crm.items.get("deals", 1)["id"] == 1
    finally:
        stop.set()
        for spinner in spinners:
            spinner.join()
    assert len(seen) == 1


def test_blocking_call_releases_the_gil(mock: Mock, client: uspacy.Client) -> None:
    mock.fault(f"GET {DEAL}", "latency", times=1, latency_ms=500)
    counted = [0]
    stop = threading.Event()

    def count() -> None:
        while not stop.is_set():
            counted[0] += 1

    counter = threading.Thread(target=count)
    counter.start()
    try:
        before = counted[0]
        client.crm.items.get("deals", 1)
        during = counted[0] - before
    finally:
        stop.set()
        counter.join()
    # With the GIL held for the 0.5 s wait the counter would stall.
    assert during > 10_000


def test_ctrl_c_interrupts_blocking_call(mock: Mock, client: uspacy.Client) -> None:
    if threading.current_thread() is not threading.main_thread():
        pytest.skip("signals reach only the main thread")
    mock.fault(f"GET {DEAL}", "latency", times=1, latency_ms=5000)
    timer = threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT))

    started = time.monotonic()
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        client.crm.items.get("deals", 1)
    timer.join()

    assert time.monotonic() - started < 2


def test_event_loop_keeps_running(mock: Mock, async_options: dict) -> None:
    mock.fault(f"GET {DEAL}", "latency", times=3, latency_ms=1000)

    async def scenario() -> tuple:
        ticks = 0
        done = asyncio.Event()

        async def ticker() -> None:
            nonlocal ticks
            while not done.is_set():
                await asyncio.sleep(0.01)
                ticks += 1

        async with uspacy.AsyncClient(**async_options) as client:
            await client.authenticate()
            ticking = asyncio.create_task(ticker())
            started = time.monotonic()
            deals = await asyncio.gather(*(client.crm.items.get("deals", 1) for _ in range(3)))
            elapsed = time.monotonic() - started
            done.set()
            await ticking
        return ticks, elapsed, deals

    ticks, elapsed, deals = asyncio.run(scenario())

    assert [deal["id"] for deal in deals] == [1, 1, 1]
    # Three 1 s calls overlap (in turn they would take 3 s), and the 10 ms
    # ticker keeps going: with a blocked loop it would tick a few times at most.
    assert elapsed < 2.5
    assert ticks >= 30


def test_cancelled_task_stops_waiting(mock: Mock, async_options: dict) -> None:
    mock.fault(f"GET {DEAL}", "latency", times=1, latency_ms=5000)

    async def scenario() -> float:
        async with uspacy.AsyncClient(**async_options) as client:
            await client.authenticate()
            started = time.monotonic()
            with pytest.raises(asyncio.TimeoutError):
                await asyncio.wait_for(client.crm.items.get("deals", 1), timeout=0.2)
            return time.monotonic() - started

    assert asyncio.run(scenario()) < 1.5


def test_clients_share_nothing(mock: Mock) -> None:
    first = uspacy.Client(base_url=mock.base_url, email=mock.email, password=mock.password, **FAST_RETRIES)
    second = uspacy.Client(base_url=mock.base_url, email=mock.email, password=mock.password, **FAST_RETRIES)

    first.authenticate()
    second.authenticate()

    assert first.tokens.access_token != second.tokens.access_token



GATE_SCRIPT = """
import asyncio, json, sys, time
import uspacy
from uspacy import _native

ended = []

def slow_hook(pair):
    # Runs on a runtime thread, sleeping with the GIL released.
    time.sleep(0.5)
    ended.append(time.monotonic())

async def main():
    client = uspacy.AsyncClient(
        base_url=sys.argv[1], access_token=sys.argv[2], refresh_token=sys.argv[3], on_tokens=slow_hook
    )
    call = asyncio.ensure_future(client.crm.items.get("deals", 1))
    await asyncio.sleep(0.2)
    # What the atexit hook does when the interpreter exits now.
    _native.close_gate()
    returned = time.monotonic()
    print(json.dumps({"hook_ended": bool(ended), "before_return": bool(ended) and ended[0] <= returned}))

asyncio.run(main())
"""


def test_exit_waits_for_runtime_threads_inside_python(mock: Mock, tmp_path: pathlib.Path) -> None:
    """At interpreter exit no runtime thread may be between taking the GIL
    and releasing it, because Python aborts the process when such a thread
    wakes up during finalization. The `atexit` hook waits for it."""
    issued = mock.issue_tokens(-5)
    script = tmp_path / "gate.py"
    script.write_text(GATE_SCRIPT)

    result = subprocess.run(
        [sys.executable, str(script), mock.base_url, issued["access_token"], issued["refresh_token"]],
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    assert "Fatal Python error" not in result.stderr
    assert json.loads(result.stdout) == {"hook_ended": True, "before_return": True}
