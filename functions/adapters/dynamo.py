"""Plain-Python <-> DynamoDB attribute values, without the resource layer's overhead."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

__all__ = ["from_item", "to_item", "value"]

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


def _prepare(data: Any) -> Any:
    # DynamoDB numbers must be Decimals; empty strings and None are left out of maps. Its
    # smallest magnitude is 1E-130: a smaller float (a valid, subnormal coordinate) is 0.
    if isinstance(data, float):
        return Decimal(str(data)) if abs(data) >= 1e-130 else Decimal(0)
    if isinstance(data, dict):
        return {k: _prepare(v) for k, v in data.items() if v is not None}
    if isinstance(data, list | tuple):
        return [_prepare(v) for v in data]
    return data


def _restore(data: Any) -> Any:
    if isinstance(data, Decimal):
        return int(data) if data == data.to_integral_value() else float(data)
    if isinstance(data, dict):
        return {k: _restore(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_restore(v) for v in data]
    if isinstance(data, set):
        return {_restore(v) for v in data}
    return data


def value(data: Any) -> dict[str, Any]:
    """One attribute value, e.g. ``{"S": "abc"}``."""
    return cast(dict[str, Any], _serializer.serialize(_prepare(data)))


def to_item(data: dict[str, Any]) -> dict[str, Any]:
    """A whole item; ``None`` values are omitted."""
    return {k: value(v) for k, v in _prepare(data).items()}


def from_item(item: dict[str, Any]) -> dict[str, Any]:
    """Back to plain Python (ints stay ints, sets stay sets)."""
    return {k: _restore(_deserializer.deserialize(v)) for k, v in item.items()}
