"""Retries under injected faults, checked with the sandbox's request log."""

from __future__ import annotations

import pytest

import coldmailreseller as cmr
from coldmailreseller.testing import Sandbox
from conftest import Api, hits, new_user


def test_a_get_is_retried_after_503(api: Api) -> None:
    api.sb.inject_fault("/wallet", status=503, count=1)
    w = api.wallet.get()
    assert w.balance == 100000.0
    assert [r["status"] for r in api.sb.requests() if r["path"] == "/wallet"] == [503, 200]


def test_a_get_gives_up_after_max_retries(api: Api) -> None:
    api.sb.inject_fault("/wallet", status=503, count=10)
    with pytest.raises(cmr.ServerError):
        api.wallet.get()
    assert hits(api.sb, "GET", "/wallet") == 3  # first attempt + 2 retries (the default)


def test_a_post_is_not_retried_after_500(api: Api) -> None:
    api.sb.inject_fault("/users", method="POST", status=500, count=1)
    with pytest.raises(cmr.ServerError) as ei:
        api.users.create(**new_user("once@acme.com"))
    assert ei.value.may_have_been_sent
    assert hits(api.sb, "POST", "/users") == 1


def test_a_post_is_retried_after_429(api: Api) -> None:
    api.sb.inject_fault("/users", method="POST", status=429, retry_after=0, count=1)
    u = api.users.create(**new_user("after429@acme.com"))
    assert u.id
    assert [r["status"] for r in api.sb.requests() if r["path"] == "/users"] == [429, 200]


def test_a_get_is_retried_after_a_dropped_connection(api: Api) -> None:
    api.sb.inject_fault("/wallet", kind="drop", count=1)
    assert api.wallet.get().balance == 100000.0


def test_the_sandbox_rate_limit_gives_rate_limit_errors(sb: Sandbox) -> None:
    sb.configure(rate_limit=2)
    client = sb.client(max_retries=0)
    with pytest.raises(cmr.RateLimitError) as ei:
        for _ in range(20):
            client.geo.countries()
    assert ei.value.status == 429 and ei.value.retry_after is not None and ei.value.retry_after > 0


def test_max_retries_zero_per_request(sb: Sandbox) -> None:
    client = sb.client()
    sb.inject_fault("/wallet", status=503, count=1)
    with pytest.raises(cmr.ServerError):
        client.with_options(max_retries=0).wallet.get()
    assert hits(sb, "GET", "/wallet") == 1
    assert client.wallet.get().balance == 100000.0
