"""A blocking call can be interrupted (Ctrl-C) while it waits."""

from __future__ import annotations

import _thread
import threading

import pytest

from coldmailreseller.testing import Sandbox


def test_ctrl_c_interrupts_a_blocking_call(sb: Sandbox) -> None:
    client = sb.client(max_retries=0)
    sb.inject_fault("/wallet", kind="delay", delay_ms=10_000)
    timer = threading.Timer(0.2, _thread.interrupt_main)
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            client.wallet.get()
    finally:
        timer.cancel()
    sb.clear_faults()
    assert client.wallet.get().balance == 100000.0
