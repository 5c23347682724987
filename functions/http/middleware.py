"""Request logging: the session id as correlation id on every line, and a line per refused request.

A request that succeeds logs nothing of its own: API Gateway's access log (``infra/.../api.py``)
already has one JSON line for every request, with its path (which holds the session id), status
and latencies, and ``chalice local`` prints one too. Writing the same line from the function cost
0.16-0.19 ms of every warm request's own time, a fifth of a ``GET /sessions/{id}`` (issue 17;
docs/performance.md, "Own time"). A 4xx or 5xx still logs its ``request`` line from the function,
with the in-function time, so failures are read beside the function's own warnings and errors.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from aws_lambda_powertools.logging.utils import copy_config_to_registered_loggers
from chalice.app import Chalice, Request, Response

from functions.logging import logger

__all__ = ["REFUSED", "configure_logging"]

REFUSED = 400
"""From this status on, the function logs the request itself (below it, the access log has it)."""


def configure_logging(app: Chalice) -> None:
    """Send every ``functions.*`` log line through the JSON logger and correlate by session.

    Call once, after the blueprints are imported (so their module loggers exist).
    """
    copy_config_to_registered_loggers(source_logger=logger, include={"functions"})

    @app.middleware("http")
    def correlate(event: Request, get_response: Callable[[Request], Response]) -> Response:
        started = time.perf_counter()
        logger.set_correlation_id((event.uri_params or {}).get("session_id"))
        try:
            response = get_response(event)
            if response.status_code >= REFUSED:
                logger.info(
                    "request",
                    method=event.method,
                    path=event.path,
                    status=response.status_code,
                    ms=round((time.perf_counter() - started) * 1000, 1),
                )
            return response
        finally:
            logger.set_correlation_id(None)
