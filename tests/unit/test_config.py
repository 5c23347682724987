"""Settings from the environment: her code's limits, the time budgets of a request, the drop
grace."""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import fields
from pathlib import Path

import pytest

from functions import resources, settings_env
from functions.config import DEFAULT_DROP_GRACE_SECONDS, Settings
from local.chime_emulator.media.server import PING_INTERVAL, PING_TIMEOUT

ROOT = Path(__file__).resolve().parents[2]

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


def test_table_and_queue_variables_are_the_resources_own() -> None:
    # One definition: the variables and default names are functions/resources.py's.
    defaults = Settings.from_env({})
    tables = {
        resources.SESSIONS: "sessions_table",
        resources.OFFICERS: "officers_table",
        resources.AUDIT: "audit_table",
        resources.IDEMPOTENCY: "idempotency_table",
        resources.RATE_LIMITS: "rate_limits_table",
        resources.RECORDS: "records_table",
    }
    assert set(tables) == set(resources.TABLES)
    for table, name in tables.items():
        assert getattr(defaults, name) == table.default_name
        assert getattr(Settings.from_env({table.env_var: "deployed"}), name) == "deployed"
    # A queue's URL and a topic's ARN are known only once deployed: blank by default.
    for resource, name in (
        (resources.TIMERS_QUEUE, "timers_queue_url"),
        (resources.ALERTS_TOPIC, "alerts_topic_arn"),
    ):
        assert getattr(defaults, name) == ""
        assert getattr(Settings.from_env({resource.env_var: "deployed"}), name) == "deployed"
    assert {t.env_var for t in resources.TABLES} <= settings_env.variables()


def test_blank_numbers_limits_and_region_are_unset_but_blank_names_stay_blank() -> None:
    blank = Settings.from_env(
        {
            "AWS_REGION": "",
            "AWS_DEFAULT_REGION": "us-east-1",
            "ESCALATION_DELAY_SECONDS": "",
            "RATE_LIMIT_VERIFY": "",
            "RATE_LIMIT_VERIFY_FOLLOW": "",
            "MEETING_CHECK_SECONDS": "",
            "MEDIA_REGION": "",
            "SESSIONS_TABLE": "",
            "ESCALATION_LADDER": "",
            "USER_POOL_CLIENT_IDS": " , ",
        }
    )
    assert blank.region == "us-east-1"
    assert (blank.escalation_delay_seconds, blank.meeting_check_seconds) == (30, 10)
    assert (blank.rate_limit("verify"), blank.verify_follow_limit) == ((30, 3600), 720)
    assert (blank.media_region, blank.sessions_table) == ("", "")
    assert (blank.escalation_ladder, blank.user_pool_client_ids) == ((), ())
    listed = Settings.from_env({"USER_POOL_CLIENT_IDS": "a, b", "ESCALATION_LADDER": "Force,AREA"})
    assert listed.user_pool_client_ids == ("a", "b")
    assert listed.escalation_ladder == ("force", "area")
    # Names are case-sensitive, as on Linux.
    assert Settings.from_env({"aws_region": "us-east-1"}).region == "eu-west-2"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"PHOTO_URL_SECONDS": "1.0"}, "PHOTO_URL_SECONDS must be a whole number, got '1.0'"),
        ({"PHOTO_URL_SECONDS": "29"}, "PHOTO_URL_SECONDS must be at least 30, got 29"),
        (
            {"RATE_LIMIT_ATTENDANCE": "10"},
            "RATE_LIMIT_ATTENDANCE must look like 30/3600 (requests/seconds), got '10'",
        ),
        ({"RATE_LIMIT_CALL_STATUS": "0/60"}, "RATE_LIMIT_CALL_STATUS must be positive, got '0/60'"),
        (
            {"ESCALATION_LADDER": "area,sergeant"},
            "ESCALATION_LADDER takes area, force, inspector (comma-separated), not 'sergeant'",
        ),
        # Of two bad values, the one checked first is reported, as it always was.
        (
            {"ESCALATION_DELAY_SECONDS": "x", "REQUEST_BUDGET_SECONDS": "1"},
            "REQUEST_BUDGET_SECONDS must be at least 2, got 1",
        ),
        (
            {"IDEMPOTENCY_SECONDS": "1", "MEETING_CHECK_SECONDS": "6"},
            "MEETING_CHECK_SECONDS (6) must be more than REQUEST_BUDGET_SECONDS (6)",
        ),
    ],
)
def test_a_bad_value_is_refused_with_its_own_message(env: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)) as refused:
        Settings.from_env(env)
    assert type(refused.value) is ValueError  # not pydantic's ValidationError
    assert str(refused.value).startswith(message)


def test_reading_the_settings_imports_nothing_a_cold_start_does_not_need() -> None:
    # pydantic-settings (with asyncio, argparse and dotenv) cost 28-45 ms of every cold start's
    # first request for what model_validate does on its own (docs/performance.md).
    probe = (
        "import sys, app; from functions.config import settings; settings(); "
        "heavy = {'pydantic_settings', 'asyncio', 'argparse', 'dotenv'} & set(sys.modules); "
        "assert not heavy, heavy"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
