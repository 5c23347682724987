"""The function logs a refused request itself, with the session id; a success is the access log's
(whose format tests/infra/test_api.py checks).

A Chalice app with the app's own middleware (``configure_logging``) is called as Lambda calls it,
and the JSON logger's lines are read from its handler's stream.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator

import pytest
from chalice.app import Chalice, Response

from bench.events import LambdaContext, api_event
from functions.http.common import error, json_response
from functions.http.middleware import configure_logging
from functions.logging import logger


@pytest.fixture
def app() -> Chalice:
    app = Chalice(app_name="request-log")
    configure_logging(app)

    @app.route("/sessions/{session_id}")
    def session(session_id: str) -> Response:
        if session_id == "missing":
            return error(404, "not_found", "No such session.")
        return json_response(200, {"session_id": session_id})

    return app


def get(app: Chalice, session_id: str) -> int:
    event = api_event(
        "GET",
        "/sessions/{session_id}",
        f"/sessions/{session_id}",
        authorizer={},
        path_params={"session_id": session_id},
    )
    return int(app(event, LambdaContext("request-log"))["statusCode"])


@pytest.fixture
def log() -> Iterator[io.StringIO]:
    """What the JSON logger writes during the test."""
    stream = io.StringIO()
    handler = logger.registered_handler
    previous = handler.setStream(stream)  # type: ignore[attr-defined]
    try:
        yield stream
    finally:
        handler.setStream(previous)  # type: ignore[attr-defined]


def test_a_refused_request_is_logged_with_its_session_and_status(
    app: Chalice, log: io.StringIO
) -> None:
    assert get(app, "missing") == 404
    (line,) = [json.loads(text) for text in log.getvalue().splitlines()]
    assert line["message"] == "request"
    assert line["status"] == 404
    assert line["correlation_id"] == "missing"
    assert line["path"] == "/sessions/{session_id}"
    assert line["ms"] >= 0


def test_a_success_writes_no_line_of_its_own(app: Chalice, log: io.StringIO) -> None:
    assert get(app, "s-1") == 200
    assert log.getvalue() == ""
