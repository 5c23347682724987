"""Settings from the environment: her code's limits, the time budgets of a request, the drop
grace."""

from __future__ import annotations

from dataclasses import fields

import pytest

from functions.config import DEFAULT_DROP_GRACE_SECONDS, Settings
from local.chime_emulator.media.server import PING_INTERVAL, PING_TIMEOUT

SDK_NO_PACKETS_SECONDS = (8, 25)
"""When the pages' Chime SDK starts reconnecting: about 8 s without packets, 25 s at most (the
SDK's default ``connectionUnhealthyThreshold``)."""
SDK_RECONNECT_TIMEOUT_SECONDS = 30
"""The pages' ``reconnectTimeoutMs``: how long the SDK keeps reconnecting before it gives up."""


def test_defaults_30_wrong_codes_and_720_lookups_an_hour() -> None:
    settings = Settings.from_env({})
    assert settings.rate_limit("verify") == (30, 3600)
    assert settings.verify_follow_limit == 720


@pytest.mark.parametrize(
    ("env", "limits"),
    [
        ({"RATE_LIMIT_VERIFY_FOLLOW": "1000"}, ((30, 3600), 1000)),
        ({"RATE_LIMIT_VERIFY_FOLLOW": "1000/3600"}, ((30, 3600), 1000)),
        ({"RATE_LIMIT_VERIFY": "10/600", "RATE_LIMIT_VERIFY_FOLLOW": "120/600"}, ((10, 600), 120)),
        ({"RATE_LIMIT_VERIFY": "10/600", "RATE_LIMIT_VERIFY_FOLLOW": "120"}, ((10, 600), 120)),
        ({"RATE_LIMIT_VERIFY": "10/600"}, ((10, 600), 720)),
    ],
)
def test_the_follow_limit_is_a_count_in_the_verify_window(
    env: dict[str, str], limits: tuple[tuple[int, int], int]
) -> None:
    settings = Settings.from_env(env)
    assert (settings.rate_limit("verify"), settings.verify_follow_limit) == limits


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"RATE_LIMIT_VERIFY_FOLLOW": "720/60"}, "window of 3600 s: write 720/3600 or just 720"),
        ({"RATE_LIMIT_VERIFY_FOLLOW": "every 5 s"}, "must look like 720/3600 or 720"),
        ({"RATE_LIMIT_VERIFY_FOLLOW": "720/x"}, "must look like"),
        ({"RATE_LIMIT_VERIFY_FOLLOW": "20"}, "(20) must be at least RATE_LIMIT_VERIFY's 30"),
        ({"RATE_LIMIT_VERIFY_FOLLOW": "0"}, "must be at least"),
        ({"RATE_LIMIT_VERIFY": "1000/3600"}, "(720) must be at least RATE_LIMIT_VERIFY's 1000"),
    ],
)
def test_a_follow_limit_that_cannot_work_is_refused_at_start(
    env: dict[str, str], message: str
) -> None:
    with pytest.raises(ValueError, match="RATE_LIMIT_VERIFY_FOLLOW") as refused:
        Settings.from_env(env)
    assert message in str(refused.value)


def test_a_request_answers_within_6_s_and_a_meeting_is_checked_after_10_s_by_default() -> None:
    settings = Settings.from_env({})
    assert (settings.request_budget_seconds, settings.meeting_check_seconds) == (6, 10)
    # A longer budget moves the meeting check with it, so no start is judged while it runs.
    assert Settings.from_env({"REQUEST_BUDGET_SECONDS": "12"}).meeting_check_seconds == 14


@pytest.mark.parametrize(
    ("env", "says"),
    [
        ({"REQUEST_BUDGET_SECONDS": "1"}, "at least 2"),
        ({"REQUEST_BUDGET_SECONDS": "soon"}, "whole number"),
        ({"MEETING_CHECK_SECONDS": "6"}, "more than REQUEST_BUDGET_SECONDS"),
    ],
)
def test_a_budget_that_cannot_work_is_refused_at_start(env: dict[str, str], says: str) -> None:
    with pytest.raises(ValueError, match=says):
        Settings.from_env(env)


def test_an_officer_has_45_s_after_dropping_off_by_default_and_a_set_grace_is_kept() -> None:
    assert Settings.from_env({}).drop_grace_seconds == DEFAULT_DROP_GRACE_SECONDS == 45
    # One definition: the dataclass's default is the same constant.
    [field] = [f for f in fields(Settings) if f.name == "drop_grace_seconds"]
    assert field.default == DEFAULT_DROP_GRACE_SECONDS
    assert Settings.from_env({"DROP_GRACE_SECONDS": "1"}).drop_grace_seconds == 1
    with pytest.raises(ValueError, match="DROP_GRACE_SECONDS must be at least 1"):
        Settings.from_env({"DROP_GRACE_SECONDS": "0"})


def test_the_session_is_not_dropped_while_the_sdk_may_still_be_reconnecting() -> None:
    # From the moment the phone vanishes: the emulator reports AttendeeDropped once its pings go
    # unanswered (PING_TIMEOUT at the soonest, PING_INTERVAL + PING_TIMEOUT at the latest), and
    # the grace starts then; the SDK gives up reconnecting at the latest 25 s + 30 s after.
    soonest_dropped = PING_TIMEOUT + DEFAULT_DROP_GRACE_SECONDS
    latest_give_up = SDK_NO_PACKETS_SECONDS[1] + SDK_RECONNECT_TIMEOUT_SECONDS
    assert (PING_TIMEOUT, PING_INTERVAL + PING_TIMEOUT) == (10, 15)
    assert (soonest_dropped, PING_INTERVAL + PING_TIMEOUT + DEFAULT_DROP_GRACE_SECONDS) == (55, 60)
    assert soonest_dropped >= latest_give_up == 55
