"""The core's request log reaches the standard ``logging`` module (issue #14)."""

from __future__ import annotations

import logging
from typing import Any, Iterator

import pytest

import coldmailreseller as cmr
from coldmailreseller._client import LOGGER_NAME
from coldmailreseller.testing import Sandbox
from conftest import Api, new_user


@pytest.fixture(autouse=True)
def restore_logger_level() -> Iterator[None]:
    logger = logging.getLogger(LOGGER_NAME)
    level = logger.level
    yield
    logger.setLevel(level)


def core_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    """Records forwarded from the core (they carry the structured ``cmr`` fields)."""
    return [r for r in caplog.records if r.name == LOGGER_NAME and hasattr(r, "cmr")]


def fields(r: logging.LogRecord) -> dict[str, str]:
    f: dict[str, str] = getattr(r, "cmr")
    return f


def assert_no_key(caplog: pytest.LogCaptureFixture, key: str) -> None:
    for r in caplog.records:
        assert key not in r.getMessage(), r.getMessage()
        assert key not in repr(getattr(r, "cmr", "")), r.__dict__


def test_the_logger_is_named_after_the_package() -> None:
    assert LOGGER_NAME == cmr.__name__


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_a_retried_call_logs_each_attempt(mode: str, sb: Sandbox, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    api = Api(mode, sb, log_level="info")
    try:
        sb.inject_fault("/wallet", status=503, count=1)
        api.wallet.get()
    finally:
        api.close()
    recs = core_records(caplog)
    assert [r.levelno for r in recs] == [logging.INFO, logging.INFO], [r.getMessage() for r in recs]
    first, second = fields(recs[0]), fields(recs[1])
    assert first["method"] == "GET" and first["path"].endswith("/wallet")
    assert first["status"] == "503" and first["attempt"] == "1"
    assert first["retry"].startswith("in ")
    assert float(first["duration_ms"]) >= 0
    assert "retrying in" in recs[0].getMessage()
    assert second["status"] == "200" and second["attempt"] == "2" and "retry" not in second
    assert_no_key(caplog, sb.api_key)


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_failing_calls_log_why_they_are_not_retried(mode: str, sb: Sandbox, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    api = Api(mode, sb, log_level="info")
    try:
        with pytest.raises(cmr.NotFoundError):
            api.users.get(user_id="USR_missing")
        sb.inject_fault("/users", method="POST", status=500, count=1)
        with pytest.raises(cmr.ServerError):
            api.users.create(**new_user("once@acme.com"))
    finally:
        api.close()
    recs = core_records(caplog)
    assert len(recs) == 2, [r.getMessage() for r in recs]
    assert recs[0].levelno == logging.INFO
    assert fields(recs[0])["status"] == "404" and fields(recs[0])["retry"] == "no: not retryable"
    assert recs[1].levelno == logging.WARNING
    assert fields(recs[1])["retry"] == "no: the write may have reached the server"
    assert_no_key(caplog, sb.api_key)


def test_basic_config_debug_is_enough_and_adds_bodies(sb: Sandbox, caplog: pytest.LogCaptureFixture) -> None:
    # No option, no CMR_LOG: the logger's level when the client is built decides.
    caplog.set_level(logging.DEBUG, logger=LOGGER_NAME)
    client = sb.client(max_retries=0)
    client.users.create(**new_user("dbg@acme.com"))
    msgs = [r.getMessage() for r in core_records(caplog)]
    assert any(m.startswith("request POST") and "dbg@acme.com" in m for m in msgs), msgs
    assert any(m.startswith("response POST") for m in msgs), msgs
    assert any(r.levelno == logging.DEBUG for r in core_records(caplog))
    assert_no_key(caplog, sb.api_key)


def test_the_key_is_scrubbed_even_when_passed_as_an_id(sb: Sandbox, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    client = sb.client(max_retries=0, log_level="debug")
    with pytest.raises(cmr.CmrError):
        client.users.get(user_id=sb.api_key)
    assert any("****" in r.getMessage() for r in core_records(caplog)), caplog.text
    assert_no_key(caplog, sb.api_key)


def test_off_and_warn_stay_quiet_on_success(sb: Sandbox, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    for level in ("off", "warn"):
        sb.inject_fault("/wallet", status=503, count=1)
        sb.client(log_level=level, retry_base_delay=0.01).wallet.get()
    assert core_records(caplog) == []


def test_cmr_log_env_var(sb: Sandbox, caplog: pytest.LogCaptureFixture, monkeypatch: Any) -> None:
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("CMR_LOG", "info")
    sb.client().wallet.get()
    recs = core_records(caplog)
    assert len(recs) == 1 and fields(recs[0])["status"] == "200"


def test_an_invalid_level_is_refused(sb: Sandbox) -> None:
    with pytest.raises(ValueError):
        sb.client(log_level="loud")
