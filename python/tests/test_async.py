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
