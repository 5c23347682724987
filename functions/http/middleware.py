"""Request logging: one JSON line per request, correlated by session id."""

from __future__ import annotations

import time
from collections.abc import Callable

from aws_lambda_powertools.logging.utils import copy_config_to_registered_loggers
from chalice.app import Chalice, Request, Response

from functions.logging import logger

__all__ = ["configure_logging"]


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
