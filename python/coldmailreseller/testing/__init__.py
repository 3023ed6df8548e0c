"""Test against the embedded CMR sandbox, in-process, over loopback.

>>> from coldmailreseller.testing import Sandbox
>>> with Sandbox() as sb:
...     client = sb.client()
...     ids = sb.seed()
...     user = client.users.get(user_id=ids["userId"])
...     sb.advance(60)                      # run the order lifecycle
...     events = sb.webhooks()

The sandbox is the Rust ``cmr-sandbox`` crate running on the SDK's own tokio
runtime, on a free loopback port. The methods below drive it through its
typed control in-process (no HTTP); the same operations are served over HTTP
under ``/__sandbox`` for other tools. pytest users get the ``cmr_sandbox`` and ``cmr_client``
fixtures from :mod:`coldmailreseller.testing.pytest_plugin`.
"""

from __future__ import annotations

import json
from types import EllipsisType
from typing import TYPE_CHECKING, Any, Optional

from .. import _native

if TYPE_CHECKING:
    from .._client import AsyncClient, Client

__all__ = ["Sandbox", "DEFAULT_API_KEY", "CONTROL_OPS"]

DEFAULT_API_KEY = _native.DEFAULT_API_KEY
#: The control operations :meth:`Sandbox.control` accepts.
CONTROL_OPS: tuple[str, ...] = tuple(_native.SANDBOX_CONTROL_OPS)


class Sandbox:
    """A running in-process sandbox (a context manager; :meth:`stop` ends it).

    Args:
        port: loopback port (0 = a free one).
        api_key: the key it accepts (default ``cmr_test_key``).
        rate_limit: requests/second per key; ``None`` (the default here) turns
            the limiter off. CMR's real limit is 5.
        webhook_url: where events are POSTed (``None``: recorded only).
        webhook_secret: signing secret (default: the API key).
        wallet_balance: initial wallet balance (USD).
        data_file: SQLite file to persist the state in (default: memory).
    """

    def __init__(
        self,
        *,
        port: int = 0,
        api_key: Optional[str] = None,
        rate_limit: Optional[int] = None,
        webhook_url: Optional[str] = None,
        webhook_secret: Optional[str] = None,
        wallet_balance: Optional[float] = None,
        data_file: Optional[str] = None,
    ) -> None:
        self._sb = _native.Sandbox(
            port=port,
            api_key=api_key,
            webhook_url=webhook_url,
            webhook_secret=webhook_secret,
            rate_limit=rate_limit,
            wallet_balance=wallet_balance,
            data_file=data_file,
        )

    # -- addresses and secrets ------------------------------------------------

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT/api/v1/integration``: the client's base URL."""
        return self._sb.base_url

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT``: the control API is under ``/__sandbox`` here."""
        return self._sb.url

    @property
    def api_key(self) -> str:
        return self._sb.api_key

    @property
    def webhook_secret(self) -> str:
        return self._sb.webhook_secret

    @property
    def running(self) -> bool:
        return self._sb.running

    def client(self, **kwargs: Any) -> "Client":
        """A :class:`cmr.Client` configured for this sandbox (``kwargs`` override)."""
        from .._client import Client

        kwargs.setdefault("api_key", self.api_key)
        kwargs.setdefault("base_url", self.base_url)
        return Client(**kwargs)

    def async_client(self, **kwargs: Any) -> "AsyncClient":
        """A :class:`cmr.AsyncClient` configured for this sandbox."""
        from .._client import AsyncClient

        kwargs.setdefault("api_key", self.api_key)
        kwargs.setdefault("base_url", self.base_url)
        return AsyncClient(**kwargs)

    # -- control API ----------------------------------------------------------

    def control(self, op: str, args: Optional[dict[str, Any]] = None) -> Any:
        """Run one control operation of the sandbox and return its JSON answer.

        ``op`` is one of :data:`CONTROL_OPS` (``reset``, ``seed``, ``advance``,
        ``configure``, ``inject_fault``, ``state``, ...); ``args`` uses the
        camelCase names of the HTTP control API's bodies. It runs in-process
        through the sandbox's typed control (no HTTP). A refused input raises
        :class:`ValueError`.
        """
        text = self._sb.control(op, None if args is None else json.dumps(args))
        return json.loads(text)

    def reset(self) -> None:
        """Wipe everything: state, clock offset, webhook log, faults, request log, config."""
        self.control("reset")

    def seed(self) -> dict[str, Any]:
        """Create a demo dataset; returns ``{userId, domainId, domain, subscriptionId, mailboxIds}``."""
        return self.control("seed")  # type: ignore[no-any-return]

    def wallet(self) -> float:
        return float(self.control("wallet")["balance"])

    def set_wallet(self, balance: float) -> None:
        self.control("set_wallet", {"balance": balance})

    def now(self) -> str:
        """The virtual clock (RFC 3339)."""
        return str(self.control("clock")["now"])

    def clock(self) -> dict[str, Any]:
        """``{now, offsetSeconds, frozen}``."""
        return self.control("clock")  # type: ignore[no-any-return]

    def freeze_clock(self, frozen: bool = True) -> dict[str, Any]:
        """Stop (or restart) real time moving the virtual clock."""
        return self.control("freeze_clock", {"frozen": frozen})  # type: ignore[no-any-return]

    def advance(self, seconds: float) -> Any:
        """Move the virtual clock; every due step runs and due webhooks are delivered."""
        return self.control("advance", {"seconds": seconds})

    def webhooks(self) -> list[dict[str, Any]]:
        """Emitted events: ``[{eventId, event, body, payload, headers, createdAt, state, deliveries}]``."""
        return self.control("webhooks")  # type: ignore[no-any-return]

    def config(self) -> dict[str, Any]:
        """``{webhookUrl, rateLimit, maxBatch, webhookSecretSet, maxRequests, maxEvents}``."""
        return self.control("config")  # type: ignore[no-any-return]

    def state(self) -> dict[str, Any]:
        """The whole emulated world (users, domains, mailboxes, ...) plus ``persistence``."""
        return self.control("state")  # type: ignore[no-any-return]

    def health(self) -> dict[str, Any]:
        """``{ok, persistence: {enabled, dirty, lastSavedAt, lastError, failures}}``."""
        return self.control("health")  # type: ignore[no-any-return]

    def configure(
        self,
        *,
        webhook_url: Optional[str] = None,
        webhook_secret: Optional[str] = None,
        rate_limit: "Optional[int] | EllipsisType" = ...,
    ) -> None:
        """Change the webhook URL/secret, or ``rate_limit=N`` (``rate_limit=None``: off)."""
        body: dict[str, Any] = {}
        if webhook_url is not None:
            body["webhookUrl"] = webhook_url
        if webhook_secret is not None:
            body["webhookSecret"] = webhook_secret
        if rate_limit is not ...:
            body["rateLimit"] = rate_limit
        self.control("configure", body)

    def inject_fault(
        self,
        path: str,
        *,
        kind: str = "status",
        count: int = 1,
        method: Optional[str] = None,
        status: Optional[int] = None,
        retry_after: Optional[int] = None,
        delay_ms: Optional[int] = None,
    ) -> None:
        """Make the next ``count`` API requests to ``path`` (relative to the base
        path, e.g. ``/users``) fail: ``kind`` is ``"status"`` (answer ``status``),
        ``"delay"`` (wait ``delay_ms``) or ``"drop"`` (close the connection), all
        before the request is handled; or, after it was handled and its effects
        committed, ``"drop_after"`` (close the connection without the answer) or
        ``"delay_after"`` (hold the answer ``delay_ms``)."""
        body: dict[str, Any] = {"path": path, "kind": kind, "count": count}
        if method is not None:
            body["method"] = method.upper()
        if status is not None:
            body["status"] = status
        if retry_after is not None:
            body["retryAfter"] = retry_after
        if delay_ms is not None:
            body["delayMs"] = delay_ms
        self.control("inject_fault", body)

    def clear_faults(self) -> None:
        self.control("clear_faults")

    def requests(self) -> list[dict[str, Any]]:
        """API requests received, oldest first: ``[{method, path, query, status, fault?}]``."""
        return self.control("requests")  # type: ignore[no-any-return]

    def clear_requests(self) -> None:
        self.control("clear_requests")

    def faults(self) -> list[dict[str, Any]]:
        """The faults still armed."""
        return self.control("faults")  # type: ignore[no-any-return]

    # -- lifetime ---------------------------------------------------------------

    def stop(self) -> None:
        """Stop serving (idempotent)."""
        self._sb.stop()

    def __enter__(self) -> "Sandbox":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"Sandbox(url={self.url!r})"
