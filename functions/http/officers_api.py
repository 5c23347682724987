"""Routes of the officer register: admin upkeep, the 999 lookup and duty."""

from __future__ import annotations

import json
from typing import Any

from chalice.app import Blueprint, Response

from functions.domain import ValidationFailed
from functions.http.auth import cognito
from functions.http.common import (
    API_CORS,
    api_route,
    body_bytes,
    caller,
    header,
    json_response,
    parse,
    query,
)
from functions.http.schemas import DutyRequest
from functions.services.ports import OfficerEntry
from functions.wiring import officer_service

__all__ = ["officers_blueprint"]

officers_blueprint = Blueprint(__name__)


def _officer_view(entry: OfficerEntry) -> dict[str, Any]:
    officer = entry.officer
    view: dict[str, Any] = officer.model_dump(mode="json")
    view["display_name"] = officer.display_name
    view["has_photo"] = officer.photo_key is not None
    view.pop("photo_key", None)
    view["pager"] = (
        {"protocol": entry.pager.protocol, "endpoint": entry.pager.endpoint}
        if entry.pager
        else None
    )
    view["alerts_subscribed"] = entry.subscription_arn is not None
    return view


@officers_blueprint.route("/me/duty", methods=["PUT"], authorizer=cognito, cors=API_CORS)
@api_route
def set_duty() -> Response:
    request = officers_blueprint.current_request
    body = parse(request, DutyRequest)
    entry, subscribed = officer_service().set_duty(caller(request), body.on_duty)
    return json_response(200, {"on_duty": entry.officer.on_duty, "alerts_subscribed": subscribed})


@officers_blueprint.route("/officers/lookup", methods=["GET"], authorizer=cognito, cors=API_CORS)
@api_route
def lookup() -> Response:
    request = officers_blueprint.current_request
    params = query(request)
    unknown = set(params) - {"force", "shoulder"}
    if unknown:
        raise ValidationFailed.for_field(sorted(unknown)[0], "Unknown query parameter.")
    found = officer_service().lookup(
        caller(request), params.get("force", ""), params.get("shoulder", "")
    )
    return json_response(
        200,
        {"officer": found.card.model_dump(mode="json"), "live_session": found.live_session},
    )


@officers_blueprint.route(
    "/officers/{officer_id}",
    methods=["PUT"],
    authorizer=cognito,
    cors=API_CORS,
    content_types=["application/json"],
)
@api_route
def put_officer(officer_id: str) -> Response:
    request = officers_blueprint.current_request
    try:
        fields = json.loads(body_bytes(request))
    except ValueError:
        raise ValidationFailed.for_field("body", "The body is not valid JSON.") from None
    if not isinstance(fields, dict):
        raise ValidationFailed.for_field("body", "Send a JSON object.")
    if "officer_id" in fields and fields["officer_id"] != officer_id:
        raise ValidationFailed.for_field("officer_id", "Must match the id in the path.")
    fields.pop("officer_id", None)
    entry = officer_service().put(caller(request), officer_id, fields)
    return json_response(200, _officer_view(entry))


@officers_blueprint.route(
    "/officers/import",
    methods=["POST"],
    authorizer=cognito,
    cors=API_CORS,
    content_types=["text/csv"],
)
@api_route
def import_officers() -> Response:
    request = officers_blueprint.current_request
    try:
        text = body_bytes(request).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationFailed.for_field("body", "The file must be UTF-8 text.") from None
    counts = officer_service().import_csv(caller(request), text)
    return json_response(200, counts)


@officers_blueprint.route(
    "/officers/{officer_id}/photo",
    methods=["PUT"],
    authorizer=cognito,
    cors=API_CORS,
    content_types=["image/jpeg", "image/png"],
)
@api_route
def put_photo(officer_id: str) -> Response:
    request = officers_blueprint.current_request
    content_type = header(request, "Content-Type") or ""
    entry = officer_service().put_photo(
        caller(request), officer_id, body_bytes(request), content_type
    )
    return json_response(200, _officer_view(entry))
