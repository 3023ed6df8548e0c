"""Webhook verification, typed events and event de-duplication.

CMR POSTs JSON events with ``cmr-x-signature`` (HMAC-SHA256 of the raw body,
keyed with the webhook secret) and ``cmr-x-timestamp`` (Unix time, within a
300 s tolerance). Verification runs in the Rust core (constant-time
comparison). Accepted: the digest as hex (any letter case) or base64
(standard or url-safe, padded or not), optionally prefixed ``sha256=``; the
timestamp in seconds, or in milliseconds from 10**11.

Always pass the **raw** request body (``bytes``) exactly as received:
parsed and re-serialised JSON does not verify.

The timestamp is not covered by the signature, so a captured delivery can be
replayed with a fresh timestamp: de-duplicate on the event id.

>>> dedupe = cmr.webhooks.EventDeduplicator()
>>> event = cmr.webhooks.verify_and_dedupe(request.body, request.headers, secret, dedupe)
>>> if isinstance(event, cmr.webhooks.MailboxCreatedEvent):  # None for a duplicate
...     store(event.data.email, event.data.password)
"""

from __future__ import annotations

import json
from typing import Any, Generic, Iterable, Mapping, Optional, Protocol, TypeVar, Union, runtime_checkable

from . import _native
from ._base import Model
from ._models import (
    DomainOrderEvent,
    MailboxEvent,
    MailboxOrderEvent,
    PrewarmupOrderEvent,
    SubscriptionEvent,
)

__all__ = [
    "SIGNATURE_HEADER",
    "TIMESTAMP_HEADER",
    "DEFAULT_TOLERANCE",
    "verify",
    "parse",
    "construct_event",
    "sign",
    "signature_headers",
    "EventStore",
    "EventDeduplicator",
    "verify_and_dedupe",
    "DEFAULT_DEDUPE_TTL",
    "DEFAULT_DEDUPE_CAPACITY",
    "WebhookEvent",
    "UnknownEvent",
    "DomainOrderSuccessEvent",
    "DomainOrderFailedEvent",
    "MailboxOrderSuccessEvent",
    "MailboxOrderFailedEvent",
    "MailboxCreatedEvent",
    "MailboxUpdatedEvent",
    "SubscriptionRenewingEvent",
    "SubscriptionRenewalSuccessEvent",
    "SubscriptionRenewalFailedEvent",
    "SubscriptionUpdatedEvent",
    "SubscriptionPastDueEvent",
    "PrewarmupOrderSuccessEvent",
    "PrewarmupOrderFailedEvent",
    "DomainOrderEvent",
    "MailboxOrderEvent",
    "MailboxEvent",
    "SubscriptionEvent",
    "PrewarmupOrderEvent",
]

SIGNATURE_HEADER = "cmr-x-signature"
TIMESTAMP_HEADER = "cmr-x-timestamp"
DEFAULT_TOLERANCE = 300.0
#: How long event ids are remembered by default, in seconds (7 days).
DEFAULT_DEDUPE_TTL: float = _native.DEFAULT_DEDUPE_TTL
#: How many ids the in-memory de-duplicator keeps by default.
DEFAULT_DEDUPE_CAPACITY: int = _native.DEFAULT_DEDUPE_CAPACITY

RawBody = Union[bytes, bytearray, memoryview, str]
HeadersArg = Union[Mapping[str, Any], Iterable[tuple[str, Any]]]

D = TypeVar("D")

_RAW_HINT = (
    "pass the raw request body (bytes, exactly as received), not parsed JSON: "
    "re-serialised JSON does not verify. For example request.get_data() in Flask, "
    "await request.body() in Starlette/FastAPI, request.body in Django."
)


def _raw(raw_body: Any) -> bytes:
    if isinstance(raw_body, bytes):
        return raw_body
    if isinstance(raw_body, (bytearray, memoryview)):
        return bytes(raw_body)
    if isinstance(raw_body, str):
        return raw_body.encode("utf-8")
    raise TypeError(f"raw_body must be bytes or str, got {type(raw_body).__name__}: {_RAW_HINT}")


def _headers(headers: Any) -> list[tuple[str, str]]:
    if isinstance(headers, (bytes, str)) or headers is None:
        raise TypeError("headers must be a mapping (or pairs) of the delivery's HTTP headers")
    items = headers.items() if hasattr(headers, "items") else headers
    out = []
    for k, v in items:
        if isinstance(k, bytes):
            k = k.decode("latin-1")
        if isinstance(v, bytes):
            v = v.decode("latin-1")
        out.append((str(k), str(v)))
    return out


def verify(
    raw_body: RawBody,
    headers: HeadersArg,
    secret: str,
    tolerance: float = DEFAULT_TOLERANCE,
    *,
    now: Optional[int] = None,
) -> None:
    """Verify a delivery's signature and timestamp; raises
    :class:`cmr.SignatureVerificationError` when it must be rejected, and
    :class:`cmr.ValidationError` for a tolerance that is negative, NaN or
    above 3650 days.

    ``headers`` is looked up case-insensitively. ``now`` (Unix seconds)
    overrides the clock, for tests.
    """
    _native.webhook_verify(_raw(raw_body), _headers(headers), secret, float(tolerance), now)


class WebhookEvent(Generic[D]):
    """A webhook delivery: ``event`` name, ``event_id`` (dedupe on it), typed
    ``data``, and the whole body as ``raw``."""

    event: str
    event_id: Optional[str]
    data: D
    raw: dict[str, Any]

    def __init__(self, event: str, event_id: Optional[str], data: D, raw: dict[str, Any]) -> None:
        self.event = event
        self.event_id = event_id
        self.data = data
        self.raw = raw

    @property
    def action_id(self) -> Optional[str]:
        """The ``actionId`` of the request that caused this event, when present."""
        d = self.raw.get("data")
        v = d.get("actionId") if isinstance(d, dict) else None
        return v if isinstance(v, str) else None

    def to_dict(self) -> dict[str, Any]:
        """The delivery body, as received."""
        return dict(self.raw)

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other.raw == self.raw

    def __repr__(self) -> str:
        return f"{type(self).__name__}(event={self.event!r}, event_id={self.event_id!r}, data={self.data!r})"


class DomainOrderSuccessEvent(WebhookEvent[DomainOrderEvent]):
    """``domain.order.success``"""


class DomainOrderFailedEvent(WebhookEvent[DomainOrderEvent]):
    """``domain.order.failed``"""


class MailboxOrderSuccessEvent(WebhookEvent[MailboxOrderEvent]):
    """``mailbox.order.success``: store ``data.subscription_id``."""


class MailboxOrderFailedEvent(WebhookEvent[MailboxOrderEvent]):
    """``mailbox.order.failed``"""


class MailboxCreatedEvent(WebhookEvent[MailboxEvent]):
    """``mailbox.created`` (with credentials)."""


class MailboxUpdatedEvent(WebhookEvent[MailboxEvent]):
    """``mailbox.updated``"""


class SubscriptionRenewingEvent(WebhookEvent[SubscriptionEvent]):
    """``subscription.renewing``"""


class SubscriptionRenewalSuccessEvent(WebhookEvent[SubscriptionEvent]):
    """``subscription.renewal.success``"""


class SubscriptionRenewalFailedEvent(WebhookEvent[SubscriptionEvent]):
    """``subscription.renewal.failed``"""


class SubscriptionUpdatedEvent(WebhookEvent[SubscriptionEvent]):
    """``subscription.updated``"""


class SubscriptionPastDueEvent(WebhookEvent[SubscriptionEvent]):
    """``subscription.past_due``"""


class PrewarmupOrderSuccessEvent(WebhookEvent[PrewarmupOrderEvent]):
    """``prewarmup.order.success``"""


class PrewarmupOrderFailedEvent(WebhookEvent[PrewarmupOrderEvent]):
    """``prewarmup.order.failed``"""


class UnknownEvent(WebhookEvent[dict[str, Any]]):
    """An event this SDK version does not know; ``data`` is the raw ``data`` object."""


# The core's `EventData` variant (snake_case) -> (event class, data model).
_EVENTS: dict[str, tuple[type[WebhookEvent[Any]], type[Model]]] = {
    "domain_order_success": (DomainOrderSuccessEvent, DomainOrderEvent),
    "domain_order_failed": (DomainOrderFailedEvent, DomainOrderEvent),
    "mailbox_order_success": (MailboxOrderSuccessEvent, MailboxOrderEvent),
    "mailbox_order_failed": (MailboxOrderFailedEvent, MailboxOrderEvent),
    "mailbox_created": (MailboxCreatedEvent, MailboxEvent),
    "mailbox_updated": (MailboxUpdatedEvent, MailboxEvent),
    "subscription_renewing": (SubscriptionRenewingEvent, SubscriptionEvent),
    "subscription_renewal_success": (SubscriptionRenewalSuccessEvent, SubscriptionEvent),
    "subscription_renewal_failed": (SubscriptionRenewalFailedEvent, SubscriptionEvent),
    "subscription_updated": (SubscriptionUpdatedEvent, SubscriptionEvent),
    "subscription_past_due": (SubscriptionPastDueEvent, SubscriptionEvent),
    "prewarmup_order_success": (PrewarmupOrderSuccessEvent, PrewarmupOrderEvent),
    "prewarmup_order_failed": (PrewarmupOrderFailedEvent, PrewarmupOrderEvent),
}


def parse(raw_body: RawBody) -> WebhookEvent[Any]:
    """Parse a delivery body into a typed event WITHOUT verifying it (use
    :func:`construct_event` for deliveries from the network). Unknown event
    names give :class:`UnknownEvent`."""
    ev = json.loads(_native.webhook_parse(_raw(raw_body)))
    tagged = ev.get("data") or {}
    kind = tagged.get("type")
    payload = tagged.get("data")
    raw = ev.get("raw") or {}
    found = _EVENTS.get(kind or "")
    if found is None:
        d = raw.get("data")
        data: dict[str, Any] = d if isinstance(d, dict) else {}
        return UnknownEvent(ev["event"], ev.get("eventId"), data, raw)
    cls, model = found
    return cls(ev["event"], ev.get("eventId"), model.from_dict(payload or {}), raw)


def construct_event(
    raw_body: RawBody,
    headers: HeadersArg,
    secret: str,
    tolerance: float = DEFAULT_TOLERANCE,
    *,
    now: Optional[int] = None,
) -> WebhookEvent[Any]:
    """:func:`verify`, then :func:`parse`."""
    verify(raw_body, headers, secret, tolerance, now=now)
    return parse(raw_body)


def sign(secret: str, timestamp: int, raw_body: RawBody) -> str:
    """The ``cmr-x-signature`` value for a body (to test your own endpoint)."""
    return _native.webhook_sign(secret, int(timestamp), _raw(raw_body))


def signature_headers(secret: str, timestamp: int, raw_body: RawBody) -> dict[str, str]:
    """Both headers of a signed delivery."""
    return {SIGNATURE_HEADER: sign(secret, timestamp, raw_body), TIMESTAMP_HEADER: str(int(timestamp))}


@runtime_checkable
class EventStore(Protocol):
    """Your own store of seen event ids (Redis ``SET id 1 NX EX ttl``, a
    database unique key, ...), shared between processes and restarts."""

    def seen_or_insert(self, event_id: str, ttl: float) -> bool:
        """Atomically: ``True`` if ``event_id`` was recorded less than its TTL
        ago; otherwise record it for ``ttl`` seconds and return ``False``."""
        ...

    def forget(self, event_id: str) -> None:
        """Forget ``event_id`` so that its next delivery is processed."""
        ...


class EventDeduplicator:
    """Drops deliveries already seen, keyed on the event id (``eventId``).

    CMR may deliver an event more than once, and a captured delivery can be
    replayed with a fresh timestamp (the timestamp is not signed). In memory
    by default (thread-safe, ids expire after ``ttl`` seconds, at most
    ``capacity`` ids: when full the id closest to expiry is dropped), or over
    your own ``store`` (:class:`EventStore`).

    >>> dedupe = EventDeduplicator()
    >>> dedupe.seen("6SSHBXWR3N4JEKGRQSG3KW3D76N6")
    False
    >>> dedupe.seen("6SSHBXWR3N4JEKGRQSG3KW3D76N6")
    True
    """

    def __init__(
        self,
        ttl: float = DEFAULT_DEDUPE_TTL,
        *,
        capacity: int = DEFAULT_DEDUPE_CAPACITY,
        store: Optional[EventStore] = None,
    ) -> None:
        self.ttl = _native.webhook_dedupe_ttl(float(ttl))
        self._store = store
        self._memory = _native.EventDeduplicator(self.ttl, int(capacity)) if store is None else None

    def seen(self, event_id: str) -> bool:
        """``True`` when ``event_id`` was already seen within the TTL (skip the
        delivery); otherwise records it and returns ``False`` (process it)."""
        if self._memory is not None:
            return self._memory.seen(event_id)
        assert self._store is not None
        return bool(self._store.seen_or_insert(_native.webhook_dedupe_key(event_id), self.ttl))

    def forget(self, event_id: str) -> None:
        """Forget ``event_id`` (call it when handling the event failed, so that
        CMR's redelivery is processed)."""
        if self._memory is not None:
            self._memory.forget(event_id)
        else:
            assert self._store is not None
            self._store.forget(_native.webhook_dedupe_key(event_id))

    def is_duplicate(self, event: WebhookEvent[Any]) -> bool:
        """:meth:`seen` on the event's id (``eventId``, else ``id``, else a
        digest of the body)."""
        return self.seen(_native.webhook_event_key(json.dumps(event.raw)))

    def __repr__(self) -> str:
        return f"EventDeduplicator(ttl={self.ttl!r}, store={'memory' if self._store is None else type(self._store).__name__})"


def verify_and_dedupe(
    raw_body: RawBody,
    headers: HeadersArg,
    secret: str,
    dedupe: EventDeduplicator,
    tolerance: float = DEFAULT_TOLERANCE,
    *,
    now: Optional[int] = None,
) -> Optional[WebhookEvent[Any]]:
    """:func:`construct_event`, then ``None`` when the event was already seen
    (answer 200 and do nothing)."""
    event = construct_event(raw_body, headers, secret, tolerance, now=now)
    return None if dedupe.is_duplicate(event) else event
