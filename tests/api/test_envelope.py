"""Every answer is in the error envelope, including those no view writes, over HTTP.

Chalice answers a wrong method (405) and a wrong ``Content-Type`` (415) before any view runs,
and the gateway answers unknown routes and refused tokens before the app is called at all; the
body limits and JSON depth are checked before anything parses the body. Each must still be
``{"error": {"code", "message", "details"}}`` with the right 4xx.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests

from functions.http.common import MAX_JSON_DEPTH
from functions.http.envelope import (
    CSV_MAX_BYTES,
    JSON_MAX_BYTES,
    PHOTO_MAX_BYTES,
    PUBLIC_JSON_MAX_BYTES,
)
from tests.invariants import assert_no_orphan_meetings

from .helpers import live_sessions_by_id

PNG = b"\x89PNG\r\n\x1a\n"


def send(
    api: Any,
    method: str,
    path: str,
    *,
    token: str | None = None,
    body: bytes = b"",
    content_type: str | None = "application/json",
) -> requests.Response:
    headers = {"Content-Type": content_type} if content_type else {}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return requests.request(method, api.url + path, headers=headers, data=body, timeout=30)


def refused(response: requests.Response, status: int, code: str) -> dict[str, Any]:
    """Check ``response`` is ``status`` in the envelope with ``code``; return the error."""
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}, body
    error: dict[str, Any] = body["error"]
    assert set(error) == {"code", "message", "details"}
    assert error["code"] == code, error
    assert isinstance(error["message"], str) and error["message"]
    assert isinstance(error["details"], list)
    return error


def nested(depth: int) -> bytes:
    return b'{"location": ' + b"[" * depth + b"]" * depth + b"}"


@pytest.mark.parametrize("depth", [5000, 30_000])
def test_a_body_nested_thousands_deep_is_a_400_not_a_500(
    api: Any, tokens: dict[str, str], depth: int
) -> None:
    body = nested(depth)
    assert len(body) < JSON_MAX_BYTES  # refused for its depth, not its size
    response = send(api, "POST", "/sessions", token=tokens["officer.central"], body=body)
    error = refused(response, 400, "validation_error")
    assert error["details"] == [{"field": "body", "message": error["message"]}]
    assert "nested too deeply" in error["message"]


@pytest.mark.parametrize(
    ("method", "path", "role"),
    [
        ("POST", "/sessions", "officer.central"),
        ("POST", "/sessions/x/outcome", "sergeant.central"),
        ("PUT", "/me/duty", "officer.central"),
        ("PUT", "/officers/met-4521", "admin"),
        ("POST", "/public/calls", None),
    ],
)
def test_every_json_route_refuses_a_body_deeper_than_the_limit(
    api: Any, tokens: dict[str, str], method: str, path: str, role: str | None
) -> None:
    too_deep = {"x": 1}
    for _ in range(MAX_JSON_DEPTH):
        too_deep = {"x": too_deep}
    token = tokens[role] if role else None
    response = send(api, method, path, token=token, body=json.dumps(too_deep).encode())
    assert "nested too deeply" in refused(response, 400, "validation_error")["message"]


def test_a_form_encoded_body_is_a_415_in_the_envelope(api: Any, tokens: dict[str, str]) -> None:
    officer = tokens["officer.central"]
    form = b"location=here&note=hello"
    response = send(
        api, "POST", "/sessions", token=officer, body=form,
        content_type="application/x-www-form-urlencoded",
    )  # fmt: skip
    refused(response, 415, "unsupported_media_type")
    # Her routes too, and CORS still lets her page read the answer.
    response = send(
        api, "POST", "/public/calls", body=b"force=MET",
        content_type="application/x-www-form-urlencoded",
    )  # fmt: skip
    refused(response, 415, "unsupported_media_type")
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    # A route that takes CSV refuses JSON, and the photo route anything but an image.
    response = send(api, "POST", "/officers/import", token=tokens["admin"], body=b"{}")
    refused(response, 415, "unsupported_media_type")
    response = send(
        api, "PUT", "/officers/met-4521/photo", token=tokens["admin"], body=b"GIF89a",
        content_type="image/gif",
    )  # fmt: skip
    refused(response, 415, "unsupported_media_type")


@pytest.mark.parametrize("token", [None, "officer.central", "garbage"])
@pytest.mark.parametrize("path", ["/nope", "/sessions/a/b/c", "/", "/verify"])
def test_an_unknown_route_is_a_404_in_the_envelope(
    api: Any, tokens: dict[str, str], path: str, token: str | None
) -> None:
    sent = tokens.get(token or "", token)
    response = send(api, "GET", path, token=sent)
    refused(response, 404, "not_found")
    assert response.headers["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("GET", "/sessions", "POST"),
        ("DELETE", "/sessions/abc", "GET"),
        ("PUT", "/queue", "GET"),
        ("GET", "/public/calls", "POST"),
        ("PATCH", "/verify/ABCD-EFGH", "GET"),
    ],
)
def test_a_wrong_method_is_a_405_in_the_envelope_with_allow(
    api: Any, tokens: dict[str, str], method: str, path: str, allowed: str
) -> None:
    for token in (None, tokens["officer.central"]):
        response = send(api, method, path, token=token)
        refused(response, 405, "method_not_allowed")
        assert allowed in response.headers["Allow"]


@pytest.mark.parametrize(
    ("method", "path", "role", "limit", "content_type"),
    [
        ("POST", "/sessions", "officer.central", JSON_MAX_BYTES, "application/json"),
        ("PUT", "/officers/met-4521", "admin", JSON_MAX_BYTES, "application/json"),
        ("POST", "/public/calls", None, PUBLIC_JSON_MAX_BYTES, "application/json"),
        ("POST", "/officers/import", "admin", CSV_MAX_BYTES, "text/csv"),
        ("PUT", "/officers/met-4521/photo", "admin", PHOTO_MAX_BYTES, "image/png"),
    ],
)
def test_a_body_over_its_routes_limit_is_a_413_in_the_envelope(
    api: Any,
    tokens: dict[str, str],
    method: str,
    path: str,
    role: str | None,
    limit: int,
    content_type: str,
) -> None:
    token = tokens[role] if role else None
    if content_type == "application/json":
        body = b'{"note": "' + b"x" * limit + b'"}'
    else:
        body = (PNG if content_type == "image/png" else b"") + b"x" * (limit + 1)
    response = send(api, method, path, token=token, body=body, content_type=content_type)
    error = refused(response, 413, "payload_too_large")
    assert error["details"] == [{"field": "body", "message": f"at most {limit} bytes"}]


def test_a_body_at_the_limit_is_read(api: Any, tokens: dict[str, str]) -> None:
    body = b'{"note": "' + b"x" * (JSON_MAX_BYTES - 12) + b'"}'
    assert len(body) <= JSON_MAX_BYTES
    response = send(api, "POST", "/sessions", token=tokens["officer.central"], body=body)
    # Read and validated (the note is too long), not refused for its size.
    assert refused(response, 400, "validation_error")["details"][0]["field"] == "note"


@pytest.mark.parametrize(
    "body", [b"{", b"\xff\xfe{", b'{"location": }', b"[]", b'"text"', b"null", b"NaN"]
)
def test_invalid_json_is_a_400_in_the_envelope(
    api: Any, tokens: dict[str, str], body: bytes
) -> None:
    response = send(api, "POST", "/sessions", token=tokens["officer.central"], body=body)
    refused(response, 400, "validation_error")


def test_no_token_is_a_401_and_a_refused_token_a_403_in_the_envelope(api: Any) -> None:
    response = send(api, "GET", "/queue")
    refused(response, 401, "unauthenticated")
    assert response.headers["WWW-Authenticate"] == "Bearer"
    refused(send(api, "GET", "/queue", token="garbage"), 403, "forbidden")


def test_chalice_refusals_keep_cors_and_no_caching(api: Any) -> None:
    response = send(api, "GET", "/public/calls")
    refused(response, 405, "method_not_allowed")
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Access-Control-Allow-Origin"] == "*"


@pytest.fixture(autouse=True)
def _nothing_written(api: Any, stack: Any, pump: Any) -> Any:
    """None of these refusals may start a session (or a meeting)."""
    before = set(live_sessions_by_id(stack))
    yield
    assert set(live_sessions_by_id(stack)) == before
    assert_no_orphan_meetings(stack, pump)
