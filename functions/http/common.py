"""What every route shares: the caller, the body, JSON responses and the error envelope."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from chalice.app import CORSConfig, Request, Response
from pydantic import BaseModel, ValidationError

from functions.auth import InvalidToken, principal_from_context
from functions.config import settings
from functions.domain import DomainError, Principal, ValidationFailed
from functions.services.budget import FALL_BACK_TO_999, Deadline, run_within

__all__ = [
    "API_CORS",
    "api_route",
    "body_bytes",
    "caller",
    "error",
    "header",
    "json_object",
    "json_response",
    "parse",
    "parse_query",
    "query",
    "request_deadline",
    "within_budget",
]

API_CORS = CORSConfig(
    allow_origin="*",
    allow_headers=["Authorization", "Idempotency-Key", "X-Call-Token", "X-Record-Key"],
    expose_headers=["Retry-After", "Content-Disposition"],  # the CSV export's file name
    max_age=600,
)
"""CORS on every route: the three web faces are served from their own origin (CloudFront).

``*`` is safe here because nothing is ambient: police users send a bearer ID token that a
foreign page cannot read, and her routes need none. A preflight is cached for 10 minutes.
"""

log = logging.getLogger(__name__)
M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")
JSON = {"Content-Type": "application/json", "Cache-Control": "no-store"}


def json_response(status: int, body: Any, headers: dict[str, str] | None = None) -> Response:
    """A JSON response that no cache keeps (everything here is live and personal)."""
    return Response(body=json.dumps(body), status_code=status, headers={**JSON, **(headers or {})})


def error(status: int, code: str, message: str, details: list[Any] | None = None) -> Response:
    """The API's error envelope: ``{"error": {"code", "message", "details"}}``."""
    return json_response(
        status, {"error": {"code": code, "message": message, "details": details or []}}
    )


def caller(request: Request) -> Principal:
    """The authenticated principal the authorizer put in the request context."""
    context = (request.context or {}).get("authorizer") or {}
    try:
        return principal_from_context(context)
    except InvalidToken:
        raise _UnauthenticatedError() from None


class _UnauthenticatedError(Exception):
    """The authorizer context is missing or unreadable (never expected behind the gateway)."""


def header(request: Request, name: str) -> str | None:
    """A request header, case-insensitively (``None`` if absent)."""
    headers: Any = request.headers or {}
    found = headers.get(name.lower())
    return str(found) if found is not None else None


def query(request: Request) -> dict[str, str]:
    """The query string as a plain dict (last value wins)."""
    params: Any = request.query_params or {}
    return {str(k): str(v) for k, v in params.items()}


def body_bytes(request: Request) -> bytes:
    """The raw body as bytes, whatever the gateway handed over."""
    raw: Any = request.raw_body or b""
    return raw.encode() if isinstance(raw, str) else bytes(raw)


MAX_JSON_DEPTH = 16
"""Deepest nesting a JSON body may have: every request model is at most 3 levels deep, and a
deeper body (``[[[[...]]]]``) would only make ``json.loads`` and pydantic recurse."""


def json_object(request: Request, *, allow_empty: bool = False) -> dict[str, Any]:
    """The JSON object in the body; a malformed, too deeply nested or non-object body is a 400.

    With ``allow_empty``, an empty body is ``{}``.
    """
    raw = body_bytes(request)
    if not raw.strip():
        if allow_empty:
            return {}
        raise ValidationFailed.for_field("body", "Send a JSON object.")
    too_deep = f"The body is nested too deeply (at most {MAX_JSON_DEPTH} levels)."
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise ValidationFailed.for_field("body", "The body is not valid JSON.") from None
    except RecursionError:  # json.loads recurses once per level: thousands of levels end here
        raise ValidationFailed.for_field("body", too_deep) from None
    if not _within_depth(data, MAX_JSON_DEPTH):
        raise ValidationFailed.for_field("body", too_deep)
    if not isinstance(data, dict):
        raise ValidationFailed.for_field("body", "Send a JSON object.")
    return data


def _within_depth(value: Any, limit: int) -> bool:
    """Whether ``value`` nests at most ``limit`` arrays and objects deep.

    A loop, not recursion: the depth is what is being checked.
    """
    pending = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return False
        pending.extend((child, depth + 1) for child in children)
    return True


def parse(request: Request, model: type[M], *, allow_empty: bool = False) -> M:
    """Parse the JSON body into ``model``; a bad body is a 400 naming the field."""
    data = json_object(request, allow_empty=allow_empty)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ValidationFailed.from_pydantic(exc) from exc


def parse_query(request: Request, model: type[M]) -> M:
    """Parse the query string into ``model``; an unknown or bad parameter is a 400 naming it."""
    try:
        return model.model_validate(query(request))
    except ValidationError as exc:
        raise ValidationFailed.from_pydantic(exc) from exc


def within_budget(work: Callable[[], T], message: str = FALL_BACK_TO_999) -> T:
    """``work()``, answered within ``REQUEST_BUDGET_SECONDS`` (else a 503 saying ``message``).

    For the routes a person on the street waits for (docs/operations.md, "Time budgets").
    """
    return run_within(settings().request_budget_seconds, work, message=message)


def request_deadline() -> Deadline:
    """When work inside :func:`within_budget` must give up waiting by itself.

    Half a second before the budget, so that a request waiting for another (the same
    ``Idempotency-Key``) answers with its own precise error rather than the budget's 503.
    """
    return Deadline(settings().request_budget_seconds - 0.5)


def api_route(view: Callable[..., Response]) -> Callable[..., Response]:
    """Turn refusals into the error envelope; anything else is a logged 500."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Response:
        try:
            return view(*args, **kwargs)
        except DomainError as exc:
            log.info("refused: %s %s", exc.code, exc.message)
            body = exc.to_body()
            return json_response(exc.http_status, body, getattr(exc, "headers", None))
        except _UnauthenticatedError:
            return error(401, "unauthenticated", "Log in again.")
        except Exception:
            log.exception("unexpected error")
            return error(500, "internal_error", "Something went wrong on our side. Call 999.")

    return wrapper
