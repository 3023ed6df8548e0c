"""A blocking call can be interrupted (Ctrl-C) while it waits."""

from __future__ import annotations

import _thread
import signal
import threading

import pytest

from coldmailreseller.testing import Sandbox


def test_ctrl_c_interrupts_a_blocking_call(sb: Sandbox) -> None:
    client = sb.client(max_retries=0)
    sb.inject_fault("/wallet", kind="delay", delay_ms=60_000)
    # Python's own Ctrl-C handler, whatever an earlier test or plugin left installed.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    done = threading.Event()

    def ctrl_c_once_in_flight() -> None:
        # The call is in flight (inside the native wait) once its request
        # consumed the one-shot fault in the sandbox: no timer to race.
        while not done.is_set():
            if not sb.faults():
                _thread.interrupt_main()
                return
            done.wait(0.005)

    presser = threading.Thread(target=ctrl_c_once_in_flight, daemon=True)
    presser.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            client.wallet.get()
    finally:
        done.set()
        presser.join()
        signal.signal(signal.SIGINT, previous)
    sb.clear_faults()
    assert client.wallet.get().balance == 100000.0
