"""Webhook verification vectors, typed events, and a real signed delivery."""

from __future__ import annotations

import http.server
import json
import threading
from typing import Any, Iterator

import pytest

import coldmailreseller as cmr
from coldmailreseller import webhooks
from coldmailreseller.testing import Sandbox
from conftest import GOOGLE, new_user, order, scenario

VECTORS = scenario("webhook_vectors")
SECRET = VECTORS["secret"]


@pytest.mark.parametrize("case", VECTORS["cases"], ids=[c["name"] for c in VECTORS["cases"]])
@pytest.mark.parametrize("body_type", [bytes, str])
def test_vectors(case: dict[str, Any], body_type: type) -> None:
    body = case["body"].encode() if body_type is bytes else case["body"]
    if case["valid"]:
        webhooks.verify(body, case["headers"], SECRET, now=case["now"])
        ev = webhooks.construct_event(body, case["headers"], SECRET, now=case["now"])
        assert ev.event == case["event"] and ev.event_id == case["eventId"]
        assert isinstance(ev, webhooks.DomainOrderSuccessEvent)
        assert isinstance(ev.data, webhooks.DomainOrderEvent) and ev.data.price == 15.88
    else:
        with pytest.raises(cmr.SignatureVerificationError) as ei:
            webhooks.verify(body, case["headers"], SECRET, now=case["now"])
        assert ei.value.code == "signature"
        if "errorContains" in case:
            assert case["errorContains"] in ei.value.message
        with pytest.raises(cmr.SignatureVerificationError):
            webhooks.construct_event(body, case["headers"], SECRET, now=case["now"])


def test_headers_as_pairs_and_bytes() -> None:
    case = VECTORS["cases"][0]
    pairs = [(k.encode(), v.encode()) for k, v in case["headers"].items()]
    webhooks.verify(case["body"].encode(), pairs, SECRET, now=case["now"])


def test_parsed_json_is_refused_with_a_hint() -> None:
    case = VECTORS["cases"][0]
    with pytest.raises(TypeError, match="raw request body"):
        webhooks.verify(json.loads(case["body"]), case["headers"], SECRET, now=case["now"])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="raw request body"):
        webhooks.parse(json.loads(case["body"]))  # type: ignore[arg-type]


def test_sign_matches_the_vectors() -> None:
    case = VECTORS["cases"][0]
    assert webhooks.sign(SECRET, 1700000000, case["body"]) == case["headers"]["cmr-x-signature"]
    assert webhooks.signature_headers(SECRET, 1700000000, case["body"]) == case["headers"]


def test_a_fresh_signature_verifies_with_the_real_clock() -> None:
    import time

    body = b'{"event":"mailbox.created","eventId":"E9","data":{"email":"a@b.com","password":"pw","status":"NEWSTATE"}}'
    headers = webhooks.signature_headers("whsec", int(time.time()), body)
    ev = webhooks.construct_event(body, headers, "whsec")
    assert isinstance(ev, webhooks.MailboxCreatedEvent)
    assert ev.data.status == "NEWSTATE" and not isinstance(ev.data.status, cmr.MailboxStatus)
    assert "pw" not in repr(ev), "credentials are masked in reprs"


EVENT_CLASSES = {
    "domain.order.success": webhooks.DomainOrderSuccessEvent,
    "domain.order.failed": webhooks.DomainOrderFailedEvent,
    "mailbox.order.success": webhooks.MailboxOrderSuccessEvent,
    "mailbox.order.failed": webhooks.MailboxOrderFailedEvent,
    "mailbox.created": webhooks.MailboxCreatedEvent,
    "mailbox.updated": webhooks.MailboxUpdatedEvent,
    "subscription.renewing": webhooks.SubscriptionRenewingEvent,
    "subscription.renewal.success": webhooks.SubscriptionRenewalSuccessEvent,
    "subscription.renewal.failed": webhooks.SubscriptionRenewalFailedEvent,
    "subscription.updated": webhooks.SubscriptionUpdatedEvent,
    "subscription.past_due": webhooks.SubscriptionPastDueEvent,
    "prewarmup.order.success": webhooks.PrewarmupOrderSuccessEvent,
    "prewarmup.order.failed": webhooks.PrewarmupOrderFailedEvent,
}


@pytest.mark.parametrize("name", sorted(EVENT_CLASSES))
def test_each_event_parses_into_its_class(name: str) -> None:
    body = json.dumps({"event": name, "eventId": "E1", "data": {"userId": "U1", "actionId": "ACT_1", "brandNew": 1}})
    ev = webhooks.parse(body)
    assert type(ev) is EVENT_CLASSES[name]
    assert ev.event == name and ev.event_id == "E1" and ev.action_id == "ACT_1"
    assert ev.data.user_id == "U1" and ev.data.extra == {"brandNew": 1}
    assert ev.to_dict() == json.loads(body)


def test_unknown_events_are_kept() -> None:
    ev = webhooks.parse(b'{"event":"dns.changed","eventId":"X","data":{"a":1}}')
    assert isinstance(ev, webhooks.UnknownEvent)
    assert ev.event == "dns.changed" and ev.data == {"a": 1}


def test_a_body_that_is_not_json_is_a_decode_error() -> None:
    with pytest.raises(cmr.DecodeError):
        webhooks.parse(b"not json")


@pytest.mark.parametrize("tolerance", [-1.0, float("nan"), float("inf"), 1e30, 3650 * 86400 + 1])
def test_a_bad_tolerance_is_a_validation_error(tolerance: float) -> None:
    case = VECTORS["cases"][0]
    with pytest.raises(cmr.ValidationError):
        webhooks.verify(case["body"], case["headers"], SECRET, tolerance, now=case["now"])


def test_extreme_clocks_do_not_overflow() -> None:
    case = VECTORS["cases"][0]
    for now in (2**63 - 1, -(2**63), 0):
        with pytest.raises(cmr.SignatureVerificationError, match="tolerance"):
            webhooks.verify(case["body"], case["headers"], SECRET, 3650 * 86400, now=now)


def test_dedupe_in_memory() -> None:
    d = webhooks.EventDeduplicator()
    assert d.ttl == webhooks.DEFAULT_DEDUPE_TTL == 7 * 86400
    assert d.seen("E1") is False
    assert d.seen("E1") is True
    assert d.seen("E2") is False
    d.forget("E1")
    assert d.seen("E1") is False
    with pytest.raises(cmr.ValidationError):
        d.seen("")


def test_dedupe_ttl_zero_forgets_at_once_and_capacity_bounds_memory() -> None:
    d = webhooks.EventDeduplicator(0)
    assert d.seen("E1") is False and d.seen("E1") is False
    small = webhooks.EventDeduplicator(3600, capacity=2)
    assert [small.seen(i) for i in ("a", "b", "c")] == [False, False, False]
    assert small.seen("c") is True
    assert small.seen("a") is False, "the oldest id was dropped to stay within capacity"


@pytest.mark.parametrize("kwargs", [{"ttl": -1}, {"ttl": float("nan")}, {"ttl": 1e300}, {"capacity": 0}, {"capacity": 10**12}])
def test_bad_dedupe_settings_are_validation_errors(kwargs: dict[str, Any]) -> None:
    with pytest.raises(cmr.ValidationError):
        webhooks.EventDeduplicator(**kwargs)


def test_dedupe_is_thread_safe() -> None:
    d = webhooks.EventDeduplicator()
    results: list[bool] = []
    barrier = threading.Barrier(8)

    def worker() -> None:
        barrier.wait()
        results.append(d.seen("SAME"))

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [False] + [True] * 7


class _DictStore:
    def __init__(self) -> None:
        self.data: dict[str, float] = {}

    def seen_or_insert(self, event_id: str, ttl: float) -> bool:
        if event_id in self.data:
            return True
        self.data[event_id] = ttl
        return False

    def forget(self, event_id: str) -> None:
        self.data.pop(event_id, None)


def test_dedupe_over_a_user_store() -> None:
    store = _DictStore()
    assert isinstance(store, webhooks.EventStore)
    d = webhooks.EventDeduplicator(60, store=store)
    ev = webhooks.parse(VECTORS["cases"][0]["body"])
    assert d.is_duplicate(ev) is False
    assert d.is_duplicate(ev) is True
    assert store.data == {"6SSHBXWR3N4JEKGRQSG3KW3D76N6": 60.0}
    d.forget("6SSHBXWR3N4JEKGRQSG3KW3D76N6")
    assert store.data == {}
    assert d.seen("x" * 1000) is False
    (key,) = store.data
    assert key.startswith("sha256:") and len(key) == 71, "long ids are stored as a digest"
    with pytest.raises(cmr.ValidationError):
        d.seen("")
    anon = webhooks.parse(b'{"event":"x.y","data":{"a":1}}')
    assert d.is_duplicate(anon) is False and d.is_duplicate(anon) is True


def test_verify_and_dedupe_drops_a_replay_with_a_fresh_timestamp() -> None:
    case = VECTORS["cases"][0]
    d = webhooks.EventDeduplicator()
    first = webhooks.verify_and_dedupe(case["body"], case["headers"], SECRET, d, now=case["now"])
    assert isinstance(first, webhooks.DomainOrderSuccessEvent)
    # A captured delivery replayed later with a fresh timestamp still verifies...
    replay = dict(case["headers"], **{"cmr-x-timestamp": str(case["now"] + 3600)})
    webhooks.verify(case["body"], replay, SECRET, now=case["now"] + 3600)
    # ...and the de-duplicator drops it.
    assert webhooks.verify_and_dedupe(case["body"], replay, SECRET, d, now=case["now"] + 3600) is None
    with pytest.raises(cmr.SignatureVerificationError):
        webhooks.verify_and_dedupe(case["body"] + " ", replay, SECRET, d, now=case["now"] + 3600)


class _Receiver:
    """A small HTTP server recording the deliveries it gets."""

    def __init__(self) -> None:
        self.deliveries: list[tuple[bytes, dict[str, str]]] = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                n = int(self.headers.get("content-length", "0"))
                body = self.rfile.read(n)
                outer.deliveries.append((body, dict(self.headers.items())))
                self.send_response(200)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *a: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[_Receiver]:
    r = _Receiver()
    yield r
    r.close()


def test_a_real_delivery_is_verified(sb: Sandbox, receiver: _Receiver) -> None:
    sb.configure(webhook_url=receiver.url)
    client = sb.client()
    user = client.users.create(**new_user("hook@acme.com"))
    client.orders.create(user_id=user.id, **order("hook-example.com", ["ann"]))
    sb.advance(60)  # delivery is awaited by the control API
    names = []
    for body, headers in receiver.deliveries:
        ev = webhooks.construct_event(body, headers, sb.webhook_secret)
        names.append(ev.event)
        # A tampered copy is rejected.
        with pytest.raises(cmr.SignatureVerificationError):
            webhooks.verify(body + b" ", headers, sb.webhook_secret)
    assert names == ["domain.order.success", "mailbox.order.success", "mailbox.created"]
    created = webhooks.parse(receiver.deliveries[-1][0])
    assert isinstance(created, webhooks.MailboxCreatedEvent)
    assert created.data.email == "ann@hook-example.com"
    assert [len(h["deliveries"]) for h in sb.webhooks()] == [1, 1, 1]


def test_a_custom_secret_is_used_for_signing(sb: Sandbox, receiver: _Receiver) -> None:
    sb.configure(webhook_url=receiver.url, webhook_secret="whsec_custom")
    assert sb.webhook_secret == "whsec_custom"
    client = sb.client()
    user = client.users.create(**new_user("sec@acme.com"))
    client.orders.create(user_id=user.id, domains=[cmr.OrderDomain(domain="sec-example.com")], confirm=True, google=GOOGLE)
    sb.advance(10)
    assert receiver.deliveries
    body, headers = receiver.deliveries[0]
    webhooks.verify(body, headers, "whsec_custom")
    with pytest.raises(cmr.SignatureVerificationError):
        webhooks.verify(body, headers, sb.api_key)
