"""Her code's two limits: wrong codes (guesses) and lookups (her page following her stop).

The guess limit (``RATE_LIMIT_VERIFY``, 30 an hour) counts only codes that answer 404; the
follow limit (``RATE_LIMIT_VERIFY_FOLLOW``, 720 an hour) counts every lookup, in the same window.
"""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from functions.config import Settings
from functions.domain import CODE_ALPHABET, NotFound
from functions.services.public import PublicService, RateLimited
from functions.services.sessions import SessionService
from tests.unit.services.builders import Clock, officer_caller
from tests.unit.services.fakes import FakeRateLimiter, FakeSessionStore

HER, GUESSER = "198.51.100.7", "203.0.113.9"


@pytest.fixture
def code(service: SessionService) -> str:
    """The code of a session the MET constable has just started."""
    return service.start(officer_caller()).record.session.public_code


def wrong_codes(real: str, count: int, seed: int = 3) -> list[str]:
    rng = random.Random(seed)
    found: list[str] = []
    while len(found) < count:
        guess = "".join(rng.choice(CODE_ALPHABET) for _ in range(8))
        if guess != real and guess not in found:
            found.append(guess)
    return found


def guess(public: PublicService, codes: list[str], client: str = GUESSER) -> None:
    for wrong in codes:
        with pytest.raises(NotFound):
            public.verify(wrong, client)


def test_following_her_code_well_past_the_guess_limit_costs_one_count_each(
    public: PublicService, limiter: FakeRateLimiter, code: str
) -> None:
    views = [public.verify(code, HER) for _ in range(100)]

    assert {view["state"] for view in views} == {"requested"}
    assert len(limiter.called("count_lookup")) == 100
    assert limiter.called("count_miss") == []
    assert limiter.called("hit") == []  # her code has no per-route counter of its own


def test_thirty_wrong_codes_then_429_before_the_lookup(
    public: PublicService, limiter: FakeRateLimiter, sessions: FakeSessionStore, code: str
) -> None:
    codes = wrong_codes(code, 31)
    guess(public, codes[:30])
    looked_up = len(sessions.called("by_code"))

    with pytest.raises(RateLimited) as refused:
        public.verify(codes[30], GUESSER)

    assert refused.value.headers == {"Retry-After": "3600"}
    assert len(sessions.called("by_code")) == looked_up  # refused before any lookup
    assert len(limiter.called("count_miss")) == 30


def test_past_the_guess_limit_even_a_real_code_is_refused(
    public: PublicService, sessions: FakeSessionStore, code: str
) -> None:
    guess(public, wrong_codes(code, 30))
    looked_up = len(sessions.called("by_code"))

    with pytest.raises(RateLimited):
        public.verify(code, GUESSER)  # no oracle: the answer says nothing about the code

    assert len(sessions.called("by_code")) == looked_up
    assert public.verify(code, HER)["state"] == "requested"  # other clients are not affected


def test_her_own_lookups_do_not_spend_her_wrong_code_budget(
    public: PublicService, code: str
) -> None:
    for _ in range(50):
        public.verify(code, HER)
    guess(public, wrong_codes(code, 29), client=HER)  # typos still allowed after following

    assert public.verify(code, HER)["state"] == "requested"


@pytest.mark.parametrize("kind", ["malformed", "expired"])
def test_malformed_and_expired_codes_are_misses(
    public: PublicService,
    service: SessionService,
    limiter: FakeRateLimiter,
    clock: Clock,
    code: str,
    kind: str,
) -> None:
    if kind == "expired":
        started = service.start(officer_caller()).record.session
        service.cancel(officer_caller(), started.session_id)
        clock.advance(3600 + 60)
        wrong = started.public_code
    else:
        wrong = "not/a code!"

    with pytest.raises(NotFound):
        public.verify(wrong, GUESSER)

    [(client, window)] = limiter.called("count_miss")
    assert (client, window) == (GUESSER, 3600)


def test_past_the_follow_limit_429_with_the_seconds_left_in_the_window(
    public: PublicService, settings: Settings, clock: Clock, code: str
) -> None:
    public.settings = replace(settings, verify_follow_limit=40)
    clock.advance(600)  # ten minutes into the hour's window
    for _ in range(40):
        public.verify(code, HER)

    with pytest.raises(RateLimited) as refused:
        public.verify(code, HER)

    assert refused.value.headers == {"Retry-After": "3000"}
    clock.advance(3000)  # a new window
    assert public.verify(code, HER)["state"] == "requested"


def test_the_wrong_code_budget_comes_back_with_the_next_window(
    public: PublicService, clock: Clock, code: str
) -> None:
    guess(public, wrong_codes(code, 30))
    with pytest.raises(RateLimited):
        public.verify(code, GUESSER)

    clock.advance(3600)
    assert public.verify(code, GUESSER)["state"] == "requested"


def test_a_wrong_code_asking_for_attendance_is_a_miss(
    public: PublicService, limiter: FakeRateLimiter, code: str
) -> None:
    *by_verify, by_attendance = wrong_codes(code, 30)
    guess(public, by_verify)
    with pytest.raises(NotFound):
        public.attendance_by_code(by_attendance, GUESSER)

    assert len(limiter.called("count_miss")) == 30
    with pytest.raises(RateLimited):
        public.verify(code, GUESSER)
    with pytest.raises(RateLimited):
        public.attendance_by_code(code, GUESSER)  # refused past the guess limit too


def test_asking_for_attendance_keeps_its_own_limit_and_counts_a_lookup(
    public: PublicService, limiter: FakeRateLimiter, code: str
) -> None:
    for _ in range(10):
        assert public.attendance_by_code(code, HER)["attendance_requested_at"] is not None

    with pytest.raises(RateLimited):
        public.attendance_by_code(code, HER)

    assert len(limiter.called("hit")) == 11
    assert len(limiter.called("count_lookup")) == 10  # the refused ask looked nothing up
    assert limiter.called("count_miss") == []


def test_her_page_has_words_for_every_state_and_no_other() -> None:
    from functions.domain import SessionState
    from functions.services.public import MESSAGES

    assert set(MESSAGES) == set(SessionState)
