"""The supervisors' report routes: service level, staffing by Erlang C, the record of stops."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

from chalice.app import Blueprint, Response

from functions.domain import Role
from functions.http.auth import cognito
from functions.http.common import API_CORS, api_route, caller, json_response, parse_query
from functions.http.contract import documented
from functions.http.record_schemas import FeedbackList
from functions.http.report_schemas import PeriodQuery, StaffingQuery, StopRecordRow
from functions.services.reports import ServiceReport, StaffingReport, StopRow
from functions.wiring import feedback_service, report_service

__all__ = ["reports_blueprint"]

reports_blueprint = Blueprint(__name__)
_SUPERVISORS = (Role.SUPERVISOR,)
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _today() -> date:
    service = report_service()
    return service.clock().astimezone(service.zone).date()


@reports_blueprint.route("/reports/service", methods=["GET"], authorizer=cognito, cors=API_CORS)
@documented({200: ServiceReport}, roles=_SUPERVISORS, query=PeriodQuery)
@api_route
def service_report() -> Response:
    """Service level, answer times, abandonment and outcomes of a period, in total and by hour.

    From the audit trail, one query per day: a report costs what its days hold, whatever the
    length of the history.
    """
    request = reports_blueprint.current_request
    query = parse_query(request, PeriodQuery)
    first = query.first or _today()
    report = report_service().service(
        caller(request), query.force, query.area, first, query.last or first
    )
    return json_response(200, report.model_dump(mode="json"))


@reports_blueprint.route("/reports/staffing", methods=["GET"], authorizer=cognito, cors=API_CORS)
@documented({200: StaffingReport}, roles=_SUPERVISORS, query=StaffingQuery)
@api_route
def staffing_report() -> Response:
    """For each hour of a day: arrivals, handling time, sergeants on duty and needed (Erlang C).

    Needed is the fewest sergeants that answer `SERVICE_LEVEL_GOAL` of the hour's requests
    within `SERVICE_LEVEL_TARGET_SECONDS`.
    """
    request = reports_blueprint.current_request
    query = parse_query(request, StaffingQuery)
    report = report_service().staffing(
        caller(request), query.force, query.area, query.day or _today()
    )
    return json_response(200, report.model_dump(mode="json"))


@reports_blueprint.route("/reports/feedback", methods=["GET"], authorizer=cognito, cors=API_CORS)
@documented({200: FeedbackList}, roles=_SUPERVISORS, query=PeriodQuery)
@api_route
def feedback_report() -> Response:
    """Her feedback on the force's stops, left over a period, newest first (`area` is ignored).

    Read from the audit trail, so it is listed beyond her record's retention. Only a supervisor
    of the force may list it.
    """
    request = reports_blueprint.current_request
    query = parse_query(request, PeriodQuery)
    first = query.first or _today()
    report = feedback_service().report(caller(request), query.force, first, query.last or first)
    return json_response(200, FeedbackList.model_validate(report).model_dump(mode="json"))


@reports_blueprint.route("/reports/stops.csv", methods=["GET"], authorizer=cognito, cors=API_CORS)
@documented({200: StopRecordRow}, roles=_SUPERVISORS, query=PeriodQuery, media_type="text/csv")
@api_route
def stops_csv() -> Response:
    """The record of stops of a period, as CSV: for complaints, FOI answers and audit.

    Each export is itself written to the audit trail (who, when, which days).
    """
    request = reports_blueprint.current_request
    query = parse_query(request, PeriodQuery)
    first = query.first or _today()
    last = query.last or first
    rows = report_service().record_of_stops(caller(request), query.force, first, last)
    zone = report_service().zone
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    columns = list(StopRecordRow.model_fields)
    writer.writerow(columns)
    for row in rows:
        record = _row(row, zone).model_dump(mode="json")
        writer.writerow([_cell(record[c]) for c in columns])
    force = query.force.upper()
    return Response(
        body=out.getvalue(),
        status_code=200,
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="stops-{force}-{first}-{last}.csv"',
            "Cache-Control": "no-store",
        },
    )


def _row(row: StopRow, zone: object) -> StopRecordRow:
    stop = row.stop

    def local(moment: datetime | None) -> datetime | None:
        return moment.astimezone(zone) if moment is not None else None  # type: ignore[arg-type]

    return StopRecordRow(
        reference=stop.reference or "",
        requested_at=local(stop.requested_at),  # type: ignore[arg-type]
        answered_at=local(stop.answered_at),
        ended_at=local(stop.ended_at),
        answer_seconds=stop.answer_seconds,
        area=stop.area,
        channel=stop.channel,
        officer=stop.officer,
        sergeant=row.sergeant,
        outcome=stop.state,
        reason=stop.reason,
        escalation_level=stop.escalation_level,
        attendance_requested_at=local(stop.attendance_at),
        attendance_sent_at=local(stop.attendance_sent_at),
        decided_without_video=stop.without_video,
    )


def _cell(value: object) -> str:
    """A CSV cell; text a spreadsheet would run as a formula gets a leading ``'``."""
    if value is None:
        return ""
    text = str(value).lower() if isinstance(value, bool) else str(value)
    if isinstance(value, str) and text.startswith(_FORMULA_STARTS):
        return "'" + text
    return text
