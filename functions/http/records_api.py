"""Her record by reference: keep it with her key when the stop ends, read it afterwards.

The key travels in the body (to keep it) or in ``X-Record-Key`` (to read it), never in a URL,
so it is in no access log, browser history or referrer.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from chalice.app import Blueprint, Response
from pydantic import ValidationError

from functions.domain import Role, ValidationFailed
from functions.http.auth import cognito
from functions.http.common import (
    API_CORS,
    api_route,
    caller,
    header,
    json_object,
    json_response,
)
from functions.http.contract import CALL_TOKEN, RECORD_KEY, documented
from functions.http.public_api import client_of
from functions.http.record_schemas import (
    KeepRecord,
    LeaveFeedback,
    RecordView,
    SessionRecordStatus,
)
from functions.wiring import feedback_service, record_service

__all__ = ["records_blueprint"]

records_blueprint = Blueprint(__name__)


def _key_in_body() -> str:
    try:
        return KeepRecord.model_validate(json_object(records_blueprint.current_request)).key
    except ValidationError as exc:
        raise ValidationFailed.from_pydantic(exc) from exc


def _record(view: dict[str, Any]) -> Response:
    return json_response(200, RecordView.model_validate(view).model_dump(mode="json"))


@records_blueprint.route("/verify/{code}/record", methods=["PUT"], cors=API_CORS)
@documented({200: RecordView}, errors=(404, 409), body=KeepRecord)
@api_route
def keep_by_code(code: str) -> Response:
    """Keep her record of the ended stop behind her code, with the key her page made.

    The first key wins; the same key again gets the same answer (`409 record_key_taken` for
    another key, `409 stop_not_ended` before the end). Counted as a lookup of her code.
    """
    request = records_blueprint.current_request
    key = _key_in_body()
    return _record(record_service().keep_by_code(unquote(code), key, client_of(request)))


@records_blueprint.route("/public/calls/{call_id}/record", methods=["PUT"], cors=API_CORS)
@documented({200: RecordView}, errors=(404, 409), body=KeepRecord, headers=(CALL_TOKEN,))
@api_route
def keep_for_call(call_id: str) -> Response:
    """Keep her record of her own ended call, for the holder of its token."""
    request = records_blueprint.current_request
    key = _key_in_body()
    token = header(request, "X-Call-Token") or ""
    return _record(record_service().keep_for_call(call_id, token, key, client_of(request)))


@records_blueprint.route("/records/{reference}", methods=["GET"], cors=API_CORS)
@documented({200: RecordView}, errors=(404,), headers=(RECORD_KEY,))
@api_route
def read_record(reference: str) -> Response:
    """Her record, for the holder of its reference and key.

    A wrong key, an unknown or malformed reference and a record past its retention all get the
    same `404`; every read counts against the per-client `record` limit.
    """
    request = records_blueprint.current_request
    key = header(request, "X-Record-Key") or ""
    return _record(record_service().read(unquote(reference), key, client_of(request)))


@records_blueprint.route("/records/{reference}/feedback", methods=["PUT"], cors=API_CORS)
@documented({200: RecordView}, errors=(400, 404, 409), body=LeaveFeedback, headers=(RECORD_KEY,))
@api_route
def leave_feedback(reference: str) -> Response:
    """Her feedback on the stop, for the holder of its reference and key: kept once.

    The same feedback again (a retry) gets the same answer; other feedback gets `409
    feedback_already_left`. The force's professional-standards contact is alerted (without her
    text). Counted against the per-client `feedback` limit; a wrong key gets the same `404` as
    reading.
    """
    request = records_blueprint.current_request
    key = header(request, "X-Record-Key") or ""
    body = json_object(request)
    view = feedback_service().leave(unquote(reference), key, body, client_of(request))
    return _record(view)


@records_blueprint.route(
    "/sessions/{session_id}/record", methods=["GET"], authorizer=cognito, cors=API_CORS
)
@documented(
    {200: SessionRecordStatus},
    roles=(Role.OFFICER, Role.SERGEANT, Role.OPERATOR, Role.ADMIN),
    errors=(404,),
)
@api_route
def record_status(session_id: str) -> Response:
    """Whether she kept her record of the stop and left feedback; never what it says.

    For whoever may read the session (its officer, the control room of its force).
    """
    request = records_blueprint.current_request
    status = feedback_service().status(caller(request), session_id)
    return json_response(200, SessionRecordStatus.model_validate(status).model_dump(mode="json"))
