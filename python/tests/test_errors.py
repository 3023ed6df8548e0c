"""The exception hierarchy, driven by tests/scenarios/errors.json, and the
API key never leaking into reprs, messages or logs."""

from __future__ import annotations

import builtins
import logging
from typing import Any

import pytest

import coldmailreseller as cmr
from coldmailreseller.testing import Sandbox
from conftest import FAST, Api, hits, new_user, scenario

CASES = scenario("errors")["cases"]

ALL_CLASSES = {
    "authentication": cmr.AuthenticationError,
    "permission": cmr.PermissionDeniedError,
    "not_found": cmr.NotFoundError,
    "conflict": cmr.ConflictError,
    "validation": cmr.ValidationError,
    "payment_required": cmr.PaymentRequiredError,
    "rate_limited": cmr.RateLimitError,
    "server": cmr.ServerError,
    "network": cmr.NetworkError,
    "timeout": cmr.TimeoutError,
    "decode": cmr.DecodeError,
    "signature": cmr.SignatureVerificationError,
    "redirect": cmr.RedirectError,
    "internal": cmr.InternalError,
}


def _call(api: Api, op: str, args: dict[str, Any]) -> Any:
    """Call a scenario's operation (camelCase args) through the typed API."""
    resource, method = op.split(".")
    kwargs = {"".join("_" + c.lower() if c.isupper() else c for c in k): v for k, v in args.items()}
    return getattr(getattr(api, resource), method)(**kwargs)


@pytest.mark.parametrize("mode", ["sync", "async"])
@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_error_scenarios(case: dict[str, Any], mode: str, sb: Sandbox) -> None:
    setup = case.get("setup", {})
    kwargs: dict[str, Any] = {"max_retries": 0}
    if "apiKey" in setup:
        kwargs["api_key"] = setup["apiKey"]
    if "timeoutMs" in setup:
        kwargs["timeout"] = setup["timeoutMs"] / 1000
    api = Api(mode, sb, **kwargs)
    try:
        if "fault" in case:
            sb.control("inject_fault", case["fault"])
        cls = getattr(cmr, case["class"])
        with pytest.raises(cls) as ei:
            _call(api, case["op"], case["args"])
    finally:
        api.close()
    e = ei.value
    assert type(e) is ALL_CLASSES[case["code"]]
    assert isinstance(e, cmr.CmrError)
    assert e.code == case["code"]
    assert e.status == case.get("status")
    assert e.message
    if case.get("noRequest"):
        assert sb.requests() == []
    else:
        assert (e.method, e.path) == ("GET", "/users/list" if case["op"] == "users.list" else "/users")
    if e.status is not None:
        assert e.body is not None and e.body != ""
    if "retryAfter" in case:
        assert e.retry_after == case["retryAfter"]
    if case["code"] == "timeout":
        assert isinstance(e, builtins.TimeoutError)
    assert str(e).startswith(case["code"])


def test_every_code_has_its_class_and_the_classes_are_distinct() -> None:
    assert len(set(ALL_CLASSES.values())) == 14
    assert set(ALL_CLASSES.values()) == {getattr(cmr, n) for n in cmr.__all__ if n.endswith("Error") and n != "CmrError"}
    for code, cls in ALL_CLASSES.items():
        assert issubclass(cls, cmr.CmrError) and cls.code == code
        assert cmr._errors._from_native(code, "m", None, None, None, None, None, False).__class__ is cls


def test_decode_error_is_raised_for_an_undocumented_answer(sb: Sandbox) -> None:
    client = sb.client(max_retries=0)
    sb.inject_fault("/wallet", status=200)  # a 200 envelope with `data: null`
    with pytest.raises(cmr.DecodeError) as ei:
        client.wallet.get()
    e = ei.value
    assert e.code == "decode" and (e.method, e.path) == ("GET", "/wallet")
    assert e.body is not None and '"data":null' in e.body


def test_validation_before_sending_names_the_argument(sb: Sandbox) -> None:
    client = sb.client()
    with pytest.raises(cmr.ValidationError) as ei:
        client.orders.order_mailboxes(user_id="U", mailboxes={})
    assert ei.value.status is None and ei.value.may_have_been_sent is False
    assert sb.requests() == []


def test_a_write_that_reached_the_server_says_so(sb: Sandbox) -> None:
    client = sb.client(max_retries=0)
    sb.inject_fault("/users", method="POST", status=500)
    with pytest.raises(cmr.ServerError) as ei:
        client.users.create(**new_user("x@acme.com"))
    assert ei.value.may_have_been_sent is True


SECRET_KEY = "sk_live_very_secret_key_0123456789"


def test_the_key_never_appears_in_repr_errors_or_logs(caplog: pytest.LogCaptureFixture) -> None:
    with Sandbox(api_key=SECRET_KEY) as sb:
        caplog.set_level(logging.DEBUG)
        client = cmr.Client(api_key=SECRET_KEY, base_url=sb.base_url, max_retries=1, **FAST)
        aclient = cmr.AsyncClient(api_key=SECRET_KEY, base_url=sb.base_url)
        texts = [repr(client), str(client), repr(aclient), repr(client.users), repr(client._native), repr(sb), repr(sb._sb)]
        texts.append(repr(client.with_options(timeout=1)))
        client.wallet.get()  # a successful call logs too
        errors: list[BaseException] = []
        sb.inject_fault("/wallet", status=503, count=5)
        with pytest.raises(cmr.ServerError) as e1:
            client.wallet.get()
        errors.append(e1.value)
        with pytest.raises(cmr.AuthenticationError) as e2:
            cmr.Client(api_key=SECRET_KEY + "x", base_url=sb.base_url).users.get(user_id="U")
        errors.append(e2.value)
        with pytest.raises(cmr.NotFoundError) as e3:
            client.users.get(user_id="NOSUCHUSER000000000000000000")
        errors.append(e3.value)
        for e in errors:
            texts += [repr(e), str(e), str(e.body), str(vars(e))]
        texts += [r.getMessage() for r in caplog.records]
        assert any(r.name.startswith(cmr.__name__) for r in caplog.records), "the cmr logger logged something"
    for t in texts:
        assert SECRET_KEY not in t, t


def test_key_falls_back_to_the_environment(monkeypatch: pytest.MonkeyPatch, sb: Sandbox) -> None:
    monkeypatch.setenv("CMR_API_KEY", sb.api_key)
    client = cmr.Client(base_url=sb.base_url)
    assert client.wallet.get().balance == 100000.0
    monkeypatch.delenv("CMR_API_KEY")
    with pytest.raises(cmr.ValidationError, match="CMR_API_KEY"):
        cmr.Client(base_url=sb.base_url)
