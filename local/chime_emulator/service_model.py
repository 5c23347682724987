"""The AWS surface of the emulator, read from botocore's bundled service model.

Routing (method, path template, ``?operation=`` marker, status code), the location of every
input member (path, query string, header, body) and every validation rule (required members,
lengths, patterns, enums, ranges, list sizes) come from ``chime-sdk-meetings``' ``service-2.json``
as botocore ships it. Nothing is copied by hand, so a botocore upgrade that changes the model
changes the emulator with it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any
from urllib.parse import unquote

import botocore.session
from botocore.model import ListShape, MapShape, OperationModel, ServiceModel, Shape, StructureShape

SERVICE_NAME = "chime-sdk-meetings"


class ChimeError(Exception):
    """An error the AWS surface returns as a modelled exception.

    Parameters
    ----------
    error_type
        The exception shape name from the model, e.g. ``"BadRequestException"``. botocore reads it
        from the ``x-amzn-ErrorType`` header and raises ``client.exceptions.<error_type>``.
    message
        Human-readable text, returned as ``Message`` in the JSON body.
    headers
        Extra response headers (``Retry-After`` for ``ServiceUnavailableException``).
    """

    def __init__(self, error_type: str, message: str, headers: Mapping[str, str] | None = None):
        super().__init__(f"{error_type}: {message}")
        self.error_type = error_type
        self.message = message
        self.headers = dict(headers or {})

    @property
    def status(self) -> int:
        """The HTTP status the model assigns to this exception (500 if it is not modelled)."""
        return error_status(self.error_type)


def bad_request(message: str) -> ChimeError:
    """Build the ``BadRequestException`` AWS returns for input that breaks the model's rules."""
    return ChimeError("BadRequestException", message)


@cache
def service_model() -> ServiceModel:
    """Load the bundled model once; botocore's loader is slow enough to be worth caching."""
    return botocore.session.get_session().get_service_model(SERVICE_NAME)


@cache
def error_status(error_type: str) -> int:
    """Return the modelled ``httpStatusCode`` of an exception shape, 500 if unknown."""
    if error_type == "NotImplementedException":  # the emulator's own; 501 is not retried
        return 501
    try:
        shape = service_model().shape_for(error_type)
    except Exception:  # botocore raises NoShapeFoundError; an unknown name is a server fault
        return 500
    return int(shape.metadata.get("error", {}).get("httpStatusCode", 500))


@dataclass(frozen=True)
class Route:
    """How one operation is addressed on the wire."""

    operation: OperationModel
    method: str
    path: re.Pattern[str]
    marker: tuple[str, str] | None  # the ``?operation=create-attendees`` style discriminator

    @property
    def name(self) -> str:
        return self.operation.name

    @property
    def status(self) -> int:
        return int(self.operation.http.get("responseCode", 200))


def _compile(request_uri: str) -> tuple[re.Pattern[str], tuple[str, str] | None]:
    path, _, query = request_uri.partition("?")
    regex = re.sub(
        r"\{(\w+)(\+?)\}",
        lambda m: f"(?P<{m.group(1)}>{'.+' if m.group(2) else '[^/]+'})",
        re.escape(path).replace(r"\{", "{").replace(r"\}", "}"),
    )
    marker = None
    if query:
        key, _, value = query.partition("=")
        marker = (key, value)
    return re.compile(f"^{regex}$"), marker


@cache
def routes() -> tuple[Route, ...]:
    """Every operation of the model as a route; ones with a query marker sort first."""
    model = service_model()
    found = []
    for name in model.operation_names:
        op = model.operation_model(name)
        path, marker = _compile(op.http["requestUri"])
        found.append(Route(op, op.http["method"], path, marker))
    return tuple(sorted(found, key=lambda r: r.marker is None))


def match(method: str, path: str, query: Mapping[str, list[str]]) -> tuple[Route, dict[str, str]]:
    """Find the operation a request addresses.

    Raises
    ------
    ChimeError
        ``NotFoundException`` when no operation of the model has that method and path.
    """
    for route in routes():
        if route.method != method:
            continue
        found = route.path.match(path)
        if not found:
            continue
        if route.marker and route.marker[1] not in query.get(route.marker[0], []):
            continue
        return route, {k: unquote(v) for k, v in found.groupdict().items()}
    raise ChimeError("NotFoundException", f"No operation matches {method} {path}")


def parse_input(
    route: Route,
    path_params: Mapping[str, str],
    query: Mapping[str, list[str]],
    headers: Mapping[str, str],
    body: bytes,
) -> dict[str, Any]:
    """Rebuild the operation's input parameters from the parts of an HTTP request.

    This is the inverse of botocore's rest-json serializer: each member is read from where the
    model says it travels.
    """
    shape = route.operation.input_shape
    params: dict[str, Any] = {}
    if shape is None:
        return params
    payload: Any = {}
    if body.strip():
        try:
            payload = json.loads(body)
        except ValueError as exc:
            raise bad_request(f"The request body is not valid JSON: {exc}") from None
        if not isinstance(payload, dict):
            raise bad_request("The request body must be a JSON object")
    lowered = {k.lower(): v for k, v in headers.items()}
    for name, member in shape.members.items():
        location = member.serialization.get("location")
        wire_name = member.serialization.get("name", name)
        if location == "uri":
            if wire_name in path_params:
                params[name] = path_params[wire_name]
        elif location == "querystring":
            if wire_name in query:
                params[name] = _scalar(member, query[wire_name][-1], wire_name)
        elif location == "header":
            if wire_name.lower() in lowered:
                params[name] = _scalar(member, lowered[wire_name.lower()], wire_name)
        elif name in payload:
            params[name] = payload[name]
    return params


def _scalar(shape: Shape, raw: str, wire_name: str) -> Any:
    if shape.type_name in ("integer", "long"):
        try:
            return int(raw)
        except ValueError:
            raise bad_request(f"'{wire_name}' must be an integer, got {raw!r}") from None
    if shape.type_name == "boolean":
        return raw.lower() == "true"
    return raw


def _lower_first(name: str) -> str:
    return name[:1].lower() + name[1:]


def validate(shape: Shape | None, value: Any) -> None:
    """Check input against the model, the way the real service's validation layer does.

    botocore's client-side validation only checks types, required members and minimum lengths;
    the service checks the rest. The message follows AWS' ``1 validation error detected: Value
    ... at '...' failed to satisfy constraint: ...`` wording.

    Raises
    ------
    ChimeError
        ``BadRequestException`` naming the first offending member.
    """
    if shape is None:
        return
    errors: list[str] = []
    _check(shape, value, "", errors)
    if errors:
        count = len(errors)
        noun = "error" if count == 1 else "errors"
        raise bad_request(f"{count} validation {noun} detected: " + "; ".join(errors))


def _describe(value: Any, shape: Shape) -> str:
    # Sensitive members (tokens, external ids) are redacted in AWS' messages too.
    if shape.metadata.get("sensitive"):
        return "*** Sensitive Data Redacted ***"
    return str(value)


def _check(shape: Shape, value: Any, path: str, errors: list[str]) -> None:
    def fail(constraint: str) -> None:
        errors.append(
            f"Value '{_describe(value, shape)}' at '{path}' failed to satisfy constraint: "
            f"{constraint}"
        )

    meta = shape.metadata
    kind = shape.type_name
    if isinstance(shape, StructureShape):
        if not isinstance(value, dict):
            fail("Member must be a structure")
            return
        for required in shape.required_members:
            if value.get(required) is None:
                where = f"{path}.{_lower_first(required)}" if path else _lower_first(required)
                errors.append(
                    f"Value null at '{where}' failed to satisfy constraint: Member must not be null"
                )
        for name, member in shape.members.items():
            if value.get(name) is not None:
                where = f"{path}.{_lower_first(name)}" if path else _lower_first(name)
                _check(member, value[name], where, errors)
        return
    if isinstance(shape, ListShape):
        if not isinstance(value, list):
            fail("Member must be a list")
            return
        _check_size(len(value), meta, "length", fail)
        for index, item in enumerate(value):
            _check(shape.member, item, f"{path}.{index + 1}.member", errors)
        return
    if isinstance(shape, MapShape):
        if not isinstance(value, dict):
            fail("Member must be a map")
            return
        _check_size(len(value), meta, "length", fail)
        return
    if kind == "string":
        if not isinstance(value, str):
            fail("Member must be a string")
            return
        _check_size(len(value), meta, "length", fail)
        pattern = meta.get("pattern")
        if pattern and not re.fullmatch(pattern.removeprefix("^").removesuffix("$"), value):
            fail(f"Member must satisfy regular expression pattern: {pattern}")
        enum = getattr(shape, "enum", None)  # only StringShape carries it
        if enum and value not in enum:
            fail(f"Member must satisfy enum value set: [{', '.join(enum)}]")
        return
    if kind in ("integer", "long"):
        if isinstance(value, bool) or not isinstance(value, int):
            fail("Member must be an integer")
            return
        _check_size(value, meta, "value", fail)
        return
    if kind == "boolean" and not isinstance(value, bool):
        fail("Member must be a boolean")


def _check_size(size: int, meta: Mapping[str, Any], what: str, fail: Any) -> None:
    if "min" in meta and size < meta["min"]:
        fail(f"Member must have {what} greater than or equal to {meta['min']}")
    if "max" in meta and size > meta["max"]:
        fail(f"Member must have {what} less than or equal to {meta['max']}")
