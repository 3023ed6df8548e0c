"""cmr: client for the Cold Mail Reseller (CMR) partner API.

>>> import coldmailreseller as cmr
>>> client = cmr.Client()                      # key from CMR_API_KEY
>>> user = client.users.get(user_id="...")
>>> for sub in client.subscriptions.list(status="ACTIVE"):
...     print(sub.domain, sub.period_end)

The HTTP client, retries, pagination and webhook verification are the Rust
core (``coldmailreseller._native``); this package is the typed Python surface. Importing
it is cheap: the native module and the models load on first use.
"""

from __future__ import annotations

from ._errors import (
    AuthenticationError,
    CmrError,
    ConflictError,
    DecodeError,
    NetworkError,
    NotFoundError,
    PaymentRequiredError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    SignatureVerificationError,
    TimeoutError,
    ValidationError,
    RedirectError,
    InternalError,
)

__version__ = "0.1.0"

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs ~20 ms to import: keep `import coldmailreseller as cmr` cheap
    from typing import Any

    from . import testing, webhooks
    from ._base import AsyncPage, Model, SyncPage
    from ._client import AsyncClient, Client
    from ._models import *  # noqa: F403

from ._model_names import MODELS as _MODELS  # generated: every name of ._models

_LAZY = {
    "Client": "._client",
    "AsyncClient": "._client",
    "SyncPage": "._base",
    "AsyncPage": "._base",
    "Model": "._base",
    **{name: "._models" for name in _MODELS},
}
_SUBMODULES = {"webhooks", "testing"}

__all__ = [
    "Client",
    "AsyncClient",
    "SyncPage",
    "AsyncPage",
    "Model",
    "webhooks",
    "testing",
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
    *_MODELS,
]


def __getattr__(name: str) -> Any:
    import importlib

    if name in _SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    mod = _LAZY.get(name)
    if mod is None:
        raise AttributeError(f"module 'coldmailreseller' has no attribute {name!r}")
    value = getattr(importlib.import_module(mod, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
