"""docs/openapi.json is the generated document of the app as it is, and a valid OpenAPI 3.1."""

from __future__ import annotations

import json
from typing import Any

import pytest

from functions.domain import Officer
from functions.http.schemas import OfficerRequest
from local.openapi import DOCUMENT, GeneratorError, document, render


def test_the_committed_document_is_what_the_code_generates() -> None:
    assert DOCUMENT.read_text() == render(), (
        "docs/openapi.json is out of date: run `make openapi` and commit it"
    )


def test_every_route_of_the_app_is_in_the_document() -> None:
    from app import app

    generated = document()
    routes = {(path, method.lower()) for path, methods in app.routes.items() for method in methods}
    documented = {(path, method) for path, ops in generated["paths"].items() for method in ops}
    assert routes == documented
    assert generated["openapi"].startswith("3.1.")


def test_every_error_is_the_envelope_and_429_says_when_to_retry() -> None:
    for path, operations in document()["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            assert {"413", "415", "429", "503"} <= set(responses), (path, method)
            for status, response in responses.items():
                if int(status) >= 400:
                    schema = response["content"]["application/json"]["schema"]
                    assert schema == {"$ref": "#/components/schemas/ErrorResponse"}
            assert responses["429"]["headers"]["Retry-After"]["required"] is True
            if operation["security"]:
                assert operation["security"] == [{"cognitoIdToken": []}]
                assert {"401", "403"} <= set(responses)


def test_headers_and_bodies_come_from_the_routes() -> None:
    paths = document()["paths"]
    start = paths["/sessions"]["post"]
    assert [p["name"] for p in start["parameters"]] == ["Idempotency-Key"]
    assert start["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/StartRequest"
    }
    assert paths["/verify/{code}"]["get"]["security"] == []
    status = paths["/public/calls/{call_id}"]["get"]
    assert [p["name"] for p in status["parameters"]] == ["call_id", "X-Call-Token"]
    photo = paths["/officers/{officer_id}/photo"]["put"]["requestBody"]["content"]
    assert set(photo) == {"image/jpeg", "image/png"}
    assert set(paths["/officers/import"]["post"]["requestBody"]["content"]) == {"text/csv"}
    lookup = {p["name"]: p for p in paths["/officers/lookup"]["get"]["parameters"]}
    assert lookup["force"]["required"] and lookup["shoulder"]["required"]


def test_the_documented_officer_body_is_the_register_entry() -> None:
    # The use case validates PUT /officers/{id} with the domain model (after the role check);
    # the documented body must name the same fields, less what the server keeps.
    assert set(OfficerRequest.model_fields) == (
        set(Officer.model_fields) - {"on_duty", "photo_key"}
    ) | {"pager"}


def test_a_route_without_a_contract_stops_the_generator() -> None:
    from chalice.app import Chalice

    bare = Chalice(app_name="bare")

    @bare.route("/undocumented")
    def undocumented() -> dict[str, Any]:
        return {}

    with pytest.raises(GeneratorError, match="/undocumented"):
        document(bare)


def test_the_output_is_deterministic_json() -> None:
    text = render()
    assert text == render()
    assert json.dumps(json.loads(text), indent=2, sort_keys=True, ensure_ascii=False) + "\n" == text
