"""Configuration, read once from the environment with safe defaults.

Every setting is an environment variable so that the same code runs in Lambda (values from the
Chalice stage config / CDK), under ``chalice local`` and in tests. Endpoints are never configured
here: boto3 reads the standard ``AWS_ENDPOINT_URL*`` variables itself.

:class:`Settings` is what the services are given. The variables' names, defaults and checks are
declared in :mod:`functions.settings_env` (``pydantic-settings``), the tables' and queues' from
:mod:`functions.resources`; :meth:`Settings.from_env` imports that module on first use, so that
importing this one (and ``app``) costs no more than a dataclass.
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


RUNGS = ("area", "force", "inspector")

DEFAULT_RATE_LIMITS: dict[str, tuple[int, int]] = {
    "verify": (30, 3600),  # wrong codes (guesses): 30 an hour per client
    "public_call": (5, 3600),  # her own calls to the ops room
    "attendance": (10, 3600),  # asking for a uniformed officer
    "call_status": (720, 3600),  # following her call: every 5 s for an hour
    "record": (30, 3600),  # reading her record by reference and key (every read counts)
    "feedback": (10, 3600),  # leaving feedback with her key (every try counts)
}
"""Public routes' limits per client: ``(requests, window_seconds)``; see docs/security.md."""

DEFAULT_VERIFY_FOLLOW = 720
"""Lookups of codes per client in the ``verify`` window: her page asking every 5 s for an hour."""


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
        DynamoDB table names (each table's variable and default name are in
        :mod:`functions.resources`, as for the other tables).
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
    records_table
        DynamoDB table of her records of ended stops.
    record_retention_days
        How long her record can be read after the stop ended (``RECORD_RETENTION_DAYS``,
        default 90); then it is gone from the live tables (TTL, and refused on read before the
        TTL sweep), while the audit trail keeps the history.
    standards_topic_arn
        SNS topic of her feedback, for each force's professional-standards contact.
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
    service_level_target_seconds, service_level_goal
        The control room's target: a share ``goal`` (``SERVICE_LEVEL_GOAL``, default 0.8) of
        requests answered within ``SERVICE_LEVEL_TARGET_SECONDS`` (default 30). The reports
        measure against it and the staffing model plans for it.
    report_time_zone
        The IANA time zone the reports' days and hours are in (``REPORT_TIME_ZONE``, default
        ``Europe/London``).
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
    audit_table: str
    idempotency_table: str
    timers_queue_url: str
    rate_limits_table: str
    records_table: str = "safe-connection-records"
    record_retention_days: int = 90
    standards_topic_arn: str = ""
    escalation_ladder: tuple[str, ...] = RUNGS
    drop_grace_seconds: int = DEFAULT_DROP_GRACE_SECONDS
    idempotency_seconds: int = 3600
    public_code_hours: int = 1
    rate_limits: tuple[tuple[str, int, int], ...] = ()
    verify_follow_limit: int = DEFAULT_VERIFY_FOLLOW
    request_budget_seconds: int = 6
    meeting_check_seconds: int = 10
    service_level_target_seconds: int = 30
    service_level_goal: float = 0.8
    report_time_zone: str = "Europe/London"

    def rate_limit(self, route: str) -> tuple[int, int]:
        """``(requests, window_seconds)`` for a public route."""
        for name, requests, window in self.rate_limits:
            if name == route:
                return requests, window
        return DEFAULT_RATE_LIMITS[route]

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        """Build settings from a mapping of environment variables.

        Parameters
        ----------
        env
            The variables, usually ``os.environ``; names, defaults and checks are declared in
            :class:`functions.settings_env.Environment` (``pydantic-settings``).

        Returns
        -------
        Settings
            Every setting, defaults filled in.

        Raises
        ------
        ValueError
            For the first variable that cannot work, saying which and why.
        """
        # Imported here, not at the top: pydantic-settings costs about 20 ms of import, paid on
        # the first request instead of while ``app`` is imported.
        from functions.settings_env import read

        return read(env)


@cache
def settings() -> Settings:
    """The process-wide settings, read from ``os.environ`` on first use."""
    return Settings.from_env(os.environ)
