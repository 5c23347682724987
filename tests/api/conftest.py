"""API-test fixtures: after each test, no meeting may be left without a live session.

The event pump that plays Lambda's event sources, and the end-of-run check that every request
ended, live in tests/conftest.py (the browser tests in tests/e2e share them).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from local.events import EventPump
from local.provision import Stack
from tests.invariants import assert_no_orphan_meetings


@pytest.fixture(autouse=True)
def no_orphan_meetings(pump: EventPump, stack: Stack) -> Iterator[None]:
    yield
    assert_no_orphan_meetings(stack, pump)
