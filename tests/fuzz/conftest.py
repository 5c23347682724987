"""Fuzz-test fixtures: the same after-test invariant as the API tests, and the counts printed.

The fuzz run writes through the real API (sessions, meetings, pages), so after each test no
meeting may be left without a live session (as in tests/api), and the session-wide check that
every request ended (the ``pump`` fixture's finaliser, tests/conftest.py) covers it at the end
of the run. Tests that never touch the stack (the document's drift test) start nothing.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.invariants import assert_no_orphan_meetings

SUMMARY = pytest.StashKey[list[str]]()


@pytest.fixture(autouse=True)
def no_orphan_meetings(request: pytest.FixtureRequest) -> Iterator[None]:
    if "api" not in request.fixturenames:
        yield
        return
    pump = request.getfixturevalue("pump")
    stack = request.getfixturevalue("stack")
    yield
    assert_no_orphan_meetings(stack, pump)


@pytest.fixture
def fuzz_summary(request: pytest.FixtureRequest) -> list[str]:
    """Lines printed in pytest's closing summary (so `make test` shows the fuzz counts)."""
    return request.config.stash.setdefault(SUMMARY, [])


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    lines = terminalreporter.config.stash.get(SUMMARY, [])
    if lines:
        terminalreporter.section("schemathesis")
        for line in lines:
            terminalreporter.write_line(line)
