"""The async client on a real event loop: concurrency, async for, raw requests."""

from __future__ import annotations

import asyncio

import pytest

import coldmailreseller as cmr
from coldmailreseller.testing import Sandbox
from conftest import new_user


async def test_many_calls_in_flight(sb: Sandbox) -> None:
    client = sb.async_client()
    users = await asyncio.gather(*(client.users.create(**new_user(f"c{i}@acme.com")) for i in range(64)))
    assert len({u.id for u in users}) == 64
    got = await asyncio.gather(*(client.users.get(user_id=u.id) for u in users))
    assert [g.email for g in got] == [u.email for u in users]


async def test_errors_are_raised_from_awaits(sb: Sandbox) -> None:
    client = sb.async_client()
    with pytest.raises(cmr.NotFoundError) as ei:
        await client.users.get(user_id="NOSUCHUSER000000000000000000")
    assert ei.value.status == 404
    with pytest.raises(cmr.ValidationError):
        await client.users.get(user_id="")


async def test_async_request_and_context_manager(sb: Sandbox) -> None:
    async with sb.async_client() as client:
        env = await client.request("GET", "/wallet")
        assert env.status == 200 and env.data["balance"] == 100000.0
        ack = await client.send_error(message="hello")
        assert ack.message


async def test_cancellation_does_not_break_the_client(sb: Sandbox) -> None:
    client = sb.async_client()
    sb.inject_fault("/wallet", kind="delay", delay_ms=2000)
    task = asyncio.ensure_future(client.wallet.get())
    await asyncio.sleep(0.05)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    sb.clear_faults()
    assert (await client.wallet.get()).balance == 100000.0


def test_blocking_client_from_threads(sb: Sandbox) -> None:
    from concurrent.futures import ThreadPoolExecutor

    client = sb.client()
    with ThreadPoolExecutor(8) as ex:
        users = list(ex.map(lambda i: client.users.create(**new_user(f"t{i}@acme.com")), range(32)))
    assert len({u.id for u in users}) == 32


async def test_a_burst_of_calls_resolves_every_future(sb: Sandbox) -> None:
    # Results come back in batches through the loop's completion port: every
    # future of a burst must be resolved, with its own result or error.
    client = sb.async_client()
    user = await client.users.create(**new_user("burst@acme.com"))
    calls = [client.users.get(user_id=user.id if i % 3 else "NOSUCHUSER000000000000000000") for i in range(300)]
    results = await asyncio.gather(*calls, return_exceptions=True)
    for i, r in enumerate(results):
        if i % 3:
            assert isinstance(r, cmr.User) and r.id == user.id
        else:
            assert isinstance(r, cmr.NotFoundError)


def test_one_client_on_successive_and_concurrent_loops(sb: Sandbox) -> None:
    # Each loop gets its own completion port; a closed loop's port does not
    # get in the way of the next loop, nor do two loops in two threads.
    import threading

    client = sb.async_client()

    async def wallet() -> float:
        return (await client.wallet.get()).balance

    assert asyncio.run(wallet()) == 100000.0
    assert asyncio.run(wallet()) == 100000.0
    got: list[float] = []

    async def twenty() -> list[float]:
        return list(await asyncio.gather(*(wallet() for _ in range(20))))

    def in_thread() -> None:
        got.extend(asyncio.run(twenty()))

    threads = [threading.Thread(target=in_thread) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert got == [100000.0] * 60
