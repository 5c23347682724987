"""The composition root: every builder is built once, and ``reset()`` forgets every one of them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from functions import wiring
from functions.adapters import aws


def cached_functions() -> dict[str, Any]:
    """Every cached function in the wiring's namespace, however it was made cached."""
    return {
        name: found
        for name, found in vars(wiring).items()
        if not isinstance(found, type) and callable(getattr(found, "cache_clear", None))
    }


@pytest.fixture
def fresh(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Nothing built before the test, and nothing it built left for the next one."""
    monkeypatch.setenv("USER_POOL_ID", "eu-west-2_test")  # the token verifier needs a pool
    monkeypatch.setenv("USER_POOL_CLIENT_IDS", "test-client")
    wiring.reset()
    yield
    wiring.reset()
    aws.reset_clients()


def test_the_scan_sees_the_builders_and_the_settings() -> None:
    found = cached_functions()
    assert {"session_service", "public_service", "_opener", "settings"} <= found.keys()


@pytest.mark.usefixtures("fresh")
def test_reset_forgets_every_cached_function_of_the_wiring() -> None:
    found = cached_functions()
    for build in found.values():
        assert build() is build()  # built once
    assert {name for name, f in found.items() if f.cache_info().currsize == 0} == set()
    wiring.reset()
    assert {name for name, f in found.items() if f.cache_info().currsize} == set()


@pytest.mark.usefixtures("fresh")
def test_the_officers_start_and_her_call_share_one_start_flow() -> None:
    assert wiring.public_service().opener is wiring.session_service().opener


def test_a_builder_added_later_is_reset_without_being_listed() -> None:
    @wiring.built_once
    def extra() -> object:
        return object()

    try:
        first = extra()
        assert extra() is first
        wiring.reset()
        assert extra() is not first
    finally:
        wiring._built.remove(extra)
