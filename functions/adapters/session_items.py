"""How a session record is stored: its DynamoDB item, and the conditions that guard its writes.

One job, apart from the calls themselves (:mod:`.sessions_table`): the item's shape (sparse queue
keys, TTL, the audit fields the stream copies), the stored time formats, and
:func:`condition_of`, which turns the domain's :class:`~functions.domain.transitions.Guard` into
a ``ConditionExpression``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import TypeAdapter

from functions.domain import Officer, OfficerStatus, Session, SessionState
from functions.domain.states import WAITING_STATES
from functions.domain.transitions import Guard
from functions.services.ports import SessionRecord

from .dynamo import from_item, to_item

_S = SessionState
_SESSION_FIELDS = frozenset(Session.model_fields)
_EXTRAS = (
    "caller",
    "named_shoulder_number",
    "attendance_requested_at",
    "attendance_sent_at",
    "attendance_sent_by",
    "poll_token_hash",
    "started_by",
    "escalation_paged",
)
CODE_PREFIX = "code#"
"""Items ``code#<CODE>`` claim a public code, so no two live sessions share one."""
_datetime = TypeAdapter(datetime)


def iso(moment: datetime) -> str:
    """A timestamp exactly as the domain model serialises it (``...T09:00:00Z``,
    ``...T09:00:00.250000Z``): the format of every stored time that is not a sort key."""
    return str(_datetime.dump_python(moment, mode="json"))


def sortable(moment: datetime) -> str:
    """A timestamp for an index's sort key: UTC, always six fraction digits, so that string
    order is time order (the domain's format writes a whole second without a fraction, and
    ``09:00:00Z`` sorts after ``09:00:00.250000Z``). It parses back to the same instant, as the
    domain's format does, so items written before this format read the same."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def queue_since(session: Session) -> str:
    """The queue index's sort key: oldest first, ties broken by id."""
    return f"{sortable(session.created_at)}#{session.session_id}"


def is_code_claim(session_id: str) -> bool:
    """Whether ``session_id`` is the key of a code claim (no session's id starts so)."""
    return session_id.startswith(CODE_PREFIX)


def record_to_item(
    record: SessionRecord, retention: timedelta, actor: str = "system"
) -> dict[str, Any]:
    """The DynamoDB item of a session record, with its sparse queue keys, TTL and audit fields.

    ``changed_by`` / ``change_reason`` say who made the last change and why; the sessions
    stream copies them into the audit trail.
    """
    session = record.session
    data: dict[str, Any] = session.model_dump(mode="json")
    data["created_at"] = sortable(session.created_at)  # the by_officer index's sort key
    if record.officer is not None:
        data["officer"] = record.officer.model_dump(mode="json")
    if record.meeting is not None:
        data["meeting"] = record.meeting
    if session.state in WAITING_STATES:
        data["queue_force"] = session.force
        data["queue_since"] = queue_since(session)
    data["expires_at"] = int((session.updated_at + retention).timestamp())
    data["presence"] = record.presence  # a map from the start, so events can SET inside it
    for extra in _EXTRAS:
        data[extra] = getattr(record, extra)
    data["changed_by"] = actor
    data["change_reason"] = "started"
    return to_item(data)


def record_from_item(item: dict[str, Any]) -> SessionRecord:
    """Rebuild a record; the domain model re-validates it, so corrupt items fail loudly."""
    data = from_item(item)
    officer = data.get("officer")
    return SessionRecord(
        session=Session.model_validate(
            # Absent attributes are None (to_item leaves None out, e.g. a public call's area).
            {"area": None, "officer_id": None}
            | {k: v for k, v in data.items() if k in _SESSION_FIELDS}
        ),
        officer=Officer.model_validate(officer) if officer else None,
        meeting=data.get("meeting"),
        presence=data.get("presence") or {},
        **{extra: data.get(extra) for extra in _EXTRAS},
    )


def condition_of(guard: Guard) -> tuple[str, dict[str, str], dict[str, Any]]:
    """The ``ConditionExpression`` (with its names and values) that enforces ``guard``.

    The states come from the domain's transition table (``guard.sources``), in the enum's order
    so the expression is the same every time; each other field of the guard adds one clause.
    """
    states = [s for s in SessionState if s in guard.sources]
    values: dict[str, Any] = {f":from{i}": s.value for i, s in enumerate(states)}
    clauses = [
        "attribute_exists(session_id)",
        f"#state IN ({', '.join(values)})",
    ]
    names: dict[str, str] = {}
    # Fields of the guard that the stored attribute of the same meaning must equal.
    for placeholder, attribute, expected in (
        (":force", "#force", guard.force),
        (":owner", "officer_id", guard.owner),
        (":claimed_by", "claimed_by", guard.claimed_by),
        (":level", "escalation_level", guard.escalation_level),
        (":version", "version", guard.version),
    ):
        if expected is not None:
            clauses.append(f"{attribute} = {placeholder}")
            values[placeholder] = expected
    if guard.force is not None:
        names["#force"] = "force"  # a reserved word in DynamoDB expressions
    if guard.not_about is not None:
        clauses.append("(attribute_not_exists(officer_id) OR officer_id <> :not_about)")
        values[":not_about"] = guard.not_about
    if guard.serving:
        # The snapshot is kept equal to the register in the same transactions that change the
        # register, so this refuses "verified" on a suspended officer atomically.
        clauses.append("officer.#status = :serving")
        names["#status"] = "status"
        values[":serving"] = OfficerStatus.SERVING.value
    if guard.unnamed:
        clauses.append("attribute_not_exists(officer)")
    return " AND ".join(clauses), names, values
