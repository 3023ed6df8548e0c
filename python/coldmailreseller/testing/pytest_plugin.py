"""pytest fixtures for code that uses cmr (registered as the ``cmr`` plugin).

* ``cmr_sandbox``: an in-process :class:`coldmailreseller.testing.Sandbox` (rate limit off),
  one per test session, reset before each test.
* ``cmr_client``: a :class:`cmr.Client` pointed at it.

They are registered automatically when cmr is installed (``pytest11`` entry
point); in a ``conftest.py`` you can also write
``pytest_plugins = ["coldmailreseller.testing.pytest_plugin"]``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

import pytest

if TYPE_CHECKING:
    from coldmailreseller import Client
    from coldmailreseller.testing import Sandbox


@pytest.fixture(scope="session")
def _cmr_sandbox_session() -> Iterator["Sandbox"]:
    from coldmailreseller.testing import Sandbox

    sb = Sandbox()
    try:
        yield sb
    finally:
        sb.stop()


@pytest.fixture
def cmr_sandbox(_cmr_sandbox_session: "Sandbox") -> "Sandbox":
    """The session's sandbox, reset to an empty state (and its initial config)."""
    _cmr_sandbox_session.reset()
    return _cmr_sandbox_session


@pytest.fixture
def cmr_client(cmr_sandbox: "Sandbox") -> "Client":
    """A client of the ``cmr_sandbox`` fixture (fast retries)."""
    return cmr_sandbox.client(retry_base_delay=0.01, retry_max_delay=0.05)
