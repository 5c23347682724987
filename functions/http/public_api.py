"""Her routes: no login, rate-limited per client, an exact allow-list of fields.

CORS is open on these routes because her page lives on the force's own website.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote

from chalice.app import Blueprint, Request, Response

from functions.domain import ValidationFailed
from functions.http.common import (
    API_CORS,
    api_route,
    body_bytes,
    header,
    json_response,
    request_deadline,
    within_budget,
)
from functions.wiring import idempotency, public_service

__all__ = ["public_blueprint"]

public_blueprint = Blueprint(__name__)
_MAX_BODY = 4096


def _client(request: Request) -> str:
    """The caller's source IP as API Gateway saw it (what the limits count per)."""
    context: Any = request.context or {}
    return str((context.get("identity") or {}).get("sourceIp") or "unknown")


def _json_object(request: Request) -> dict[str, Any]:
    raw = body_bytes(request)
    if len(raw) > _MAX_BODY:
        raise ValidationFailed.for_field("body", "The request is too large.")
    try:
        data = json.loads(raw) if raw.strip() else None
    except (ValueError, UnicodeDecodeError):
        raise ValidationFailed.for_field("body", "The body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise ValidationFailed.for_field("body", "Send a JSON object.")
    return data


@public_blueprint.route("/verify/{code}", methods=["GET"], cors=API_CORS)
@api_route
def verify(code: str) -> Response:
    request = public_blueprint.current_request
    return json_response(200, public_service().verify(unquote(code), _client(request)))


@public_blueprint.route("/verify/{code}/attendance", methods=["POST"], cors=API_CORS)
@api_route
def verify_attendance(code: str) -> Response:
    request = public_blueprint.current_request
    return json_response(200, public_service().attendance_by_code(unquote(code), _client(request)))


@public_blueprint.route("/public/calls", methods=["POST"], cors=API_CORS)
@api_route
def start_call() -> Response:
    request = public_blueprint.current_request
    client = _client(request)
    body = _json_object(request)
    key = header(request, "Idempotency-Key")
    if key is not None and not 1 <= len(key) <= 128:
        raise ValidationFailed.for_field("Idempotency-Key", "Use 1 to 128 characters.")

    def start() -> dict[str, Any]:
        started = public_service().start_call(body, client, key)
        record = started.record
        return {
            "call_id": record.session.session_id,
            "reference": record.session.reference,
            "poll_token": started.poll_token,
            "state": record.session.state.value,
            "meeting": record.meeting,
            "attendee": started.attendee,
        }

    if key is None:
        return json_response(201, within_budget(start))
    deadline = request_deadline()
    scope = f"public\n{client}\n{key}"
    return json_response(
        201, within_budget(lambda: idempotency().run(scope, body, start, deadline))
    )


@public_blueprint.route("/public/calls/{call_id}", methods=["GET"], cors=API_CORS)
@api_route
def call_status(call_id: str) -> Response:
    request = public_blueprint.current_request
    token = header(request, "X-Call-Token") or ""
    return json_response(200, public_service().call_status(call_id, token, _client(request)))


@public_blueprint.route("/public/calls/{call_id}/attendance", methods=["POST"], cors=API_CORS)
@api_route
def call_attendance(call_id: str) -> Response:
    request = public_blueprint.current_request
    token = header(request, "X-Call-Token") or ""
    return json_response(200, public_service().call_attendance(call_id, token, _client(request)))
