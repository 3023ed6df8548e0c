"""Blocking calls run on the calling thread, each thread with its own
connection pool (and runtime) while everything else stays the client's:
the rate limit holds across threads, threads can come and go, a pooled
connection the server closed is not reused blindly, and a forked child gets
a fresh runtime."""

from __future__ import annotations

import os
import signal
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Iterator, Optional

import pytest

import coldmailreseller as cmr
from coldmailreseller.testing import Sandbox
from conftest import hits, new_user


def test_threads_sharing_a_client_share_its_rate_limit(sb: Sandbox) -> None:
    # The sandbox counts requests per rolling second as CMR does and answers
    # 429 beyond 5; with max_retries=0 a 429 would fail the call. Pacers per
    # thread would send 15 requests at once (3 x 5) and draw 429s.
    sb.configure(rate_limit=5)
    client = sb.client(requests_per_second=5, max_retries=0)
    errors: list[BaseException] = []

    def five_calls() -> None:
        try:
            for _ in range(5):
                client.geo.countries()
        except BaseException as e:  # reported below
            errors.append(e)

    threads = [threading.Thread(target=five_calls) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    sb.configure(rate_limit=None)
    assert errors == []
    statuses = [r["status"] for r in sb.requests() if r["path"] == "/geo/countries"]
    assert statuses == [200] * 15


def test_threads_that_end_leave_the_client_working(sb: Sandbox) -> None:
    client = sb.client()
    view = client.with_options(timeout=30)
    balances: list[float] = []

    def calls() -> None:
        balances.append(client.wallet.get().balance)
        balances.append(view.wallet.get().balance)
        # A client made and dropped on this thread: its pool goes with it.
        sb.client().wallet.get()

    for _ in range(10):
        t = threading.Thread(target=calls)
        t.start()
        t.join()
    assert balances == [100000.0] * 20
    assert client.wallet.get().balance == 100000.0
    assert hits(sb, "GET", "/wallet") == 31


def test_a_thread_pool_shares_one_client(sb: Sandbox) -> None:
    client = sb.client()
    users = [client.users.create(**new_user(f"pool{i}@acme.com")) for i in range(4)]
    with ThreadPoolExecutor(max_workers=8) as ex:
        got = list(ex.map(lambda i: client.users.get(user_id=users[i % 4].id).email, range(40)))
    assert got == [f"pool{i % 4}@acme.com" for i in range(40)]
    assert hits(sb, "GET", "/users") == 40
    assert hits(sb, "POST", "/users") == 4


class ClosingRelay:
    """A TCP relay in front of the sandbox whose connections the test can
    close at will, as a server closes idle keep-alive connections: the
    client's pooled connection is then dead while it sits in the pool."""

    def __init__(self, sb: Sandbox) -> None:
        self._upstream = ("127.0.0.1", int(sb.base_url.split(":")[2].split("/")[0]))
        self._path = "/" + sb.base_url.split("/", 3)[3]
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._lock = threading.Lock()
        self._open: list[socket.socket] = []
        self.accepted = 0
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._listener.getsockname()[1]}{self._path}"

    def _accept(self) -> None:
        while True:
            try:
                down, _ = self._listener.accept()
            except OSError:
                return
            up = socket.create_connection(self._upstream)
            with self._lock:
                self.accepted += 1
                self._open += [down, up]
            threading.Thread(target=self._pump, args=(down, up), daemon=True).start()
            threading.Thread(target=self._pump, args=(up, down), daemon=True).start()

    @staticmethod
    def _pump(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def close_all(self) -> None:
        """Close every connection now (both sides)."""
        with self._lock:
            socks, self._open = self._open, []
        for s in socks:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()

    def stop(self) -> None:
        self._listener.close()
        self.close_all()


@pytest.fixture
def relay(sb: Sandbox) -> Iterator[ClosingRelay]:
    r = ClosingRelay(sb)
    yield r
    r.stop()


def test_a_get_after_the_server_closed_the_idle_connection_succeeds(sb: Sandbox, relay: ClosingRelay) -> None:
    # No retries of our own: the pool must not hand out the dead connection
    # as if it were alive, or must resend a request it never wrote.
    client = sb.client(base_url=relay.base_url, max_retries=0)
    assert client.wallet.get().balance == 100000.0
    relay.close_all()
    assert client.wallet.get().balance == 100000.0
    assert relay.accepted == 2
    assert hits(sb, "GET", "/wallet") == 2


def test_a_post_after_the_server_closed_the_idle_connection_is_sent_once(sb: Sandbox, relay: ClosingRelay) -> None:
    client = sb.client(base_url=relay.base_url)
    client.wallet.get()
    relay.close_all()
    user = client.users.create(**new_user("stale@acme.com"))
    assert user.id
    assert hits(sb, "POST", "/users") == 1
    assert relay.accepted == 2
    assert [u.email for u in client.users.list()] == ["stale@acme.com"]


def test_each_thread_recovers_from_server_closed_connections(sb: Sandbox, relay: ClosingRelay) -> None:
    client = sb.client(base_url=relay.base_url, max_retries=0)
    barrier = threading.Barrier(4)
    closed = threading.Event()
    balances: list[float] = []

    def worker() -> None:
        balances.append(client.wallet.get().balance)
        if barrier.wait() == 0:  # every thread holds an idle connection now
            relay.close_all()
            closed.set()
        closed.wait()
        balances.append(client.wallet.get().balance)

    with ThreadPoolExecutor(max_workers=4) as ex:
        for f in [ex.submit(worker) for _ in range(4)]:
            f.result()
    assert balances == [100000.0] * 8
    assert relay.accepted == 8  # one connection per thread, then one new each
    assert hits(sb, "GET", "/wallet") == 8


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork()")
def test_a_forked_child_makes_blocking_calls(sb: Sandbox) -> None:
    client = sb.client(max_retries=0)
    # This thread's runtime and pool exist before the fork: the child must
    # not use them (their epoll instance and sockets are the parent's).
    assert client.wallet.get().balance == 100000.0
    pid = os.fork()
    if pid == 0:  # the child: report through the exit code only
        code = 1
        try:
            code = 0 if client.wallet.get().balance == 100000.0 else 2
        finally:
            os._exit(code)
    # A guard against a hung child (what a blocking call did before), not a timing.
    deadline = time.monotonic() + 60
    status: Optional[int] = None
    while time.monotonic() < deadline:
        done, st = os.waitpid(pid, os.WNOHANG)
        if done:
            status = st
            break
        threading.Event().wait(0.02)
    if status is None:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        pytest.fail("the forked child's blocking call hung")
    assert os.waitstatus_to_exitcode(status) == 0
    # And the parent's pool still works.
    assert client.wallet.get().balance == 100000.0
    assert hits(sb, "GET", "/wallet") == 3
