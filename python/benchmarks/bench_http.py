"""cmr against the strongest Python HTTP clients, measured the way users run
us: one EXTERNAL release ``cmr-sandbox`` process (rate limit off) on this
machine, each client in this process. Not a test: prints numbers.

    python3 python/benchmarks/bench_http.py [--rounds 5] [--calls 2000] [--async-calls 6400]
                                            [--concurrency 64] [--wheel PATH] [--json OUT]

It sets itself up: builds the release sandbox (``cargo build --release -p
cmr-sandbox``), creates a virtualenv under ``target/bench-venv`` with the
pinned peers (httpx, requests, aiohttp) and the newest wheel from
``target/wheels`` (``scripts/test-python.sh`` builds it; ``--wheel`` picks
another), then re-runs itself inside that venv.

Every client does the same work per call: ``GET /users?userId=...`` with the
key header, check the HTTP status and the envelope's status, decode the JSON
envelope and build a user dataclass from ``data``. The peers build a
hand-written dataclass field by field (what a user of httpx would write,
cheaper than cmr's generic model code), so the comparison never flatters cmr.

Clients are interleaved: each round runs every client once (in a rotating
order), so machine noise hits them alike; the report gives the best round,
the median and the spread (min-max) of throughput, CPU microseconds per
request of this process (``time.process_time``: every thread, tokio's
included) and of the sandbox process (``/proc/PID/stat``), and the ratio of
cmr to each peer within each round.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import glob
import json
import os
import statistics
import subprocess
import sys
import time
from typing import Any, Awaitable, Callable, Optional

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
VENV = os.path.join(ROOT, "target", "bench-venv")
PEERS = ["httpx==0.28.1", "requests==2.34.2", "aiohttp==3.14.5"]

USER = dict(
    email="bench@acme.com",
    company="Acme Inc.",
    first_name="Jane",
    last_name="Doe",
    country="US",
    city="Austin",
    address_line_one="1 Main Street",
    language_preference="en",
    postal_code="73301",
    state="TX",
    phone_cc="1",
    phone="5125550100",
)


# --------------------------------------------------------------------------- setup


def _setup(a: argparse.Namespace) -> None:
    """Outside the venv: build the sandbox, prepare the venv, re-exec inside it."""
    vpy = os.path.join(VENV, "bin", "python")
    wheel = a.wheel
    if wheel is None:
        wheels = sorted(glob.glob(os.path.join(ROOT, "target", "wheels", "coldmailreseller-*.whl")), key=os.path.getmtime)
        if not wheels:
            sys.exit("no wheel in target/wheels: run scripts/test-python.sh (or pass --wheel)")
        wheel = wheels[-1]
    if not os.path.exists(vpy):
        subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
    stamp = os.path.join(VENV, ".peers")
    have = open(stamp).read() if os.path.exists(stamp) else ""
    if have != " ".join(PEERS):
        subprocess.run([vpy, "-m", "pip", "install", "-q", "--disable-pip-version-check", *PEERS], check=True)
        with open(stamp, "w") as f:
            f.write(" ".join(PEERS))
    subprocess.run(
        [vpy, "-m", "pip", "install", "-q", "--disable-pip-version-check", "--force-reinstall", "--no-deps", wheel],
        check=True,
    )
    if a.sandbox_bin is None:
        subprocess.run(["cargo", "build", "--release", "-q", "-p", "cmr-sandbox"], cwd=ROOT, check=True)
        a.sandbox_bin = os.path.join(ROOT, "target", "release", "cmr-sandbox")
    a.sandbox_bin = os.path.abspath(a.sandbox_bin)
    print(f"wheel: {os.path.basename(wheel)}", flush=True)
    args = [vpy, os.path.abspath(__file__)] + sys.argv[1:] + ["--inner", "--sandbox-bin", a.sandbox_bin, "--wheel", wheel]
    if a.json:
        args += ["--json", os.path.abspath(a.json)]
    # Run from / so that the source tree's package is not importable.
    os.chdir("/")
    os.execv(vpy, args)


class SandboxProcess:
    def __init__(self, binary: str) -> None:
        self.proc = subprocess.Popen(
            [binary, "--port", "0", "--no-rate-limit"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if "listening on" not in line:
            self.proc.kill()
            raise RuntimeError(f"cmr-sandbox did not start: {line!r}")
        self.url = line.split("listening on", 1)[1].strip()
        self.base_url = self.url + "/api/v1/integration"

    def cpu_seconds(self) -> float:
        """utime + stime of the sandbox process (every thread)."""
        with open(f"/proc/{self.proc.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()


# --------------------------------------------------------------------------- peers' work per call


@dataclasses.dataclass
class PeerUser:
    """What a user of a plain HTTP client would write for the answer's ``data``."""

    id: str
    email: Optional[str] = None
    company: Optional[str] = None
    first_name: Optional[str] = None
    last_name: Optional[str] = None
    country: Optional[str] = None
    city: Optional[str] = None
    address_line_one: Optional[str] = None
    address_line_two: Optional[str] = None
    address_line_three: Optional[str] = None
    language_preference: Optional[str] = None
    postal_code: Optional[str] = None
    state: Optional[str] = None
    phone_cc: Optional[str] = None
    phone: Optional[str] = None
    created_at: Optional[str] = None


def peer_user(status: int, body: Any) -> PeerUser:
    """Check the HTTP status and the envelope's, then build the user."""
    if status >= 400 or not isinstance(body, dict) or (body.get("status") or 200) >= 400:
        raise RuntimeError(f"HTTP {status}: {body!r}")
    d = body["data"]
    g = d.get
    return PeerUser(
        id=d["id"], email=g("email"), company=g("company"), first_name=g("firstName"), last_name=g("lastName"),
        country=g("country"), city=g("city"), address_line_one=g("addressLineOne"),
        address_line_two=g("addressLineTwo"), address_line_three=g("addressLineThree"),
        language_preference=g("languagePreference"), postal_code=g("postalCode"), state=g("state"),
        phone_cc=g("phoneCc"), phone=g("phone"), created_at=g("createdAt"),
    )  # fmt: skip


# --------------------------------------------------------------------------- measurement


@dataclasses.dataclass
class Sample:
    rps: float
    cpu_us: float
    server_cpu_us: float


def measure(sb: SandboxProcess, n: int, run: Callable[[], None]) -> Sample:
    s0, c0, t0 = sb.cpu_seconds(), time.process_time(), time.perf_counter()
    run()
    wall, cpu, scpu = time.perf_counter() - t0, time.process_time() - c0, sb.cpu_seconds() - s0
    return Sample(n / wall, cpu / n * 1e6, scpu / n * 1e6)


def sync_clients(sb: SandboxProcess, user_id: str) -> dict[str, tuple[Callable[[], Any], Callable[[], None]]]:
    import httpx
    import requests

    import coldmailreseller as cmr

    headers = {"cmr-x-api-key": cmr._native.DEFAULT_API_KEY}
    ours = cmr.Client(api_key=cmr._native.DEFAULT_API_KEY, base_url=sb.base_url)
    hx = httpx.Client(base_url=sb.base_url, headers=headers)
    rq = requests.Session()
    rq.headers.update(headers)
    users_url = sb.base_url + "/users"
    params = {"userId": user_id}

    def f_cmr() -> Any:
        return ours.users.get(user_id=user_id)

    def f_httpx() -> Any:
        r = hx.get("/users", params=params)
        return peer_user(r.status_code, r.json())

    def f_requests() -> Any:
        r = rq.get(users_url, params=params)
        return peer_user(r.status_code, r.json())

    return {
        "cmr.Client": (f_cmr, ours.close),
        "httpx.Client": (f_httpx, hx.close),
        "requests.Session": (f_requests, rq.close),
    }


def async_clients(sb: SandboxProcess, user_id: str, conc: int) -> dict[str, Callable[[], Awaitable[Any]]]:
    """Built inside the running loop (aiohttp needs one)."""
    import aiohttp
    import httpx

    import coldmailreseller as cmr

    headers = {"cmr-x-api-key": cmr._native.DEFAULT_API_KEY}
    ours = cmr.AsyncClient(api_key=cmr._native.DEFAULT_API_KEY, base_url=sb.base_url)
    limits = httpx.Limits(max_connections=conc, max_keepalive_connections=conc)
    hx = httpx.AsyncClient(base_url=sb.base_url, headers=headers, limits=limits)
    aio = aiohttp.ClientSession(headers=headers, connector=aiohttp.TCPConnector(limit=conc))
    users_url = sb.base_url + "/users"
    params = {"userId": user_id}

    async def f_cmr() -> Any:
        return await ours.users.get(user_id=user_id)

    async def f_aiohttp() -> Any:
        async with aio.get(users_url, params=params) as r:
            return peer_user(r.status, await r.json())

    async def f_httpx() -> Any:
        r = await hx.get("/users", params=params)
        return peer_user(r.status_code, r.json())

    return {"cmr.AsyncClient": f_cmr, "aiohttp": f_aiohttp, "httpx.AsyncClient": f_httpx, "_close": aio.close}  # type: ignore[dict-item]


_CLIENTS: Optional[list[str]] = None


def _wanted(name: str) -> bool:
    return _CLIENTS is None or any(c.lower() in name.lower() for c in _CLIENTS)


def run_sync(sb: SandboxProcess, user_id: str, rounds: int, n: int) -> dict[str, list[Sample]]:
    clients = {k: v for k, v in sync_clients(sb, user_id).items() if _wanted(k)}
    out: dict[str, list[Sample]] = {k: [] for k in clients}
    for f, _ in clients.values():  # connections open, code paths warm
        for _ in range(200):
            f()
    names = list(clients)
    for r in range(rounds):
        order = names[r % len(names):] + names[: r % len(names)]
        for name in order:
            f = clients[name][0]

            def loop() -> None:
                for _ in range(n):
                    f()

            out[name].append(measure(sb, n, loop))
    for _, close in clients.values():
        close()
    return out


def run_async(sb: SandboxProcess, user_id: str, rounds: int, n: int, conc: int) -> dict[str, list[Sample]]:
    async def main() -> dict[str, list[Sample]]:
        clients = async_clients(sb, user_id, conc)
        close = clients.pop("_close")
        clients = {k: v for k, v in clients.items() if _wanted(k)}
        out: dict[str, list[Sample]] = {k: [] for k in clients}
        per = max(1, n // conc)

        async def batch(f: Callable[[], Awaitable[Any]], k: int) -> None:
            async def worker() -> None:
                for _ in range(k):
                    await f()

            await asyncio.gather(*(worker() for _ in range(conc)))

        for f in clients.values():
            await batch(f, 4)
        names = list(clients)
        for r in range(rounds):
            order = names[r % len(names):] + names[: r % len(names)]
            for name in order:
                f = clients[name]
                # httpx's async client runs ~100x slower than the others at 64
                # in flight: a tenth of the calls keeps the run short (rates
                # and CPU are per request, so they stay comparable).
                k = max(2, per // 10) if name.startswith("httpx") else per
                s0, c0, t0 = sb.cpu_seconds(), time.process_time(), time.perf_counter()
                await batch(f, k)
                total = k * conc
                wall, cpu, scpu = time.perf_counter() - t0, time.process_time() - c0, sb.cpu_seconds() - s0
                out[name].append(Sample(total / wall, cpu / total * 1e6, scpu / total * 1e6))
        await close()
        return out

    return asyncio.run(main())


# --------------------------------------------------------------------------- report


def report(title: str, res: dict[str, list[Sample]], ours: str) -> dict[str, Any]:
    print(f"\n## {title}\n")
    print("| client | best req/s | median | spread (min-max) | CPU us/req (client, median) | CPU us/req (server, median) |")
    print("|---|---|---|---|---|---|")
    summary: dict[str, Any] = {}
    for name, samples in res.items():
        rps = [s.rps for s in samples]
        cpu = statistics.median(s.cpu_us for s in samples)
        scpu = statistics.median(s.server_cpu_us for s in samples)
        print(f"| {name} | {max(rps):,.0f} | {statistics.median(rps):,.0f} | {min(rps):,.0f} - {max(rps):,.0f} | {cpu:,.0f} | {scpu:,.0f} |")
        summary[name] = {"rps": rps, "cpu_us": cpu, "server_cpu_us": scpu}
    print()
    for name, samples in res.items():
        if name == ours or ours not in res:
            continue
        ratios = [o.rps / p.rps for o, p in zip(res[ours], samples)]
        best = max(s.rps for s in res[ours]) / max(s.rps for s in samples)
        print(f"- {ours} / {name}: **{best:.2f}x** best vs best; per round {min(ratios):.2f}x - {max(ratios):.2f}x")
        summary[f"ratio {name}"] = {"best": best, "rounds": ratios}
    return summary


def inner(a: argparse.Namespace) -> None:
    import coldmailreseller as cmr

    import aiohttp  # noqa: F401  (fail early if a peer is missing)

    sb = SandboxProcess(a.sandbox_bin)
    try:
        setup = cmr.Client(api_key=cmr._native.DEFAULT_API_KEY, base_url=sb.base_url)
        user_id = setup.users.create(**USER).id
        print(f"sandbox pid {sb.proc.pid} at {sb.url}; coldmailreseller {cmr.__version__} from {os.path.dirname(cmr.__file__)}")
        print(f"{a.rounds} rounds, {a.calls} sync calls and {a.async_calls} async calls ({a.concurrency} in flight) per client per round; {os.cpu_count()} CPUs; load average before: {os.getloadavg()[0]:.2f}")
        out: dict[str, Any] = {}
        if "sync" in a.only:
            out["sync"] = report("sync, sequential", run_sync(sb, user_id, a.rounds, a.calls), "cmr.Client")
        if "async" in a.only:
            title = f"asyncio, {a.concurrency} in flight"
            out["async"] = report(title, run_async(sb, user_id, a.rounds, a.async_calls, a.concurrency), "cmr.AsyncClient")
        print(f"\nload average after: {os.getloadavg()[0]:.2f}")
        if a.json:
            with open(a.json, "w") as f:
                json.dump(out, f, indent=1)
    finally:
        sb.stop()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--calls", type=int, default=2000, help="sync calls per client per round")
    ap.add_argument("--async-calls", type=int, default=6400, help="async calls per client per round")
    ap.add_argument("--concurrency", type=int, default=64)
    ap.add_argument("--only", default="sync,async", help="sync, async or both (comma-separated)")
    ap.add_argument("--wheel", help="the coldmailreseller wheel to test (default: newest in target/wheels)")
    ap.add_argument("--sandbox-bin", help="a built cmr-sandbox (default: cargo build --release)")
    ap.add_argument("--json", help="also write the results here")
    ap.add_argument("--clients", help="only these clients (comma-separated name parts), e.g. to profile one")
    ap.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    a = ap.parse_args()
    a.only = set(a.only.split(","))
    if a.clients:
        global _CLIENTS
        _CLIENTS = a.clients.split(",")
    if a.inner:
        inner(a)
    else:
        _setup(a)


if __name__ == "__main__":
    main()
