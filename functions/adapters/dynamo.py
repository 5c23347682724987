"""Plain-Python <-> DynamoDB attribute values, without the resource layer's overhead.

The values are exactly what boto3's ``TypeSerializer`` makes of :func:`_prepare`'s output and
what ``TypeDeserializer`` plus :func:`_restore` gives back (``tests/adapters/test_dynamo_codec.py``
checks both on generated data), but in one pass: boto3's classes test each value against a chain
of type checks, and this module's callers then walked the result a second time to turn floats into
``Decimal`` and ``Decimal`` back into ``int``/``float``. Together that was the largest share of a
warm request's own time in our code (issue 17; docs/performance.md, "Own time"). Binary values,
which the app never stores, still go through boto3.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from boto3.dynamodb.types import DYNAMODB_CONTEXT, TypeDeserializer, TypeSerializer

__all__ = ["from_item", "to_item", "value"]

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()
_SMALLEST = 1e-130
"""DynamoDB's smallest magnitude: a smaller float (a valid, subnormal coordinate) is stored 0."""


def _number(number: int | float | Decimal) -> str:
    """A DynamoDB number's text, checked as boto3 checks it (38 digits, no NaN or infinity)."""
    if isinstance(number, float):
        number = Decimal(str(number)) if abs(number) >= _SMALLEST else Decimal(0)
    text = str(DYNAMODB_CONTEXT.create_decimal(number))
    if text in ("Infinity", "NaN"):
        raise TypeError("Infinity and NaN not supported")
    return text


def _encode(data: Any) -> dict[str, Any]:
    """One attribute value; ``None`` inside a map is left out, as :func:`to_item` leaves it."""
    if isinstance(data, str):
        return {"S": data}
    if isinstance(data, bool):  # before int: a bool is an int
        return {"BOOL": data}
    if isinstance(data, int | float | Decimal):
        return {"N": _number(data)}
    if data is None:
        return {"NULL": True}
    if isinstance(data, dict):
        return {"M": {str(k): _encode(v) for k, v in data.items() if v is not None}}
    if isinstance(data, list | tuple):
        return {"L": [_encode(v) for v in data]}
    if isinstance(data, set | frozenset) and data:
        if all(isinstance(v, str) for v in data):
            return {"SS": list(data)}
        if all(isinstance(v, int | Decimal) and not isinstance(v, bool) for v in data):
            return {"NS": [_number(v) for v in data]}
    return cast(dict[str, Any], _serializer.serialize(data))  # binary, or what boto3 refuses


def _number_value(text: str) -> int | float:
    number = DYNAMODB_CONTEXT.create_decimal(text)
    return int(number) if number == number.to_integral_value() else float(number)


def _decode(attribute: dict[str, Any]) -> Any:
    """One attribute value back: numbers as ``int`` when whole, else ``float``."""
    ((kind, raw),) = attribute.items()
    if kind == "S":
        return raw
    if kind == "N":
        return _number_value(raw)
    if kind == "BOOL":
        return raw
    if kind == "M":
        return {k: _decode(v) for k, v in raw.items()}
    if kind == "L":
        return [_decode(v) for v in raw]
    if kind == "NULL":
        return None
    if kind == "SS":
        return set(raw)
    if kind == "NS":
        return {_number_value(v) for v in raw}

    return _deserializer.deserialize(cast(Any, attribute))  # B and BS: boto3's Binary


def value(data: Any) -> dict[str, Any]:
    """One attribute value, e.g. ``{"S": "abc"}``."""
    return _encode(data)


def to_item(data: dict[str, Any]) -> dict[str, Any]:
    """A whole item; ``None`` values are omitted."""
    return {k: _encode(v) for k, v in data.items() if v is not None}


def from_item(item: dict[str, Any]) -> dict[str, Any]:
    """Back to plain Python (ints stay ints, sets stay sets)."""
    return {k: _decode(v) for k, v in item.items()}
