"""Invoking a handler as Lambda does: finding it, the context it gets, reading its answer.

The event pump (:mod:`local.events`) delivers queued messages and stream records through these:
a handler is named by import path (``"functions.events.handlers:timers"``) or given as a
callable; it is called as ``handler(event, context)`` with a :class:`LocalContext`; a
``batchItemFailures`` answer is read by Lambda's rules (:func:`failed_identifiers`); stream
record values are given Lambda's JSON shape (:func:`lambda_value`).
"""

from __future__ import annotations

import base64
import importlib
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

__all__ = [
    "BatchFailedError",
    "Handler",
    "HandlerMissingError",
    "HandlerRef",
    "LocalContext",
    "failed_identifiers",
    "lambda_value",
    "resolve_handler",
]

Handler = Callable[[dict[str, Any], Any], Any]
"""A Lambda handler: ``handler(event, context) -> response``."""

HandlerRef = str | Handler
"""``"package.module:attribute"`` or the handler itself."""


class HandlerMissingError(Exception):
    """A handler named by import path does not exist (yet)."""


def resolve_handler(ref: HandlerRef) -> Handler:
    """The handler ``ref`` names (``"package.module:attribute"``), or ``ref`` if it is one.

    Raises
    ------
    HandlerMissingError
        If the module or the attribute does not exist. Any other import error (a bug in an
        existing module) propagates as it is.
    """
    if not isinstance(ref, str):
        return ref
    module_name, _, attribute = ref.partition(":")
    if not module_name or not attribute:
        raise ValueError(f"handler {ref!r} is not 'package.module:attribute'")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        missing = exc.name or ""
        if missing and (module_name == missing or module_name.startswith(missing + ".")):
            raise HandlerMissingError(f"{ref} is missing: no module named {missing!r}") from exc
        raise
    handler = getattr(module, attribute, None)
    if handler is None:
        raise HandlerMissingError(f"{ref} is missing: {module_name} has no {attribute!r}")
    if not callable(handler):
        raise TypeError(f"{ref} is not callable")
    return cast(Handler, handler)


@dataclass
class LocalContext:
    """The Lambda context object a handler receives (what Powertools and Chalice read)."""

    function_name: str
    timeout_seconds: float = 60.0
    function_version: str = "$LATEST"
    memory_limit_in_mb: int = 512
    region: str = "eu-west-2"
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    _started: float = field(default_factory=time.monotonic, repr=False)

    @property
    def invoked_function_arn(self) -> str:
        """An ARN of the shape Lambda passes."""
        return f"arn:aws:lambda:{self.region}:123456789012:function:{self.function_name}"

    @property
    def log_group_name(self) -> str:
        """``/aws/lambda/<function>``."""
        return f"/aws/lambda/{self.function_name}"

    @property
    def log_stream_name(self) -> str:
        """A log stream name of Lambda's shape."""
        return f"{time.strftime('%Y/%m/%d')}/[$LATEST]{self.aws_request_id.replace('-', '')}"

    def get_remaining_time_in_millis(self) -> int:
        """Milliseconds left before the (notional) Lambda timeout."""
        left = self.timeout_seconds - (time.monotonic() - self._started)
        return max(0, int(left * 1000))


class BatchFailedError(Exception):
    """The handler failed the whole batch (raised, or answered nonsense)."""


def failed_identifiers(response: Any, identifiers: Sequence[str]) -> list[str]:
    """The identifiers a ``batchItemFailures`` answer reports, in batch order.

    Lambda's rules: no answer, no ``batchItemFailures`` or an empty list is complete success;
    an entry without a known ``itemIdentifier`` fails the whole batch.
    """
    if not isinstance(response, Mapping):
        return []
    failures = response.get("batchItemFailures")
    if not failures:
        return []
    if not isinstance(failures, list):
        raise BatchFailedError(f"batchItemFailures is not a list: {failures!r}")
    known = set(identifiers)
    reported: set[str] = set()
    for failure in failures:
        item = failure.get("itemIdentifier") if isinstance(failure, Mapping) else None
        if not isinstance(item, str) or item not in known:
            raise BatchFailedError(f"invalid batchItemFailures entry {failure!r}")
        reported.add(item)
    return [identifier for identifier in identifiers if identifier in reported]


def lambda_value(value: Mapping[str, Any]) -> dict[str, Any]:
    """An attribute value as Lambda's JSON has it: binary as base64 text (boto3 gave bytes)."""
    (kind, inner), *_ = value.items()
    if kind == "B":
        return {"B": base64.b64encode(inner).decode()}
    if kind == "BS":
        return {"BS": [base64.b64encode(item).decode() for item in inner]}
    if kind == "M":
        return {"M": {k: lambda_value(v) for k, v in inner.items()}}
    if kind == "L":
        return {"L": [lambda_value(item) for item in inner]}
    return {kind: inner}
