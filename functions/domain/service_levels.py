"""Service measures of a control room, from the audit trail: what a supervisor is judged on.

The definitions follow Amazon Connect's, the reference for contact centres on AWS, with a
verification request as the contact and a sergeant's claim as the answer:

requests
    Sessions requested in the interval (by the time they were requested), officer-started and her
    own calls apart.
answered, answer time
    A session is answered when a sergeant first claims it; its answer time is from the request to
    that claim.
service level
    Answered within the target (``SERVICE_LEVEL_TARGET_SECONDS``, inclusive) out of every request
    in the interval. A request still waiting counts as not answered within the target.
abandoned
    Ended without ever being answered: expired (nobody answered in time) or cancelled by the
    officer before a claim. The abandonment rate is abandoned out of requests.
percentiles
    The median and the 90th percentile of the answer times, interpolated between the nearest
    ranks (``statistics.quantiles(method="inclusive")``, numpy's default); one answer is its own
    percentile.
handling time
    From the claim to the end of the call (an outcome, a drop or a cancel): what Erlang C calls
    the handling time (:mod:`functions.domain.erlang`).
longest wait
    The longest time any request of the interval spent in the queue: until its claim, until it
    was abandoned, or until ``now`` if it is still waiting.

Everything here is pure: the entries and ``now`` come in, the measures go out.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import groupby
from typing import Protocol

from pydantic import ConfigDict

from functions.domain.model import Model
from functions.domain.states import TERMINAL_STATES, SessionState

__all__ = [
    "HISTOGRAM_BOUNDS",
    "AnswerBucket",
    "Escalations",
    "HourOfService",
    "Outcomes",
    "ServiceMeasures",
    "StopSummary",
    "TrailEntry",
    "measure",
    "summarise",
]

_S = SessionState
_TERMINAL = frozenset(s.value for s in TERMINAL_STATES)
_ABANDONED = frozenset({_S.EXPIRED.value, _S.CANCELLED.value, _S.DROPPED.value})

HISTOGRAM_BOUNDS: tuple[int, ...] = (10, 20, 30, 45, 60, 90, 120)
"""Upper bounds (seconds, inclusive) of the answer-time histogram's buckets; one more bucket
holds every longer answer."""


class TrailEntry(Protocol):
    """What the measures read of an audit entry (the service layer's ``AuditEntry``)."""

    @property
    def session_id(self) -> str: ...
    @property
    def seq(self) -> str: ...
    @property
    def at(self) -> str: ...
    @property
    def to_state(self) -> str: ...
    @property
    def actor(self) -> str: ...
    @property
    def reason(self) -> str | None: ...
    @property
    def without_video(self) -> bool: ...
    @property
    def created_at(self) -> str: ...
    @property
    def channel(self) -> str: ...
    @property
    def area(self) -> str | None: ...
    @property
    def reference(self) -> str | None: ...
    @property
    def escalation_level(self) -> int: ...
    @property
    def officer(self) -> str | None: ...
    @property
    def kind(self) -> str: ...


@dataclass(frozen=True)
class StopSummary:
    """One session as its audit entries tell it: a row of the record of stops.

    Attributes
    ----------
    session_id, reference, channel, area, officer
        As the entries recorded them (``officer`` is rank and shoulder number).
    requested_at, answered_at, ended_at
        The request, the first claim and the end (None while it has not happened).
    sergeant
        The officer id of the sergeant who first claimed it.
    state
        The state it is in, as far as the trail knows.
    reason
        Why it ended, as the last transition recorded it.
    escalation_level
        The highest rung of the escalation ladder it reached.
    attendance_at
        When she asked for a uniformed officer, if she did.
    attendance_sent_at
        When the control room said one was sent, if it did.
    without_video
        Decided by voice and the identity card alone.
    """

    session_id: str
    reference: str | None
    channel: str
    area: str | None
    officer: str | None
    requested_at: datetime
    answered_at: datetime | None
    ended_at: datetime | None
    sergeant: str | None
    state: str
    reason: str | None
    escalation_level: int
    attendance_at: datetime | None
    without_video: bool
    attendance_sent_at: datetime | None = None

    @property
    def answer_seconds(self) -> float | None:
        """From the request to the first claim; None if never answered."""
        if self.answered_at is None:
            return None
        return max(0.0, (self.answered_at - self.requested_at).total_seconds())

    @property
    def abandoned(self) -> bool:
        """Ended without ever being answered."""
        return self.answered_at is None and self.state in _ABANDONED

    @property
    def handling_seconds(self) -> float | None:
        """From the first claim to the end; None until both happened."""
        if self.answered_at is None or self.ended_at is None:
            return None
        return max(0.0, (self.ended_at - self.answered_at).total_seconds())

    def queue_seconds(self, now: datetime) -> float:
        """Time spent waiting in the queue: to the claim, the end, or ``now``."""
        left = self.answered_at or self.ended_at or now
        return max(0.0, (left - self.requested_at).total_seconds())


def summarise(entries: Iterable[TrailEntry]) -> list[StopSummary]:
    """One summary per session, from entries grouped by session (as a day's query returns them).

    Parameters
    ----------
    entries
        Audit entries in ``(created_at, session_id, seq)`` order.

    Returns
    -------
    list of StopSummary
        In the order the sessions were requested.
    """
    return [_summary(list(group)) for _, group in groupby(entries, key=lambda e: e.session_id)]


def _summary(entries: Sequence[TrailEntry]) -> StopSummary:
    entries = sorted(entries, key=lambda e: e.seq)
    first, last = entries[0], entries[-1]
    transitions = [e for e in entries if e.kind == "transition"]
    claim = next((e for e in transitions if e.to_state == _S.CLAIMED.value), None)
    end = next((e for e in transitions if e.to_state in _TERMINAL), None)
    attendance = next((e for e in entries if e.kind == "attendance"), None)
    sent = next((e for e in entries if e.kind == "attendance_sent"), None)
    return StopSummary(
        session_id=first.session_id,
        reference=next((e.reference for e in entries if e.reference), None),
        channel=first.channel,
        area=next((e.area for e in reversed(entries) if e.area), None),
        officer=next((e.officer for e in reversed(entries) if e.officer), None),
        requested_at=datetime.fromisoformat(first.created_at),
        answered_at=datetime.fromisoformat(claim.at) if claim else None,
        ended_at=datetime.fromisoformat(end.at) if end else None,
        sergeant=claim.actor if claim else None,
        state=(end or last).to_state,
        reason=end.reason if end else None,
        escalation_level=max(e.escalation_level for e in entries),
        attendance_at=datetime.fromisoformat(attendance.at) if attendance else None,
        without_video=any(e.without_video for e in entries),
        attendance_sent_at=datetime.fromisoformat(sent.at) if sent else None,
    )


class Outcomes(Model):
    """How the requests ended (a request still live is in none of these)."""

    model_config = ConfigDict(frozen=True)

    verified: int
    not_verified: int
    dropped: int
    cancelled: int
    expired: int


class Escalations(Model):
    """How many requests reached a rung of the escalation ladder (level 1 is the first)."""

    model_config = ConfigDict(frozen=True)

    level: int
    requests: int


class AnswerBucket(Model):
    """One bar of the answer-time histogram: answers over the previous bound, up to this one.

    ``up_to_seconds`` is None for the last bucket (every longer answer)."""

    model_config = ConfigDict(frozen=True)

    up_to_seconds: int | None
    answers: int


class ServiceMeasures(Model):
    """The measures of one interval (a period's totals, or one hour); see the module's text."""

    model_config = ConfigDict(frozen=True)

    requests: int
    officer_requests: int
    public_requests: int
    answered: int
    answered_within_target: int
    service_level: float | None
    """Answered within the target out of requests, 0 to 1; None with no requests."""
    answer_seconds_mean: float | None
    answer_seconds_median: float | None
    answer_seconds_p90: float | None
    abandoned: int
    abandonment_rate: float | None
    """Abandoned out of requests, 0 to 1; None with no requests."""
    still_waiting: int
    outcomes: Outcomes
    escalations: list[Escalations]
    longest_wait_seconds: float | None
    attendance_requests: int
    handling_seconds_mean: float | None
    answer_histogram: list[AnswerBucket]


class HourOfService(ServiceMeasures):
    """One hour's measures; ``hour`` is its start in the report's time zone."""

    hour: datetime


def measure(stops: Sequence[StopSummary], target_seconds: float, now: datetime) -> ServiceMeasures:
    """The measures of ``stops`` (the requests of one interval).

    Parameters
    ----------
    stops
        The interval's requests.
    target_seconds
        The service level's target: answered within this many seconds.
    now
        When the report is made (the wait of a request still waiting runs to it).
    """
    answers = sorted(s.answer_seconds for s in stops if s.answer_seconds is not None)
    handled = [h for s in stops if (h := s.handling_seconds) is not None]
    requests = len(stops)
    within = sum(1 for a in answers if a <= target_seconds)
    abandoned = sum(1 for s in stops if s.abandoned)
    states = Counter(s.state for s in stops)
    levels = Counter(level for s in stops for level in range(1, s.escalation_level + 1))
    return ServiceMeasures(
        requests=requests,
        officer_requests=sum(1 for s in stops if s.channel == "officer"),
        public_requests=sum(1 for s in stops if s.channel == "public"),
        answered=len(answers),
        answered_within_target=within,
        service_level=within / requests if requests else None,
        answer_seconds_mean=statistics.fmean(answers) if answers else None,
        answer_seconds_median=statistics.median(answers) if answers else None,
        answer_seconds_p90=_p90(answers),
        abandoned=abandoned,
        abandonment_rate=abandoned / requests if requests else None,
        still_waiting=sum(1 for s in stops if s.state in ("requested", "escalated")),
        outcomes=Outcomes(**{state: states[state] for state in Outcomes.model_fields}),
        escalations=[Escalations(level=k, requests=levels[k]) for k in sorted(levels)],
        longest_wait_seconds=max((s.queue_seconds(now) for s in stops), default=None),
        attendance_requests=sum(1 for s in stops if s.attendance_at is not None),
        handling_seconds_mean=statistics.fmean(handled) if handled else None,
        answer_histogram=_histogram(answers),
    )


def _p90(answers: Sequence[float]) -> float | None:
    if not answers:
        return None
    if len(answers) == 1:
        return answers[0]
    return statistics.quantiles(answers, n=10, method="inclusive")[-1]


def _histogram(answers: Sequence[float]) -> list[AnswerBucket]:
    counts = [0] * (len(HISTOGRAM_BOUNDS) + 1)
    for answer in answers:
        index = next((i for i, b in enumerate(HISTOGRAM_BOUNDS) if answer <= b), -1)
        counts[index] += 1
    bounds: list[int | None] = [*HISTOGRAM_BOUNDS, None]
    return [AnswerBucket(up_to_seconds=b, answers=n) for b, n in zip(bounds, counts, strict=True)]
