"""Issue #10 from Python: a write whose answer is lost is not re-sent and is
found again by a lookup; panics in the core arrive as ``cmr.InternalError``;
bad durations and counts are refused before anything is sent; plain http off
loopback is refused; redirects and oversized bodies are typed errors."""

from __future__ import annotations

import http.server
import math
import threading
from typing import Any, Iterator

import pytest

import coldmailreseller as cmr
from coldmailreseller.testing import Sandbox
from conftest import Api, hits, new_user, order

ORDER_PATH = "/orders/json"


def orders_for(sb: Sandbox, domain: str) -> list[dict[str, Any]]:
    """Orders in the sandbox's state whose request names ``domain``."""
    state = sb.control("GET", "/state")
    return [
        o
        for o in state["orders"].values()
        if any(d.get("domain") == domain for d in (o.get("request") or {}).get("domains") or [])
    ]


# -- a created order whose answer is lost -------------------------------------


def test_an_order_whose_answer_is_lost_is_not_resent_and_is_found(api: Api) -> None:
    sb = api.sb
    user = api.users.create(**new_user("lost@acme.com"))
    sb.inject_fault(ORDER_PATH, method="POST", kind="drop_after")
    # max_retries is the default (retries on): a maybe-applied write must still not be re-sent.
    with pytest.raises(cmr.NetworkError) as ei:
        api.orders.create(user_id=user.id, **order("lost-answer.com", ["ann"]))
    e = ei.value
    assert e.code == "network" and e.status is None
    assert e.may_have_been_sent is True
    assert (e.method, e.path) == ("POST", ORDER_PATH)
    assert hits(sb, "POST", ORDER_PATH) == 1, sb.requests()
    [logged] = [r for r in sb.requests() if r["path"] == ORDER_PATH]
    assert logged["fault"] == "drop_after" and logged["status"] == 200

    found = api.orders.find_by_domain(user_id=user.id, domain="lost-answer.com")
    assert found is not None
    assert found.domain_name == "lost-answer.com"
    assert found.status == cmr.DomainStatus.PENDING
    assert api.orders.find_by_domain(user_id=user.id, domain="never-ordered.com") is None
    assert len(orders_for(sb, "lost-answer.com")) == 1
    assert hits(sb, "POST", ORDER_PATH) == 1


def test_a_late_answer_past_the_timeout_may_have_been_sent(api: Api) -> None:
    sb = api.sb
    user = api.users.create(**new_user("late@acme.com"))
    sb.inject_fault(ORDER_PATH, method="POST", kind="delay_after", delay_ms=3000)
    client = api.client.with_options(timeout=0.3)
    coro_or_result: Any
    with pytest.raises(cmr.TimeoutError) as ei:
        coro_or_result = client.orders.create(user_id=user.id, **order("late-answer.com", ["bob"]))
        if api.mode == "async":
            api.run(coro_or_result)
    e = ei.value
    assert e.code == "timeout" and e.may_have_been_sent is True
    assert hits(sb, "POST", ORDER_PATH) == 1
    found = api.orders.find_by_domain(user_id=user.id, domain="late-answer.com")
    assert found is not None and found.status == cmr.DomainStatus.PENDING
    assert len(orders_for(sb, "late-answer.com")) == 1


def test_a_user_whose_creation_answer_is_lost_is_found_by_email(api: Api) -> None:
    sb = api.sb
    sb.inject_fault("/users", method="POST", kind="drop_after")
    with pytest.raises(cmr.NetworkError) as ei:
        api.users.create(**new_user("Lost.User@Acme.com"))
    assert ei.value.may_have_been_sent is True
    assert hits(sb, "POST", "/users") == 1
    found = api.users.find_by_email(email="lost.user@acme.com")
    assert found is not None and found.email is not None
    assert found.email.lower() == "lost.user@acme.com"
    assert api.users.find_by_email(email="nobody@acme.com") is None
    users = sb.control("GET", "/state")["users"].values()
    assert sum(1 for u in users if str(u["user"].get("email", "")).lower() == "lost.user@acme.com") == 1


# -- a panic inside the core --------------------------------------------------


def test_a_panic_in_the_core_is_an_internal_error_sync(sb: Sandbox) -> None:
    client = sb.client()
    with pytest.raises(cmr.InternalError) as ei:
        client._native.call("__panic_for_tests")
    e = ei.value
    assert isinstance(e, cmr.CmrError) and e.code == "internal"
    assert "panic" in e.message
    # An ordinary `except Exception` handler catches it (it is no BaseException-only error).
    try:
        client._native.call("__panic_for_tests")
    except Exception as caught:  # noqa: BLE001 - the point of the test
        assert type(caught) is cmr.InternalError
    else:
        pytest.fail("no exception")
    # The client still works after the panic.
    assert client.wallet.get().balance == 100000.0


async def test_a_panic_in_the_core_is_an_internal_error_async(sb: Sandbox) -> None:
    client = sb.async_client()
    with pytest.raises(cmr.InternalError) as ei:
        await client._call("__panic_for_tests", {}, lambda v: v)
    assert isinstance(ei.value, cmr.CmrError) and ei.value.code == "internal"
    try:
        await client._call("__panic_for_tests", {}, lambda v: v)
    except Exception as caught:  # noqa: BLE001
        assert type(caught) is cmr.InternalError
    else:
        pytest.fail("no exception")
    assert (await client.wallet.get()).balance == 100000.0


def test_internal_error_is_mapped_from_its_code() -> None:
    e = cmr._errors._from_native("internal", "boom", None, None, None, None, None, False)
    assert type(e) is cmr.InternalError
    r = cmr._errors._from_native("redirect", "moved", 302, "GET", "/x", "", None, False, False, "https://e.com/")
    assert type(r) is cmr.RedirectError and r.location == "https://e.com/"


# -- user-supplied numbers ----------------------------------------------------

BAD_SETTINGS = [
    {"timeout": -1},
    {"timeout": float("nan")},
    {"timeout": math.inf},
    {"timeout": 1e300},
    {"timeout": 0},
    {"connect_timeout": -0.5},
    {"retry_base_delay": float("nan")},
    {"retry_max_delay": 1e300},
    {"retry_after_cap": -3},
    {"max_retries": -1},
    {"max_retries": 2**40},
    {"max_retries": 1000},
    {"max_retries": True},
    {"requests_per_second": 0},
    {"requests_per_second": -2},
    {"requests_per_second": float("nan")},
    {"max_response_bytes": -1},
    {"max_response_bytes": 10},
]


@pytest.mark.parametrize("kind", ["Client", "AsyncClient"])
@pytest.mark.parametrize("bad", BAD_SETTINGS, ids=[f"{k}={v!r}" for b in BAD_SETTINGS for k, v in b.items()])
def test_bad_settings_are_a_validation_error_before_sending(kind: str, bad: dict[str, Any], sb: Sandbox) -> None:
    cls = getattr(cmr, kind)
    with pytest.raises(cmr.ValidationError) as ei:
        cls(api_key=sb.api_key, base_url=sb.base_url, **bad)
    name = next(iter(bad))
    assert name in ei.value.message
    assert ei.value.status is None and ei.value.may_have_been_sent is False
    assert sb.requests() == []


PER_CALL = [{"timeout": -1}, {"timeout": float("nan")}, {"timeout": 1e300}, {"timeout": 0}, {"max_retries": -1}, {"max_retries": 2**40}, {"max_retries": 1000}]


@pytest.mark.parametrize("bad", PER_CALL, ids=[f"{k}={v!r}" for b in PER_CALL for k, v in b.items()])
def test_bad_per_call_options_send_nothing(bad: dict[str, Any], api: Api) -> None:
    with pytest.raises(cmr.ValidationError) as ei:
        view = api.client.with_options(**bad)
        result = view.wallet.get()
        if api.mode == "async":
            api.run(result)
    assert next(iter(bad)) in ei.value.message
    assert api.sb.requests() == []


# -- base URL -------------------------------------------------------------------


def test_plain_http_off_loopback_is_refused_unless_opted_in(sb: Sandbox) -> None:
    for cls in (cmr.Client, cmr.AsyncClient):
        with pytest.raises(cmr.ValidationError) as ei:
            cls(api_key="k", base_url="http://example.com/api/v1/integration")
        assert "http://example.com/api/v1/integration" in ei.value.message
        assert "k" != ei.value.message
        client = cls(api_key="k", base_url="http://example.com/api/v1/integration", allow_insecure_http=True)
        assert client.base_url.startswith("http://example.com")
    # https anywhere, and http to loopback (the sandbox), need no opt-in.
    assert cmr.Client(api_key="k", base_url="https://example.com/api").base_url.startswith("https://")
    for host in ("127.0.0.1", "localhost", "[::1]"):
        cmr.Client(api_key="k", base_url=f"http://{host}:9/api")
    assert sb.requests() == []


# -- error fields on real errors (a small loopback server) -----------------------


class _Hostile(http.server.BaseHTTPRequestHandler):
    hits: list[tuple[str, str, str]] = []

    def log_message(self, *args: Any) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802
        type(self).hits.append(("GET", self.path, self.headers.get("authorization", "") + self.headers.get("x-api-key", "")))
        if self.path.startswith("/api/redirect"):
            self.send_response(302)
            self.send_header("Location", "http://127.0.0.1:9/elsewhere/wallet")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif self.path.startswith("/api/bigerror"):
            body = b'{"success":false,"message":"' + b"x" * (200 * 1024) + b'"}'
            self.send_response(500)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        elif self.path.startswith("/api/huge"):
            body = b'{"success":true,"data":{"balance":1,"pad":"' + b"y" * (64 * 1024) + b'"}}'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        else:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()


@pytest.fixture
def hostile() -> Iterator[str]:
    _Hostile.hits = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Hostile)
    t = threading.Thread(target=server.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_a_redirect_is_a_redirect_error_with_its_location(mode: str, hostile: str) -> None:
    kwargs: dict[str, Any] = dict(api_key="secret-key-123", base_url=hostile + "/api/redirect", max_retries=3)
    with pytest.raises(cmr.RedirectError) as ei:
        if mode == "sync":
            cmr.Client(**kwargs).wallet.get()
        else:
            import asyncio

            asyncio.run(cmr.AsyncClient(**kwargs).wallet.get())
    e = ei.value
    assert isinstance(e, cmr.CmrError) and e.code == "redirect" and e.status == 302
    assert e.location == "http://127.0.0.1:9/elsewhere/wallet"
    assert e.body_truncated is False
    assert "secret-key-123" not in repr(e) + str(e) + str(vars(e))
    # Not followed (the target is a closed port anyway) and not retried.
    assert [h[0:2] for h in _Hostile.hits] == [("GET", "/api/redirect/wallet")]


def test_a_long_error_body_is_truncated_and_says_so(hostile: str) -> None:
    client = cmr.Client(api_key="k", base_url=hostile + "/api/bigerror", max_retries=0)
    with pytest.raises(cmr.ServerError) as ei:
        client.wallet.get()
    e = ei.value
    assert e.status == 500 and e.body is not None
    assert e.body_truncated is True
    assert 0 < len(e.body.encode()) <= 64 * 1024
    assert e.location is None


def test_an_answer_over_max_response_bytes_is_a_decode_error(hostile: str) -> None:
    client = cmr.Client(api_key="k", base_url=hostile + "/api/huge", max_retries=0, max_response_bytes=4096)
    with pytest.raises(cmr.DecodeError) as ei:
        client.wallet.get()
    assert ei.value.code == "decode"
    # The same answer under the default cap decodes.
    assert cmr.Client(api_key="k", base_url=hostile + "/api/huge").wallet.get().balance == 1


def test_error_fields_default_on_an_ordinary_error(sb: Sandbox) -> None:
    client = sb.client(max_retries=0)
    with pytest.raises(cmr.NotFoundError) as ei:
        client.users.get(user_id="NOSUCHUSER000000000000000000")
    e = ei.value
    assert e.body_truncated is False and e.location is None


# -- values crossing into the core (no JSON text in between) -----------------


def test_arguments_are_checked_like_json_dumps(sb: Sandbox) -> None:
    native = sb.client()._native
    with pytest.raises(TypeError, match="not JSON serializable"):
        native.call("users.get", {"userId": object()})
    with pytest.raises(TypeError, match="keys must be"):
        native.call("users.get", {("a",): "b"})
    with pytest.raises(ValueError, match="not a JSON number"):
        native.call("users.get", {"userId": float("nan")})
    deep: Any = "x"
    for _ in range(200):
        deep = [deep]
    with pytest.raises(ValueError, match="nested too deeply"):
        native.call("users.get", {"userId": deep})
    # A wrong type inside a valid value is the core's validation error, as before.
    with pytest.raises(cmr.ValidationError):
        native.call("users.get", {"userId": 12})


def test_results_are_plain_python_values(sb: Sandbox) -> None:
    native = sb.client()._native
    wallet = native.call("wallet.get")
    assert type(wallet) is dict and type(wallet["balance"]) is float and wallet["balance"] == 100000.0
    env = native.request("GET", "/wallet", None, None)
    assert env["status"] == 200 and type(env["status"]) is int and env["data"]["balance"] == 100000.0
    big = {"n": 2**64 + 1, "t": (1, True, None), "k": {1: "one"}}
    # Values json.dumps accepts are accepted (the core rejects the unknown
    # operation afterwards, before any request).
    with pytest.raises(cmr.ValidationError, match="unknown operation"):
        native.call("no.such.op", big)
