"""A month of demo history for the demo force, so the supervisor's Service view is full at once.

Every stop here is labelled: its reasons start with :data:`LABEL` and its audit entries' event ids
with ``demo-history-``, so nobody mistakes them for real stops (the record of stops shows the
reasons).

It is written through the path real transitions take, from the domain onwards: each stop is
opened with :func:`~functions.domain.starts.open_officer_session` (or her own call's
:func:`~functions.domain.starts.open_public_session`), moved on by the domain's own transitions
(``claim``, ``decide``, ``cancel``, ``escalate``, ``expire``) at past times, turned into the
sessions table's item by the adapter's :func:`~functions.adapters.session_items.record_to_item`,
and each change handed, as the stream hands it, to :meth:`AuditService.record
<functions.services.audit.AuditService.record>`, which appends the entry the stream handler would.
What it skips is the live sessions table itself: a month-old stop would sit there with its TTL
long past and no meeting, which no real stop does, and the reports read only the audit trail.

The month is random but the same on every run (a fixed seed): arrivals follow a day's shape (few
before dawn, most in the evening), about 9 in 10 are answered, mostly within 30 s.
"""

from __future__ import annotations

import random
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from functions.adapters.audit_table import DynamoAuditLog
from functions.adapters.dynamo import from_item
from functions.adapters.register_table import DynamoOfficerRegister
from functions.adapters.session_items import iso, record_to_item
from functions.domain import Officer, Principal, Role, new_public_code, new_reference
from functions.domain.sessions import Session
from functions.domain.starts import open_officer_session, open_public_session
from functions.services.audit import AuditService, ItemChange
from functions.services.ports import SessionRecord
from local.demo import DEMO_FORCE
from local.provision import Stack, aws_client

__all__ = [
    "DAYS",
    "DAYS_VARIABLE",
    "LABEL",
    "DemoHistory",
    "history_days",
    "seed_demo_history",
    "seed_history",
]

DAYS = 30
"""Days of history before today (today's, up to a quarter of an hour ago, come too)."""

DAYS_VARIABLE = "DEMO_HISTORY_DAYS"
"""Sets ``make run``'s days of history (0 to 366; 0 writes none, for a quicker start)."""


def history_days(env: Mapping[str, str]) -> int:
    """``DEMO_HISTORY_DAYS`` from ``env`` (default :data:`DAYS`).

    Raises
    ------
    ValueError
        Not a whole number from 0 to 366, saying so.
    """
    raw = env.get(DAYS_VARIABLE, "").strip() or str(DAYS)
    if not raw.isdigit() or int(raw) > 366:
        raise ValueError(
            f"{DAYS_VARIABLE} must be a whole number of days from 0 to 366, got {raw!r}"
        )
    return int(raw)


LABEL = "Demo history"
"""The start of every demo stop's reasons."""

# Requests per hour of the local day (a control room's shape: quiet at dawn, busy at night).
_HOURLY = (0.8, 0.6, 0.4, 0.3, 0.2, 0.2, 0.3, 0.4, 0.6, 0.7, 0.7, 0.8,
           0.8, 0.8, 0.8, 0.8, 1.0, 1.1, 1.2, 1.4, 1.5, 1.6, 1.4, 1.1)  # fmt: skip
_RETENTION = timedelta(days=30)
_SETTLED = timedelta(minutes=15)  # longer than any demo stop lasts


def seed_history(
    *,
    audit: AuditService,
    officers: list[Officer],
    sergeants: list[Officer],
    force: str,
    zone: str = "Europe/London",
    days: int = DAYS,
    today: datetime | None = None,
    seed: int = 2026,
) -> int:
    """Write ``days`` days of stops before today, and today's until now, for ``force``; how many.

    Parameters
    ----------
    audit
        The audit trail's service (the stream handler's).
    officers, sergeants
        Who is stopped and who answers (register entries of the force).
    force
        The demo force.
    zone
        The reports' time zone (the day's shape is in its hours).
    days
        How many days before today.
    today
        Now (default: the clock).
    seed
        The random generator's seed: the same month on every run.
    """
    rng = random.Random(seed)
    now = today or datetime.now(UTC)
    midnight = now.astimezone(ZoneInfo(zone)).replace(hour=0, minute=0, second=0, microsecond=0)
    latest = now - _SETTLED  # every demo stop has ended by now, so none is left waiting
    stops = []
    for back in range(days, -1, -1):  # today too, up to now, so today's charts are full
        day = midnight - timedelta(days=back)
        for hour, rate in enumerate(_HOURLY):
            for _ in range(_poisson(rng, rate)):
                at = (day + timedelta(hours=hour, seconds=rng.uniform(0, 3600))).astimezone(UTC)
                stop = (at, rng.random(), rng.choice(officers), rng.choice(sergeants))
                if at < latest:
                    stops.append(stop)
    with ThreadPoolExecutor(max_workers=10) as pool:  # boto3 keeps 10 connections
        list(pool.map(lambda stop: _write(audit, force, *stop, rng=random.Random(stop[1])), stops))
    return len(stops)


def _poisson(rng: random.Random, mean: float) -> int:
    # Knuth's method: few arrivals an hour, so a handful of draws.
    limit, count, product = pow(2.718281828459045, -mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def _write(
    audit: AuditService,
    force: str,
    at: datetime,
    draw: float,
    officer: Officer,
    sergeant: Officer,
    *,
    rng: random.Random,
) -> None:
    public = draw < 0.15  # about one in seven is her own call
    session_id = f"demo-{uuid.UUID(int=rng.getrandbits(128)).hex}"
    code, reference = new_public_code(rng), new_reference(at, rng)
    if public:
        session = open_public_session(
            session_id=session_id, force=force, officer=officer, now=at, public_code=code,
            reference=reference,
        )  # fmt: skip
    else:
        principal = Principal(
            user_id=officer.officer_id, roles=frozenset({Role.OFFICER}), force=force,
            area=officer.area, officer_id=officer.officer_id,
        )  # fmt: skip
        session = open_officer_session(
            principal, officer, session_id=session_id, now=at, public_code=code,
            reference=reference,
        )  # fmt: skip
    versions = list(_story(session, officer, sergeant, rng))
    previous: dict[str, Any] = {}
    asked: str | None = None
    for number, (version, actor, reason, attendance) in enumerate(versions, start=1):
        asked = attendance or asked
        record = SessionRecord(
            session=version, officer=officer, meeting=None, attendance_requested_at=asked
        )
        item = from_item(record_to_item(record, _RETENTION, actor))
        item["change_reason"] = reason
        change = ItemChange(
            event_id=f"demo-history-{session_id}-{number}",
            event_name="MODIFY" if previous else "INSERT",
            new=item,
            old=previous,
        )
        audit.record(change)
        previous = item


def _story(
    session: Session, officer: Officer, sergeant: Officer, rng: random.Random
) -> Iterator[tuple[Session, str, str, str | None]]:
    """Each version of one stop: the session, who changed it, why, and her attendance request."""
    yield session, officer.officer_id, f"{LABEL}: started", None
    now = session.created_at
    fate = rng.random()
    if fate < 0.05:  # cancelled by the officer before anyone answered
        now += timedelta(seconds=rng.uniform(10, 60))
        cancelled = session.cancel(_principal(officer, Role.OFFICER), now)
        yield cancelled, officer.officer_id, f"{LABEL}: cancelled by the officer", None
        return
    answer = rng.lognormvariate(2.8, 0.6)  # median about 16 s, a long tail past the target
    escalations = min(3, int(answer // 30))
    current = session
    for level in range(escalations):
        current = current.escalate(session.created_at + timedelta(seconds=30 * (level + 1)))
        yield current, "system", f"{LABEL}: nobody answered: escalation {level + 1}", None
    if fate < 0.09 or answer > 120:  # nobody answered in time
        expired = current.expire(session.created_at + timedelta(seconds=120))
        yield expired, "system", f"{LABEL}: nobody answered", None
        return
    now = session.created_at + timedelta(seconds=answer)
    claimed = current.claim(_principal(sergeant, Role.SERGEANT), now)
    yield claimed, sergeant.officer_id, f"{LABEL}: claimed", None
    now += timedelta(seconds=rng.uniform(70, 260))
    sergeant_acts = _principal(sergeant, Role.SERGEANT)
    if fate < 0.8:
        ended = claimed.decide(sergeant_acts, "verified", None, now, officer)
        yield ended, sergeant.officer_id, f"{LABEL}: verified", None
    elif fate < 0.95:
        reason = f"{LABEL}: the warrant card did not match the register"
        ended = claimed.decide(sergeant_acts, "not_verified", reason, now, None)
        yield ended, sergeant.officer_id, reason, None
    else:
        ended = claimed.drop(now)
        yield ended, "system", f"{LABEL}: the call ended before an outcome", None
    if rng.random() < 0.1:  # she asks for a uniformed officer once she has the result
        asked = iso(now + timedelta(seconds=rng.uniform(10, 90)))
        yield ended, "public", f"{LABEL}: attendance requested", asked


def _principal(officer: Officer, role: Role) -> Principal:
    return Principal(
        user_id=officer.officer_id,
        roles=frozenset({role}),
        force=officer.force,
        area=officer.area,
        officer_id=officer.officer_id,
    )


def seed_demo_history(stack: Stack, days: int = DAYS) -> int:
    """:func:`seed_history` for the demo force on the local stack's audit table; how many stops.

    The demo force's serving officers are stopped and its sergeants answer.
    """
    dynamodb = aws_client("dynamodb", stack)
    register = DynamoOfficerRegister(dynamodb, stack.officers_table, stack.sessions_table)
    found = [register.get(u.officer_id) for u in stack.users if u.officer_id]
    serving = [e.officer for e in found if e is not None and e.officer.is_serving]
    return seed_history(
        audit=AuditService(log=DynamoAuditLog(dynamodb, stack.audit_table)),
        officers=[o for o in serving if not o.is_sergeant],  # nobody answers about themselves
        sergeants=[o for o in serving if o.is_sergeant],
        force=DEMO_FORCE,
        days=days,
    )


class DemoHistory:
    """:func:`seed_demo_history` in a thread of its own, so ``make run`` starts meanwhile.

    Parameters
    ----------
    stack
        The local stack, its demo force seeded.
    write
        Where progress goes (the stack's output).
    """

    def __init__(self, stack: Stack, write: Callable[[str], None], days: int = DAYS) -> None:
        self.write = write
        self.began = time.monotonic()
        self.outcome: list[int | BaseException] = []
        write(
            f"Writing {days} days of demo history for the Service view (labelled '{LABEL}';"
            f" {DAYS_VARIABLE}=0 for none)"
        )
        self.thread = threading.Thread(target=self._run, args=(stack, days), name="history")
        self.thread.start()

    def _run(self, stack: Stack, days: int) -> None:
        try:
            self.outcome.append(seed_demo_history(stack, days))
        except Exception as failed:  # reported, and the stack runs without it
            self.outcome.append(failed)

    def wait(self) -> None:
        """Wait for the history and say how it went (a failure leaves the stack usable)."""
        self.thread.join()
        [result] = self.outcome
        if isinstance(result, BaseException):
            self.write(
                f"Demo history could not be written ({result}); the Service view starts empty"
            )
            return
        seconds = time.monotonic() - self.began
        self.write(f"Demo history: {result} stops in the audit trail ({seconds:.0f} s)")
