"""Benchmark driver: starts one release `uspacy-mock`, runs every contender
against it with the same parameters, and writes BENCHMARKS.md.

Each contender runs as its own process per workload and trial. It reads the
run specification as one JSON object on stdin and prints one JSON result
line (fields: see bench/rust/src/spec.rs). The driver reaps it with
os.wait4, so the peak RSS and total CPU time it reports are that process's
own. Ratios compare each contender with the baseline of its language from
the same run, because absolute times on a shared machine vary between runs.

Usage (bench/run.sh passes the paths): python3 bench/driver.py --help
"""

import argparse
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent

# Workload name -> specification fields. Counts follow the suite's brief:
# 2,000 GETs of one deal, an export of 5,000 deals in pages of 100, a
# 1,000-item page, 200 creates, 50 concurrent calls on an expired token.
FULL_WORKLOADS = {
    "get-c1": {"workload": "get", "count": 2000, "concurrency": 1, "warmup": 200},
    "get-c64": {"workload": "get", "count": 2000, "concurrency": 64, "warmup": 256},
    # One 1,000-item page, fetched and decoded `count` times for a stable time.
    "decode": {"workload": "decode", "count": 20, "warmup": 3},
    "export": {"workload": "export", "count": 1, "warmup": 1},
    # `count` rounds, each with a new client on a new expired token pair.
    "refresh": {"workload": "refresh", "count": 10, "warmup": 1},
    # Last, because the deals it creates change the list the others read.
    "create": {"workload": "create", "count": 200, "warmup": 10},
}
QUICK_WORKLOADS = {
    "get-c1": {"workload": "get", "count": 200, "concurrency": 1, "warmup": 20},
    "get-c64": {"workload": "get", "count": 256, "concurrency": 64, "warmup": 64},
    "decode": {"workload": "decode", "count": 3, "warmup": 1},
    "export": {"workload": "export", "count": 1, "warmup": 1, "export_total": 1000},
    "refresh": {"workload": "refresh", "count": 2, "warmup": 1},
    "create": {"workload": "create", "count": 20, "warmup": 2},
}
SPEC_DEFAULTS = {
    "deal_id": 42,
    "concurrency": 1,
    "page_size": 100,
    "export_total": 5000,
    "decode_page_size": 1000,
    "refresh_calls": 50,
}
WORKLOAD_TITLES = {
    "get-c1": "GET one deal, concurrency 1",
    "get-c64": "GET one deal, concurrency 64",
    "decode": "Fetch and decode one 1,000-item page",
    "export": "Export deals through pages of 100",
    "refresh": "50 concurrent calls on an expired token, one refresh per round",
    "create": "Create deals, one at a time",
}
# The unit of one operation per workload, for the ops/s column.
OPERATION_UNITS = {
    "get": "GET",
    "decode": "page",
    "export": "page",
    "refresh": "call",
    "create": "create",
}


@dataclass
class Contender:
    name: str
    language: str
    command: list
    baseline: str = ""
    # A second reference that a target names ("not slower than fetch").
    reference: str = ""
    missing: str = ""
    workloads: tuple = ()


@dataclass
class Run:
    """One process run of one contender on one workload."""

    contender: str
    workload: str
    trial: int
    ok: bool
    report: dict = field(default_factory=dict)
    error: str = ""
    peak_rss_kb: int = 0
    process_cpu_s: float = 0.0
    mock_cpu_s: float = 0.0
    mock_requests: int = 0
    mock_refreshes: int = 0
    # A crash or error exit after the result line was printed.
    exit_problem: str = ""


# --- Mock portal ------------------------------------------------------------


class Mock:
    """The release mock portal, started once for the whole run."""

    def __init__(self, binary, deals):
        self.process = subprocess.Popen(
            [binary, "--port", "0", "--json", "--deals", str(deals), "--token-lifetime", "3600"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"{binary} exited before printing its JSON line")
        self.info = json.loads(line)
        self.base_url = self.info["base_url"]

    def request(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base_url + path, data=data, method=method)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(request, timeout=30) as response:
            text = response.read()
        return json.loads(text) if text.strip() else None

    def tokens(self, lifetime_secs):
        issued = self.request("POST", "/__mock/tokens", {"lifetime_secs": lifetime_secs})
        return {"access_token": issued["access_token"], "refresh_token": issued["refresh_token"]}

    def serve_canned_page(self, page_size):
        """Fetches page 1 of deals with `page_size` items, then queues a
        `respond` fault that serves exactly those bytes for every later
        `GET /crm/v1/entities/deals` until `clear_faults`. Returns the size
        in bytes. Building a 1,000-item page costs the mock far more CPU
        than sending it, which would otherwise dominate the decode workload."""
        token = self.tokens(3600)["access_token"]
        request = urllib.request.Request(
            f"{self.base_url}/crm/v1/entities/deals?page=1&list={page_size}",
            headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            body = response.read().decode()
        self.request("POST", "/__mock/faults", {
            "route": "GET /crm/v1/entities/deals",
            "kind": "respond",
            "status": 200,
            "headers": {"content-type": "application/json"},
            "body": body,
        })
        return len(body.encode())

    def clear_faults(self):
        self.request("DELETE", "/__mock/faults")

    def clear_requests(self):
        self.request("DELETE", "/__mock/requests")

    def recorded(self):
        """Returns (requests, refresh requests) recorded since the last clear."""
        requests = self.request("GET", "/__mock/requests")
        refreshes = sum(1 for entry in requests if entry["path"].endswith("/auth/refresh_token"))
        return len(requests), refreshes

    def cpu_seconds(self):
        """CPU time of every thread of the mock so far, from the first field
        of /proc/PID/task/TID/schedstat (nanoseconds). /proc/PID/stat would
        give only 10 ms clock ticks."""
        total_ns = 0
        task_dir = Path(f"/proc/{self.process.pid}/task")
        for task in task_dir.iterdir():
            try:
                total_ns += int((task / "schedstat").read_text().split()[0])
            except (OSError, ValueError, IndexError):
                # The thread ended between listing and reading.
                continue
        return total_ns / 1e9

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


# --- Running one process ------------------------------------------------------


def run_process(command, stdin_text, timeout_s, cwd=None, env=None):
    """Runs `command` with `stdin_text` on stdin; returns (exit status,
    stdout, stderr, rusage). Kills the process after `timeout_s`."""
    with tempfile.TemporaryFile() as err_file:
        process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=err_file,
            cwd=cwd,
            env=env,
        )
        timer = threading.Timer(timeout_s, process.kill)
        timer.start()
        try:
            process.stdin.write(stdin_text.encode())
            process.stdin.close()
        except BrokenPipeError:
            pass
        stdout = process.stdout.read()
        process.stdout.close()
        _, status, usage = os.wait4(process.pid, 0)
        timer.cancel()
        # The status is already reaped; keep Popen from waiting again.
        process.returncode = os.waitstatus_to_exitcode(status)
        err_file.seek(0)
        stderr = err_file.read().decode(errors="replace")
    return process.returncode, stdout.decode(errors="replace"), stderr, usage


def build_spec(mock, workload_fields, workload_name):
    spec = dict(SPEC_DEFAULTS)
    spec.update(workload_fields)
    spec["base_url"] = mock.base_url
    spec.update(mock.tokens(3600))
    if spec["workload"] == "refresh":
        # An expired access token with a valid refresh token per round; the
        # mock reads a negative lifetime as an already expired token.
        spec["expired_pairs"] = [mock.tokens(-60) for _ in range(spec["warmup"] + spec["count"])]
    spec["name"] = workload_name
    return spec


def run_contender(mock, contender, spec, trial, timeout_s):
    mock.clear_requests()
    cpu_before = mock.cpu_seconds()
    status, stdout, stderr, usage = run_process(contender.command, json.dumps(spec), timeout_s)
    mock_cpu = mock.cpu_seconds() - cpu_before
    requests, refreshes = mock.recorded()

    run = Run(
        contender=contender.name,
        workload=spec["name"],
        trial=trial,
        ok=False,
        process_cpu_s=usage.ru_utime + usage.ru_stime,
        mock_cpu_s=mock_cpu,
        mock_requests=requests,
        mock_refreshes=refreshes,
    )

    lines = [line for line in stdout.splitlines() if line.startswith("{")]
    tail = " | ".join(line.strip() for line in stderr.strip().splitlines()[:2])
    if not lines:
        run.error = f"exit status {status}: {tail or 'no output'}"
        return run
    if status != 0:
        # The results are complete once the line is printed, so they count;
        # the crash after it is reported on its own.
        run.exit_problem = f"exit status {status} after printing its results: {tail or 'no message'}"
    run.report = json.loads(lines[-1])
    # The process's own VmHWM: its ru_maxrss from wait4 would include the
    # driver's RSS, which a child started with vfork and exec inherits.
    run.peak_rss_kb = run.report.get("process_peak_kb", 0)
    if run.report.get("errors"):
        run.error = f"{run.report['errors']} failed operations, first: {run.report.get('first_error')}"
        return run
    run.error = check_requests(spec, requests, refreshes)
    run.ok = not run.error
    return run


def check_requests(spec, requests, refreshes):
    """Returns why the requests that the mock recorded do not fit the
    workload, or ''. Every round of `refresh` must renew its token once,
    and every operation of `get`, `decode` and `create` is one request."""
    workload, operations = spec["workload"], spec["warmup"] + spec["count"]
    if workload == "refresh" and refreshes != operations:
        return f"sent {refreshes} refresh requests in {operations} rounds, expected one per round"
    if workload in ("get", "decode", "create") and requests != operations:
        return f"sent {requests} requests for {operations} operations, expected one each"
    return ""


WRK_TOTAL = re.compile(r"(\d+) requests in ([\d.]+)(\w+)")


def run_wrk(mock, connections, duration_s, trial, deal_id):
    """Runs wrk on the deal route; returns a Run shaped like a contender's."""
    token = mock.tokens(3600)["access_token"]
    url = f"{mock.base_url}/crm/v1/entities/deals/{deal_id}"
    command = [
        "wrk", "-t1", f"-c{connections}", f"-d{duration_s}s",
        "-H", f"Authorization: Bearer {token}", "-H", "Accept: application/json", url,
    ]
    mock.clear_requests()
    cpu_before = mock.cpu_seconds()
    status, stdout, stderr, usage = run_process(command, "", duration_s + 60)
    mock_cpu = mock.cpu_seconds() - cpu_before
    # wrk sends far more requests than the others, so clear without reading them.
    mock.clear_requests()

    name = "get-c1" if connections == 1 else "get-c64"
    run = Run(contender="wrk", workload=name, trial=trial, ok=False, mock_cpu_s=mock_cpu,
              process_cpu_s=usage.ru_utime + usage.ru_stime)
    match = WRK_TOTAL.search(stdout)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", stdout)
    if status != 0 or not match or errors:
        run.error = f"wrk failed (exit status {status}): {(stdout + stderr).strip()[-300:]}"
        return run
    requests = int(match.group(1))
    seconds = float(match.group(2)) * {"ms": 0.001, "s": 1.0, "m": 60.0}.get(match.group(3), 1.0)

    run.mock_requests = requests
    run.report = {
        "contender": "wrk",
        "language": "ceiling",
        "workload": "get",
        "concurrency": connections,
        "operations": requests,
        "wall_s": seconds,
        "cpu_user_s": usage.ru_utime,
        "cpu_sys_s": usage.ru_stime,
        "library": wrk_version(),
    }
    run.ok = True
    return run


def wrk_version():
    result = subprocess.run(["wrk", "--version"], capture_output=True, text=True)
    first = (result.stdout + result.stderr).strip().splitlines()
    return first[0].split(" Copyright")[0] if first else "wrk"


# --- Contenders ---------------------------------------------------------------


def probe(command, cwd=None):
    """Runs a short availability check; returns '' or the reason it failed."""
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=60, cwd=cwd)
    except (OSError, subprocess.TimeoutExpired) as error:
        return str(error)
    if result.returncode != 0:
        lines = (result.stderr or result.stdout).strip().splitlines()
        return lines[-1] if lines else f"exit status {result.returncode}"
    return ""


def contenders(args):
    python = [args.python, str(BENCH_DIR / "python" / "contender.py")]
    node = [args.node, str(BENCH_DIR / "node" / "contender.mjs")]
    listed = [
        Contender("rust-core", "rust", [args.rust_bench, "core"], baseline="rust-reqwest"),
        Contender("rust-reqwest", "rust", [args.rust_bench, "reqwest"]),
        # The core's transfer of a page without decoding, for the decode estimate.
        Contender("rust-core-raw", "rust", [args.rust_bench, "core-raw"], workloads=("decode",)),
        Contender("py-uspacy-sync", "python", python + ["uspacy-sync"], baseline="py-requests"),
        Contender("py-requests", "python", python + ["requests"]),
        Contender("py-uspacy-async", "python", python + ["uspacy-async"], baseline="py-httpx"),
        Contender("py-httpx", "python", python + ["httpx"]),
        Contender("node-uspacy", "node", node + ["uspacy"], baseline="node-axios", reference="node-fetch"),
        Contender("node-axios", "node", node + ["axios"]),
        Contender("node-fetch", "node", node + ["fetch"]),
        Contender("web-uspacy", "node", node + ["uspacy-web"], baseline="node-fetch"),
    ]
    checks = {
        "rust-core": [args.rust_bench, "--version"],
        "py-uspacy-sync": [args.python, "-c", "import uspacy"],
        "py-uspacy-async": [args.python, "-c", "import uspacy"],
        "py-requests": [args.python, "-c", "import requests"],
        "py-httpx": [args.python, "-c", "import httpx"],
        "node-uspacy": node + ["--check", "uspacy"],
        "node-axios": node + ["--check", "axios"],
        "node-fetch": node + ["--check", "fetch"],
        "web-uspacy": node + ["--check", "uspacy-web"],
    }
    checks["rust-reqwest"] = checks["rust-core-raw"] = checks["rust-core"]
    selected = []
    for contender in listed:
        if args.only and contender.name not in args.only:
            continue
        contender.missing = probe(checks[contender.name])
        selected.append(contender)
    return selected


# --- Profiles ---------------------------------------------------------------------

PERF_LINE = re.compile(r"^\s*([\d.]+)%\s+(\S+)\s+\[[.k]\]\s+(.*?)\s*$")


def perf_available():
    """Check whether `perf record` works here (as root, or with a low paranoia level)."""
    if shutil.which("perf") is None:
        return False
    with tempfile.TemporaryDirectory() as folder:
        result = subprocess.run(
            ["perf", "record", "-q", "-e", "cpu-clock", "-o", f"{folder}/probe.data", "--", "true"],
            capture_output=True,
        )
    return result.returncode == 0


def profile_contender(mock, contender, spec, timeout_s, top):
    """Runs `contender` on `spec` under `perf record` (cpu-clock sampling of
    the whole process) and returns (samples, libraries, rows): the share of
    self time of each library with at least 1%, and the `top` symbols by
    self time, each (percent, library, symbol)."""
    with tempfile.TemporaryDirectory() as folder:
        data = f"{folder}/perf.data"
        command = ["perf", "record", "-q", "-e", "cpu-clock", "-F", "2000", "-o", data, "--"]
        status, _, stderr, _ = run_process(command + contender.command, json.dumps(spec), timeout_s)
        if status != 0:
            raise RuntimeError(f"perf record failed (exit status {status}): {stderr.strip()[-200:]}")
        report = subprocess.run(
            ["perf", "report", "-i", data, "--stdio", "--no-children", "--sort", "dso,symbol"],
            capture_output=True, text=True, timeout=120,
        )
        by_library = subprocess.run(
            ["perf", "report", "-i", data, "--stdio", "--no-children", "--sort", "dso"],
            capture_output=True, text=True, timeout=120,
        )
    samples = re.search(r"# Samples: (\S+)\s+of event", report.stdout)
    libraries = []
    for line in by_library.stdout.splitlines():
        match = re.match(r"^\s*([\d.]+)%\s+(\S+)\s*$", line)
        if match and float(match.group(1)) >= 1.0:
            libraries.append((float(match.group(1)), match.group(2)))
    rows = []
    for line in report.stdout.splitlines():
        match = PERF_LINE.match(line)
        if match:
            symbol = re.sub(r"\s+-\s+-\s*$", "", match.group(3)).strip()
            rows.append((float(match.group(1)), match.group(2), symbol))
        if len(rows) == top:
            break
    return (samples.group(1) if samples else "?"), libraries, rows


CALLGRIND_FUNCTIONS = (
    "uspacy::decode::from_value",
    "uspacy::decode::body",
    "uspacy::client::decode_json",
    "uspacy::request::prepare",
    "uspacy::transport::Transport::send::{{closure}}",
)


def callgrind_run(contender, spec, timeout_s):
    """Runs `contender` under callgrind; returns (instructions in all,
    {function: inclusive instructions} for CALLGRIND_FUNCTIONS)."""
    with tempfile.TemporaryDirectory() as folder:
        out = f"{folder}/callgrind.out"
        command = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}"] + contender.command
        status, _, stderr, _ = run_process(command, json.dumps(spec), timeout_s)
        collected = re.search(r"Collected : (\d+)", stderr)
        if status != 0 or not collected:
            raise RuntimeError(f"callgrind failed (exit status {status}): {stderr.strip()[-200:]}")
        annotate = subprocess.run(["callgrind_annotate", "--inclusive=yes", out],
                                  capture_output=True, text=True, timeout=120)
    functions = {}
    for line in annotate.stdout.splitlines():
        match = re.match(r"^\s*([\d,]+) \([^)]*\)\s+\?\?\?:(.*?) \[", line)
        if match and match.group(2) in CALLGRIND_FUNCTIONS and match.group(2) not in functions:
            functions[match.group(2)] = int(match.group(1).replace(",", ""))
    return int(collected.group(1)), functions


def instructions_per_operation(mock, contenders, workload, timeout_s):
    """Counts the instructions per operation of `workload` (`get` or
    `create`, sequential) for each contender: the difference between a run
    of 300 and a run of 100 operations, divided by 200, so process start
    and warmup cancel out. Returns {contender: (per operation in all,
    {function: per operation})}."""
    fields = {"workload": workload, "concurrency": 1, "warmup": 1}
    results = {}
    for contender in contenders:
        runs = []
        for count in (100, 300):
            spec = build_spec(mock, dict(fields, count=count), "callgrind")
            runs.append(callgrind_run(contender, spec, timeout_s))
        (small_total, small), (large_total, large) = runs
        per_function = {name: (large[name] - small.get(name, 0)) / 200 for name in large}
        results[contender.name] = ((large_total - small_total) / 200, per_function)
    return results


def shorten(symbol, width=110):
    symbol = symbol.replace("|", "\\|")
    return symbol if len(symbol) <= width else symbol[: width - 1] + "…"


# --- Aggregation ----------------------------------------------------------------


@dataclass
class Summary:
    """Medians over the successful trials of one contender on one workload."""

    contender: str
    workload: str
    trials: int
    wall_s: float
    operations: int
    cpu_s: float
    peak_rss_kb: float
    rss_growth_kb: float
    mock_cpu_s: float
    mock_requests: float
    mock_refreshes: float
    library: str
    decode_s: float = None
    unit: str = ""
    concurrency: int = 1
    # Node only: medians of the growth of V8's heap, external memory and the
    # WebAssembly memory over the timed section, in KiB.
    memory_growth_kb: dict = field(default_factory=dict)
    # (max - min) / median of the wall times of the trials.
    wall_spread: float = 0.0

    @property
    def ops_per_s(self):
        return self.operations / self.wall_s if self.wall_s else 0.0

    @property
    def cpu_per_op_ms(self):
        return 1000 * self.cpu_s / self.operations if self.operations else 0.0


def summarize(runs):
    good = [run for run in runs if run.ok]
    if not good:
        return None
    median = statistics.median
    report = good[0].report
    decode = [run.report["decode_s"] for run in good if "decode_s" in run.report]
    return Summary(
        contender=report["contender"] if report["contender"] == "wrk" else runs[0].contender,
        workload=runs[0].workload,
        trials=len(good),
        wall_s=median(run.report["wall_s"] for run in good),
        wall_spread=ratio(
            max(run.report["wall_s"] for run in good) - min(run.report["wall_s"] for run in good),
            median(run.report["wall_s"] for run in good),
        ),
        operations=report["operations"],
        cpu_s=median(run.report["cpu_user_s"] + run.report["cpu_sys_s"] for run in good),
        peak_rss_kb=median(run.peak_rss_kb for run in good),
        rss_growth_kb=median(
            max(0, run.report.get("rss_peak_kb", 0) - run.report.get("rss_before_kb", 0)) for run in good
        ),
        mock_cpu_s=median(run.mock_cpu_s for run in good),
        mock_requests=median(run.mock_requests for run in good),
        mock_refreshes=median(run.mock_refreshes for run in good),
        library=report.get("library", ""),
        decode_s=median(decode) if len(decode) == len(good) else None,
        unit=OPERATION_UNITS.get(report.get("workload", ""), "op"),
        concurrency=report.get("concurrency", 1),
        memory_growth_kb={
            key: median(run.report["memory_growth_kb"][key] for run in good)
            for key in report.get("memory_growth_kb", {})
            if all(key in run.report.get("memory_growth_kb", {}) for run in good)
        },
    )


# --- Report -----------------------------------------------------------------------


def command_output(command):
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=30)
    except OSError:
        return "not found"
    text = (result.stdout or result.stderr).strip()
    return text.splitlines()[0] if text else "unknown"


def machine_facts():
    model = "unknown"
    with open("/proc/cpuinfo") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory_kb = 0
    with open("/proc/meminfo") as meminfo:
        for line in meminfo:
            if line.startswith("MemTotal:"):
                memory_kb = int(line.split()[1])
    return {
        "nproc": os.cpu_count(),
        "cpu": model,
        "memory": f"{memory_kb / 1024 / 1024:.1f} GiB",
        "kernel": platform.release(),
        "os": command_output(["sh", "-c", ". /etc/os-release && echo $PRETTY_NAME"]),
    }


def load_average():
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def ratio(numerator, denominator):
    return numerator / denominator if denominator else float("nan")


def format_ms(seconds):
    return f"{seconds * 1000:.1f}"


def format_mb(kilobytes):
    return f"{kilobytes / 1024:.1f}"


def speed_cell(summary, baseline):
    if baseline is None:
        return "—"
    if baseline.contender == summary.contender:
        return "1.00 (baseline)"
    return f"{ratio(baseline.wall_s, summary.wall_s):.2f}x"


def cpu_cell(summary, baseline):
    if baseline is None or baseline.contender == summary.contender:
        return "—" if baseline is None else "1.00"
    return f"{ratio(summary.cpu_per_op_ms, baseline.cpu_per_op_ms):.2f}"


def workload_table(name, summaries, contender_map):
    lines = [
        "| contender | library | trials | wall ms | spread | ops/s | CPU ms/op | peak RSS MB | RSS growth MB "
        "| requests seen by the mock | mock CPU µs/req | speed vs baseline | CPU/op vs baseline |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    baseline_names = {c.baseline for c in contender_map.values() if c.baseline}
    for summary in summaries:
        contender = contender_map.get(summary.contender)
        if contender and contender.baseline:
            baseline_name = contender.baseline
        elif summary.contender in baseline_names:
            baseline_name = summary.contender
        else:
            baseline_name = None
        baseline = next((s for s in summaries if s.contender == baseline_name), None)
        requests = f"{summary.mock_requests:.0f}"
        if summary.mock_refreshes:
            requests += f" ({summary.mock_refreshes:.0f} refreshes)"
        mock_us = 1e6 * ratio(summary.mock_cpu_s, summary.mock_requests)
        lines.append(
            f"| {summary.contender} | {summary.library} | {summary.trials} | {format_ms(summary.wall_s)} "
            f"| {summary.wall_spread:.0%} | {summary.ops_per_s:,.0f} | {summary.cpu_per_op_ms:.3f} "
            f"| {format_mb(summary.peak_rss_kb) if summary.peak_rss_kb else '—'} "
            f"| {format_mb(summary.rss_growth_kb) if summary.contender != 'wrk' else '—'} "
            f"| {requests} | {mock_us:.0f} | {speed_cell(summary, baseline)} | {cpu_cell(summary, baseline)} |"
        )
    return "\n".join(lines)


def find(summaries, workload, contender):
    return next(
        (s for s in summaries.get(workload, []) if s.contender == contender),
        None,
    )


def targets(summaries):
    """Returns rows (target, workload, measured, verdict, contenders to
    profile when the target is missed)."""
    rows = []

    def speed_target(label, workload, contender, baseline, minimum):
        mine, base = find(summaries, workload, contender), find(summaries, workload, baseline)
        if mine is None or base is None:
            missing = contender if mine is None else baseline
            rows.append((label, workload, f"not measured: {missing} has no result", "NOT MEASURED", ()))
            return
        speed = ratio(base.wall_s, mine.wall_s)
        verdict = "met" if speed >= minimum else "MISSED"
        rows.append((label, workload, f"{speed:.2f}x {baseline} (needs {minimum:.2f}x)", verdict,
                     (contender, baseline)))

    for workload in ("get-c1", "get-c64"):
        speed_target("Python sync ≥ 3x requests", workload, "py-uspacy-sync", "py-requests", 3.0)
    speed_target("Python async ≥ 2x httpx at concurrency 64", "get-c64", "py-uspacy-async", "py-httpx", 2.0)
    for workload in ("get-c1", "get-c64"):
        speed_target("Node ≥ 1.5x axios", workload, "node-uspacy", "node-axios", 1.5)
        speed_target("Node not slower than fetch", workload, "node-uspacy", "node-fetch", 1.0)
    for workload in FULL_WORKLOADS:
        speed_target("Rust core within 10% of reqwest", workload, "rust-core", "rust-reqwest", 1 / 1.1)
    for language, sdk_names, reference_names in (
        ("Python", ("py-uspacy-sync", "py-uspacy-async"), ("py-requests", "py-httpx")),
        ("Node", ("node-uspacy",), ("node-axios", "node-fetch")),
    ):
        decode_target(rows, summaries, language, sdk_names, reference_names)
    sdk_contenders = ("rust-core", "py-uspacy-sync", "py-uspacy-async", "node-uspacy", "web-uspacy")
    for summary in summaries.get("export", []):
        if summary.contender not in sdk_contenders:
            continue
        growth = summary.rss_growth_kb / 1024
        verdict = "met" if growth < 30 else "MISSED"
        measured = f"{summary.contender}: {growth:.1f} MB"
        if summary.memory_growth_kb:
            parts = ", ".join(f"{key.replace('_', ' ')} {kb / 1024:+.1f} MB"
                              for key, kb in summary.memory_growth_kb.items())
            measured += f" (at the end of the section: {parts})"
        rows.append(("Export RSS growth < 30 MB", "export", measured, verdict, ()))
    return rows


def decode_target(rows, summaries, language, sdk_names, reference_names):
    """The SDK must decode a page no slower than the standard library's
    parser does the same bytes. The SDK decodes inside its call, so its
    decode time is estimated as its page time minus the page time of the
    core's transport without decoding (`rust-core-raw`), which is the same
    transfer the bindings make before they decode."""
    label = f"{language}: decode ≤ {'json.loads' if language == 'Python' else 'JSON.parse'}"
    references = [find(summaries, "decode", name) for name in reference_names]
    parse_times = [s.decode_s / s.operations for s in references if s and s.decode_s is not None]
    raw = find(summaries, "decode", "rust-core-raw")

    if not parse_times or raw is None:
        reason = "no baseline parse time" if not parse_times else "rust-core-raw has no result"
        rows.append((label, "decode", f"not measured: {reason}", "NOT MEASURED", ()))
        return

    parse_ms = 1000 * min(parse_times)
    raw_ms = 1000 * raw.wall_s / raw.operations
    for name in sdk_names:
        sdk = find(summaries, "decode", name)
        if sdk is None:
            rows.append((label, "decode", f"not measured: {name} has no result", "NOT MEASURED", ()))
            continue
        call_ms = 1000 * sdk.wall_s / sdk.operations
        decode_ms = call_ms - raw_ms
        verdict = "met" if decode_ms <= parse_ms else "MISSED"
        rows.append((
            label,
            "decode",
            f"{name}: {call_ms:.2f} ms/page − {raw_ms:.2f} ms transfer = {decode_ms:.2f} ms decode "
            f"(estimate) vs {parse_ms:.2f} ms for the parser",
            verdict,
            (name,),
        ))


def mock_check(summaries):
    """Compares the fastest contender of each GET workload with wrk."""
    lines = []
    for workload in ("get-c1", "get-c64"):
        ceiling = find(summaries, workload, "wrk")
        if ceiling is None:
            lines.append(f"- {workload}: wrk has no result, so the ceiling is unknown.")
            continue
        fastest = max(
            (s for s in summaries.get(workload, []) if s.contender != "wrk"),
            key=lambda s: s.ops_per_s,
            default=None,
        )
        if fastest is None:
            continue
        share = ratio(fastest.ops_per_s, ceiling.ops_per_s)
        mock_cores = ratio(ceiling.mock_cpu_s, ceiling.wall_s)
        line = (
            f"- {workload}: wrk reaches {ceiling.ops_per_s:,.0f} req/s with the mock using "
            f"{mock_cores:.2f} CPU cores; the fastest contender, {fastest.contender}, reaches "
            f"{fastest.ops_per_s:,.0f} req/s, {share:.0%} of wrk. "
        )
        if workload == "get-c1":
            line += (
                "With one request in flight the run is bound by the round-trip latency, not by the "
                "mock's throughput, so wrk is a reference here rather than a ceiling."
            )
        elif share >= 0.8:
            line += (
                "The mock, or the two cores that it shares with the client, limits the fastest "
                "contenders, so their ratios understate their differences."
            )
        else:
            line += "The mock has headroom left, so it does not limit the contenders."
        lines.append(line)
    for workload, rows in summaries.items():
        if rows[0].concurrency != 1:
            # With requests in flight at once the mock's work overlaps, and
            # in the refresh workload the requests per call differ per client.
            continue
        fastest = max((s for s in rows if s.contender != "wrk"), key=lambda s: s.ops_per_s, default=None)
        if fastest is None or not fastest.mock_requests or not fastest.operations:
            continue
        mock_ms = 1000 * fastest.mock_cpu_s / fastest.mock_requests
        op_ms = 1000 * fastest.wall_s / fastest.operations
        lines.append(
            f"- {workload}: the mock spends {mock_ms:.3f} ms of CPU per request, "
            f"{ratio(mock_ms, op_ms):.0%} of the {op_ms:.3f} ms per operation of the fastest contender, "
            f"{fastest.contender}."
        )
    lines.append(
        "\nWhere that share is large, every contender waits on the mock for that part of each "
        "operation, so the ratios between contenders understate the differences in their own work."
    )
    return "\n".join(lines)


def write_report(path, args, contender_list, summaries, failures, exit_problems, started, facts, loads, page_bytes,
                 profiles):
    contender_map = {c.name: c for c in contender_list}
    versions = {
        "rustc": command_output(["rustc", "--version"]),
        "python": command_output([args.python, "--version"]),
        "node": command_output([args.node, "--version"]),
        "wrk": wrk_version() if shutil.which("wrk") else "not found",
    }
    libraries = sorted({s.library for rows in summaries.values() for s in rows if s.library})
    out = []
    out.append("# Benchmarks")
    out.append("")
    out.append(
        "Every client of the SDK against hand-written clients of the same language, on one local "
        "`uspacy-mock` (release build) in one run. Absolute times on a shared machine vary between "
        "runs; compare the ratios, which come from the same run. Generated by `bench/driver.py`; "
        "do not edit by hand."
    )
    out.append("")
    out.append(f"- Command: `{args.command}`")
    out.append(f"- Date: {time.strftime('%Y-%m-%d %H:%M:%S %Z', time.localtime(started))}, "
               f"{time.time() - started:.0f} s in all")
    out.append(f"- Machine: {facts['nproc']} CPUs ({facts['cpu']}), {facts['memory']} memory, "
               f"{facts['os']}, Linux {facts['kernel']}")
    out.append(f"- Load average (1, 5, 15 min): {loads[0]} at the start, {loads[1]} at the end")
    out.append("- Toolchains: " + "; ".join(f"{key} `{value}`" for key, value in versions.items()))
    out.append("- Libraries: " + "; ".join(f"`{library}`" for library in libraries))
    out.append(f"- Trials: {args.trials} per contender and workload, contenders interleaved; "
               "each cell is the median over the successful trials")
    out.append("")
    out.append("## How to read the tables")
    out.append("")
    out.append(
        "- Each contender process runs untimed warmup operations, then the timed section. Wall, "
        "CPU (user + system, all threads) and RSS growth cover the timed section and are measured "
        "by the process itself. Peak RSS is the process's `VmHWM` from its start to the end of the "
        "timed section; RSS growth is the section's `VmHWM` (reset through `/proc/self/clear_refs` "
        "at its start) minus the RSS at its start.\n"
        "- *spread* is the range of the trials' wall times (largest minus smallest) over their median.\n"
        "- *speed vs baseline* is the baseline's wall time divided by the contender's: 2.00x means "
        "twice as fast. Baselines: `rust-reqwest` for Rust, `py-requests` for the sync Python "
        "client, `py-httpx` for the async one, `node-axios` for Node and `node-fetch` for the "
        "browser module. *CPU/op vs baseline* below 1 means less CPU per operation.\n"
        "- *requests seen by the mock* counts every request of the process, warmup included. The "
        "hand-written clients renew a token after the first 401, so in the refresh workload they "
        "send each call twice; the SDK renews an expired token before sending.\n"
        "- wrk runs one thread against the same route as the GET workloads, for a duration instead "
        "of a count. At concurrency 64 it is the ceiling of the mock's throughput on this machine.\n"
        "- The speed targets below are checked on the GET workloads, where the client's own work is "
        "the largest share of each request; the tables give the ratios of the other workloads."
    )
    out.append("")
    workload_fields = QUICK_WORKLOADS if args.quick else FULL_WORKLOADS
    for name in workload_fields:
        if name not in summaries:
            continue
        spec = dict(SPEC_DEFAULTS, **workload_fields[name])
        detail = {
            "get": f"{spec['count']} timed GETs of deal {spec['deal_id']} after {spec['warmup']} warmup GETs, "
                   f"{spec['concurrency']} in flight",
            "decode": f"{spec['count']} fetches of page 1 with `list={spec['decode_page_size']}` "
                      f"({page_bytes / 1024:.0f} KiB of JSON), each decoded into native values. The mock "
                      "serves the page as canned bytes (a `respond` fault holding the real page), because "
                      "building a 1,000-item page costs it more CPU than any client spends decoding it",
            "export": f"{spec['export_total']} deals read through pages of `list={spec['page_size']}`, one page "
                      "held at a time",
            "refresh": f"{spec['count']} rounds; each builds a new client on an expired access token and sends "
                       f"{spec['refresh_calls']} GETs at once",
            "create": f"{spec['count']} creates of a deal after {spec['warmup']} warmup creates",
        }[spec["workload"]]
        out.append(f"## {WORKLOAD_TITLES[name]} (`{name}`)")
        out.append("")
        out.append(f"{detail}; one operation is one {OPERATION_UNITS[spec['workload']]}.")
        out.append("")
        out.append(workload_table(name, summaries[name], contender_map))
        out.append("")
        breakdown = [s for s in summaries[name] if s.memory_growth_kb]
        if name == "export" and breakdown:
            out.append("Growth over the timed section of the memory that Node accounts for, at its end: " + "; ".join(
                f"{s.contender} " + ", ".join(f"{key.replace('_', ' ')} {kb / 1024:+.1f} MB"
                                              for key, kb in s.memory_growth_kb.items())
                for s in breakdown) + ".")
            out.append("")
        if name == "decode":
            notes = [s for s in summaries[name] if s.decode_s is not None]
            if notes:
                out.append("Parse time alone, measured inside the baseline's timed section around the "
                           "standard parser given the body's bytes (`json.loads(bytes)`; in Node "
                           "`JSON.parse(new TextDecoder().decode(bytes))`, since `JSON.parse` takes text): " + "; ".join(
                               f"{s.contender} {1000 * s.decode_s / s.operations:.2f} ms/page" for s in notes) + ".")
                out.append("")
    out.append("## Is the mock the bottleneck?")
    out.append("")
    out.append(mock_check(summaries))
    out.append("")
    out.append("## Targets")
    out.append("")
    out.append("| target | workload | measured | verdict |")
    out.append("|---|---|---|---|")
    target_rows = targets(summaries)
    for target, workload, measured, verdict, _ in target_rows:
        out.append(f"| {target} | {workload} | {measured} | {verdict} |")
    out.append("")
    missed = {row[0] for row in target_rows if row[3] == "MISSED"}
    notes = explanations(missed)
    if notes or profiles:
        out.append("## Why targets are missed")
        out.append("")
        if notes:
            out.append(notes)
            out.append("")
        for (contender, workload), outcome in profiles.items():
            if isinstance(outcome, str):
                out.append(f"- Profile of {contender} on {workload}: {outcome}")
                out.append("")
                continue
            if contender == "callgrind":
                out.extend(callgrind_section(workload, outcome))
                continue
            samples, libraries, rows = outcome
            out.append(f"### Profile: {contender} on {workload}")
            out.append("")
            out.append(f"`perf record -e cpu-clock -F 2000` of the whole process (setup and warmup "
                       f"included), {samples} samples. Self time by library: "
                       + ", ".join(f"{library} {percent:.0f}%" for percent, library in libraries)
                       + ". The symbols with the most self time:")
            out.append("")
            out.append("| self % | library | symbol |")
            out.append("|---|---|---|")
            for percent, library, symbol in rows:
                out.append(f"| {percent:.1f} | {library} | `{shorten(symbol)}` |")
            out.append("")
    gaps = [c for c in contender_list if c.missing]
    if gaps or failures or exit_problems:
        out.append("## Gaps and failures")
        out.append("")
        for contender in gaps:
            out.append(f"- {contender.name}: not run, because its check failed: {contender.missing}")
        for run in failures:
            out.append(f"- {run.contender} on {run.workload} (trial {run.trial + 1}) failed: {run.error}")
        for run in exit_problems:
            out.append(f"- {run.contender} on {run.workload} (trial {run.trial + 1}): {run.exit_problem}")
        out.append("")
    Path(path).write_text("\n".join(out))


def callgrind_section(workload, results):
    """Formats the result of instructions_per_operation as report lines."""
    unit = "GET of one deal" if workload == "get" else "create of a deal"
    lines = [
        f"### Instructions per {unit}: rust-core and rust-reqwest",
        "",
        "`valgrind --tool=callgrind`, the difference between 300 and 100 sequential operations "
        "divided by 200; instruction counts depend little on the machine's load. Functions are "
        "inclusive: they count what they call.",
        "",
        "| contender or function | instructions per operation |",
        "|---|---|",
    ]
    for contender, (total, functions) in results.items():
        lines.append(f"| {contender}, in all | {total:,.0f} |")
        for name in CALLGRIND_FUNCTIONS:
            if name in functions:
                lines.append(f"| {contender}: `{name}` | {functions[name]:,.0f} |")
    lines.append("")
    return lines


def explanations(missed):
    """Collect the sections of bench/NOTES.md whose target was missed in
    this run. Each section starts with a line `<!-- target: LABEL -->`."""
    notes_file = BENCH_DIR / "NOTES.md"
    if not notes_file.exists():
        return ""
    chosen = []
    for section in notes_file.read_text().split("<!-- target: ")[1:]:
        label, _, text = section.partition(" -->")
        if label.strip() in missed:
            chosen.append(text.strip())
    return "\n\n".join(chosen)


# --- Main ---------------------------------------------------------------------------


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mock", required=True, help="path of the release uspacy-mock binary")
    parser.add_argument("--rust-bench", required=True, help="path of the release uspacy-bench binary")
    parser.add_argument("--python", default=sys.executable, help="Python with uspacy, requests and httpx")
    parser.add_argument("--node", default="node", help="Node.js binary")
    parser.add_argument("--trials", type=int, default=3, help="runs per contender and workload (default 3)")
    parser.add_argument("--quick", action="store_true", help="small counts, to check the harness")
    parser.add_argument("--only", nargs="*", default=[], help="contender names to run (default: all)")
    parser.add_argument("--workloads", nargs="*", default=[], help="workload names to run (default: all)")
    parser.add_argument("--timeout", type=float, default=300, help="seconds before a contender is killed")
    parser.add_argument("--wrk-seconds", type=int, default=5, help="duration of each wrk run")
    parser.add_argument("--output", default=str(ROOT / "BENCHMARKS.md"), help="report to write")
    parser.add_argument("--raw", default=str(BENCH_DIR / ".out" / "last-run.json"), help="raw results file")
    parser.add_argument("--command", default="python3 bench/driver.py", help="command line to state in the report")
    parser.add_argument("--settle-seconds", type=float, default=180,
                        help=f"maximum seconds to wait for the load average to fall below {QUIET_LOAD} before starting")
    parser.add_argument("--no-profile", dest="profile", action="store_false",
                        help="skip the perf profiles of the contenders that miss a target")
    return parser.parse_args()


QUIET_LOAD = 1.5


def wait_for_quiet(max_seconds):
    """Waits up to `max_seconds` for the 1-minute load average to fall below
    QUIET_LOAD, for example after the builds that bench/run.sh starts."""
    deadline = time.monotonic() + max_seconds
    while os.getloadavg()[0] >= QUIET_LOAD and time.monotonic() < deadline:
        print(f"waiting for the load average ({load_average()}) to fall below {QUIET_LOAD}",
              file=sys.stderr, flush=True)
        time.sleep(10)


def main():
    args = parse_args()
    started = time.time()
    wait_for_quiet(args.settle_seconds)
    load_start = load_average()
    if os.getloadavg()[0] >= QUIET_LOAD:
        print(f"warning: the load average is {load_start}; other work on the machine will change "
              f"the numbers, so run when it is below {QUIET_LOAD}", file=sys.stderr)
    facts = machine_facts()
    workload_fields = QUICK_WORKLOADS if args.quick else FULL_WORKLOADS
    selected = [name for name in workload_fields if not args.workloads or name in args.workloads]
    contender_list = contenders(args)
    for contender in contender_list:
        if contender.missing:
            print(f"skipping {contender.name}: {contender.missing}", file=sys.stderr)
    runnable = [c for c in contender_list if not c.missing]
    use_wrk = shutil.which("wrk") is not None and (not args.only or "wrk" in args.only)

    mock = Mock(args.mock, deals=5000)
    runs = []
    page_bytes = 0
    profiles = {}
    try:
        for name in selected:
            page_bytes = run_workload(args, mock, name, workload_fields, runnable, use_wrk, runs) or page_bytes
        summaries = summarize_all(selected, runnable, use_wrk, runs)
        if args.profile:
            profiles = run_profiles(args, mock, summaries, workload_fields, contender_list)
    finally:
        mock.stop()

    failures = [run for run in runs if not run.ok]
    raw_path = Path(args.raw)
    raw_path.parent.mkdir(parents=True, exist_ok=True)
    raw_path.write_text(json.dumps([run.__dict__ for run in runs], indent=1))
    exit_problems = [run for run in runs if run.exit_problem]
    write_report(args.output, args, contender_list, summaries, failures, exit_problems, started, facts,
                 (load_start, load_average()), page_bytes, profiles)
    print(f"wrote {args.output} ({len(runs)} runs, {len(failures)} failed)", file=sys.stderr)
    return 1 if failures else 0


def run_workload(args, mock, name, workload_fields, runnable, use_wrk, runs):
    """Runs every trial of workload `name`; returns the canned page size
    for the decode workload."""
    page_bytes = 0
    if workload_fields[name]["workload"] == "decode":
        page_bytes = mock.serve_canned_page(SPEC_DEFAULTS["decode_page_size"])
    try:
        for trial in range(args.trials):
            # Rotate the order each trial so no contender always runs first.
            shift = trial % max(len(runnable), 1)
            for contender in runnable[shift:] + runnable[:shift]:
                if contender.workloads and name not in contender.workloads:
                    continue
                spec = build_spec(mock, workload_fields[name], name)
                run = run_contender(mock, contender, spec, trial, args.timeout)
                runs.append(run)
                status = "ok" if run.ok else f"FAILED: {run.error}"
                if run.exit_problem:
                    status += f" ({run.exit_problem})"
                wall = run.report.get("wall_s", 0)
                print(f"{name:8} trial {trial + 1} {contender.name:16} {wall * 1000:9.1f} ms {status}",
                      file=sys.stderr, flush=True)
            if use_wrk and name in ("get-c1", "get-c64"):
                connections = workload_fields[name].get("concurrency", 1)
                run = run_wrk(mock, connections, args.wrk_seconds, trial, SPEC_DEFAULTS["deal_id"])
                runs.append(run)
                rate = run.report.get("operations", 0) / max(run.report.get("wall_s", 1), 1e-9)
                print(f"{name:8} trial {trial + 1} {'wrk':16} {rate:9.0f} req/s "
                      f"{'ok' if run.ok else 'FAILED: ' + run.error}", file=sys.stderr, flush=True)
    finally:
        mock.clear_faults()
    return page_bytes


def summarize_all(selected, runnable, use_wrk, runs):
    summaries = {}
    names = [c.name for c in runnable] + (["wrk"] if use_wrk else [])
    for name in selected:
        rows = []
        for contender in names:
            summary = summarize([run for run in runs if run.workload == name and run.contender == contender])
            if summary:
                rows.append(summary)
        if rows:
            summaries[name] = rows
    return summaries


MAX_PROFILES = 12


def run_profiles(args, mock, summaries, workload_fields, contender_list):
    """Profiles the contenders of every missed target on its workload (at
    most MAX_PROFILES); returns {(contender, workload): the result of
    profile_contender, or the reason there is no profile}."""
    sdk_pairs, baseline_pairs = [], []
    for _, workload, _, verdict, names in targets(summaries):
        if verdict != "MISSED":
            continue
        # The SDK's contender comes first in `names`, the baseline after it.
        for index, name in enumerate(names):
            group = sdk_pairs if index == 0 else baseline_pairs
            if (name, workload) not in group:
                group.append((name, workload))
    pairs = sdk_pairs + [pair for pair in baseline_pairs if pair not in sdk_pairs]

    profiles = {}
    if not pairs:
        return profiles
    if not perf_available():
        profiles[("every missed target", "its workload")] = (
            "not profiled: `perf record` does not work here (Debian package linux-perf)"
        )
        return profiles
    by_name = {c.name: c for c in contender_list}
    rust_missed = any(name == "rust-core" for name, _ in pairs)
    if rust_missed and shutil.which("valgrind") and "rust-reqwest" in by_name:
        for workload in ("get", "create"):
            try:
                profiles[("callgrind", workload)] = instructions_per_operation(
                    mock, [by_name["rust-core"], by_name["rust-reqwest"]], workload, args.timeout)
                print(f"counted instructions per {workload} with callgrind", file=sys.stderr, flush=True)
            except (RuntimeError, OSError, subprocess.SubprocessError) as error:
                profiles[("callgrind", workload)] = f"not counted: {error}"
    for name, workload in pairs[:MAX_PROFILES]:
        fields = workload_fields[workload]
        if fields["workload"] == "decode":
            mock.serve_canned_page(SPEC_DEFAULTS["decode_page_size"])
        try:
            spec = build_spec(mock, fields, workload)
            profiles[(name, workload)] = profile_contender(mock, by_name[name], spec, args.timeout, top=12)
            print(f"profiled {name} on {workload}", file=sys.stderr, flush=True)
        except (RuntimeError, OSError, subprocess.SubprocessError) as error:
            profiles[(name, workload)] = f"not profiled: {error}"
        finally:
            mock.clear_faults()
    return profiles


if __name__ == "__main__":
    sys.exit(main())
