"""The error envelope for the answers our views never write: Chalice's own and the gateway's.

Every error the API gives is ``{"error": {"code", "message", "details"}}`` (docs/api.md). The
views write it through :func:`functions.http.common.error`; three other writers exist:

* **Chalice itself**, before a view runs: ``405`` for a method the route lacks, ``415`` for a
  ``Content-Type`` it does not accept, ``500`` if a middleware raises. It answers
  ``{"Code": ..., "Message": ...}``; :func:`register` adds an ``http`` middleware (Chalice's
  supported hook: it sees every REST response, these included) that rewrites such answers into
  the envelope, and that refuses a body over its route's limit (:func:`body_limit`) with ``413``
  before anything parses it.
* **API Gateway**, deployed: unknown routes, refused tokens, bodies over 10 MB, throttling, WAF
  blocks. :data:`GATEWAY_RESPONSES` is its gateway-response table (the CDK stack installs it).
* **chalice local's** gateway (``local.gateway``): the same answers on the local stack, written
  from the same table by :func:`gateway_answer`.

The middleware costs one dict lookup, one ``len`` and one type check per request.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any, Final

from chalice.app import Chalice, Request, Response

from functions.services.officers import PHOTO_MAX_BYTES

__all__ = [
    "CSV_MAX_BYTES",
    "GATEWAY_RESPONSES",
    "JSON_MAX_BYTES",
    "PHOTO_MAX_BYTES",
    "PUBLIC_JSON_MAX_BYTES",
    "STATUS_CODES",
    "body_limit",
    "envelope",
    "gateway_answer",
    "register",
]

JSON_MAX_BYTES: Final = 64 * 1024
"""A JSON body of a police route: far above any real one (the largest, an officer, is < 2 KB)."""
PUBLIC_JSON_MAX_BYTES: Final = 4 * 1024
"""A body of her routes (no login): her call's body is under 300 bytes."""
CSV_MAX_BYTES: Final = 512 * 1024
"""``POST /officers/import``: 1,000 rows of at most ~300 characters each, with room to spare."""
_PUBLIC_PREFIXES = ("/verify/", "/public/")

STATUS_CODES: Final[Mapping[int, str]] = {
    400: "validation_error",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    429: "rate_limited",
    500: "internal_error",
    503: "service_unavailable",
}
"""The envelope's ``code`` for an answer that has no more specific one."""

_CHALICE_MESSAGES: Final[Mapping[int, str]] = {
    400: "The request was not accepted.",
    405: "This route does not take that method; the Allow header lists those it takes.",
    415: "Send the body with a Content-Type this route accepts.",
    500: "Something went wrong on our side. Call 999.",
}
_HEADERS: Final = {
    "Content-Type": "application/json",
    "Cache-Control": "no-store",
    # Every route's CORS is "*" (functions.http.common.API_CORS); Chalice adds it only to what
    # a view answered, and the web pages must be able to read a 405, 413 or 415 too.
    "Access-Control-Allow-Origin": "*",
}

GATEWAY_RESPONSES: Final[Mapping[str, tuple[int | None, str, str]]] = {
    # API Gateway response type: (status, or None to keep API Gateway's; code; message)
    "UNAUTHORIZED": (401, "unauthenticated", "Log in to use this service."),
    "ACCESS_DENIED": (403, "forbidden", "Your login was not accepted. Log in again."),
    "EXPIRED_TOKEN": (403, "forbidden", "Your login has expired. Log in again."),
    "INVALID_SIGNATURE": (403, "forbidden", "Your login was not accepted. Log in again."),
    "INVALID_API_KEY": (403, "forbidden", "The request was not accepted."),
    "MISSING_AUTHENTICATION_TOKEN": (404, "not_found", "There is no such route."),
    "RESOURCE_NOT_FOUND": (404, "not_found", "There is no such route."),
    "BAD_REQUEST_BODY": (400, "validation_error", "The request body is not valid."),
    "BAD_REQUEST_PARAMETERS": (400, "validation_error", "The request parameters are not valid."),
    "REQUEST_TOO_LARGE": (413, "payload_too_large", "The request body is too large."),
    "UNSUPPORTED_MEDIA_TYPE": (
        415,
        "unsupported_media_type",
        "Send the body with a Content-Type this route accepts.",
    ),
    "THROTTLED": (
        429,
        "throttled",
        "Too many requests; try again in a moment. In an emergency call 999.",
    ),
    "QUOTA_EXCEEDED": (
        429,
        "throttled",
        "Too many requests; try again in a moment. In an emergency call 999.",
    ),
    "WAF_FILTERED": (403, "blocked", "The request was blocked. In an emergency call 999."),
    "AUTHORIZER_FAILURE": (
        503,
        "service_unavailable",
        "Your login could not be checked just now. Call 999 and try again shortly.",
    ),
    "AUTHORIZER_CONFIGURATION_ERROR": (
        503,
        "service_unavailable",
        "Your login could not be checked just now. Call 999 and try again shortly.",
    ),
    "INTEGRATION_FAILURE": (
        503,
        "service_unavailable",
        "The service is unavailable. Fall back to 999 and try again shortly.",
    ),
    "INTEGRATION_TIMEOUT": (
        503,
        "service_unavailable",
        "The service did not answer in time. Fall back to 999 and try again shortly.",
    ),
    "DEFAULT_4XX": (None, "bad_request", "The request was not accepted."),
    "DEFAULT_5XX": (
        None,
        "service_unavailable",
        "The service is unavailable. Fall back to 999 and try again shortly.",
    ),
}
"""What API Gateway answers by itself, each in the envelope (``details`` always ``[]``).

``MISSING_AUTHENTICATION_TOKEN`` is API Gateway's answer to a path no route has (whatever the
token); a known path with a method it lacks gets ``405`` from the stack's per-path mock
(``infra/safe_connection_infra/api.py``). The 5xx types become ``503``: each means the caller
should fall back to 999 and try again, which is what a 503 says here (docs/api.md).
"""


def envelope(code: str, message: str, details: list[Any] | None = None) -> dict[str, Any]:
    """``{"error": {"code", "message", "details"}}``."""
    return {"error": {"code": code, "message": message, "details": details or []}}


def body_limit(path: str, content_types: list[str]) -> int:
    """The most bytes a request body may have on the route at ``path`` (a resource path).

    Parameters
    ----------
    path
        The route as registered, e.g. ``/officers/{officer_id}/photo``.
    content_types
        The ``Content-Type`` values the route accepts.
    """
    if any(t.startswith("image/") for t in content_types):
        return PHOTO_MAX_BYTES
    if "text/csv" in content_types:
        return CSV_MAX_BYTES
    if path.startswith(_PUBLIC_PREFIXES):
        return PUBLIC_JSON_MAX_BYTES
    return JSON_MAX_BYTES


def _too_large(limit: int) -> Response:
    size = f"{limit // (1024 * 1024)} MiB" if limit >= 1024 * 1024 else f"{limit // 1024} KiB"
    return Response(
        body=json.dumps(
            envelope(
                "payload_too_large",
                f"The request body is too large: this route takes at most {size}.",
                [{"field": "body", "message": f"at most {limit} bytes"}],
            )
        ),
        status_code=413,
        headers=dict(_HEADERS),
    )


def _from_chalice(response: Response) -> Response:
    """Chalice's ``{"Code", "Message"}`` answer in the envelope (its status and headers kept)."""
    status = response.status_code
    code = STATUS_CODES.get(status, "bad_request" if status < 500 else "internal_error")
    message = _CHALICE_MESSAGES.get(status) or str(response.body.get("Message") or code)
    headers = {**response.headers, **_HEADERS}
    return Response(body=json.dumps(envelope(code, message)), status_code=status, headers=headers)


def register(app: Chalice) -> None:
    """Put every REST answer of ``app`` in the envelope and enforce the body limits.

    Register it after any middleware that should see the final status (the request log).
    """

    @app.middleware("http")
    def enveloped(event: Request, get_response: Callable[[Request], Response]) -> Response:
        route = app.routes.get(event.path, {}).get(event.method)
        if route is not None:
            raw: Any = event.raw_body  # decoded once; the view reads the same cached bytes
            if raw and len(raw) > body_limit(event.path, route.content_types):
                return _too_large(body_limit(event.path, route.content_types))
        response = get_response(event)
        body = response.body
        if isinstance(body, dict) and "Code" in body and "error" not in body:
            return _from_chalice(response)
        return response


def gateway_answer(response_type: str, api_status: int) -> tuple[int, dict[str, str], bytes]:
    """API Gateway's answer of ``response_type`` as the deployed stack configures it.

    Parameters
    ----------
    response_type
        A key of :data:`GATEWAY_RESPONSES`.
    api_status
        The status API Gateway would give by default (kept where the table keeps it).

    Returns
    -------
    tuple
        ``(status, headers, body)``, headers as the stack sets them (CORS and no caching).
    """
    status, code, message = GATEWAY_RESPONSES[response_type]
    headers = dict(_HEADERS)
    if response_type == "UNAUTHORIZED":
        headers["WWW-Authenticate"] = "Bearer"
    return status or api_status, headers, json.dumps(envelope(code, message)).encode()
