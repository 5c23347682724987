"""Fixtures of the service tests: in-memory fakes of every port and the services over them."""

from __future__ import annotations

import pytest

from functions.config import Settings
from functions.services.meeting_events import MeetingEventService
from functions.services.officers import OfficerService
from functions.services.opening import SessionOpener
from functions.services.ports import OfficerEntry
from functions.services.public import PublicService
from functions.services.sessions import SessionService
from functions.services.timers import TimerService
from tests.unit.services.builders import (
    GMP_SERGEANT_ID,
    OTHER_SERGEANT_ID,
    SERGEANT_PAGER,
    Clock,
    officer,
    officer_caller,
    sergeant_caller,
    sergeant_officer,
)
from tests.unit.services.fakes import (
    FakeAlerts,
    FakeMeetings,
    FakeOfficerRegister,
    FakePhotos,
    FakeRateLimiter,
    FakeSessionStore,
    FakeTimers,
)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def register() -> FakeOfficerRegister:
    """The register with the MET constable, two MET sergeants (one with a pager) and a GMP one."""
    fake = FakeOfficerRegister()
    fake.seed(OfficerEntry(officer=officer()))
    fake.seed(OfficerEntry(officer=sergeant_officer(), pager=SERGEANT_PAGER))
    fake.seed(OfficerEntry(officer=sergeant_officer(OTHER_SERGEANT_ID)))
    fake.seed(OfficerEntry(officer=sergeant_officer(GMP_SERGEANT_ID, force="GMP")))
    return fake


@pytest.fixture
def sessions(register: FakeOfficerRegister) -> FakeSessionStore:
    return FakeSessionStore(register)


@pytest.fixture
def meetings() -> FakeMeetings:
    return FakeMeetings()


@pytest.fixture
def alerts() -> FakeAlerts:
    return FakeAlerts()


@pytest.fixture
def photos() -> FakePhotos:
    return FakePhotos()


@pytest.fixture
def timers() -> FakeTimers:
    return FakeTimers()


@pytest.fixture
def limiter(clock: Clock) -> FakeRateLimiter:
    return FakeRateLimiter(clock)


@pytest.fixture
def settings() -> Settings:
    return Settings.from_env({})


@pytest.fixture
def opener(
    sessions: FakeSessionStore,
    register: FakeOfficerRegister,
    meetings: FakeMeetings,
    alerts: FakeAlerts,
    timers: FakeTimers,
    settings: Settings,
) -> SessionOpener:
    """The start flow, shared by ``service`` and ``public`` as the wiring shares it."""
    return SessionOpener(
        sessions=sessions,
        register=register,
        meetings=meetings,
        alerts=alerts,
        timers=timers,
        settings=settings,
    )


@pytest.fixture
def service(
    sessions: FakeSessionStore,
    register: FakeOfficerRegister,
    meetings: FakeMeetings,
    alerts: FakeAlerts,
    photos: FakePhotos,
    timers: FakeTimers,
    opener: SessionOpener,
    settings: Settings,
    clock: Clock,
) -> SessionService:
    return SessionService(
        sessions=sessions,
        register=register,
        meetings=meetings,
        alerts=alerts,
        photos=photos,
        timers=timers,
        opener=opener,
        settings=settings,
        clock=clock,
    )


@pytest.fixture
def timer_service(
    sessions: FakeSessionStore,
    meetings: FakeMeetings,
    alerts: FakeAlerts,
    timers: FakeTimers,
    settings: Settings,
    clock: Clock,
) -> TimerService:
    return TimerService(
        sessions=sessions,
        meetings=meetings,
        alerts=alerts,
        timers=timers,
        settings=settings,
        clock=clock,
    )


@pytest.fixture
def meeting_events(
    sessions: FakeSessionStore,
    meetings: FakeMeetings,
    timers: FakeTimers,
    settings: Settings,
    clock: Clock,
) -> MeetingEventService:
    return MeetingEventService(
        sessions=sessions, meetings=meetings, timers=timers, settings=settings, clock=clock
    )


@pytest.fixture
def officers(
    register: FakeOfficerRegister,
    sessions: FakeSessionStore,
    alerts: FakeAlerts,
    photos: FakePhotos,
) -> OfficerService:
    return OfficerService(register=register, sessions=sessions, alerts=alerts, photos=photos)


@pytest.fixture
def public(
    sessions: FakeSessionStore,
    register: FakeOfficerRegister,
    meetings: FakeMeetings,
    alerts: FakeAlerts,
    photos: FakePhotos,
    limiter: FakeRateLimiter,
    opener: SessionOpener,
    settings: Settings,
    clock: Clock,
) -> PublicService:
    """Her side, sharing the start flow (and every fake) with ``service``."""
    return PublicService(
        sessions=sessions,
        register=register,
        meetings=meetings,
        alerts=alerts,
        photos=photos,
        limiter=limiter,
        opener=opener,
        settings=settings,
        clock=clock,
    )


@pytest.fixture
def session_id(service: SessionService) -> str:
    """A session the MET constable has just started (requested, sergeants paged)."""
    return service.start(officer_caller()).record.session.session_id


@pytest.fixture
def claimed_id(service: SessionService, session_id: str) -> str:
    """That session, claimed by the first MET sergeant."""
    service.claim(sergeant_caller(), session_id)
    return session_id
