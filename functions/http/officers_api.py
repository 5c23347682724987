"""Routes of the officer register: admin upkeep, the 999 lookup and duty."""

from __future__ import annotations

from chalice.app import Blueprint, Response

from functions.domain import Role, ValidationFailed
from functions.http.auth import cognito
from functions.http.common import (
    API_CORS,
    api_route,
    body_bytes,
    caller,
    header,
    json_object,
    json_response,
    parse,
    parse_query,
)
from functions.http.contract import documented
from functions.http.schemas import (
    DutyRequest,
    DutyView,
    ImportCounts,
    LiveSession,
    LookupQuery,
    LookupView,
    OfficerRequest,
    OfficerView,
    officer_view,
)
from functions.wiring import officer_service

__all__ = ["officers_blueprint"]

officers_blueprint = Blueprint(__name__)


@officers_blueprint.route("/me/duty", methods=["PUT"], authorizer=cognito, cors=API_CORS)
@documented(
    {200: DutyView}, roles=(Role.OFFICER, Role.SERGEANT), errors=(404, 409), body=DutyRequest
)
@api_route
def set_duty() -> Response:
    """Go on or off duty; an on-duty sergeant with a pager is subscribed to their alerts."""
    request = officers_blueprint.current_request
    body = parse(request, DutyRequest)
    entry, subscribed = officer_service().set_duty(caller(request), body.on_duty)
    view = DutyView(on_duty=entry.officer.on_duty, alerts_subscribed=subscribed)
    return json_response(200, view.model_dump(mode="json"))


@officers_blueprint.route("/officers/lookup", methods=["GET"], authorizer=cognito, cors=API_CORS)
@documented(
    {200: LookupView}, roles=(Role.OPERATOR, Role.SERGEANT), errors=(404,), query=LookupQuery
)
@api_route
def lookup() -> Response:
    """The 999 route: an officer's identity card by force and shoulder number.

    Any force can be looked up (the card warns `other_force`); the live session is shown only
    for the caller's own force.
    """
    request = officers_blueprint.current_request
    params = parse_query(request, LookupQuery)
    found = officer_service().lookup(caller(request), params.force, params.shoulder)
    live = found.live_session
    view = LookupView(
        officer=found.card, live_session=LiveSession.model_validate(live) if live else None
    )
    return json_response(200, view.model_dump(mode="json"))


@officers_blueprint.route(
    "/officers/{officer_id}",
    methods=["PUT"],
    authorizer=cognito,
    cors=API_CORS,
    content_types=["application/json"],
)
@documented({200: OfficerView}, roles=(Role.ADMIN,), errors=(400, 409), body=OfficerRequest)
@api_route
def put_officer(officer_id: str) -> Response:
    """Create or replace an officer of the admin's force (duty and photo are kept).

    A change reaches the identity card of the officer's live sessions at once.
    """
    request = officers_blueprint.current_request
    fields = json_object(request)
    if "officer_id" in fields and fields["officer_id"] != officer_id:
        raise ValidationFailed.for_field("officer_id", "Must match the id in the path.")
    fields.pop("officer_id", None)
    entry = officer_service().put(caller(request), officer_id, fields)
    return json_response(200, officer_view(entry))


@officers_blueprint.route(
    "/officers/import",
    methods=["POST"],
    authorizer=cognito,
    cors=API_CORS,
    content_types=["text/csv"],
)
@documented({200: ImportCounts}, roles=(Role.ADMIN,), errors=(400, 409))
@api_route
def import_officers() -> Response:
    """Import an HR export (CSV, at most 1,000 rows): every row valid, or nothing written.

    Header `officer_id,force,shoulder_number,given_name,family_name,rank,area,status,sergeant`;
    any bad row gives `400` with one `details` item per problem (`row` 1 is the first data row).
    """
    request = officers_blueprint.current_request
    try:
        text = body_bytes(request).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationFailed.for_field("body", "The file must be UTF-8 text.") from None
    counts = officer_service().import_csv(caller(request), text)
    return json_response(200, ImportCounts.model_validate(counts).model_dump(mode="json"))


@officers_blueprint.route(
    "/officers/{officer_id}/photo",
    methods=["PUT"],
    authorizer=cognito,
    cors=API_CORS,
    content_types=["image/jpeg", "image/png"],
)
@documented({200: OfficerView}, roles=(Role.ADMIN,), errors=(400, 404, 409))
@api_route
def put_photo(officer_id: str) -> Response:
    """The officer's photo for the identity card (JPEG or PNG, at most 2 MiB)."""
    request = officers_blueprint.current_request
    content_type = header(request, "Content-Type") or ""
    entry = officer_service().put_photo(
        caller(request), officer_id, body_bytes(request), content_type
    )
    return json_response(200, officer_view(entry))
