"""Structured logs (Powertools Logger) with the session id as correlation id on every line."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.logging.utils import copy_config_to_registered_loggers
from chalice.app import Chalice, Request, Response

__all__ = ["configure_logging", "logger"]

logger = Logger(service="safe-connection")


def configure_logging(app: Chalice) -> None:
    """Send every ``functions.*`` log line through the JSON logger and correlate by session.

    Call once, after the blueprints are imported (so their module loggers exist).
    """
    copy_config_to_registered_loggers(source_logger=logger, include={"functions"})

    @app.middleware("http")
    def correlate(event: Request, get_response: Callable[[Request], Response]) -> Response:
        started = time.perf_counter()
        session_id = (event.uri_params or {}).get("session_id")
        logger.set_correlation_id(session_id)
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


def log_event(message: str, **fields: Any) -> None:
    """One structured line outside a request (event handlers)."""
    logger.info(message, **fields)
