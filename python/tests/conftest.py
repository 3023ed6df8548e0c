"""Fixtures: one in-process sandbox per session (rate limit off), reset per
test, and an ``api`` fixture that runs each test through both clients."""

from __future__ import annotations

import asyncio
import json
import pathlib
from typing import Any, Callable, Iterator

import pytest

import coldmailreseller as cmr
from coldmailreseller.testing import Sandbox

SCENARIOS = pathlib.Path(__file__).resolve().parents[2] / "tests" / "scenarios"


def scenario(name: str) -> Any:
    return json.loads((SCENARIOS / f"{name}.json").read_text())


@pytest.fixture(scope="session")
def sandbox_session() -> Iterator[Sandbox]:
    sb = Sandbox()
    yield sb
    sb.stop()


@pytest.fixture
def sb(sandbox_session: Sandbox) -> Sandbox:
    """The sandbox, wiped, with a wallet that covers every order."""
    sandbox_session.reset()
    sandbox_session.set_wallet(100000.0)
    return sandbox_session


FAST = {"retry_base_delay": 0.01, "retry_max_delay": 0.05}


class _AsyncResource:
    def __init__(self, api: "Api", res: Any) -> None:
        self._api = api
        self._res = res

    def __getattr__(self, name: str) -> Callable[..., Any]:
        method = getattr(self._res, name)

        def run(*args: Any, **kwargs: Any) -> Any:
            return self._api.run(method(*args, **kwargs))

        return run


class Api:
    """One interface over both clients: ``api.users.get(user_id=...)`` calls the
    blocking client, or awaits the async client's coroutine on a loop."""

    def __init__(self, mode: str, sb: Sandbox, **kwargs: Any) -> None:
        self.mode = mode
        self.sb = sb
        self.kwargs = {**FAST, **kwargs}
        self.loop = asyncio.new_event_loop() if mode == "async" else None
        self.client: Any = sb.client(**self.kwargs) if mode == "sync" else sb.async_client(**self.kwargs)

    def run(self, coro: Any) -> Any:
        assert self.loop is not None
        return self.loop.run_until_complete(coro)

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self.client, name)
        if self.mode == "sync":
            return attr
        if callable(attr):
            return lambda *a, **k: self.run(attr(*a, **k))
        return _AsyncResource(self, attr)

    def collect(self, page: Any) -> list[Any]:
        """Every item of every page, with ``for`` or ``async for``."""
        if self.mode == "sync":
            assert isinstance(page, cmr.SyncPage)
            return [x for x in page]

        async def go() -> list[Any]:
            assert isinstance(page, cmr.AsyncPage)
            return [x async for x in page]

        return self.run(go())

    def close(self) -> None:
        if self.loop is not None:
            self.loop.close()


@pytest.fixture(params=["sync", "async"])
def api(request: pytest.FixtureRequest, sb: Sandbox) -> Iterator[Api]:
    a = Api(request.param, sb)
    yield a
    a.close()


# -- data builders --------------------------------------------------------------


def new_user(email: str) -> dict[str, Any]:
    return dict(
        email=email,
        company="Acme Inc.",
        first_name="Jane",
        last_name="Doe",
        country="US",
        city="Austin",
        address_line_one="1 Main Street",
        address_line_two="Suite 4",
        language_preference="en",
        postal_code="73301",
        state="TX",
        phone_cc="1",
        phone="5125550100",
    )


GOOGLE = cmr.GoogleConfig(google_oauth_route="https://app.example.com/oauth/google", client_id="client-123", app_name="Example")


def order(domain: str, usernames: list[str], **extra: Any) -> dict[str, Any]:
    args: dict[str, Any] = dict(
        domains=[cmr.OrderDomain(domain=domain, years=1)],
        mailboxes={domain: [cmr.NewMailbox(username=u, first_name="First", last_name="Last") for u in usernames]},
        billing_cycle=cmr.BillingCycle.MONTHLY,
        confirm=True,
        google=GOOGLE,
    )
    args.update(extra)
    return args


def provisioned(api: Api, email: str, domain: str, usernames: list[str]) -> tuple[Any, Any, list[Any]]:
    """A user owning ``domain`` with ACTIVE mailboxes and an active subscription."""
    user = api.users.create(**new_user(email))
    created = api.orders.create(user_id=user.id, **order(domain, usernames))
    assert created.order_id
    api.sb.advance(60)
    subs = api.subscriptions.list(domain=domain)
    assert subs.items, "a subscription exists for the domain"
    mailboxes = api.mailboxes.list(user_id=user.id)
    return user, subs.items[0], mailboxes


def hits(sb: Sandbox, method: str, path: str) -> int:
    """API requests the sandbox received for ``method path`` (relative path)."""
    return sum(1 for r in sb.requests() if r["method"] == method and r["path"] == path)
