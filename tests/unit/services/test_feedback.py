"""Her feedback when SNS fails: it is kept, and her page's retry sends the alert, once."""

from __future__ import annotations

import pytest

from functions.config import Settings
from functions.services.feedback import FeedbackService
from functions.services.public import PublicService
from functions.services.records import RecordService
from functions.services.sessions import SessionService
from tests.unit.services.builders import Clock, officer_caller, sergeant_caller
from tests.unit.services.fake_audit import FakeAuditLog
from tests.unit.services.fakes import FakeOfficerRegister, FakeRecords, FakeStandards

KEY = "0123456789ABCDEFGHJKMNPQRS"
HER = "198.51.100.7"


@pytest.fixture
def standards() -> FakeStandards:
    return FakeStandards()


@pytest.fixture
def store() -> FakeRecords:
    return FakeRecords()


@pytest.fixture
def feedback(
    service: SessionService,
    public: PublicService,
    register: FakeOfficerRegister,
    store: FakeRecords,
    standards: FakeStandards,
    settings: Settings,
    clock: Clock,
) -> FeedbackService:
    records = RecordService(
        public=public,
        register=register,
        audit=FakeAuditLog(),
        records=store,
        settings=settings,
        clock=clock,
    )
    return FeedbackService(
        records=records,
        store=store,
        alerts=standards,
        sessions=service,
        time_zone="Europe/London",
        clock=clock,
    )


@pytest.fixture
def stop(service: SessionService, feedback: FeedbackService, clock: Clock) -> tuple[str, str]:
    """A verified stop whose record she kept with :data:`KEY`: its reference and session."""
    started = service.start(officer_caller()).record.session
    service.claim(sergeant_caller(), started.session_id)
    clock.advance(60)
    service.decide(sergeant_caller(), started.session_id, "verified", None)
    feedback.records.keep_by_code(started.public_code, KEY, HER)
    return started.reference, started.session_id


@pytest.fixture
def reference(stop: tuple[str, str]) -> str:
    return stop[0]


def test_when_the_alert_fails_the_feedback_is_kept_and_the_retry_alerts_once(
    feedback: FeedbackService, standards: FakeStandards, store: FakeRecords, reference: str
) -> None:
    body = {"verdict": "something_wrong", "text": "He would not say why."}
    standards.fail("publish", ConnectionError("SNS is unreachable"))

    with pytest.raises(ConnectionError):
        feedback.leave(reference, KEY, body, HER)
    assert standards.published == []
    assert feedback.records.read(reference, KEY, HER)["feedback"]["verdict"] == "something_wrong"

    view = feedback.leave(reference, KEY, body, HER)  # her page tries again
    assert view["feedback"]["text"] == "He would not say why."
    assert [a.reference for a in standards.published] == [reference]
    feedback.leave(reference, KEY, body, HER)  # and once more: nobody is told twice
    assert len(standards.published) == 1
    assert len(store.trail) == 1


def test_the_officer_is_told_whether_she_left_feedback_and_nothing_more(
    feedback: FeedbackService, stop: tuple[str, str]
) -> None:
    reference, session_id = stop
    assert feedback.status(officer_caller(), session_id) == {
        "reference": reference,
        "record_kept": True,
        "feedback_left": False,
    }
    feedback.leave(reference, KEY, {"verdict": "fine"}, HER)
    assert feedback.status(officer_caller(), session_id)["feedback_left"] is True
