"""The control room's service-level metrics, from the sessions stream, as CloudWatch EMF.

The ``session_stream`` handler counts each audit entry it newly wrote (a redelivered record
writes nothing, so it never counts twice) and, after the batch, prints the counts as Embedded
Metric Format through Powertools Metrics: namespace :data:`NAMESPACE`, one dimension set
``force`` and ``service`` (Powertools adds ``service``, always :data:`SERVICE`), one EMF blob per
force in the batch. The CloudWatch dashboard and alarms (``infra/.../monitoring.py``) read them
by these names; docs/operations.md says what each one means.

:func:`measures` is the pure mapping of one entry to its metric values. :class:`StreamMetrics`
gathers a batch's and flushes them; it imports Powertools Metrics only when it flushes something,
and nothing imports this module but the stream handler, on its first batch.

The definitions are the reports' (:mod:`functions.domain.service_levels`) as far as one entry
can tell them: a sergeant's claim out of the queue is an answer, its answer time from the
request to the claim. One entry does not know the session's earlier ones, so a claim that was
released (the sergeant could not be joined to the call) and claimed again counts as answered
twice, and a cancel after such a release counts as abandoned; the reports, which read the whole
trail, count the first claim only.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from functions.domain.states import WAITING_STATES, SessionState

if TYPE_CHECKING:
    from functions.services.audit import ItemChange
    from functions.services.audit_port import AuditEntry

__all__ = [
    "DIMENSION",
    "METRIC_NAMES",
    "NAMESPACE",
    "SERVICE",
    "Measure",
    "StreamMetrics",
    "measures",
]

NAMESPACE = "SafeConnection"
SERVICE = "safe-connection"
DIMENSION = "force"

COUNT = "Count"
SECONDS = "Seconds"

METRIC_NAMES: tuple[str, ...] = (
    "Requests",
    "OfficerRequests",
    "PublicRequests",
    "Answered",
    "AnswerTime",
    "AnsweredWithinTarget",
    "Abandoned",
    "Expired",
    "Verified",
    "NotVerified",
    "Dropped",
    "Escalations",
    "AttendanceRequests",
)
"""Every metric emitted (``AnswerTime`` in seconds, every other a count)."""

log = logging.getLogger("functions.events.handlers")

_S = SessionState
_WAITING = frozenset(state.value for state in WAITING_STATES)
_CHANNELS = {"officer": "OfficerRequests", "public": "PublicRequests"}
_OUTCOMES = {
    _S.VERIFIED.value: "Verified",
    _S.NOT_VERIFIED.value: "NotVerified",
    _S.DROPPED.value: "Dropped",
}


@dataclass(frozen=True)
class Measure:
    """One metric value: its name, its EMF unit (``Count`` or ``Seconds``) and the value."""

    name: str
    unit: str
    value: float


def _count(name: str) -> Measure:
    return Measure(name, COUNT, 1.0)


def measures(entry: AuditEntry, target_seconds: float) -> list[Measure]:
    """The metric values one newly written audit entry adds.

    Parameters
    ----------
    entry
        The entry.
    target_seconds
        The service-level target: an answer within it (inclusive) is ``AnsweredWithinTarget``.

    Returns
    -------
    list of Measure
        Empty for a transition that measures nothing (a release back into the queue).
    """
    if entry.kind == "attendance":
        return [_count("AttendanceRequests")]
    before, after = entry.from_state, entry.to_state
    found: list[Measure] = []
    if before is None and after == _S.REQUESTED.value:
        found.append(_count("Requests"))
        if entry.channel in _CHANNELS:
            found.append(_count(_CHANNELS[entry.channel]))
    elif after == _S.ESCALATED.value and before in _WAITING:
        found.append(_count("Escalations"))
    elif after == _S.CLAIMED.value and before in _WAITING:
        found.append(_count("Answered"))
        seconds = _seconds_between(entry.created_at, entry.at)
        if seconds is not None:
            found.append(Measure("AnswerTime", SECONDS, seconds))
            if seconds <= target_seconds:
                found.append(_count("AnsweredWithinTarget"))
    elif after in (_S.EXPIRED.value, _S.CANCELLED.value) and before in _WAITING:
        found.append(_count("Abandoned"))
        if after == _S.EXPIRED.value:
            found.append(_count("Expired"))
    elif after in _OUTCOMES and before != after:
        found.append(_count(_OUTCOMES[after]))
    return found


def _seconds_between(start: str, end: str) -> float | None:
    """Seconds from ``start`` to ``end`` (ISO 8601), never negative; None if either is not a
    time or one has a zone and the other not."""
    try:
        seconds = (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds()
    except (TypeError, ValueError):
        return None
    return max(0.0, seconds)


class StreamMetrics:
    """A batch's metrics, by force, until :meth:`flush` prints them.

    Counts are summed per force (one value per metric and blob); answer times stay one value
    each, so that CloudWatch's percentiles see every answer.

    Parameters
    ----------
    target_seconds
        The service-level target; by default the functions' ``SERVICE_LEVEL_TARGET_SECONDS``,
        read when the first entry is counted.
    """

    def __init__(self, target_seconds: float | None = None) -> None:
        self._target = target_seconds
        self._counts: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        self._seconds: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))

    @property
    def target_seconds(self) -> float:
        if self._target is None:
            from functions.config import settings

            self._target = float(settings().service_level_target_seconds)
        return self._target

    def __bool__(self) -> bool:
        return bool(self._counts or self._seconds)

    def add(self, entry: AuditEntry) -> None:
        """Count one newly written entry."""
        force = entry.force or "unknown"
        for measure in measures(entry, self.target_seconds):
            if measure.unit == COUNT:
                self._counts[force][measure.name] += measure.value
            else:
                self._seconds[force][measure.name].append(measure.value)

    def add_change(self, change: ItemChange) -> None:
        """Count the entry a change wrote; a metric must never fail its record, so a fault
        here is logged and the record stays handled."""
        from functions.services.audit import entry_from_change

        try:
            entry = entry_from_change(change)
            if entry is not None:
                self.add(entry)
        except Exception:
            log.exception("could not count the metrics of stream record %s", change.event_id)

    def flush(self) -> None:
        """Print one EMF blob per force that has anything, then forget them; nothing at all
        (no blob, no warning) when the batch wrote no entry. Never raises: the entries are
        written whatever happens to their metrics."""
        try:
            for force in sorted(set(self._counts) | set(self._seconds)):
                values = [
                    (name, COUNT, total) for name, total in sorted(self._counts[force].items())
                ] + [
                    (name, SECONDS, value)
                    for name, times in sorted(self._seconds[force].items())
                    for value in times
                ]
                if values:
                    _emit(force, values)
        except Exception:
            log.exception("could not publish the stream's metrics")
        finally:
            self._counts.clear()
            self._seconds.clear()


def _emit(force: str, values: Iterable[tuple[str, str, float]]) -> None:
    """One EMF blob for ``force`` on stdout, through Powertools Metrics.

    ``EphemeralMetrics`` keeps its own metrics (``Metrics`` shares one set between all its
    instances and threads: the local event pump runs handlers side by side). Powertools prints
    a blob early by itself when a metric reaches 100 values, EMF's limit.
    """
    from aws_lambda_powertools.metrics import EphemeralMetrics

    metrics = EphemeralMetrics(namespace=NAMESPACE, service=SERVICE)
    metrics.add_dimension(name=DIMENSION, value=force)
    for name, unit, value in values:
        metrics.add_metric(name=name, unit=unit, value=value)
    metrics.flush_metrics()
