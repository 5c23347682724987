"""Write ``docs/openapi.json``: the OpenAPI 3.1 document of the HTTP API, generated.

Nothing in it is written by hand. The paths, methods, path parameters, authorizer and accepted
content types come from the Chalice app's route table (``app.routes``, every blueprint); what
each route takes and answers from the :func:`functions.http.contract.documented` record beside
it; every body's schema from its pydantic model (``model_json_schema``); the error answers from
the envelope (:class:`functions.http.schemas.ErrorResponse`) and the body limits of
:mod:`functions.http.envelope`.

Run it after changing a route or a model (``make openapi``)::

    .venv/bin/python -m local.openapi          # rewrite docs/openapi.json
    .venv/bin/python -m local.openapi --check  # exit 1 if it is out of date

``tests/fuzz/test_openapi.py`` fails while the committed file differs from what this writes,
and ``tests/fuzz/test_fuzz.py`` fuzzes the running API from it with Schemathesis. The output
is deterministic: sorted keys, no clock, no machine.
"""

from __future__ import annotations

import argparse
import inspect
import json
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode, models_json_schema

from functions.http.contract import RouteDoc, doc_of
from functions.http.envelope import STATUS_CODES, body_limit
from functions.http.schemas import ErrorResponse

__all__ = ["DOCUMENT", "GeneratorError", "document", "main", "render"]

ROOT = Path(__file__).resolve().parents[1]
DOCUMENT = ROOT / "docs" / "openapi.json"
SECURITY_SCHEME = "cognitoIdToken"
_REF = "#/components/schemas/{model}"

STATUS_TEXT: Mapping[int, str] = {
    400: "Bad input; `details` name each field (`location.lat`; CSV rows carry `row`).",
    401: "No `Authorization` header (the gateway answers; `WWW-Authenticate: Bearer`).",
    403: "The token was refused (gateway), or the caller's role or force may not do this.",
    404: "No such thing, or not one the caller may see.",
    409: "A late or duplicate transition, or the register refuses it (`code` says which).",
    413: "The body is over the route's limit (the gateway's own limit is 10 MB).",
    415: "The `Content-Type` is not one this route takes.",
    429: "Too many requests from this client (her routes' limits; the gateway's throttling).",
    503: "A dependency failed or the time budget ran out: fall back to 999. Nothing half-done.",
}
"""What each error status means on any route (docs/api.md has the full table)."""


class GeneratorError(RuntimeError):
    """The app has a route the document cannot describe; the message says which."""


def _app() -> Any:
    from app import app  # the deployed app object: its routes are the API

    return app


def _tag(view: Any) -> str:
    # functions.http.sessions_api -> "sessions": one tag per blueprint module.
    return str(inspect.unwrap(view).__module__).rsplit(".", 1)[-1].removesuffix("_api")


def _summary(view: Any) -> tuple[str, str]:
    # Docstrings are reST (``code``); the document is Markdown (`code`).
    text = inspect.cleandoc(inspect.getdoc(view) or "").replace("``", "`")
    first, _, rest = text.partition("\n")
    return first.strip(), rest.strip()


def _models(docs: Iterable[RouteDoc]) -> list[tuple[type[BaseModel], JsonSchemaMode]]:
    pairs: set[tuple[type[BaseModel], JsonSchemaMode]] = {(ErrorResponse, "serialization")}
    for doc in docs:
        pairs |= {(model, "serialization") for model in doc.responses.values()}
        pairs |= {(m, "validation") for m in (doc.body, doc.query) if m is not None}
    return sorted(pairs, key=lambda pair: (pair[0].__module__, pair[0].__name__, pair[1]))


def _query_parameters(model: type[BaseModel]) -> list[dict[str, Any]]:
    schema = model.model_json_schema(mode="validation")
    required = set(schema.get("required", []))
    return [
        {
            "in": "query",
            "name": name,
            "required": name in required,
            "schema": {k: v for k, v in prop.items() if k != "title"},
            **({"description": prop["description"]} if "description" in prop else {}),
        }
        for name, prop in schema.get("properties", {}).items()
    ]


def _request_body(
    doc: RouteDoc, content_types: list[str], limit: int, refs: Mapping[Any, Any]
) -> dict[str, Any] | None:
    note = f"At most {limit} bytes (`413` past it)."
    if doc.body is not None:
        return {
            "required": doc.body_required,
            "description": note,
            "content": {"application/json": {"schema": refs[(doc.body, "validation")]}},
        }
    if content_types == ["application/json"]:
        return None
    return {
        "required": True,
        "description": note,
        "content": {
            kind: {"schema": {"type": "string", "contentMediaType": kind}} for kind in content_types
        },
    }


def _error_statuses(doc: RouteDoc, *, login: bool, takes_input: bool) -> list[int]:
    statuses = {413, 415, 429, 503, *doc.errors}
    if login:
        statuses |= {401, 403}
    if takes_input:
        statuses.add(400)
    return sorted(statuses)


def _error_response(status: int) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": f"`{STATUS_CODES[status]}` (or a more specific code). {STATUS_TEXT[status]}",
        "content": {"application/json": {"schema": {"$ref": _REF.format(model="ErrorResponse")}}},
    }
    if status == 429:
        response["headers"] = {
            "Retry-After": {
                "description": "Seconds until the client may try again.",
                "required": True,
                "schema": {"type": "string", "pattern": "^[0-9]+$"},
            }
        }
    if status == 401:
        response["headers"] = {
            "WWW-Authenticate": {
                "description": "Sent by the gateway, which gives every 401 here.",
                "required": False,
                "schema": {"type": "string", "const": "Bearer"},
            }
        }
    return response


def _operation(path: str, method: str, entry: Any, refs: Mapping[Any, Any]) -> dict[str, Any]:
    view = entry.view_function
    doc = doc_of(view)
    if doc is None:
        raise GeneratorError(
            f"{method} {path} ({view.__module__}.{view.__name__}) has no @documented(...) "
            "record: add one (functions/http/contract.py)"
        )
    summary, description = _summary(view)
    if not summary:
        raise GeneratorError(f"{method} {path}: the view needs a docstring (its summary)")
    login = entry.authorizer is not None
    roles = ", ".join(f"`{role.value}`" for role in doc.roles) if doc.roles else None
    who = f"Roles: {roles}." if roles else "No login."
    parameters = [
        {"in": "path", "name": name, "required": True, "schema": {"type": "string"}}
        for name in entry.view_args
    ]
    parameters += _query_parameters(doc.query) if doc.query else []
    parameters += [
        {
            "in": "header",
            "name": h.name,
            "required": h.required,
            "description": h.description,
            "schema": dict(h.schema),
        }
        for h in doc.headers
    ]
    body = _request_body(doc, entry.content_types, body_limit(path, entry.content_types), refs)
    responses: dict[str, Any] = {
        str(status): {
            "description": _summary(model)[0],
            "content": {"application/json": {"schema": refs[(model, "serialization")]}}
            if doc.media_type == "application/json"
            else {
                doc.media_type: {
                    "schema": {"type": "string", "contentMediaType": doc.media_type},
                    "x-row": refs[(model, "serialization")],
                }
            },
        }
        for status, model in doc.responses.items()
    }
    takes_input = body is not None or doc.query is not None or bool(entry.view_args)
    for status in _error_statuses(doc, login=login, takes_input=takes_input):
        responses[str(status)] = _error_response(status)
    operation: dict[str, Any] = {
        "operationId": view.__name__,
        "summary": summary,
        "description": f"{description}\n\n{who}".strip(),
        "tags": [_tag(view)],
        "security": [{SECURITY_SCHEME: []}] if login else [],
        "responses": responses,
    }
    if doc.roles:
        operation["x-roles"] = [role.value for role in doc.roles]
    if parameters:
        operation["parameters"] = parameters
    if body is not None:
        operation["requestBody"] = body
    return operation


def document(app: Any = None) -> dict[str, Any]:
    """The OpenAPI 3.1 document of ``app`` (the deployed app by default)."""
    app = app if app is not None else _app()
    routes: dict[str, dict[str, Any]] = app.routes
    entries = [entry for methods in routes.values() for entry in methods.values()]
    docs = [doc for entry in entries if (doc := doc_of(entry.view_function)) is not None]
    refs, top = models_json_schema(_models(docs), ref_template=_REF)
    paths: dict[str, Any] = {}
    for path, methods in sorted(routes.items()):
        paths[path] = {
            method.lower(): _operation(path, method, entry, refs)
            for method, entry in sorted(methods.items())
        }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Safe Connection API",
            "version": "1",
            "description": (
                "Generated from the Chalice routes and pydantic models by "
                "`python -m local.openapi`; the prose is in docs/api.md. Every error, whoever "
                "answers it (a route, Chalice, API Gateway, WAF), is the envelope "
                '`{"error": {"code", "message", "details"}}`. A path no route has is `404`; '
                "a method a path lacks is `405` with `Allow`. Every route answers CORS "
                "preflights (`OPTIONS`)."
            ),
        },
        "servers": [
            {"url": "http://127.0.0.1:8000", "description": "`make run`"},
            {
                "url": "https://{api}.execute-api.{region}.amazonaws.com/api",
                "description": "Deployed (the stack's ApiUrl output)",
                "variables": {"api": {"default": "api-id"}, "region": {"default": "eu-west-2"}},
            },
        ],
        "tags": [{"name": tag} for tag in sorted({_tag(e.view_function) for e in entries})],
        "paths": paths,
        "components": {
            "schemas": top.get("$defs", {}),
            "securitySchemes": {
                SECURITY_SCHEME: {
                    "type": "http",
                    "scheme": "bearer",
                    "bearerFormat": "JWT",
                    "description": "A Cognito ID token of the stage's user pool "
                    "(`cognito:groups` give the roles).",
                }
            },
        },
    }


def render(app: Any = None) -> str:
    """The document as committed: 2-space JSON, sorted keys, one trailing newline."""
    return json.dumps(document(app), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    """``python -m local.openapi [--check]``."""
    parser = argparse.ArgumentParser(prog="python -m local.openapi", description=__doc__)
    parser.add_argument("--check", action="store_true", help="exit 1 if the file is stale")
    parser.add_argument("--output", type=Path, default=DOCUMENT)
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        current = args.output.read_text() if args.output.exists() else ""
        if current != text:
            print(f"{args.output} is out of date: run `make openapi`", file=sys.stderr)
            return 1
        return 0
    args.output.write_text(text)
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
