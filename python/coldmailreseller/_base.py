"""Model base class, JSON conversion and pages (shared by both clients)."""

from __future__ import annotations

import base64
import dataclasses
import enum
import types
import typing
from typing import (
    Any,
    AsyncIterator,
    Awaitable,
    Callable,
    ClassVar,
    Generic,
    Iterator,
    Mapping,
    Optional,
    TypeVar,
    Union,
)

T = TypeVar("T")
M = TypeVar("M", bound="Model")

# snake_case names whose camelCase form is not the mechanical one.
_SPECIAL_JSON_NAMES = {"excluded_dmarc_tags": "excludedDMARCtags"}


# camel() results: every call of every method converts its parameter names.
_CAMEL_CACHE: dict[str, str] = dict(_SPECIAL_JSON_NAMES)
_CAMEL_CACHE_MAX = 4096  # user-given dict keys pass here too: bounded


def camel(name: str) -> str:
    """``address_line_one`` -> ``addressLineOne`` (the API's spelling)."""
    cached = _CAMEL_CACHE.get(name)
    if cached is not None:
        return cached
    head, *rest = name.split("_")
    out = head + "".join(p[:1].upper() + p[1:] for p in rest)
    if len(_CAMEL_CACHE) < _CAMEL_CACHE_MAX:
        _CAMEL_CACHE[name] = out
    return out


class StrEnum(str, enum.Enum):
    """A string enum. Values this SDK does not know are kept as plain ``str``."""

    def __str__(self) -> str:
        return str(self.value)

    def __repr__(self) -> str:
        return f"{type(self).__name__}.{self.name}"


def _identity(v: Any) -> Any:
    return v


def _converter(tp: Any) -> Callable[[Any], Any]:
    """A JSON -> Python converter for an annotation."""
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin is Union or origin is types.UnionType:
        non_none = [a for a in args if a is not type(None)]
        enums = [a for a in non_none if isinstance(a, type) and issubclass(a, enum.Enum)]
        if enums:
            ecls = enums[0]

            def to_enum(v: Any) -> Any:
                if v is None:
                    return None
                try:
                    return ecls(v)
                except ValueError:
                    return v  # unknown value: kept verbatim

            return to_enum
        if len(non_none) == 1:
            inner = _converter(non_none[0])
            if inner is _identity:
                return _identity  # Optional[str] and the like: nothing to convert
            return lambda v: None if v is None else inner(v)
        return _identity
    if origin in (list, typing.List, typing.Sequence):
        inner = _converter(args[0]) if args else _identity
        if inner is _identity:
            return lambda v: list(v) if v is not None else []
        return lambda v: [inner(i) for i in v] if v is not None else []
    if origin in (dict, typing.Dict, typing.Mapping):
        inner = _converter(args[1]) if len(args) == 2 else _identity
        return lambda v: {k: inner(x) for k, x in v.items()} if v is not None else {}
    if isinstance(tp, type):
        if issubclass(tp, Model):
            return lambda v: None if v is None else tp.from_dict(v)
        if issubclass(tp, enum.Enum):
            return _converter(Union[tp, str])
        if tp is bytes:
            return lambda v: None if v is None else base64.b64decode(v)
        if tp is float:
            return lambda v: None if v is None else float(v)
    return _identity


def dump(v: Any) -> Any:
    """Python value -> JSON-ready value (models to camelCase dicts)."""
    if type(v) is str:  # the common case first
        return v
    if v is None or isinstance(v, (bool, int, float)):
        return v
    if isinstance(v, enum.Enum):
        return v.value
    if isinstance(v, str):
        return v
    if isinstance(v, Model):
        return v.to_dict()
    if isinstance(v, (bytes, bytearray, memoryview)):
        return base64.b64encode(bytes(v)).decode("ascii")
    if isinstance(v, Mapping):
        return {_key(k): dump(x) for k, x in v.items()}
    if isinstance(v, (list, tuple, set, frozenset)):
        return [dump(x) for x in v]
    return v


def _key(k: Any) -> Any:
    """Dict keys given by users in snake_case become camelCase. Keys that are
    not identifiers (domain names keying ``mailboxes``) are left alone."""
    if isinstance(k, str) and "_" in k and k.isidentifier() and not k.startswith("_"):
        return camel(k)
    return k


@dataclasses.dataclass
class _Field:
    name: str
    json: str
    conv: Callable[[Any], Any]
    required: bool
    zero: Any


@dataclasses.dataclass(kw_only=True, repr=False)
class Model:
    """Base of every model: typed snake_case attributes built from the API's
    camelCase JSON. Fields this SDK version does not know are kept in
    :attr:`extra`; :meth:`to_dict` gives the camelCase JSON back."""

    extra: dict[str, Any] = dataclasses.field(default_factory=dict)
    """Fields the API sent that this SDK version does not model."""

    _secret_fields: ClassVar[frozenset[str]] = frozenset()
    _spec_cache: ClassVar[Optional[tuple[dict[str, _Field], list[_Field]]]] = None

    @classmethod
    def _spec(cls) -> tuple[dict[str, _Field], list[_Field]]:
        cached = cls.__dict__.get("_spec_cache")
        if cached is not None:
            return cached  # type: ignore[no-any-return]
        hints = typing.get_type_hints(cls)
        fields: list[_Field] = []
        for f in dataclasses.fields(cls):
            if f.name == "extra":
                continue
            tp = hints[f.name]
            required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
            zero = _zero(tp)
            fields.append(_Field(f.name, camel(f.name), _converter(tp), required, zero))
        spec = ({f.json: f for f in fields}, fields)
        cls._spec_cache = spec
        return spec

    @classmethod
    def from_dict(cls: type[M], data: Mapping[str, Any]) -> M:
        """Build from the API's camelCase JSON (unknown fields go to ``extra``)."""
        if type(data) is not dict and not isinstance(data, Mapping):  # typing's isinstance is slow
            raise TypeError(f"{cls.__name__}.from_dict expects a mapping, got {type(data).__name__}")
        by_json, fields = cls._spec()
        kwargs: dict[str, Any] = {}
        extra: dict[str, Any] = {}
        for k, v in data.items():
            f = by_json.get(k)
            if f is None:
                extra[k] = v
            else:
                conv = f.conv
                kwargs[f.name] = v if conv is _identity else conv(v)
        for f in fields:
            if f.required and f.name not in kwargs:
                kwargs[f.name] = f.zero() if callable(f.zero) else f.zero
        return cls(**kwargs, extra=extra)

    def to_dict(self) -> dict[str, Any]:
        """The camelCase JSON form (``None`` fields left out, ``extra`` merged)."""
        _, fields = self._spec()
        out: dict[str, Any] = {}
        for f in fields:
            v = getattr(self, f.name)
            if v is not None:
                out[f.json] = dump(v)
        for k, v in self.extra.items():
            out.setdefault(k, v)
        return out

    def __repr__(self) -> str:
        _, fields = self._spec()
        parts = []
        for f in fields:
            v = getattr(self, f.name)
            if v is None:
                continue
            if f.name in self._secret_fields:
                parts.append(f"{f.name}='***'")
            else:
                parts.append(f"{f.name}={v!r}")
        if self.extra:
            parts.append(f"extra={self.extra!r}")
        return f"{type(self).__name__}({', '.join(parts)})"


def _zero(tp: Any) -> Any:
    origin = typing.get_origin(tp)
    if origin in (list, typing.List, typing.Sequence):
        return list
    if origin in (dict, typing.Dict, typing.Mapping):
        return dict
    if tp is str:
        return ""
    if tp is bool:
        return False
    if tp in (int, float):
        return 0
    return None


class _PageBase(Generic[T]):
    items: list[T]
    current_page: int
    total_pages: Optional[int]
    next_page: Optional[int]
    total_count: Optional[int]
    extra: dict[str, Any]

    def _load(self, data: Mapping[str, Any], item: Callable[[Any], T]) -> None:
        self.items = [item(x) for x in data.get("items") or []]
        self.current_page = int(data.get("currentPage") or 1)
        self.total_pages = data.get("totalPages")
        nxt = data.get("nextPage")
        # Never walk backwards or in place, whatever the server says.
        self.next_page = nxt if isinstance(nxt, int) and nxt > self.current_page else None
        self.total_count = data.get("totalCount")
        self.extra = dict(data.get("extra") or {})

    def has_next_page(self) -> bool:
        return self.next_page is not None

    def to_dict(self) -> dict[str, Any]:
        return {
            "items": [dump(i) for i in self.items],
            "currentPage": self.current_page,
            "totalPages": self.total_pages,
            "nextPage": self.next_page,
            "totalCount": self.total_count,
            "extra": dict(self.extra),
        }

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(items=<{len(self.items)} items>, current_page={self.current_page}, "
            f"total_pages={self.total_pages}, next_page={self.next_page}, total_count={self.total_count})"
        )


class SyncPage(_PageBase[T]):
    """One page of a paginated list. ``for item in page`` walks every item of
    this page and of every following page (fetched on demand); ``items`` is
    this page only."""

    def __init__(
        self,
        data: Mapping[str, Any],
        item: Callable[[Any], T],
        fetch: Optional[Callable[[int], "SyncPage[T]"]] = None,
    ) -> None:
        self._load(data, item)
        self._fetch = fetch

    def get_next_page(self) -> Optional["SyncPage[T]"]:
        """The next page, or ``None`` on the last page."""
        if self.next_page is None or self._fetch is None:
            return None
        return self._fetch(self.next_page)

    def iter_pages(self) -> Iterator["SyncPage[T]"]:
        """This page and every following one."""
        page: Optional[SyncPage[T]] = self
        while page is not None:
            yield page
            page = page.get_next_page()

    def __iter__(self) -> Iterator[T]:
        for page in self.iter_pages():
            yield from page.items


class AsyncPage(_PageBase[T]):
    """One page of a paginated list. ``async for item in page`` walks every
    item of this page and of every following page (fetched on demand)."""

    def __init__(
        self,
        data: Mapping[str, Any],
        item: Callable[[Any], T],
        fetch: Optional[Callable[[int], Awaitable["AsyncPage[T]"]]] = None,
    ) -> None:
        self._load(data, item)
        self._fetch = fetch

    async def get_next_page(self) -> Optional["AsyncPage[T]"]:
        """The next page, or ``None`` on the last page."""
        if self.next_page is None or self._fetch is None:
            return None
        return await self._fetch(self.next_page)

    async def iter_pages(self) -> AsyncIterator["AsyncPage[T]"]:
        """This page and every following one."""
        page: Optional[AsyncPage[T]] = self
        while page is not None:
            yield page
            page = await page.get_next_page()

    async def __aiter__(self) -> AsyncIterator[T]:
        async for page in self.iter_pages():
            for item in page.items:
                yield item


def build_args(**kwargs: Any) -> dict[str, Any]:
    """Keyword arguments -> the camelCase argument object of an operation
    (``None`` means "not given" and is left out)."""
    return {camel(k): dump(v) for k, v in kwargs.items() if v is not None}
