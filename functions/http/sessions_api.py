"""Routes of the verification session (PRODUCT.md's contract)."""

from __future__ import annotations

from typing import Any

from chalice.app import Blueprint, Response

from functions.domain import Role, ValidationFailed
from functions.http.auth import cognito
from functions.http.common import (
    API_CORS,
    api_route,
    caller,
    header,
    json_response,
    parse,
    parse_query,
    request_deadline,
    within_budget,
)
from functions.http.contract import IDEMPOTENCY_KEY, documented
from functions.http.schemas import (
    AuditTrail,
    AuditView,
    ClaimResponse,
    NamedOfficer,
    OutcomeRequest,
    QueueItem,
    QueueQuery,
    QueueView,
    SessionView,
    StartedSession,
    StartRequest,
    session_view,
)
from functions.wiring import audit_service, idempotency, session_service

__all__ = ["sessions_blueprint"]

sessions_blueprint = Blueprint(__name__)
_MAX_IDEMPOTENCY_KEY = 128
_POLICE = (Role.SERGEANT, Role.OPERATOR, Role.ADMIN)


@sessions_blueprint.route("/sessions", methods=["POST"], authorizer=cognito, cors=API_CORS)
@documented(
    {201: StartedSession},
    roles=(Role.OFFICER,),
    errors=(409,),
    body=StartRequest,
    body_required=False,
    headers=(IDEMPOTENCY_KEY,),
)
@api_route
def start_session() -> Response:
    """Start a verification: the control room is paged and the officer joins the meeting.

    Retries with the same `Idempotency-Key` return the same session, meeting and attendee.
    """
    request = sessions_blueprint.current_request
    body = parse(request, StartRequest, allow_empty=True)
    key = header(request, "Idempotency-Key")
    if key is not None and not 1 <= len(key) <= _MAX_IDEMPOTENCY_KEY:
        raise ValidationFailed.for_field("Idempotency-Key", "Use 1 to 128 characters.")
    principal = caller(request)

    def start() -> dict[str, Any]:
        started = session_service().start(
            principal, location=body.location, note=body.note, idempotency_key=key
        )
        return StartedSession.model_validate(
            {**session_view(started.record), "attendee": started.attendee}
        ).model_dump(mode="json")

    if key is None:
        return json_response(201, within_budget(start))
    scope = f"{principal.officer_id or principal.user_id}\n{key}"
    payload = body.model_dump(mode="json")
    deadline = request_deadline()
    return json_response(
        201, within_budget(lambda: idempotency().run(scope, payload, start, deadline))
    )


@sessions_blueprint.route(
    "/sessions/{session_id}/audit", methods=["GET"], authorizer=cognito, cors=API_CORS
)
@documented({200: AuditTrail}, roles=(Role.OFFICER, *_POLICE), errors=(404,))
@api_route
def session_audit(session_id: str) -> Response:
    """The session's audit trail: every transition, who made it and why, oldest first."""
    request = sessions_blueprint.current_request
    entries = audit_service().history(caller(request), session_id)
    trail = AuditTrail(
        session_id=session_id,
        entries=[
            AuditView(
                seq=e.seq,
                at=e.at,
                from_state=e.from_state,
                to_state=e.to_state,
                actor=e.actor,
                reason=e.reason,
                without_video=e.without_video,
            )
            for e in entries
        ],
    )
    return json_response(200, trail.model_dump(mode="json"))


@sessions_blueprint.route(
    "/sessions/{session_id}", methods=["GET"], authorizer=cognito, cors=API_CORS
)
@documented({200: SessionView}, roles=(Role.OFFICER, *_POLICE), errors=(404,))
@api_route
def get_session(session_id: str) -> Response:
    """One session: the officer's own, or any of the caller's force for police staff."""
    request = sessions_blueprint.current_request
    return json_response(200, session_view(session_service().get(caller(request), session_id)))


@sessions_blueprint.route(
    "/sessions/{session_id}/cancel", methods=["POST"], authorizer=cognito, cors=API_CORS
)
@documented({200: SessionView}, roles=(Role.OFFICER,), errors=(404, 409))
@api_route
def cancel_session(session_id: str) -> Response:
    """Cancel the officer's own session before an outcome; the meeting is deleted."""
    request = sessions_blueprint.current_request
    principal = caller(request)
    record = within_budget(
        lambda: session_service().cancel(principal, session_id),
        "Could not cancel in time. Try again; the session ends by itself if nobody answers.",
    )
    return json_response(200, session_view(record))


@sessions_blueprint.route(
    "/sessions/{session_id}/attendance/sent", methods=["POST"], authorizer=cognito, cors=API_CORS
)
@documented({200: SessionView}, roles=(Role.SERGEANT, Role.OPERATOR), errors=(403, 404, 409))
@api_route
def attendance_sent(session_id: str) -> Response:
    """Say that a uniformed officer was sent to her, once she has asked (`409
    attendance_not_requested` before). Once: saying it again keeps the first time. Her page
    shows it, and so does her record. Not for the officer's own stop.
    """
    request = sessions_blueprint.current_request
    record = session_service().send_attendance(caller(request), session_id)
    return json_response(200, session_view(record))


@sessions_blueprint.route("/queue", methods=["GET"], authorizer=cognito, cors=API_CORS)
@documented({200: QueueView}, roles=(Role.SERGEANT, Role.OPERATOR), query=QueueQuery)
@api_route
def queue() -> Response:
    """The sessions waiting for the control room, oldest first."""
    request = sessions_blueprint.current_request
    area = parse_query(request, QueueQuery).area
    principal = caller(request)
    service = session_service()
    now = service.clock()
    items = [
        QueueItem(
            session_id=r.session.session_id,
            state=r.session.state.value,
            channel=r.session.channel.value,
            force=r.session.force,
            area=r.session.area,
            rank=r.officer.rank.value if r.officer else None,
            shoulder_number=r.officer.shoulder_number if r.officer else None,
            display_name=r.officer.display_name if r.officer else None,
            created_at=r.session.created_at.isoformat(),
            waiting_seconds=int(r.session.waiting_seconds(now)),
            escalation_level=r.session.escalation_level,
        )
        for r in service.queue(principal, area)
    ]
    return json_response(200, QueueView(sessions=items).model_dump(mode="json"))


@sessions_blueprint.route(
    "/sessions/{session_id}/claim", methods=["POST"], authorizer=cognito, cors=API_CORS
)
@documented({200: ClaimResponse}, roles=(Role.SERGEANT,), errors=(404, 409))
@api_route
def claim_session(session_id: str) -> Response:
    """Claim a waiting session: the identity card and the sergeant's seat in the meeting.

    Claiming again as the same sergeant returns the same seat.
    """
    request = sessions_blueprint.current_request
    principal = caller(request)
    claimed = within_budget(
        lambda: session_service().claim(principal, session_id),
        "Could not join you to the call in time. The session is back in the queue; try again.",
    )
    record = claimed.record
    named = None
    if record.session.channel.value == "public":
        number = record.named_shoulder_number
        found = record.officer is not None
        named = NamedOfficer(
            shoulder_number=number,
            found=found,
            message=(
                f"She named officer {number}; their card is shown."
                if found
                else f"She named shoulder number {number}, but no such officer serves in "
                f"{record.session.force}. Treat the person who stopped her as unverified."
                if number
                else "She did not know the officer's shoulder number. Ask her to describe them."
            ),
        )
    body = ClaimResponse(
        session_id=record.session.session_id,
        state=record.session.state.value,
        channel=record.session.channel.value,
        meeting=record.meeting,
        attendee=claimed.attendee,
        officer=claimed.card,
        named_officer=named,
    )
    return json_response(200, body.model_dump(mode="json"))


@sessions_blueprint.route(
    "/sessions/{session_id}/outcome", methods=["POST"], authorizer=cognito, cors=API_CORS
)
@documented({200: SessionView}, roles=(Role.SERGEANT,), errors=(404, 409), body=OutcomeRequest)
@api_route
def record_outcome(session_id: str) -> Response:
    """Record the claiming sergeant's decision; the meeting is deleted."""
    request = sessions_blueprint.current_request
    body = parse(request, OutcomeRequest)
    principal = caller(request)
    record = within_budget(
        lambda: session_service().decide(
            principal,
            session_id,
            body.outcome,
            body.reason,
            body.shoulder_number,
            without_video=body.without_video,
        ),
        "Your decision could not be confirmed in time. Look at the session, then try again.",
    )
    return json_response(200, session_view(record))
