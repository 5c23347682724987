"""Configuration, read once from the environment with safe defaults.

Every setting is an environment variable so that the same code runs in Lambda (values from the
Chalice stage config / CDK), under ``chalice local`` and in tests. Endpoints are never configured
here: boto3 reads the standard ``AWS_ENDPOINT_URL*`` variables itself.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

__all__ = ["DEFAULT_DROP_GRACE_SECONDS", "Settings", "settings"]

DEFAULT_DROP_GRACE_SECONDS = 45
"""How long the officer (or she) has to come back after dropping off the call, by default.

It must outlast the Chime SDK's own reconnecting, so that the sergeant is not told "dropped"
while the officer's phone is still trying. Counted from the moment the phone vanishes:

- the pages' SDK starts reconnecting after about 8 s without packets (25 s with the SDK's
  default ``connectionUnhealthyThreshold``) and keeps trying for ``reconnectTimeoutMs`` = 30 s,
  so it has given up by 8-25 s + 30 s = 38-55 s;
- the meeting reports ``AttendeeDropped`` when the signaling connection stops answering: after
  10-15 s on the local emulator (a server ping every 5 s, 10 s for its answer:
  ``local/chime_emulator/media/server.py``), and the grace starts only then;
- so the session is dropped 10-15 s + 45 s = 55-60 s after the phone vanished, no earlier than
  the SDK can have given up. An SDK that reconnects in time rejoins (``AttendeeJoined``), and
  the drop check then finds the officer back and changes nothing.

The same figures are in docs/operations.md (Timers). The drop check is an SQS delayed message,
whose delay SQS caps at 900 s.
"""


@dataclass(frozen=True)
class Settings:
    """The application's settings.

    Attributes
    ----------
    region
        AWS region of the control plane (``AWS_REGION``).
    media_region
        Chime media region (``MEDIA_REGION``, default ``eu-west-2`` for London).
    sessions_table, officers_table
        DynamoDB table names.
    alerts_topic_arn
        SNS topic that pages sergeants.
    photos_bucket
        Private S3 bucket of officer photos.
    user_pool_id, user_pool_client_ids
        Cognito pool whose ID tokens are accepted, and the app clients (audiences) allowed.
    escalation_delay_seconds
        Seconds before an unclaimed request is re-alerted wider.
    session_retention_days
        How long a session stays in the live table after its last change (TTL); the audit trail
        keeps the history.
    photo_url_seconds
        Lifetime of presigned photo URLs on identity cards.
    escalation_ladder
        The rungs an unclaimed request is re-alerted on, one per ``escalation_delay_seconds``:
        ``area`` (the officer's area again), ``force`` (every sergeant of the force),
        ``inspector`` (the duty inspector). After the last rung the session expires.
    drop_grace_seconds
        How long an officer who dropped off the call has to rejoin before the session is
        ``dropped`` (``DROP_GRACE_SECONDS``, default :data:`DEFAULT_DROP_GRACE_SECONDS`: 45,
        longer than the SDK may still be reconnecting; the arithmetic is there).
    audit_table, idempotency_table
        DynamoDB tables of the audit trail and of Powertools' idempotency records.
    timers_queue_url
        SQS queue of delayed checks (escalation, drop grace).
    idempotency_seconds
        How long an ``Idempotency-Key`` is remembered.
    public_code_hours
        How long her code keeps working after the session ends (decided, cancelled, ...).
    rate_limits_table
        DynamoDB table of the public routes' counters.
    rate_limits
        Per route, ``(requests, window_seconds)`` allowed per client (source IP). For ``verify``
        the requests are *wrong codes* (lookups answering ``404``): the guess limit shared by
        ``GET /verify/{code}`` and ``POST /verify/{code}/attendance``.
    request_budget_seconds
        The longest a write route (start, claim, outcome, cancel, her call) takes to answer,
        whatever hangs (``REQUEST_BUDGET_SECONDS``, default 6): past it the caller gets a 503
        that says to call 999. The officer's app gives up at 8 s (docs/operations.md).
    meeting_check_seconds
        How long after a meeting starts its check runs (``MEETING_CHECK_SECONDS``, default 10,
        more than the request budget so that no start is still running): a meeting that no live
        session owns by then is ended.
    verify_follow_limit
        Lookups of codes (right or wrong) allowed per client in the same window as the
        ``verify`` limit (``RATE_LIMIT_VERIFY_FOLLOW``): her page follows her stop live, asking
        again every few seconds, so this is generous (720 an hour: every 5 s).
    """

    region: str
    media_region: str
    sessions_table: str
    officers_table: str
    alerts_topic_arn: str
    photos_bucket: str
    user_pool_id: str
    user_pool_client_ids: tuple[str, ...]
    escalation_delay_seconds: int
    session_retention_days: int
    photo_url_seconds: int
    escalation_ladder: tuple[str, ...] = ("area", "force", "inspector")
    drop_grace_seconds: int = DEFAULT_DROP_GRACE_SECONDS
    audit_table: str = "safe-connection-audit"
    idempotency_table: str = "safe-connection-idempotency"
    timers_queue_url: str = ""
    idempotency_seconds: int = 3600
    public_code_hours: int = 1
    rate_limits_table: str = "safe-connection-rate-limits"
    rate_limits: tuple[tuple[str, int, int], ...] = ()
    verify_follow_limit: int = 720
    request_budget_seconds: int = 6
    meeting_check_seconds: int = 10

    def rate_limit(self, route: str) -> tuple[int, int]:
        """``(requests, window_seconds)`` for a public route."""
        for name, requests, window in self.rate_limits:
            if name == route:
                return requests, window
        return DEFAULT_RATE_LIMITS[route]

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        """Build settings from a mapping of environment variables."""
        region = env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "eu-west-2"
        rate_limits = tuple((route, *_rate(env, route)) for route in DEFAULT_RATE_LIMITS)
        budget, check = _budgets(env)
        return cls(
            region=region,
            media_region=env.get("MEDIA_REGION", "eu-west-2"),
            sessions_table=env.get("SESSIONS_TABLE", "safe-connection-sessions"),
            officers_table=env.get("OFFICERS_TABLE", "safe-connection-officers"),
            alerts_topic_arn=env.get("ALERTS_TOPIC_ARN", ""),
            photos_bucket=env.get("PHOTOS_BUCKET", "safe-connection-photos"),
            user_pool_id=env.get("USER_POOL_ID", ""),
            user_pool_client_ids=tuple(
                c.strip() for c in env.get("USER_POOL_CLIENT_IDS", "").split(",") if c.strip()
            ),
            escalation_delay_seconds=_int(env, "ESCALATION_DELAY_SECONDS", 30, minimum=1),
            session_retention_days=_int(env, "SESSION_RETENTION_DAYS", 30, minimum=1),
            photo_url_seconds=_int(env, "PHOTO_URL_SECONDS", 300, minimum=30),
            escalation_ladder=_ladder(env.get("ESCALATION_LADDER", "area,force,inspector")),
            drop_grace_seconds=_int(
                env, "DROP_GRACE_SECONDS", DEFAULT_DROP_GRACE_SECONDS, minimum=1
            ),
            audit_table=env.get("AUDIT_TABLE", "safe-connection-audit"),
            idempotency_table=env.get("IDEMPOTENCY_TABLE", "safe-connection-idempotency"),
            timers_queue_url=env.get("TIMERS_QUEUE_URL", ""),
            idempotency_seconds=_int(env, "IDEMPOTENCY_SECONDS", 3600, minimum=60),
            public_code_hours=_int(env, "PUBLIC_CODE_HOURS", 1, minimum=1),
            rate_limits_table=env.get("RATE_LIMITS_TABLE", "safe-connection-rate-limits"),
            rate_limits=rate_limits,
            verify_follow_limit=_follow(env, _verify_limit(rate_limits)),
            request_budget_seconds=budget,
            meeting_check_seconds=check,
        )


RUNGS = ("area", "force", "inspector")

DEFAULT_RATE_LIMITS: dict[str, tuple[int, int]] = {
    "verify": (30, 3600),  # wrong codes (guesses): 30 an hour per client
    "public_call": (5, 3600),  # her own calls to the ops room
    "attendance": (10, 3600),  # asking for a uniformed officer
    "call_status": (720, 3600),  # following her call: every 5 s for an hour
}
"""Public routes' limits per client: ``(requests, window_seconds)``; see docs/security.md."""

DEFAULT_VERIFY_FOLLOW = 720
"""Lookups of codes per client in the ``verify`` window: her page asking every 5 s for an hour."""

_FOLLOW = "RATE_LIMIT_VERIFY_FOLLOW"


def _rate(env: Mapping[str, str], route: str) -> tuple[int, int]:
    name = f"RATE_LIMIT_{route.upper()}"
    raw = env.get(name)
    if not raw:
        return DEFAULT_RATE_LIMITS[route]
    requests, _, window = raw.partition("/")
    try:
        parsed = int(requests), int(window)
    except ValueError:
        raise ValueError(f"{name} must look like 30/3600 (requests/seconds), got {raw!r}") from None
    if parsed[0] < 1 or parsed[1] < 1:
        raise ValueError(f"{name} must be positive, got {raw!r}")
    return parsed


def _verify_limit(rate_limits: tuple[tuple[str, int, int], ...]) -> tuple[int, int]:
    return next((requests, window) for route, requests, window in rate_limits if route == "verify")


def _follow(env: Mapping[str, str], verify: tuple[int, int]) -> int:
    """``RATE_LIMIT_VERIFY_FOLLOW``: a count of lookups in ``RATE_LIMIT_VERIFY``'s window.

    Both counters live in one item per client and window (one write per lookup), so the follow
    limit has no window of its own: it is written ``720`` or, in the same ``requests/seconds``
    form as the other limits, ``720/3600`` with the seconds equal to ``RATE_LIMIT_VERIFY``'s. It
    must be at least the guess limit, since every wrong code is also a lookup.
    """
    guesses, window = verify
    raw = env.get(_FOLLOW)
    follows, seconds = DEFAULT_VERIFY_FOLLOW, window
    if raw:
        requests, slash, per = raw.partition("/")
        try:
            follows, seconds = int(requests), int(per) if slash else window
        except ValueError:
            raise ValueError(
                f"{_FOLLOW} must look like 720/{window} or 720 (lookups in RATE_LIMIT_VERIFY's "
                f"window), got {raw!r}"
            ) from None
    if seconds != window:
        raise ValueError(
            f"{_FOLLOW} is counted in RATE_LIMIT_VERIFY's window of {window} s: write "
            f"{follows}/{window} or just {follows}, not {raw!r}"
        )
    if follows < guesses:
        raise ValueError(
            f"{_FOLLOW} ({follows}) must be at least RATE_LIMIT_VERIFY's {guesses}: every wrong "
            "code is also a lookup"
        )
    return follows


def _budgets(env: Mapping[str, str]) -> tuple[int, int]:
    budget = _int(env, "REQUEST_BUDGET_SECONDS", 6, minimum=2)
    check = _int(env, "MEETING_CHECK_SECONDS", max(10, budget + 2), minimum=1)
    if check <= budget:
        raise ValueError(
            f"MEETING_CHECK_SECONDS ({check}) must be more than REQUEST_BUDGET_SECONDS ({budget}):"
            " a meeting is only judged ownerless once the start that made it has answered"
        )
    return budget, check


def _ladder(raw: str) -> tuple[str, ...]:
    rungs = tuple(r.strip().lower() for r in raw.split(",") if r.strip())
    unknown = [r for r in rungs if r not in RUNGS]
    if unknown:
        raise ValueError(
            f"ESCALATION_LADDER takes {', '.join(RUNGS)} (comma-separated), not {unknown[0]!r}"
        )
    return rungs


def _int(env: Mapping[str, str], name: str, default: int, *, minimum: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, got {raw!r}") from None
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")
    return value


@cache
def settings() -> Settings:
    """The process-wide settings, read from ``os.environ`` on first use."""
    return Settings.from_env(os.environ)
