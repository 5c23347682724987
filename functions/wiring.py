"""Composition root: the services with their adapters, built lazily once per process.

Nothing here runs at import time. The first request that needs a service builds it (and the boto3
clients it uses); every later request in the same Lambda container reuses it.
"""

from __future__ import annotations

from datetime import timedelta
from functools import cache
from typing import TYPE_CHECKING

from functions.adapters.alerts import SnsAlerts
from functions.adapters.aws import client
from functions.adapters.chime import ChimeMeetings
from functions.adapters.photos import S3Photos
from functions.adapters.register_table import DynamoOfficerRegister
from functions.adapters.sessions_table import DynamoSessionStore
from functions.config import settings
from functions.services.officers import OfficerService
from functions.services.sessions import SessionService

if TYPE_CHECKING:
    from functions.auth.tokens import CognitoTokenVerifier

__all__ = ["officer_service", "reset", "session_service", "token_verifier"]


@cache
def _sessions() -> DynamoSessionStore:
    s = settings()
    return DynamoSessionStore(
        client("dynamodb"),
        s.sessions_table,
        s.officers_table,
        retention=timedelta(days=s.session_retention_days),
    )


@cache
def _register() -> DynamoOfficerRegister:
    s = settings()
    return DynamoOfficerRegister(client("dynamodb"), s.officers_table, s.sessions_table)


@cache
def _alerts() -> SnsAlerts:
    return SnsAlerts(client("sns"), settings().alerts_topic_arn)


@cache
def _photos() -> S3Photos:
    s = settings()
    return S3Photos(client("s3"), s.photos_bucket, url_seconds=s.photo_url_seconds)


@cache
def session_service() -> SessionService:
    """The verification use cases."""
    return SessionService(
        sessions=_sessions(),
        register=_register(),
        meetings=ChimeMeetings(client("chime-sdk-meetings")),
        alerts=_alerts(),
        photos=_photos(),
        settings=settings(),
    )


@cache
def officer_service() -> OfficerService:
    """The register and duty use cases."""
    return OfficerService(
        register=_register(), sessions=_sessions(), alerts=_alerts(), photos=_photos()
    )


@cache
def token_verifier() -> CognitoTokenVerifier:
    """Verifies Cognito ID tokens; fetches the pool's keys on first use."""
    from functions.auth.tokens import CognitoTokenVerifier  # only the authorizer pays for PyJWT

    s = settings()
    return CognitoTokenVerifier(
        region=s.region, user_pool_id=s.user_pool_id, client_ids=s.user_pool_client_ids
    )


def reset() -> None:
    """Forget every built object (tests that change settings between cases)."""
    for built in (
        _sessions,
        _register,
        _alerts,
        _photos,
        session_service,
        officer_service,
        token_verifier,
        settings,
    ):
        built.cache_clear()
