"""Stubs of the compiled module ``coldmailreseller._native`` (checked by ``mypy.stubtest``)."""

import asyncio
import logging
from typing import Any, Callable, Optional, final

__all__ = [
    "NativeClient",
    "Sandbox",
    "CompletionPort",
    "PendingCall",
    "operations",
    "is_paginated",
    "webhook_verify",
    "webhook_parse",
    "webhook_sign",
    "webhook_dedupe_ttl",
    "webhook_dedupe_key",
    "webhook_event_key",
    "EventDeduplicator",
    "DEFAULT_DEDUPE_TTL",
    "DEFAULT_DEDUPE_CAPACITY",
    "__version__",
    "DEFAULT_API_KEY",
    "SIGNATURE_HEADER",
    "TIMESTAMP_HEADER",
]

__version__: str
DEFAULT_API_KEY: str
SIGNATURE_HEADER: str
TIMESTAMP_HEADER: str
DEFAULT_DEDUPE_TTL: float
DEFAULT_DEDUPE_CAPACITY: int

@final
class NativeClient:
    def __new__(
        cls,
        api_key: Optional[str] = None,
        base_url: Optional[str] = None,
        *,
        sandbox: bool = False,
        timeout: Optional[float] = None,
        connect_timeout: Optional[float] = None,
        max_retries: Optional[int] = None,
        retry_base_delay: Optional[float] = None,
        retry_max_delay: Optional[float] = None,
        retry_after_cap: Optional[float] = None,
        requests_per_second: Optional[float] = None,
        user_agent_prefix: Optional[str] = None,
        allow_insecure_http: bool = False,
        max_response_bytes: Optional[int] = None,
        log_level: Optional[str] = None,
        logger: Optional[logging.Logger] = None,
    ) -> NativeClient: ...
    def with_options(
        self,
        *,
        timeout: Optional[float] = None,
        max_retries: Optional[int] = None,
        headers: Optional[list[tuple[str, str]]] = None,
    ) -> NativeClient: ...
    @property
    def base_url(self) -> str: ...
    @property
    def is_sandbox(self) -> bool: ...
    def call(self, op: str, args: Optional[dict[str, Any]] = None) -> Any: ...
    def call_async(
        self,
        op: str,
        args: Optional[dict[str, Any]],
        future: asyncio.Future[Any],
        port: CompletionPort,
    ) -> PendingCall: ...
    def request(
        self,
        method: str,
        path: str,
        query: Optional[list[tuple[str, str]]] = None,
        body: Any = None,
    ) -> Any: ...
    def request_async(
        self,
        method: str,
        path: str,
        query: Optional[list[tuple[str, str]]],
        body: Any,
        future: asyncio.Future[Any],
        port: CompletionPort,
    ) -> PendingCall: ...

@final
class CompletionPort:
    def __new__(
        cls, *, wakeup_fd: Optional[int] = None, wakeup: Optional[Callable[[], object]] = None
    ) -> CompletionPort: ...
    def drain(self) -> int: ...

@final
class PendingCall:
    def cancel(self) -> None: ...

@final
class Sandbox:
    def __new__(
        cls,
        *,
        port: int = 0,
        api_key: Optional[str] = None,
        webhook_url: Optional[str] = None,
        webhook_secret: Optional[str] = None,
        rate_limit: Optional[int] = None,
        wallet_balance: Optional[float] = None,
        data_file: Optional[str] = None,
    ) -> Sandbox: ...
    @property
    def base_url(self) -> str: ...
    @property
    def url(self) -> str: ...
    @property
    def api_key(self) -> str: ...
    @property
    def webhook_secret(self) -> str: ...
    @property
    def running(self) -> bool: ...
    def stop(self) -> None: ...

def operations() -> list[str]: ...
def is_paginated(op: str) -> bool: ...
def webhook_verify(
    raw_body: bytes,
    headers: list[tuple[str, str]],
    secret: str,
    tolerance: float = 300.0,
    now: Optional[int] = None,
) -> None: ...
def webhook_parse(raw_body: bytes) -> str: ...
def webhook_sign(secret: str, timestamp: int, raw_body: bytes) -> str: ...
def webhook_dedupe_ttl(ttl: float) -> float: ...
def webhook_dedupe_key(event_id: str) -> str: ...
def webhook_event_key(raw_json: str) -> str: ...

@final
class EventDeduplicator:
    def __new__(cls, ttl: float, capacity: int) -> EventDeduplicator: ...
    def seen(self, event_id: str) -> bool: ...
    def forget(self, event_id: str) -> None: ...
