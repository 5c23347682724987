"""``Idempotency-Key``'s contract, for ``FakeIdempotency`` and ``PowertoolsIdempotency`` alike.

The first call with a key runs ``produce``; every later call with that key and payload gets the
stored answer without running it, even one that arrives while the first is still running; the
key with another payload is refused; a ``produce`` that raises leaves the key free for a retry.

Concurrent calls are ordered with events, never with sleeps: the first call's ``produce`` holds
until the second has found the key in progress.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import pytest

from functions.adapters.idempotency import PowertoolsIdempotency
from functions.domain import Conflict
from functions.resources import IDEMPOTENCY, Table
from functions.services.budget import Deadline
from functions.services.ports import Idempotency
from tests.unit.services.fake_idempotency import FakeIdempotency

SAFETY = 10.0
"""How long an event may take to come before the test fails (it comes in milliseconds)."""


@dataclass
class Keys:
    store: Idempotency
    blocked: threading.Event
    """Set once a call has found its key in progress."""


@pytest.fixture(params=["fake", "dynamodb"])
def keys(request: pytest.FixtureRequest) -> Iterator[Keys]:
    if request.param == "fake":
        fake = FakeIdempotency()
        yield Keys(fake, fake.blocked)
        return
    new_table: Callable[[Table], str] = request.getfixturevalue("new_table")
    dynamodb: Any = request.getfixturevalue("dynamodb")
    blocked = threading.Event()

    def on_put(parsed: dict[str, Any], **_: Any) -> None:
        # Powertools claims a key with a conditional PutItem; a claim refused is a key taken.
        if parsed.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
            blocked.set()

    dynamodb.meta.events.register("after-call.dynamodb.PutItem", on_put, "contract-blocked")
    yield Keys(PowertoolsIdempotency(dynamodb, new_table(IDEMPOTENCY), 3600), blocked)
    dynamodb.meta.events.unregister("after-call.dynamodb.PutItem", unique_id="contract-blocked")


@dataclass
class Producer:
    """A ``produce`` that counts its runs and answers ``answer``."""

    answer: dict[str, Any]
    runs: int = 0
    hold: threading.Event | None = None
    started: threading.Event = field(default_factory=threading.Event)

    def __call__(self) -> dict[str, Any]:
        self.runs += 1
        self.started.set()
        if self.hold is not None:
            assert self.hold.wait(SAFETY)
        return self.answer


def deadline(seconds: float = SAFETY) -> Deadline:
    return Deadline(seconds)


SESSION = {"session_id": "s-1", "state": "requested", "public_code": "ABCD2345"}


def test_the_first_call_runs_produce_and_a_repeat_gets_its_answer_without_running_it(
    keys: Keys,
) -> None:
    produce = Producer({"status": 201, "body": SESSION})

    first = keys.store.run("k-1", {"note": "stop"}, produce, deadline())
    again = keys.store.run("k-1", {"note": "stop"}, Producer({"other": True}), deadline())

    assert first == again == {"status": 201, "body": SESSION}
    assert produce.runs == 1


def test_a_repeat_gets_the_answer_as_json(keys: Keys) -> None:
    keys.store.run("k-1", {}, Producer({"pair": ("a", 1), "n": 1.5}), deadline())

    assert keys.store.run("k-1", {}, Producer({}), deadline()) == {"pair": ["a", 1], "n": 1.5}


def test_an_empty_answer_is_repeated_as_an_empty_answer(keys: Keys) -> None:
    keys.store.run("k-1", {}, Producer({}), deadline())

    assert keys.store.run("k-1", {}, Producer({"second": True}), deadline()) == {}


def test_keys_are_independent(keys: Keys) -> None:
    first, second = Producer({"n": 1}), Producer({"n": 2})

    assert keys.store.run("k-1", {"same": "body"}, first, deadline()) == {"n": 1}
    assert keys.store.run("k-2", {"same": "body"}, second, deadline()) == {"n": 2}
    assert (first.runs, second.runs) == (1, 1)


def test_another_payload_with_the_same_key_is_refused_and_the_first_answer_stays(
    keys: Keys,
) -> None:
    keys.store.run("k-1", {"note": "stop"}, Producer({"n": 1}), deadline())
    produce = Producer({"n": 2})

    with pytest.raises(Conflict) as refused:
        keys.store.run("k-1", {"note": "another stop"}, produce, deadline())

    assert refused.value.code == "idempotency_key_reused"
    assert produce.runs == 0
    assert keys.store.run("k-1", {"note": "stop"}, Producer({}), deadline()) == {"n": 1}


def test_payloads_are_compared_as_json_with_sorted_keys(keys: Keys) -> None:
    keys.store.run("k-1", {"a": 1, "b": [1, 2]}, Producer({"n": 1}), deadline())
    produce = Producer({"n": 2})

    # The same JSON: key order and tuple-or-list do not matter.
    assert keys.store.run("k-1", {"b": (1, 2), "a": 1}, produce, deadline()) == {"n": 1}
    # Another JSON: 1.0 is not 1, although Python says they are equal.
    with pytest.raises(Conflict) as refused:
        keys.store.run("k-1", {"a": 1.0, "b": [1, 2]}, produce, deadline())

    assert refused.value.code == "idempotency_key_reused"
    assert produce.runs == 0


def test_a_produce_that_raises_leaves_the_key_free_for_a_retry(keys: Keys) -> None:
    def failing() -> dict[str, Any]:
        raise RuntimeError("Chime is down")

    with pytest.raises(RuntimeError, match="Chime is down"):
        keys.store.run("k-1", {"note": "stop"}, failing, deadline())
    retry = Producer({"n": 2})

    assert keys.store.run("k-1", {"note": "stop"}, retry, deadline()) == {"n": 2}
    assert retry.runs == 1


def test_a_failed_first_call_does_not_bind_the_key_to_its_payload(keys: Keys) -> None:
    def failing() -> dict[str, Any]:
        raise RuntimeError("Chime is down")

    with pytest.raises(RuntimeError):
        keys.store.run("k-1", {"note": "stop"}, failing, deadline())

    answer = keys.store.run("k-1", {"note": "corrected"}, Producer({"n": 2}), deadline())

    assert answer == {"n": 2}


def test_concurrent_calls_with_one_key_run_produce_once_and_share_its_answer(
    keys: Keys,
) -> None:
    first = Producer({"n": 1}, hold=threading.Event())
    second = Producer({"n": 2})

    with ThreadPoolExecutor(max_workers=2) as pool:
        running = pool.submit(keys.store.run, "k-1", {"x": 1}, first, deadline())
        assert first.started.wait(SAFETY)
        waiting = pool.submit(keys.store.run, "k-1", {"x": 1}, second, deadline())
        assert keys.blocked.wait(SAFETY)  # the second call found the key in progress
        assert first.hold is not None
        first.hold.set()

        assert running.result(SAFETY) == waiting.result(SAFETY) == {"n": 1}
    assert (first.runs, second.runs) == (1, 0)


def test_a_call_whose_deadline_passes_while_the_first_runs_is_refused_as_in_progress(
    keys: Keys,
) -> None:
    first = Producer({"n": 1}, hold=threading.Event())
    second = Producer({"n": 2})

    with ThreadPoolExecutor(max_workers=1) as pool:
        running = pool.submit(keys.store.run, "k-1", {"x": 1}, first, deadline())
        assert first.started.wait(SAFETY)
        try:
            with pytest.raises(Conflict) as refused:
                keys.store.run("k-1", {"x": 1}, second, deadline(0))
        finally:
            assert first.hold is not None
            first.hold.set()
        assert running.result(SAFETY) == {"n": 1}

    assert refused.value.code == "idempotency_in_progress"
    assert second.runs == 0
    assert keys.store.run("k-1", {"x": 1}, second, deadline()) == {"n": 1}


def test_another_payload_is_refused_at_once_even_while_the_first_runs(keys: Keys) -> None:
    first = Producer({"n": 1}, hold=threading.Event())

    with ThreadPoolExecutor(max_workers=1) as pool:
        running = pool.submit(keys.store.run, "k-1", {"x": 1}, first, deadline())
        assert first.started.wait(SAFETY)
        try:
            with pytest.raises(Conflict) as refused:
                keys.store.run("k-1", {"x": 2}, Producer({}), deadline())
        finally:
            assert first.hold is not None
            first.hold.set()
        assert running.result(SAFETY) == {"n": 1}

    assert refused.value.code == "idempotency_key_reused"
