"""Pages: first-page fields, and iteration across every page (for / async for)."""

from __future__ import annotations

from typing import Any

import pytest

import coldmailreseller as cmr
from coldmailreseller.testing import Sandbox
from conftest import Api, hits, new_user, provisioned


def _users(api: Api, n: int) -> set[str]:
    return {api.users.create(**new_user(f"user{i}@acme.com")).id for i in range(n)}


def test_users_walk_every_page_once(api: Api) -> None:
    ids = _users(api, 23)
    first = api.users.list(limit=10)
    assert (len(first.items), first.current_page, first.next_page, first.total_pages) == (10, 1, 2, 3)
    assert first.total_count == 23 and first.has_next_page()
    before = hits(api.sb, "GET", "/users/list")
    every = api.collect(first)
    assert len(every) == 23 and {u.id for u in every} == ids
    assert all(isinstance(u, cmr.User) for u in every)
    assert hits(api.sb, "GET", "/users/list") == before + 2, "pages 2 and 3 fetched on demand"
    last = api.users.list(limit=10, page=3)
    assert (len(last.items), last.next_page) == (3, None)
    assert api.collect(last) == last.items


def test_search_filter_is_kept_across_pages(api: Api) -> None:
    _users(api, 6)
    for i in range(5):
        api.users.create(**{**new_user(f"other{i}@zeta.org"), "company": "Zeta"})
    found = api.collect(api.users.list(limit=2, search="zeta"))
    assert len(found) == 5 and all((u.email or "").endswith("@zeta.org") for u in found)


def test_mailboxes_list_all_and_subscriptions_pages(api: Api) -> None:
    provisioned(api, "p1@acme.com", "p1-example.com", ["a", "b", "c"])
    provisioned(api, "p2@acme.com", "p2-example.com", ["d", "e"])
    page = api.mailboxes.list_all(limit=2)
    assert len(page.items) == 2 and page.next_page == 2
    assert len(api.collect(page)) == 5
    subs = api.subscriptions.list(limit=1)
    assert subs.next_page == 2
    assert {s.domain for s in api.collect(subs)} == {"p1-example.com", "p2-example.com"}


def test_prewarmup_pages(api: Api) -> None:
    all_items = api.collect(api.prewarmup.list(limit=100))
    paged = api.collect(api.prewarmup.list(limit=1))
    assert len(all_items) >= 2
    assert [d.domain for d in paged] == [d.domain for d in all_items]


def test_sync_page_helpers(sb: Sandbox) -> None:
    client = sb.client()
    for i in range(5):
        client.users.create(**new_user(f"h{i}@acme.com"))
    page = client.users.list(limit=2)
    pages = list(page.iter_pages())
    assert [p.current_page for p in pages] == [1, 2, 3]
    nxt = page.get_next_page()
    assert nxt is not None and nxt.current_page == 2
    assert pages[-1].get_next_page() is None
    d = page.to_dict()
    assert d["nextPage"] == 2 and d["items"][0]["email"].endswith("@acme.com")
    assert "items=<2 items>" in repr(page)


async def test_async_page_helpers(sb: Sandbox) -> None:
    client = sb.async_client()
    for i in range(5):
        await client.users.create(**new_user(f"a{i}@acme.com"))
    page = await client.users.list(limit=2)
    assert isinstance(page, cmr.AsyncPage)
    nums = [p.current_page async for p in page.iter_pages()]
    assert nums == [1, 2, 3]
    emails = [u.email async for u in page]
    assert len(emails) == 5
