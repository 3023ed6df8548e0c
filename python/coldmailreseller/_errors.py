"""The one exception hierarchy of cmr (docs/CONTRACTS.md section 2).

The classes live in Python so they can carry fields; the native module
instantiates them through :func:`_from_native`. The API key is never part of
any of them.
"""

from __future__ import annotations

import builtins

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs ~20 ms to import: keep `import coldmailreseller as cmr` cheap
    from typing import Optional

__all__ = [
    "CmrError",
    "AuthenticationError",
    "PermissionDeniedError",
    "NotFoundError",
    "ConflictError",
    "ValidationError",
    "PaymentRequiredError",
    "RateLimitError",
    "ServerError",
    "NetworkError",
    "TimeoutError",
    "DecodeError",
    "SignatureVerificationError",
    "RedirectError",
    "InternalError",
]


class CmrError(Exception):
    """Base class of every error raised by cmr.

    Attributes:
        code: stable snake_case code (``"not_found"``, ``"rate_limited"``, ...).
        message: the server's message, or the client's for local failures.
        status: HTTP status when the server answered, else ``None``.
        method: HTTP method of the failed request, when there was one.
        path: path of the failed request relative to the base URL (never the query).
        body: raw response body, when the server answered (at most 64 KiB).
        body_truncated: whether ``body`` was cut to 64 KiB.
        location: the ``Location`` of a redirect the client refused to follow.
        retry_after: seconds the server asked us to wait (429), else ``None``.
        may_have_been_sent: whether the server may have received the request: a
            write that fails with ``True`` may have been accepted.
    """

    code: str = "error"

    def __init__(
        self,
        message: str,
        *,
        code: Optional[str] = None,
        status: Optional[int] = None,
        method: Optional[str] = None,
        path: Optional[str] = None,
        body: Optional[str] = None,
        retry_after: Optional[float] = None,
        may_have_been_sent: bool = False,
        body_truncated: bool = False,
        location: Optional[str] = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.status = status
        self.method = method
        self.path = path
        self.body = body
        self.retry_after = retry_after
        self.may_have_been_sent = may_have_been_sent
        self.body_truncated = body_truncated
        self.location = location

    def __str__(self) -> str:
        s = self.code
        if self.status is not None:
            s += f" ({self.status})"
        s += f": {self.message}"
        if self.method and self.path:
            s += f" [{self.method} {self.path}]"
        return s

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(code={self.code!r}, status={self.status!r}, "
            f"message={self.message!r}, method={self.method!r}, path={self.path!r})"
        )


class AuthenticationError(CmrError):
    """401: the API key is missing, wrong or revoked."""

    code = "authentication"


class PermissionDeniedError(CmrError):
    """403: the key is valid but may not do this."""

    code = "permission"


class NotFoundError(CmrError):
    """404: no such record (under this partner account)."""

    code = "not_found"


class ConflictError(CmrError):
    """409: conflicts with existing state."""

    code = "conflict"


class ValidationError(CmrError):
    """400/422 and other 4xx, or input rejected before sending."""

    code = "validation"


class PaymentRequiredError(CmrError):
    """402: the partner wallet does not cover the operation."""

    code = "payment_required"


class RateLimitError(CmrError):
    """429: too many requests; wait ``retry_after`` seconds."""

    code = "rate_limited"


class ServerError(CmrError):
    """5xx: CMR failed."""

    code = "server"


class NetworkError(CmrError):
    """The connection failed (refused, reset, DNS, TLS)."""

    code = "network"


class TimeoutError(CmrError, builtins.TimeoutError):  # noqa: A001 - the contract's name
    """The request did not complete in time (also a builtin ``TimeoutError``)."""

    code = "timeout"


class DecodeError(CmrError):
    """The server answered something the API does not document."""

    code = "decode"


class SignatureVerificationError(CmrError):
    """A webhook delivery failed verification: reject it."""

    code = "signature"


class RedirectError(CmrError):
    """The server answered with a redirect (3xx), which is never followed: the
    API key must not leave the configured origin. ``location`` says where it
    pointed; check the base URL."""

    code = "redirect"


class InternalError(CmrError):
    """A bug inside the SDK (a caught panic of the native core). Please report it."""

    code = "internal"


_BY_CODE: dict[str, type[CmrError]] = {
    cls.code: cls
    for cls in (
        AuthenticationError,
        PermissionDeniedError,
        NotFoundError,
        ConflictError,
        ValidationError,
        PaymentRequiredError,
        RateLimitError,
        ServerError,
        NetworkError,
        TimeoutError,
        DecodeError,
        SignatureVerificationError,
        RedirectError,
        InternalError,
    )
}


def _from_native(
    code: str,
    message: str,
    status: Optional[int],
    method: Optional[str],
    path: Optional[str],
    body: Optional[str],
    retry_after: Optional[float],
    may_have_been_sent: bool,
    body_truncated: bool = False,
    location: Optional[str] = None,
) -> CmrError:
    """Called by the native module to build the exception for a core error."""
    cls = _BY_CODE.get(code, CmrError)
    return cls(
        message,
        code=code,
        status=status,
        method=method,
        path=path,
        body=body,
        retry_after=retry_after,
        may_have_been_sent=may_have_been_sent,
        body_truncated=body_truncated,
        location=location,
    )
