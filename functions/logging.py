"""The Powertools JSON logger; the session id is the correlation id on every line."""

from __future__ import annotations

from aws_lambda_powertools import Logger

__all__ = ["logger"]

logger = Logger(service="safe-connection")
