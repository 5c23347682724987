"""Composition root: the services with their adapters, built lazily once per process.

Nothing here runs at import time, and nothing is imported that a builder does not need yet: each
builder imports its adapters and service when it first runs, so a cold start pays only for the
modules its first request uses (a start never loads the reports, the audit trail or the rate
limiter; issue 17, docs/performance.md). The first request that needs a service builds it (and
the boto3 clients it uses); every later request in the same Lambda container reuses it. Every
builder is :func:`built_once`, which also registers it, so :func:`reset` forgets all of them
without a list to keep up to date.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import cache
from typing import TYPE_CHECKING, Protocol, TypeVar

from functions.adapters.aws import client, lazy_client
from functions.config import settings

if TYPE_CHECKING:
    from functions.adapters.alerts import SnsAlerts
    from functions.adapters.audit_table import DynamoAuditLog
    from functions.adapters.chime import ChimeMeetings
    from functions.adapters.idempotency import PowertoolsIdempotency
    from functions.adapters.photos import S3Photos
    from functions.adapters.register_table import DynamoOfficerRegister
    from functions.adapters.sessions_table import DynamoSessionStore
    from functions.adapters.timers import SqsTimers
    from functions.auth.tokens import CognitoTokenVerifier
    from functions.services.audit import AuditService
    from functions.services.feedback import FeedbackService
    from functions.services.meeting_events import MeetingEventService
    from functions.services.officers import OfficerService
    from functions.services.opening import SessionOpener
    from functions.services.public import PublicService
    from functions.services.records import RecordService
    from functions.services.records_port import RecordStore
    from functions.services.reports import ReportService
    from functions.services.sessions import SessionService
    from functions.services.timers import TimerService

__all__ = [
    "audit_service",
    "built_once",
    "feedback_service",
    "idempotency",
    "meeting_event_service",
    "officer_service",
    "public_service",
    "record_service",
    "report_service",
    "reset",
    "session_service",
    "timer_service",
    "token_verifier",
]

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)


class Built(Protocol[T_co]):
    """A builder whose result is kept: the first call builds, later calls return the same."""

    def __call__(self) -> T_co: ...

    def cache_clear(self) -> None: ...


_built: list[Built[object]] = [settings]
"""Everything :func:`reset` forgets: every :func:`built_once` builder, and the settings they
read (cached in :mod:`functions.config`)."""


def built_once(build: Callable[[], T]) -> Built[T]:
    """Cache ``build``'s result for the process and register it with :func:`reset`."""
    cached = cache(build)
    _built.append(cached)
    return cached


@built_once
def _sessions() -> DynamoSessionStore:
    from functions.adapters.sessions_table import DynamoSessionStore

    s = settings()
    return DynamoSessionStore(
        client("dynamodb"),
        s.sessions_table,
        s.officers_table,
        retention=timedelta(days=s.session_retention_days),
    )


@built_once
def _register() -> DynamoOfficerRegister:
    from functions.adapters.register_table import DynamoOfficerRegister

    s = settings()
    return DynamoOfficerRegister(client("dynamodb"), s.officers_table, s.sessions_table)


@built_once
def _alerts() -> SnsAlerts:
    from functions.adapters.alerts import SnsAlerts

    return SnsAlerts(client("sns"), settings().alerts_topic_arn)


@built_once
def _photos() -> S3Photos:
    from functions.adapters.photos import S3Photos

    s = settings()
    # Lazy: most requests of the services holding it (starting a session) never touch S3.
    return S3Photos(lazy_client("s3"), s.photos_bucket, url_seconds=s.photo_url_seconds)


@built_once
def _meetings() -> ChimeMeetings:
    from functions.adapters.chime import ChimeMeetings

    return ChimeMeetings(client("chime-sdk-meetings"))


@built_once
def _timers() -> SqsTimers:
    from functions.adapters.timers import SqsTimers

    return SqsTimers(client("sqs"), settings().timers_queue_url)


@built_once
def _opener() -> SessionOpener:
    """The one start flow, shared by the officer's start and her own call."""
    from functions.services.opening import SessionOpener

    return SessionOpener(
        sessions=_sessions(),
        register=_register(),
        meetings=_meetings(),
        alerts=_alerts(),
        timers=_timers(),
        settings=settings(),
    )


@built_once
def session_service() -> SessionService:
    """The verification use cases."""
    from functions.services.sessions import SessionService

    return SessionService(
        sessions=_sessions(),
        register=_register(),
        meetings=_meetings(),
        alerts=_alerts(),
        photos=_photos(),
        timers=_timers(),
        opener=_opener(),
        settings=settings(),
    )


@built_once
def public_service() -> PublicService:
    """Her side: the code, her own call, attendance."""
    from functions.adapters.rate_limits import DynamoRateLimiter
    from functions.services.public import PublicService
    from functions.services.sessions import utcnow

    s = settings()
    return PublicService(
        sessions=_sessions(),
        register=_register(),
        meetings=_meetings(),
        alerts=_alerts(),
        photos=_photos(),
        limiter=DynamoRateLimiter(client("dynamodb"), s.rate_limits_table),
        opener=_opener(),
        settings=s,
        clock=utcnow,
    )


@built_once
def record_service() -> RecordService:
    """Her records of ended stops, by reference and key."""
    from functions.services.records import RecordService
    from functions.services.sessions import utcnow

    s = settings()
    return RecordService(
        public=public_service(),
        register=_register(),
        audit=_audit_log(),
        records=_records(),
        settings=s,
        clock=utcnow,
    )


@built_once
def _records() -> RecordStore:
    from functions.adapters.records_table import DynamoRecords

    s = settings()
    return DynamoRecords(client("dynamodb"), s.records_table, s.audit_table)


@built_once
def feedback_service() -> FeedbackService:
    """Her feedback: kept once, the standards contact alerted, listed for supervisors."""
    from functions.adapters.standards import SnsStandards
    from functions.services.feedback import FeedbackService
    from functions.services.sessions import utcnow

    s = settings()
    return FeedbackService(
        records=record_service(),
        store=_records(),
        alerts=SnsStandards(client("sns"), s.standards_topic_arn),
        sessions=session_service(),
        time_zone=s.report_time_zone,
        clock=utcnow,
    )


@built_once
def timer_service() -> TimerService:
    """Escalation ladder and drop-grace checks."""
    from functions.services.sessions import utcnow
    from functions.services.timers import TimerService

    return TimerService(
        sessions=_sessions(),
        meetings=_meetings(),
        alerts=_alerts(),
        timers=_timers(),
        settings=settings(),
        clock=utcnow,
    )


@built_once
def meeting_event_service() -> MeetingEventService:
    """Chime meeting events."""
    from functions.services.meeting_events import MeetingEventService
    from functions.services.sessions import utcnow

    return MeetingEventService(
        sessions=_sessions(),
        meetings=_meetings(),
        timers=_timers(),
        settings=settings(),
        clock=utcnow,
    )


@built_once
def _audit_log() -> DynamoAuditLog:
    from functions.adapters.audit_table import DynamoAuditLog

    return DynamoAuditLog(client("dynamodb"), settings().audit_table)


@built_once
def audit_service() -> AuditService:
    """The audit trail."""
    from functions.services.audit import AuditService

    return AuditService(log=_audit_log())


@built_once
def idempotency() -> PowertoolsIdempotency:
    """``Idempotency-Key`` handling for the routes that create sessions."""
    from functions.adapters.idempotency import PowertoolsIdempotency

    s = settings()
    return PowertoolsIdempotency(client("dynamodb"), s.idempotency_table, s.idempotency_seconds)


@built_once
def officer_service() -> OfficerService:
    """The register and duty use cases."""
    from functions.services.officers import OfficerService

    return OfficerService(
        register=_register(), sessions=_sessions(), alerts=_alerts(), photos=_photos()
    )


@built_once
def report_service() -> ReportService:
    """The supervisors' reports: service level, staffing, the record of stops."""
    from functions.services.reports import ReportService
    from functions.services.sessions import utcnow

    s = settings()
    return ReportService(
        audit=_audit_log(),
        register=_register(),
        sessions=_sessions(),
        time_zone=s.report_time_zone,
        target_seconds=s.service_level_target_seconds,
        goal=s.service_level_goal,
        clock=utcnow,
    )


@built_once
def token_verifier() -> CognitoTokenVerifier:
    """Verifies Cognito ID tokens; fetches the pool's keys on first use."""
    from functions.auth.tokens import CognitoTokenVerifier  # only the authorizer pays for PyJWT

    s = settings()
    return CognitoTokenVerifier(
        region=s.region, user_pool_id=s.user_pool_id, client_ids=s.user_pool_client_ids
    )


def reset() -> None:
    """Forget every built object (tests that change settings between cases)."""
    for built in _built:
        built.cache_clear()
