"""cmr (Rust core) vs a pure-Python httpx client, against the same in-process
sandbox (rate limit off). Not a test: prints numbers.

    python benchmarks/bench.py [--calls 2000] [--async-calls 4000] [--concurrency 64]

Both clients do the same work per call: send ``GET /users?userId=...`` with the
key header, check the status, decode the JSON envelope and build a typed
``cmr.User`` from ``data`` (the httpx baseline reuses cmr's model class, so the
comparison is about the transport + decoding, not about model code).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import time
from typing import Any, Callable

import httpx

import coldmailreseller as cmr
from coldmailreseller.testing import Sandbox

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


def _httpx_user(resp: httpx.Response) -> cmr.User:
    if resp.status_code >= 400:
        raise RuntimeError(resp.text)
    return cmr.User.from_dict(resp.json()["data"])


def bench_sync(sb: Sandbox, user_id: str, n: int) -> tuple[tuple[float, float], tuple[float, float]]:
    client = sb.client(max_retries=0)
    hx = httpx.Client(base_url=sb.base_url, headers={"cmr-x-api-key": sb.api_key})

    def ours() -> None:
        client.users.get(user_id=user_id)

    def theirs() -> None:
        _httpx_user(hx.get("/users", params={"userId": user_id}))

    def rate(f: Callable[[], None]) -> tuple[float, float]:
        """(requests per second, CPU microseconds per request). CPU time is
        the whole process (client + in-process sandbox threads): it does not
        depend on how busy the machine is."""
        for _ in range(50):  # warm the connection pool
            f()
        t, c = time.perf_counter(), time.process_time()
        for _ in range(n):
            f()
        wall, cpu = time.perf_counter() - t, time.process_time() - c
        return n / wall, cpu / n * 1e6

    def best(f: Callable[[], None]) -> tuple[float, float]:
        runs = [rate(f) for _ in range(3)]
        return statistics.median(r for r, _ in runs), statistics.median(c for _, c in runs)

    r_ours = best(ours)
    r_hx = best(theirs)
    hx.close()
    return r_ours, r_hx


async def bench_async(
    sb: Sandbox, user_id: str, n: int, concurrency: int
) -> tuple[tuple[float, float], tuple[float, float]]:
    client = sb.async_client(max_retries=0)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    hx = httpx.AsyncClient(base_url=sb.base_url, headers={"cmr-x-api-key": sb.api_key}, limits=limits)

    async def ours() -> Any:
        return await client.users.get(user_id=user_id)

    async def theirs() -> Any:
        return _httpx_user(await hx.get("/users", params={"userId": user_id}))

    async def rate(f: Callable[[], Any]) -> tuple[float, float]:
        async def worker(k: int) -> None:
            for _ in range(k):
                await f()

        await asyncio.gather(*(worker(2) for _ in range(concurrency)))  # warm
        per = n // concurrency
        t, c = time.perf_counter(), time.process_time()
        await asyncio.gather(*(worker(per) for _ in range(concurrency)))
        wall, cpu = time.perf_counter() - t, time.process_time() - c
        return per * concurrency / wall, cpu / (per * concurrency) * 1e6

    async def best(f: Callable[[], Any]) -> tuple[float, float]:
        runs = [await rate(f) for _ in range(3)]
        return statistics.median(r for r, _ in runs), statistics.median(c for _, c in runs)

    r_ours = await best(ours)
    r_hx = await best(theirs)
    await hx.aclose()
    return r_ours, r_hx


def import_ms(module: str, runs: int = 15) -> float:
    code = f"import time; t=time.perf_counter(); import {module}; print((time.perf_counter()-t)*1000)"
    times = [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout) for _ in range(runs)]
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--calls", type=int, default=2000)
    ap.add_argument("--async-calls", type=int, default=6400)
    ap.add_argument("--concurrency", type=int, default=64)
    a = ap.parse_args()
    with Sandbox(rate_limit=None) as sb:
        user_id = sb.client().users.create(**USER).id
        s_ours, s_hx = bench_sync(sb, user_id, a.calls)
        a_ours, a_hx = asyncio.run(bench_async(sb, user_id, a.async_calls, a.concurrency))
    imp_cmr = import_ms("coldmailreseller")
    imp_hx = import_ms("httpx")
    for label, (ours, theirs) in (("sync sequential ", (s_ours, s_hx)), (f"async {a.concurrency:>3} in flight", (a_ours, a_hx))):
        print(
            f"{label}: cmr {ours[0]:7.0f} req/s {ours[1]:6.0f} CPU-us/req | httpx {theirs[0]:7.0f} req/s "
            f"{theirs[1]:6.0f} CPU-us/req | throughput x{ours[0] / theirs[0]:.2f}, CPU x{theirs[1] / ours[1]:.2f}"
        )
    print(f"import time      : cmr {imp_cmr:6.1f} ms      httpx {imp_hx:6.1f} ms (median of 15 fresh interpreters)")


if __name__ == "__main__":
    main()
