"""The hand-written part of the resources: what the generated ``_resources.py``
and ``_async_resources.py`` (``cargo run -p cmr-codegen -- write``) use and
cannot derive from the route table.

- the helpers and argument aliases the generated methods use;
- one mixin per resource with Python-only conveniences: a class ``<Name>Custom``
  (blocking) and ``Async<Name>Custom`` (async) whose methods the generated class
  ``<Name>`` / ``Async<Name>`` inherits instead of generating them. The generator
  reads the ``def`` names of these classes from this file: keep one class per
  line ``class XCustom...:`` and its methods as ``    def name(`` /
  ``    async def name(``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Mapping, Optional, Sequence, TypeVar, Union

from ._base import camel, dump
from ._models import (
    CredentialCreated,
    GoogleConfig,
    NewMailbox,
    PlatformApp,
    PlatformLogin,
    PlatformMetadata,
    PrewarmupItem,
    PrewarmupOrderCreated,
    ServiceProvider,
)

if TYPE_CHECKING:
    from ._client import AsyncClient, Client

T = TypeVar("T")

# Inputs accept the models or plain mappings (snake_case or camelCase keys).
MailboxesArg = Mapping[str, Sequence[Union[NewMailbox, Mapping[str, Any]]]]
GoogleArg = Union[GoogleConfig, Mapping[str, Any]]


def _args(params: dict[str, Any]) -> dict[str, Any]:
    """A method's parameters (its ``locals()``) -> camelCase operation arguments."""
    return {camel(k): dump(v) for k, v in params.items() if k != "self" and v is not None}


def _list_of(conv: Callable[[Any], T]) -> Callable[[Any], list[T]]:
    return lambda v: [conv(x) for x in (v or [])]


def _optional(conv: Callable[[Any], T]) -> Callable[[Any], Optional[T]]:
    return lambda v: None if v is None else conv(v)


# --- exports.add_credential: `app` defaults to EmailBison, `metadata` to {} ---


class ExportsCustom:
    _c: "Client"

    def add_credential(
        self,
        *,
        user_id: str,
        credentials: Union[PlatformLogin, Mapping[str, Any]],
        metadata: Union[PlatformMetadata, Mapping[str, Any], None] = None,
        app: Union[PlatformApp, str] = PlatformApp.EMAILBISON,
    ) -> CredentialCreated:
        if metadata is None:
            metadata = {}
        return self._c._call("exports.add_credential", _args(locals()), CredentialCreated.from_dict)


class AsyncExportsCustom:
    _c: "AsyncClient"

    async def add_credential(
        self,
        *,
        user_id: str,
        credentials: Union[PlatformLogin, Mapping[str, Any]],
        metadata: Union[PlatformMetadata, Mapping[str, Any], None] = None,
        app: Union[PlatformApp, str] = PlatformApp.EMAILBISON,
    ) -> CredentialCreated:
        if metadata is None:
            metadata = {}
        return await self._c._call("exports.add_credential", _args(locals()), CredentialCreated.from_dict)


# --- prewarmup.order: no `scenario` (it only steers the sandbox: sandbox_order) ---


class PrewarmupCustom:
    _c: "Client"

    def order(
        self,
        *,
        user_id: str,
        order: Sequence[Union[PrewarmupItem, Mapping[str, Any]]],
        service_provider: Union[ServiceProvider, str],
        google: Optional[GoogleArg] = None,
        microsoft_oauth_route: Optional[str] = None,
        auto_renew: Optional[bool] = None,
    ) -> PrewarmupOrderCreated:
        return self._c._call("prewarmup.order", _args(locals()), PrewarmupOrderCreated.from_dict)


class AsyncPrewarmupCustom:
    _c: "AsyncClient"

    async def order(
        self,
        *,
        user_id: str,
        order: Sequence[Union[PrewarmupItem, Mapping[str, Any]]],
        service_provider: Union[ServiceProvider, str],
        google: Optional[GoogleArg] = None,
        microsoft_oauth_route: Optional[str] = None,
        auto_renew: Optional[bool] = None,
    ) -> PrewarmupOrderCreated:
        return await self._c._call("prewarmup.order", _args(locals()), PrewarmupOrderCreated.from_dict)
