"""The one-pass DynamoDB codec gives exactly what boto3's TypeSerializer/TypeDeserializer give.

The reference is the path the adapters took before (issue 17): floats turned into ``Decimal``
(``str`` of the float; below DynamoDB's smallest magnitude, 0), ``None`` left out of maps, then
boto3's serializer; and on the way back boto3's deserializer, then whole ``Decimal`` as ``int``
and the rest as ``float``. Hypothesis generates the shapes the app stores (maps of strings,
numbers, booleans, lists, string and number sets, nested maps) and some it does not.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from boto3.dynamodb.types import Binary, TypeDeserializer, TypeSerializer
from hypothesis import given, settings
from hypothesis import strategies as st

from functions.adapters.dynamo import from_item, to_item, value


def _prepare(data: Any) -> Any:
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


def boto3_item(data: dict[str, Any]) -> dict[str, Any]:
    return {k: TypeSerializer().serialize(v) for k, v in _prepare(data).items()}


def boto3_values(item: dict[str, Any]) -> dict[str, Any]:
    return {k: _restore(TypeDeserializer().deserialize(v)) for k, v in item.items()}


numbers = st.integers(min_value=-(10**37), max_value=10**37) | st.floats(
    allow_nan=False, allow_infinity=False, min_value=-1e30, max_value=1e30
)
scalars = st.none() | st.booleans() | st.text(max_size=12) | numbers
values = st.recursive(
    scalars
    | st.frozensets(st.text(min_size=1, max_size=6), min_size=1, max_size=4).map(set)
    | st.frozensets(st.integers(-(10**9), 10**9), min_size=1, max_size=4).map(set),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(min_size=1, max_size=6), inner, max_size=4)
    ),
    max_leaves=12,
)
items = st.dictionaries(st.text(min_size=1, max_size=8), values, max_size=8)


@settings(max_examples=400, deadline=None)
@given(items)
def test_an_item_is_written_as_boto3_writes_it(data: dict[str, Any]) -> None:
    assert to_item(data) == boto3_item(data)


@settings(max_examples=400, deadline=None)
@given(items)
def test_an_item_is_read_back_as_boto3_reads_it(data: dict[str, Any]) -> None:
    stored = boto3_item(data)
    assert from_item(stored) == boto3_values(stored)


def test_a_session_item_reads_back_to_what_was_written() -> None:
    data = {
        "session_id": "s-1",
        "escalation_level": 2,
        "location": {"lat": 51.5081, "lon": -0.0759, "accuracy_m": 15, "note": None},
        "presence": {},
        "tiny": 1e-200,
        "flags": {"a", "b"},
        "levels": {1, 3},
        "paged": True,
        "rungs": ["sergeant", None],
    }
    assert from_item(to_item(data)) == {
        **{k: v for k, v in data.items() if k not in ("location", "tiny")},
        "location": {"lat": 51.5081, "lon": -0.0759, "accuracy_m": 15},
        "tiny": 0,
        "rungs": ["sergeant", None],
    }


def _outcome(encode: Any, data: Any) -> Any:
    try:
        return encode(data)
    except (TypeError, ArithmeticError) as refused:
        return type(refused)


@pytest.mark.parametrize(
    "odd", [float("nan"), float("inf"), 10**40 + 1, {1.5, 2.5}, set(), object()], ids=repr
)
def test_odd_values_are_refused_or_kept_as_boto3_does(odd: Any) -> None:
    # NaN is stored as 0 and an empty set as an empty NS on both paths (DynamoDB itself
    # refuses the latter); infinity, 41 digits, float sets and other objects are refused.
    ours = _outcome(value, odd)
    assert ours == _outcome(lambda d: TypeSerializer().serialize(_prepare(d)), odd)


def test_binary_values_still_go_through_boto3() -> None:
    assert value(b"\x00\x01") == {"B": b"\x00\x01"}
    assert from_item({"photo": {"B": b"\x00\x01"}}) == {"photo": Binary(b"\x00\x01")}
