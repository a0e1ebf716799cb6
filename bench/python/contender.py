"""Python contenders of the benchmark suite.

Usage: python contender.py NAME < spec.json

NAME is one of ``uspacy-sync`` (``uspacy.Client``), ``uspacy-async``
(``uspacy.AsyncClient``), ``requests`` and ``httpx`` (hand-written clients
that send the same requests). The run specification is one JSON object on
stdin with the fields that ``bench/driver.py`` writes; the result is one
JSON line on stdout. Sync contenders run concurrent calls on a thread pool,
async contenders as asyncio tasks.
"""

import asyncio
import itertools
import json
import platform
import resource
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor


def status_kb(key):
    """Read a ``kB`` line of /proc/self/status (``VmRSS``, ``VmHWM``); 0 elsewhere."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def reset_peak_rss():
    """Resets VmHWM to the current RSS (Linux 4.0 and later)."""
    try:
        with open("/proc/self/clear_refs", "w") as clear_refs:
            clear_refs.write("5")
    except OSError:
        pass


class Section:
    """Wall time, CPU time of all threads and RSS around one timed section.

    Peaks come from VmHWM, not ``ru_maxrss``: a process started with vfork
    and exec inherits its parent's ``ru_maxrss``, so a contender started by
    the driver would report the driver's size.
    """

    def __init__(self):
        self.setup_peak_kb = status_kb("VmHWM")
        reset_peak_rss()
        self.rss_before_kb = status_kb("VmRSS")
        self.cpu = resource.getrusage(resource.RUSAGE_SELF)
        self.started = time.perf_counter()

    def finish(self, report):
        report["wall_s"] = time.perf_counter() - self.started
        cpu = resource.getrusage(resource.RUSAGE_SELF)
        report["cpu_user_s"] = cpu.ru_utime - self.cpu.ru_utime
        report["cpu_sys_s"] = cpu.ru_stime - self.cpu.ru_stime
        report["rss_before_kb"] = self.rss_before_kb
        report["rss_peak_kb"] = status_kb("VmHWM")
        report["process_peak_kb"] = max(report["rss_peak_kb"], self.setup_peak_kb)


class Failures:
    def __init__(self):
        self.count = 0
        self.first = None
        self.lock = threading.Lock()

    def record(self, error):
        with self.lock:
            self.count += 1
            if self.first is None:
                self.first = error if isinstance(error, str) else f"{type(error).__name__}: {error}"


def check_deal(deal, deal_id):
    if not isinstance(deal, dict) or deal.get("id") != deal_id:
        got = deal.get("id") if isinstance(deal, dict) else type(deal).__name__
        raise ValueError(f"requested deal {deal_id}, got {got!r}")


def check_created(deal):
    if not isinstance(deal, dict) or deal.get("id") is None:
        raise ValueError("the created deal has no id")


# --- Sync contenders -------------------------------------------------------


class UspacySync:
    def __init__(self, spec, access_token, refresh_token):
        import uspacy

        self.client = uspacy.Client(
            base_url=spec["base_url"], access_token=access_token, refresh_token=refresh_token
        )

    def get_deal(self, deal_id):
        check_deal(self.client.crm.items.get("deals", deal_id), deal_id)

    def export(self, total, page_size):
        count = 0
        for item in self.client.crm.items.iter("deals", page=1, list=page_size):
            if item.get("id") is None:
                raise ValueError(f"deal number {count} has no id")
            count += 1
            if count == total:
                break
        return count

    def decode_page(self, page_size):
        page = self.client.crm.items.list("deals", page=1, list=page_size)
        return len(page["data"]), None

    def create_deal(self, title):
        check_created(self.client.crm.items.create("deals", {"title": title}))

    def close(self):
        self.client.close()


class RequestsClient:
    """A hand-written client on a shared ``requests.Session``, with a token
    renewed once on a 401 however many threads see it."""

    def __init__(self, spec, access_token, refresh_token):
        import requests
        from requests.adapters import HTTPAdapter

        self.base_url = spec["base_url"].rstrip("/")
        self.session = requests.Session()
        # One pooled connection per concurrent call; the default keeps 10.
        pool = max(spec["concurrency"], spec["refresh_calls"], 10)
        self.session.mount("http://", HTTPAdapter(pool_connections=1, pool_maxsize=pool))
        self.access = access_token
        self.refresh = refresh_token
        self.generation = 0
        self.renewal = threading.Lock()

    def renew(self, seen):
        with self.renewal:
            if self.generation != seen:
                return
            response = self.session.post(
                f"{self.base_url}/auth/v1/auth/refresh_token",
                headers={"Authorization": f"Bearer {self.refresh}", "Accept": "application/json"},
            )
            response.raise_for_status()
            body = response.json()
            self.access, self.refresh = body["jwt"], body["refreshToken"]
            self.generation += 1

    def send(self, method, url, **kwargs):
        renewed = False
        while True:
            token, generation = self.access, self.generation
            headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
            response = self.session.request(method, url, headers=headers, **kwargs)
            if response.status_code == 401 and not renewed:
                renewed = True
                self.renew(generation)
                continue
            response.raise_for_status()
            return response

    def get_deal(self, deal_id):
        response = self.send("GET", f"{self.base_url}/crm/v1/entities/deals/{deal_id}")
        check_deal(response.json(), deal_id)

    def export(self, total, page_size):
        count, page = 0, 1
        while count < total:
            body = self.send(
                "GET", f"{self.base_url}/crm/v1/entities/deals", params={"page": page, "list": page_size}
            ).json()
            items = body["data"]
            for item in items[: total - count]:
                if item.get("id") is None:
                    raise ValueError(f"deal number {count} has no id")
                count += 1
            if not items or page >= body["meta"]["last_page"]:
                break
            page += 1
        return count

    def decode_page(self, page_size):
        response = self.send(
            "GET", f"{self.base_url}/crm/v1/entities/deals", params={"page": 1, "list": page_size}
        )
        raw = response.content
        started = time.perf_counter()
        body = json.loads(raw)
        return len(body["data"]), time.perf_counter() - started

    def create_deal(self, title):
        response = self.send("POST", f"{self.base_url}/crm/v1/entities/deals", json={"title": title})
        check_created(response.json())

    def close(self):
        self.session.close()


def run_threads(pool, count, concurrency, operation, failures):
    """Runs ``count`` calls of ``operation`` with ``concurrency`` in flight."""
    if concurrency <= 1:
        for _ in range(count):
            try:
                operation()
            except Exception as error:  # every failure is counted and reported
                failures.record(error)
        return
    tickets = itertools.count()

    def worker():
        while next(tickets) < count:
            try:
                operation()
            except Exception as error:
                failures.record(error)

    for future in [pool.submit(worker) for _ in range(concurrency)]:
        future.result()


def run_sync(factory, spec, report):
    workload = spec["workload"]
    threads = max(spec["concurrency"], spec["refresh_calls"])
    pool = ThreadPoolExecutor(max_workers=threads)
    failures = Failures()

    def connect(access=spec["access_token"], refresh=spec["refresh_token"]):
        return factory(spec, access, refresh)

    if workload == "get":
        client = connect()
        deal_id = spec["deal_id"]
        warmup = Failures()
        run_threads(pool, spec["warmup"], spec["concurrency"], lambda: client.get_deal(deal_id), warmup)
        if warmup.first:
            raise RuntimeError(f"warmup failed: {warmup.first}")
        section = Section()
        run_threads(pool, spec["count"], spec["concurrency"], lambda: client.get_deal(deal_id), failures)
        section.finish(report)
        report["operations"] = spec["count"]
    elif workload == "export":
        client = connect()
        client.export(spec["page_size"], spec["page_size"])
        section = Section()
        try:
            report["items"] = client.export(spec["export_total"], spec["page_size"])
        except Exception as error:
            failures.record(error)
        section.finish(report)
        report["operations"] = -(-spec["export_total"] // spec["page_size"])
    elif workload == "decode":
        client = connect()
        for _ in range(spec["warmup"]):
            client.decode_page(spec["decode_page_size"])
        pages = []
        section = Section()
        for _ in range(spec["count"]):
            try:
                pages.append(client.decode_page(spec["decode_page_size"]))
            except Exception as error:
                failures.record(error)
        section.finish(report)
        tally_pages(pages, spec, report, failures)
    elif workload == "create":
        client = connect()
        for index in range(spec["warmup"]):
            client.create_deal(f"Benchmark warmup deal {index}")
        titles = (f"Benchmark deal {index}" for index in range(spec["count"]))
        section = Section()
        run_threads(pool, spec["count"], 1, lambda: client.create_deal(next(titles)), failures)
        section.finish(report)
        report["operations"] = spec["count"]
    elif workload == "refresh":
        client = None
        warmup = Failures()
        for round_index in range(spec["warmup"]):
            sync_refresh_round(factory, pool, spec, round_index, warmup)
        if warmup.first:
            raise RuntimeError(f"warmup failed: {warmup.first}")
        section = Section()
        for round_index in range(spec["warmup"], spec["warmup"] + spec["count"]):
            sync_refresh_round(factory, pool, spec, round_index, failures)
        section.finish(report)
        report["concurrency"] = spec["refresh_calls"]
        report["operations"] = spec["count"] * spec["refresh_calls"]
    else:
        raise ValueError(f"unknown workload {workload!r}")
    if client is not None:
        client.close()
    pool.shutdown()
    return failures


def tally_pages(pages, spec, report, failures):
    """Checks the decoded pages and adds up the decode-only time, when the
    contender measures it apart from the transfer (``None`` otherwise)."""
    expected = spec["decode_page_size"]
    report["operations"] = spec["count"]
    report["items"] = sum(items for items, _ in pages)
    for items, _ in pages:
        if items != expected:
            failures.record(f"page had {items} items, expected {expected}")
    decode_times = [decode_s for _, decode_s in pages]
    if decode_times and None not in decode_times:
        report["decode_s"] = sum(decode_times)


def sync_refresh_round(factory, pool, spec, round_index, failures):
    pair = spec["expired_pairs"][round_index]
    client = factory(spec, pair["access_token"], pair["refresh_token"])
    deal_id = spec["deal_id"]
    calls = spec["refresh_calls"]
    run_threads(pool, calls, calls, lambda: client.get_deal(deal_id), failures)
    client.close()


# --- Async contenders ------------------------------------------------------


class UspacyAsync:
    def __init__(self, spec, access_token, refresh_token):
        import uspacy

        self.client = uspacy.AsyncClient(
            base_url=spec["base_url"], access_token=access_token, refresh_token=refresh_token
        )

    async def get_deal(self, deal_id):
        check_deal(await self.client.crm.items.get("deals", deal_id), deal_id)

    async def export(self, total, page_size):
        count = 0
        async for item in self.client.crm.items.iter("deals", page=1, list=page_size):
            if item.get("id") is None:
                raise ValueError(f"deal number {count} has no id")
            count += 1
            if count == total:
                break
        return count

    async def decode_page(self, page_size):
        page = await self.client.crm.items.list("deals", page=1, list=page_size)
        return len(page["data"]), None

    async def create_deal(self, title):
        check_created(await self.client.crm.items.create("deals", {"title": title}))

    async def close(self):
        await self.client.close()


class HttpxClient:
    """A hand-written client on ``httpx.AsyncClient``, with a token renewed
    once on a 401 however many tasks see it."""

    def __init__(self, spec, access_token, refresh_token):
        import httpx

        self.base_url = spec["base_url"].rstrip("/")
        # Keep one connection per concurrent call; the default keeps 20.
        pool = max(spec["concurrency"], spec["refresh_calls"], 10)
        self.http = httpx.AsyncClient(
            limits=httpx.Limits(max_connections=pool, max_keepalive_connections=pool)
        )
        self.access = access_token
        self.refresh = refresh_token
        self.generation = 0
        self.renewal = asyncio.Lock()

    async def renew(self, seen):
        async with self.renewal:
            if self.generation != seen:
                return
            response = await self.http.post(
                f"{self.base_url}/auth/v1/auth/refresh_token",
                headers={"Authorization": f"Bearer {self.refresh}", "Accept": "application/json"},
            )
            response.raise_for_status()
            body = response.json()
            self.access, self.refresh = body["jwt"], body["refreshToken"]
            self.generation += 1

    async def send(self, method, url, **kwargs):
        renewed = False
        while True:
            token, generation = self.access, self.generation
            headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
            response = await self.http.request(method, url, headers=headers, **kwargs)
            if response.status_code == 401 and not renewed:
                renewed = True
                await self.renew(generation)
                continue
            response.raise_for_status()
            return response

    async def get_deal(self, deal_id):
        response = await self.send("GET", f"{self.base_url}/crm/v1/entities/deals/{deal_id}")
        check_deal(response.json(), deal_id)

    async def export(self, total, page_size):
        count, page = 0, 1
        while count < total:
            response = await self.send(
                "GET", f"{self.base_url}/crm/v1/entities/deals", params={"page": page, "list": page_size}
            )
            body = response.json()
            items = body["data"]
            for item in items[: total - count]:
                if item.get("id") is None:
                    raise ValueError(f"deal number {count} has no id")
                count += 1
            if not items or page >= body["meta"]["last_page"]:
                break
            page += 1
        return count

    async def decode_page(self, page_size):
        response = await self.send(
            "GET", f"{self.base_url}/crm/v1/entities/deals", params={"page": 1, "list": page_size}
        )
        raw = response.content
        started = time.perf_counter()
        body = json.loads(raw)
        return len(body["data"]), time.perf_counter() - started

    async def create_deal(self, title):
        response = await self.send("POST", f"{self.base_url}/crm/v1/entities/deals", json={"title": title})
        check_created(response.json())

    async def close(self):
        await self.http.aclose()


async def run_tasks(count, concurrency, operation, failures):
    """Runs ``count`` calls of ``operation`` with ``concurrency`` in flight."""
    tickets = itertools.count()

    async def worker():
        while next(tickets) < count:
            try:
                await operation()
            except Exception as error:  # every failure is counted and reported
                failures.record(error)

    await asyncio.gather(*(worker() for _ in range(max(concurrency, 1))))


async def run_async(factory, spec, report):
    workload = spec["workload"]
    failures = Failures()
    client = None
    if workload == "get":
        client = factory(spec, spec["access_token"], spec["refresh_token"])
        deal_id = spec["deal_id"]
        warmup = Failures()
        await run_tasks(spec["warmup"], spec["concurrency"], lambda: client.get_deal(deal_id), warmup)
        if warmup.first:
            raise RuntimeError(f"warmup failed: {warmup.first}")
        section = Section()
        await run_tasks(spec["count"], spec["concurrency"], lambda: client.get_deal(deal_id), failures)
        section.finish(report)
        report["operations"] = spec["count"]
    elif workload == "export":
        client = factory(spec, spec["access_token"], spec["refresh_token"])
        await client.export(spec["page_size"], spec["page_size"])
        section = Section()
        try:
            report["items"] = await client.export(spec["export_total"], spec["page_size"])
        except Exception as error:
            failures.record(error)
        section.finish(report)
        report["operations"] = -(-spec["export_total"] // spec["page_size"])
    elif workload == "decode":
        client = factory(spec, spec["access_token"], spec["refresh_token"])
        for _ in range(spec["warmup"]):
            await client.decode_page(spec["decode_page_size"])
        pages = []
        section = Section()
        for _ in range(spec["count"]):
            try:
                pages.append(await client.decode_page(spec["decode_page_size"]))
            except Exception as error:
                failures.record(error)
        section.finish(report)
        tally_pages(pages, spec, report, failures)
    elif workload == "create":
        client = factory(spec, spec["access_token"], spec["refresh_token"])
        for index in range(spec["warmup"]):
            await client.create_deal(f"Benchmark warmup deal {index}")
        titles = (f"Benchmark deal {index}" for index in range(spec["count"]))
        section = Section()
        await run_tasks(spec["count"], 1, lambda: client.create_deal(next(titles)), failures)
        section.finish(report)
        report["operations"] = spec["count"]
    elif workload == "refresh":
        warmup = Failures()
        for round_index in range(spec["warmup"]):
            await async_refresh_round(factory, spec, round_index, warmup)
        if warmup.first:
            raise RuntimeError(f"warmup failed: {warmup.first}")
        section = Section()
        for round_index in range(spec["warmup"], spec["warmup"] + spec["count"]):
            await async_refresh_round(factory, spec, round_index, failures)
        section.finish(report)
        report["concurrency"] = spec["refresh_calls"]
        report["operations"] = spec["count"] * spec["refresh_calls"]
    else:
        raise ValueError(f"unknown workload {workload!r}")
    if client is not None:
        await client.close()
    return failures


async def async_refresh_round(factory, spec, round_index, failures):
    pair = spec["expired_pairs"][round_index]
    client = factory(spec, pair["access_token"], pair["refresh_token"])
    deal_id = spec["deal_id"]
    calls = spec["refresh_calls"]
    await run_tasks(calls, calls, lambda: client.get_deal(deal_id), failures)
    await client.close()


def module_version(module_name):
    """Returns a function that names ``module_name`` and its version."""

    def describe():
        module = __import__(module_name)
        return f"{module_name} {getattr(module, '__version__', 'unknown')}"

    return describe


# name: (class, whether it is asyncio-based, library description)
CONTENDERS = {
    "uspacy-sync": (UspacySync, False, module_version("uspacy")),
    "uspacy-async": (UspacyAsync, True, module_version("uspacy")),
    "requests": (RequestsClient, False, module_version("requests")),
    "httpx": (HttpxClient, True, module_version("httpx")),
}


def main():
    if len(sys.argv) != 2 or sys.argv[1] not in CONTENDERS:
        print(f"usage: python contender.py {'|'.join(CONTENDERS)} < spec.json", file=sys.stderr)
        return 2
    name = sys.argv[1]
    factory, is_async, library = CONTENDERS[name]
    spec = json.loads(sys.stdin.read())
    report = {
        "contender": f"py-{name}",
        "language": "python",
        "workload": spec["workload"],
        "concurrency": spec["concurrency"],
        "operations": 0,
        "items": 0,
        "runtime": f"CPython {platform.python_version()}",
        "library": library(),
    }
    if is_async:
        failures = asyncio.run(run_async(factory, spec, report))
    else:
        failures = run_sync(factory, spec, report)
    report["errors"] = failures.count
    if failures.first:
        report["first_error"] = failures.first
    print(json.dumps(report), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
