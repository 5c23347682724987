"""Her routes: no login, rate-limited per client, an exact allow-list of fields.

CORS is open on these routes because her page lives on the force's own website.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from chalice.app import Blueprint, Request, Response

from functions.domain import ValidationFailed
from functions.http.common import (
    API_CORS,
    api_route,
    header,
    json_object,
    json_response,
    request_deadline,
    within_budget,
)
from functions.http.contract import CALL_TOKEN, IDEMPOTENCY_KEY, documented
from functions.http.schemas import CallStarted, PublicView
from functions.services.public import CallRequest
from functions.wiring import idempotency, public_service

__all__ = ["client_of", "public_blueprint"]

public_blueprint = Blueprint(__name__)


def client_of(request: Request) -> str:
    """The caller's source IP as API Gateway saw it (what the limits count per)."""
    context: Any = request.context or {}
    return str((context.get("identity") or {}).get("sourceIp") or "unknown")


def _her_view(view: dict[str, Any]) -> Response:
    return json_response(200, PublicView.model_validate(view).model_dump(mode="json"))


@public_blueprint.route("/verify/{code}", methods=["GET"], cors=API_CORS)
@documented({200: PublicView}, errors=(404,))
@api_route
def verify(code: str) -> Response:
    """Her live view of the check behind the code the officer shows her.

    Case, spaces and dashes do not matter. Unknown, malformed and expired codes all get the same
    `404`, and only those count against the guess limit.
    """
    request = public_blueprint.current_request
    return _her_view(public_service().verify(unquote(code), client_of(request)))


@public_blueprint.route("/verify/{code}/attendance", methods=["POST"], cors=API_CORS)
@documented({200: PublicView}, errors=(404,))
@api_route
def verify_attendance(code: str) -> Response:
    """Ask for a uniformed officer to come; asking again pages nobody twice."""
    request = public_blueprint.current_request
    return _her_view(public_service().attendance_by_code(unquote(code), client_of(request)))


@public_blueprint.route("/public/calls", methods=["POST"], cors=API_CORS)
@documented({201: CallStarted}, errors=(409,), body=CallRequest, headers=(IDEMPOTENCY_KEY,))
@api_route
def start_call() -> Response:
    """Her own video call to the ops room: the force's sergeants are paged."""
    request = public_blueprint.current_request
    client = client_of(request)
    body = json_object(request)
    key = header(request, "Idempotency-Key")
    if key is not None and not 1 <= len(key) <= 128:
        raise ValidationFailed.for_field("Idempotency-Key", "Use 1 to 128 characters.")

    def start() -> dict[str, Any]:
        started = public_service().start_call(body, client, key)
        record = started.record
        return CallStarted(
            call_id=record.session.session_id,
            reference=record.session.reference,
            poll_token=started.poll_token,
            state=record.session.state.value,
            meeting=record.meeting,
            attendee=started.attendee,
        ).model_dump(mode="json")

    if key is None:
        return json_response(201, within_budget(start))
    deadline = request_deadline()
    scope = f"public\n{client}\n{key}"
    return json_response(
        201, within_budget(lambda: idempotency().run(scope, body, start, deadline))
    )


@public_blueprint.route("/public/calls/{call_id}", methods=["GET"], cors=API_CORS)
@documented({200: PublicView}, errors=(404,), headers=(CALL_TOKEN,))
@api_route
def call_status(call_id: str) -> Response:
    """Her view of her own call, for the holder of its token."""
    request = public_blueprint.current_request
    token = header(request, "X-Call-Token") or ""
    return _her_view(public_service().call_status(call_id, token, client_of(request)))


@public_blueprint.route("/public/calls/{call_id}/attendance", methods=["POST"], cors=API_CORS)
@documented({200: PublicView}, errors=(404,), headers=(CALL_TOKEN,))
@api_route
def call_attendance(call_id: str) -> Response:
    """Ask for a uniformed officer from her own call."""
    request = public_blueprint.current_request
    token = header(request, "X-Call-Token") or ""
    return _her_view(public_service().call_attendance(call_id, token, client_of(request)))
