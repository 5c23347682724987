"""What each route takes and answers, declared beside it, for the generated OpenAPI document.

``@documented(...)`` records a :class:`RouteDoc` on the view and returns the view unchanged (no
cost per request). ``python -m local.openapi`` reads the routes from the Chalice app and these
records, takes every body's schema from its pydantic model, and writes ``docs/openapi.json``;
a route without a record stops it, so no route goes undocumented.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel

from functions.domain import Role

__all__ = ["CALL_TOKEN", "IDEMPOTENCY_KEY", "Header", "RouteDoc", "doc_of", "documented"]

F = TypeVar("F", bound=Callable[..., Any])
_ATTRIBUTE = "__route_doc__"


@dataclass(frozen=True)
class Header:
    """A request header a route reads."""

    name: str
    description: str
    schema: Mapping[str, Any]
    required: bool = False


IDEMPOTENCY_KEY = Header(
    "Idempotency-Key",
    "Retries with the same key return the same answer and page nobody twice.",
    {"type": "string", "minLength": 1, "maxLength": 128},
)
CALL_TOKEN = Header(
    "X-Call-Token",
    "The `poll_token` of her call; a wrong or missing token gets `404`.",
    {"type": "string", "maxLength": 256},
)

RECORD_KEY = Header(
    "X-Record-Key",
    "Her record key (26 letters and digits; dashes and spaces are ignored). Never in the URL.",
    {"type": "string", "maxLength": 64},
    required=True,
)


@dataclass(frozen=True)
class RouteDoc:
    """One route's contract beyond what Chalice knows (path, method, authorizer, content types).

    Attributes
    ----------
    responses
        Success status and the model of its JSON body.
    roles
        Who may call it (documentation: the use cases enforce it). Empty: no login.
    errors
        Statuses this route answers itself beyond those every route can (413, 415, 429, 503;
        401 and 403 with a login; 400 with a body or query).
    body
        The model of the JSON body; ``None`` for no body or a non-JSON one (CSV, image).
    body_required
        Whether the JSON body may be left out.
    query
        The model of the query string (each field a parameter).
    headers
        Request headers it reads.
    media_type
        The success response's type: JSON by default; for another (CSV) the model describes
        one row (its columns).
    """

    responses: Mapping[int, type[BaseModel]]
    roles: tuple[Role, ...] = ()
    errors: tuple[int, ...] = ()
    body: type[BaseModel] | None = None
    body_required: bool = True
    query: type[BaseModel] | None = None
    headers: tuple[Header, ...] = field(default=())
    media_type: str = "application/json"


def documented(
    responses: Mapping[int, type[BaseModel]],
    *,
    roles: tuple[Role, ...] = (),
    errors: tuple[int, ...] = (),
    body: type[BaseModel] | None = None,
    body_required: bool = True,
    query: type[BaseModel] | None = None,
    headers: tuple[Header, ...] = (),
    media_type: str = "application/json",
) -> Callable[[F], F]:
    """Record the route's contract on the view (put it between ``@route`` and ``@api_route``)."""
    doc = RouteDoc(
        responses=responses,
        roles=roles,
        errors=errors,
        body=body,
        body_required=body_required,
        query=query,
        headers=headers,
        media_type=media_type,
    )

    def mark(view: F) -> F:
        setattr(view, _ATTRIBUTE, doc)
        return view

    return mark


def doc_of(view: Callable[..., Any]) -> RouteDoc | None:
    """The contract :func:`documented` recorded on ``view``, if any."""
    found = getattr(view, _ATTRIBUTE, None)
    return found if isinstance(found, RouteDoc) else None
