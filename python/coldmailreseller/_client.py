"""``cmr.Client`` (blocking) and ``cmr.AsyncClient`` (asyncio)."""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import socket
import weakref
from typing import Any, Awaitable, Callable, Mapping, Optional, Sequence, TypeVar, Union

from . import _async_resources as ar
from . import _native as _nat
from . import _resources as r
from ._base import AsyncPage, SyncPage, dump
from ._errors import CmrError, ValidationError
from ._models import Ack, Envelope
from ._resources_custom import _args

__all__ = ["Client", "AsyncClient"]

T = TypeVar("T")
# The package's own name (``cmr`` today), so a rename of the import package
# renames the logger with it.
LOGGER_NAME = (__package__ or __name__).split(".")[0]
_log = logging.getLogger(LOGGER_NAME)

_LEVELS = {"debug": logging.DEBUG, "trace": logging.DEBUG, "info": logging.INFO, "warn": logging.WARNING,
           "warning": logging.WARNING, "error": logging.WARNING, "off": None, "none": None, "": None}


def _resolve_log_level(log_level: Optional[str]) -> str:
    """The core's level: the option, else ``CMR_LOG``, else the logger's own level.

    An explicit level (option or ``CMR_LOG``) also makes the ``cmr`` logger
    show those lines: it lowers the logger's level if needed and, when no
    handler is configured anywhere, adds one printing to stderr.
    """
    explicit = log_level if log_level is not None else os.environ.get("CMR_LOG")
    if explicit is not None:
        key = explicit.strip().lower()
        if key not in _LEVELS:
            if log_level is not None:
                raise ValueError(f"log_level must be debug, info, warn or off, got {log_level!r}")
            key = "off"  # an unknown CMR_LOG value turns logging off, like the other languages
        py_level = _LEVELS[key]
        if py_level is None:
            return "off"
        if _log.getEffectiveLevel() > py_level:
            _log.setLevel(py_level)
        if not _log.hasHandlers():
            handler = logging.StreamHandler()
            handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
            _log.addHandler(handler)
        return "debug" if py_level == logging.DEBUG else "info" if py_level == logging.INFO else "warn"
    # No switch: follow the logging configuration as it is when the client is built.
    if _log.isEnabledFor(logging.DEBUG):
        return "debug"
    if _log.isEnabledFor(logging.INFO):
        return "info"
    if _log.isEnabledFor(logging.WARNING):
        return "warn"
    return "off"

QueryArg = Union[Mapping[str, Any], Sequence[tuple[str, Any]], None]


def _query(query: QueryArg) -> Optional[list[tuple[str, str]]]:
    if query is None:
        return None
    items = query.items() if isinstance(query, Mapping) else query
    out = []
    for k, v in items:
        if v is None:
            continue
        if isinstance(v, bool):
            v = "true" if v else "false"
        out.append((str(k), str(dump(v))))
    return out


def _body(body: Any) -> Any:
    return None if body is None else dump(body)


def _count(name: str, v: Optional[int], limit: int = 2**53) -> Optional[int]:
    """A non-negative whole number from the user, checked before the native
    layer sees it (which would raise a bare OverflowError above ``limit``, the
    native type's range; the core checks the real bounds)."""
    if v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, int) or v < 0 or v > limit:
        raise ValidationError(f"{name} must be a non-negative whole number, got {v!r}", code="validation")
    return v


_U32_MAX = 2**32 - 1  # max_retries is a u32 in the native layer


# -- async plumbing ---------------------------------------------------------
#
# An async call is a task on the core's tokio runtime. When it finishes, the
# tokio thread queues the result on the loop's completion port and, if no
# wake-up is pending yet, writes one byte to a socket the loop watches: the
# loop then resolves every finished call at once, on its own thread. So no
# tokio thread ever waits for the GIL, and 64 calls finishing together cost
# one wake-up, not 64 `call_soon_threadsafe` (see docs/benchmarks.md).


class _Port:
    """The completion port of one event loop."""

    __slots__ = ("native", "_reader", "__weakref__")

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._reader: Optional[socket.socket] = None
        reader, writer = socket.socketpair()
        try:
            reader.setblocking(False)
            writer.setblocking(False)
            if os.name != "posix":
                raise NotImplementedError
            loop.add_reader(reader.fileno(), self._readable)
        except (NotImplementedError, AttributeError, OSError):
            # No add_reader (Windows' proactor loop): the tokio thread
            # schedules the drain itself, once per batch.
            reader.close()
            writer.close()
            self.native = _nat.CompletionPort(wakeup=_waker(loop, self))
            return
        self._reader = reader
        self.native = _nat.CompletionPort(wakeup_fd=writer.detach())
        # The reader closes with the loop (the port's own end closes with the port).
        try:
            weakref.finalize(loop, reader.close)
        except TypeError:  # a loop type without weak references: closes with the port
            pass

    def _readable(self) -> None:
        reader = self._reader
        if reader is not None:
            try:
                while reader.recv(4096):  # the wake-up bytes: read them BEFORE draining
                    pass
            except (BlockingIOError, InterruptedError):
                pass
        self.native.drain()

    def _drain(self) -> None:
        self.native.drain()


def _waker(loop: asyncio.AbstractEventLoop, port: _Port) -> Callable[[], None]:
    """``loop.call_soon_threadsafe(port._drain)``, holding neither strongly
    (the native port keeps the callable: a strong reference would keep the
    loop and the port alive forever)."""
    port_ref = weakref.ref(port)
    try:
        loop_ref: Callable[[], Optional[asyncio.AbstractEventLoop]] = weakref.ref(loop)
    except TypeError:
        loop_ref = functools.partial(lambda lp: lp, loop)

    def wake() -> None:
        lp, p = loop_ref(), port_ref()
        if lp is not None and p is not None:
            lp.call_soon_threadsafe(p._drain)

    return wake


_ports: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Port]" = weakref.WeakKeyDictionary()
# The port used last, and a weak reference to its loop (the common case: one loop).
_last: "tuple[Optional[weakref.ReferenceType[asyncio.AbstractEventLoop]], Optional[_Port]]" = (None, None)


_strong_ports: "dict[asyncio.AbstractEventLoop, _Port]" = {}  # loops without weak references


def _port(loop: asyncio.AbstractEventLoop) -> _nat.CompletionPort:
    global _last
    ref, port = _last
    if port is None or ref is None or ref() is not loop:
        try:
            port = _ports.get(loop)
            if port is None:
                port = _ports[loop] = _Port(loop)
            _last = (weakref.ref(loop), port)
        except TypeError:
            port = _strong_ports.get(loop)
            if port is None:
                port = _strong_ports[loop] = _Port(loop)
    return port.native


async def _outcome(fut: "asyncio.Future[Any]", pending: _nat.PendingCall) -> Any:
    """Await a native call; cancelling the await drops the call (and its request)."""
    try:
        return await fut
    except asyncio.CancelledError:
        pending.cancel()
        raise


class _Base:
    _native: _nat.NativeClient

    def __init__(
        self,
        api_key: Optional[str] = None,
        *,
        base_url: Optional[str] = None,
        sandbox: bool = False,
        timeout: Optional[float] = None,
        max_retries: Optional[int] = None,
        connect_timeout: Optional[float] = None,
        retry_base_delay: Optional[float] = None,
        retry_max_delay: Optional[float] = None,
        retry_after_cap: Optional[float] = None,
        requests_per_second: Optional[float] = None,
        allow_insecure_http: bool = False,
        max_response_bytes: Optional[int] = None,
        log_level: Optional[str] = None,
        _native_client: Optional[_nat.NativeClient] = None,
    ) -> None:
        """Create a client.

        Args:
            api_key: the partner API key (default: the ``CMR_API_KEY`` environment variable).
            base_url: API base URL (default: ``CMR_BASE_URL``, else production).
            sandbox: send the key as a sandbox key (``cmr-x-sandbox-api-key``).
            timeout: seconds for one attempt (default 60).
            max_retries: retries after the first attempt (default 2; GETs on
                transient failures, writes only when the server provably did not act).
            connect_timeout, retry_base_delay, retry_max_delay, retry_after_cap: seconds.
            requests_per_second: pace requests client-side (off by default).
            allow_insecure_http: allow a plain ``http://`` base URL to a host that
                is not loopback (the key would travel in clear text; off by default).
            max_response_bytes: largest answer body read (default 32 MiB).
            log_level: ``"debug"``, ``"info"``, ``"warn"`` or ``"off"``: what the core logs to the
                ``cmr`` logger (default: ``CMR_LOG``, else the logger's level when the client is
                built). ``debug`` adds request and response bodies (truncated, secrets redacted).
        """
        if _native_client is not None:
            self._native = _native_client
        else:
            self._native = _nat.NativeClient(
                api_key,
                base_url,
                sandbox=sandbox,
                timeout=timeout,
                connect_timeout=connect_timeout,
                max_retries=_count("max_retries", max_retries, _U32_MAX),
                retry_base_delay=retry_base_delay,
                retry_max_delay=retry_max_delay,
                retry_after_cap=retry_after_cap,
                requests_per_second=requests_per_second,
                allow_insecure_http=allow_insecure_http,
                max_response_bytes=_count("max_response_bytes", max_response_bytes),
                log_level=_resolve_log_level(log_level),
                logger=_log,
            )
        self._init_resources()

    def _init_resources(self) -> None:
        raise NotImplementedError

    @property
    def base_url(self) -> str:
        return self._native.base_url

    def __repr__(self) -> str:
        # Never the key.
        return f"{type(self).__name__}(base_url={self._native.base_url!r})"

    def _native_with(
        self,
        timeout: Optional[float],
        max_retries: Optional[int],
        headers: Optional[Mapping[str, str]],
    ) -> _nat.NativeClient:
        return self._native.with_options(
            timeout=timeout,
            max_retries=_count("max_retries", max_retries, _U32_MAX),
            headers=list(headers.items()) if headers else None,
        )


def _log_error(op: str, e: CmrError) -> None:
    _log.debug("cmr %s failed: %s", op, e)


class Client(_Base):
    """Blocking client of the CMR partner API.

    >>> client = cmr.Client(api_key="...")          # or CMR_API_KEY
    >>> user = client.users.create(email="jane@acme.com", ...)
    >>> for u in client.users.list():                # every page
    ...     print(u.email)
    """

    def _init_resources(self) -> None:
        self.users = r.Users(self)
        self.geo = r.Geo(self)
        self.domains = r.Domains(self)
        self.dns = r.Dns(self)
        self.orders = r.Orders(self)
        self.mailboxes = r.Mailboxes(self)
        self.subscriptions = r.Subscriptions(self)
        self.exports = r.Exports(self)
        self.prewarmup = r.Prewarmup(self)
        self.wallet = r.WalletResource(self)

    def with_options(
        self,
        *,
        timeout: Optional[float] = None,
        max_retries: Optional[int] = None,
        headers: Optional[Mapping[str, str]] = None,
    ) -> "Client":
        """A view of this client with other per-request options (same connections)."""
        return Client(_native_client=self._native_with(timeout, max_retries, headers))

    def send_error(self, *, message: str, action_id: Optional[str] = None, details: Optional[str] = None) -> Ack:
        """Report a problem to CMR (``action_id`` of the operation it relates to)."""
        return self._call("send_error", _args(locals()), Ack.from_dict)

    def request(
        self,
        method: str,
        path: str,
        query: QueryArg = None,
        body: Any = None,
    ) -> Envelope:
        """Raw escape hatch: any path relative to the base URL, same auth,
        retries and errors; returns the decoded envelope."""
        _log.debug("cmr request %s %s", method, path)
        return Envelope.from_dict(self._native.request(method, path, _query(query), _body(body)))

    def close(self) -> None:
        """Nothing to release explicitly (connections close with the client)."""

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- used by the resources --------------------------------------------

    def _call(self, op: str, args: dict[str, Any], conv: Callable[[Any], T]) -> T:
        _log.debug("cmr call %s", op)
        try:
            data = self._native.call(op, args)
        except CmrError as e:
            _log_error(op, e)
            raise
        return conv(data)

    def _page(self, op: str, args: dict[str, Any], item: Callable[[Any], T]) -> SyncPage[T]:
        data = self._call(op, args, lambda v: v)

        def fetch(n: int) -> SyncPage[T]:
            return self._page(op, {**args, "page": n}, item)

        return SyncPage(data, item, fetch)


class AsyncClient(_Base):
    """asyncio client of the CMR partner API: the same resources and methods
    as :class:`Client`, as coroutines.

    >>> client = cmr.AsyncClient()
    >>> user = await client.users.get(user_id="...")
    >>> async for u in await client.users.list():
    ...     print(u.email)
    """

    def _init_resources(self) -> None:
        self.users = ar.AsyncUsers(self)
        self.geo = ar.AsyncGeo(self)
        self.domains = ar.AsyncDomains(self)
        self.dns = ar.AsyncDns(self)
        self.orders = ar.AsyncOrders(self)
        self.mailboxes = ar.AsyncMailboxes(self)
        self.subscriptions = ar.AsyncSubscriptions(self)
        self.exports = ar.AsyncExports(self)
        self.prewarmup = ar.AsyncPrewarmup(self)
        self.wallet = ar.AsyncWalletResource(self)

    def with_options(
        self,
        *,
        timeout: Optional[float] = None,
        max_retries: Optional[int] = None,
        headers: Optional[Mapping[str, str]] = None,
    ) -> "AsyncClient":
        """A view of this client with other per-request options (same connections)."""
        return AsyncClient(_native_client=self._native_with(timeout, max_retries, headers))

    async def send_error(self, *, message: str, action_id: Optional[str] = None, details: Optional[str] = None) -> Ack:
        """Report a problem to CMR (``action_id`` of the operation it relates to)."""
        return await self._call("send_error", _args(locals()), Ack.from_dict)

    async def request(
        self,
        method: str,
        path: str,
        query: QueryArg = None,
        body: Any = None,
    ) -> Envelope:
        """Raw escape hatch: any path relative to the base URL; returns the envelope."""
        _log.debug("cmr request %s %s", method, path)
        loop = asyncio.get_running_loop()
        fut = loop.create_future()
        pending = self._native.request_async(method, path, _query(query), _body(body), fut, _port(loop))
        return Envelope.from_dict(await _outcome(fut, pending))

    async def close(self) -> None:
        """Nothing to release explicitly (connections close with the client)."""

    async def __aenter__(self) -> "AsyncClient":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # -- used by the resources --------------------------------------------

    async def _call(self, op: str, args: dict[str, Any], conv: Callable[[Any], T]) -> T:
        _log.debug("cmr call %s", op)
        loop = asyncio.get_running_loop()
        fut = loop.create_future()
        pending = self._native.call_async(op, args, fut, _port(loop))
        try:
            data = await _outcome(fut, pending)
        except CmrError as e:
            _log_error(op, e)
            raise
        return conv(data)

    async def _page(self, op: str, args: dict[str, Any], item: Callable[[Any], T]) -> AsyncPage[T]:
        data = await self._call(op, args, lambda v: v)

        def fetch(n: int) -> Awaitable[AsyncPage[T]]:
            return self._page(op, {**args, "page": n}, item)

        return AsyncPage(data, item, fetch)
