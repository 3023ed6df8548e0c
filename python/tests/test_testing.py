"""coldmailreseller.testing: the Sandbox helper and the pytest fixtures."""

from __future__ import annotations

import pytest

import coldmailreseller as cmr
from coldmailreseller.testing import Sandbox

pytest_plugins: list[str] = []  # the plugin is registered by the package's entry point


def test_seed_wallet_clock_and_requests(sb: Sandbox) -> None:
    ids = sb.seed()
    assert {"userId", "domainId", "domain", "subscriptionId", "mailboxIds"} <= set(ids)
    client = sb.client()
    assert client.users.get(user_id=ids["userId"]).id == ids["userId"]
    sb.set_wallet(12.5)
    assert sb.wallet() == 12.5 and client.wallet.get().balance == 12.5
    before = sb.now()
    sb.advance(3600)
    assert sb.now() > before
    assert sb.requests()[-1]["path"] == "/wallet"
    sb.reset()
    assert sb.requests() == [] and sb.webhooks() == []
    with pytest.raises(cmr.NotFoundError):
        client.users.get(user_id=ids["userId"])


def test_faults_can_be_cleared(sb: Sandbox) -> None:
    sb.inject_fault("/wallet", status=500, count=5)
    sb.clear_faults()
    assert sb.client(max_retries=0).wallet.get().balance is not None


def test_control_errors_are_reported(sb: Sandbox) -> None:
    with pytest.raises(ValueError, match="Unknown config field 'nope'"):
        sb.control("configure", {"nope": 1})
    with pytest.raises(ValueError, match="non-negative"):
        sb.set_wallet(-1)
    with pytest.raises(ValueError, match="unknown control operation"):
        sb.control("launch_missiles")


def test_every_control_operation_is_reachable(sb: Sandbox) -> None:
    from coldmailreseller.testing import CONTROL_OPS

    assert {"reset", "seed", "advance", "configure", "inject_fault", "state", "health"} <= set(CONTROL_OPS)
    ids = sb.seed()
    assert ids["userId"] in sb.state()["users"]
    assert sb.freeze_clock(True)["frozen"] is True
    before = sb.clock()["offsetSeconds"]
    assert sb.advance(90)["offsetSeconds"] == before + 90
    sb.configure(rate_limit=3)
    assert sb.config()["rateLimit"] == 3
    sb.inject_fault("/users/list", status=503)
    assert [f["path"] for f in sb.faults()] == ["/users/list"]
    sb.clear_faults()
    assert sb.faults() == []
    sb.client().users.get(user_id=ids["userId"])
    assert [r["path"] for r in sb.requests()] == ["/users"]
    sb.clear_requests()
    assert sb.requests() == []
    assert sb.health()["ok"] is True


def test_stop_is_idempotent() -> None:
    sb = Sandbox(api_key="k2")
    assert sb.running and sb.api_key == "k2" and sb.base_url.endswith("/api/v1/integration")
    url = sb.base_url
    sb.stop()
    sb.stop()
    assert not sb.running
    with pytest.raises(cmr.NetworkError):
        cmr.Client(api_key="k2", base_url=url, max_retries=0).wallet.get()


def test_plugin_fixtures(cmr_sandbox: Sandbox, cmr_client: cmr.Client) -> None:
    assert cmr_client.base_url == cmr_sandbox.base_url
    assert cmr_client.users.list().items == []
