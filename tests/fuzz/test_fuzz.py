"""The API fuzzed from docs/openapi.json with Schemathesis, over HTTP, as every kind of caller.

For each operation of the document Schemathesis generates requests (positive data: what the
document says the route takes) and Hypothesis picks who sends each one: a valid ID token of
each role, no token, or a garbage one. Every response must pass Schemathesis's checks:

* ``not_a_server_error``: no 5xx (a 503 is documented, and allowed, where the route has it);
* ``status_code_conformance``: the status is one the document lists for the operation;
* ``content_type_conformance`` and ``response_schema_conformance``: the body is the documented
  JSON for that status (the model's schema, or the error envelope).

Failures are collected over the whole run, then reported together with the counts (also printed
in pytest's closing summary). What the fuzzing wrote (sessions, meetings, pages) must end by
itself: this package's conftest checks no meeting is orphaned after the test, and the
session-wide check that every request ended runs at the end of the run (tests/conftest.py).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from requests.adapters import HTTPAdapter
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from local.openapi import DOCUMENT

EXAMPLES_PER_OPERATION = 55
"""Hypothesis examples per operation (20 operations: about 1,100 requests, about a minute here)."""
MIN_REQUESTS = 1000
FUZZ_CLIENT = "127.0.0.77"
"""The fuzzer's own source address: her routes' per-client limits it uses up are its own."""
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


class SourceAddressAdapter(HTTPAdapter):
    """Send from one loopback address (the API counts her limits per source address)."""

    def __init__(self, address: str) -> None:
        self._address = address
        super().__init__()

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["source_address"] = (self._address, 0)
        super().init_poolmanager(*args, **kwargs)


@dataclass
class Tally:
    """What the run sent and what came back."""

    requests: int = 0
    by_operation: Counter[str] = field(default_factory=Counter)
    by_status: Counter[int] = field(default_factory=Counter)
    by_identity: Counter[str] = field(default_factory=Counter)
    server_errors: int = 0
    mismatches: int = 0
    failures: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def identities(tokens: dict[str, str], make_user: Any) -> dict[str, str | None]:
    """Who sends a request: a valid ID token of each role, none, or garbage."""
    return {
        "officer": tokens["officer.central"],
        "sergeant": tokens["sergeant.central"],
        "operator": tokens["operator"],
        "admin": tokens["admin"],
        "sergeant+officer": make_user("fuzz-0001", roles=["sergeant", "officer"]),
        "supervisor": tokens["supervisor"],
        "no token": None,
        "garbage token": "not.a.jwt",
    }


@pytest.fixture(scope="module")
def known(api: Any, tokens: dict[str, str]) -> dict[str, dict[str, str]]:
    """Real path parameters (and her call's token), so some requests reach real objects.

    A session an officer started (claims, outcomes and her code can find it) and her own call.
    """
    started = requests.post(
        f"{api.url}/sessions",
        headers={"Authorization": f"Bearer {tokens['officer.central']}"},
        json={"note": "fuzzing"},
        timeout=30,
    )
    assert started.status_code == 201, started.text
    call = requests.post(f"{api.url}/public/calls", json={"force": "MET"}, timeout=30)
    assert call.status_code == 201, call.text
    return {
        "session_id": {"session_id": started.json()["session_id"]},
        "code": {"code": started.json()["public_code"]},
        "call_id": {"call_id": call.json()["call_id"], "X-Call-Token": call.json()["poll_token"]},
    }


def test_the_api_matches_its_document_under_fuzzing(
    api: Any,
    identities: dict[str, str | None],
    known: dict[str, dict[str, str]],
    fuzz_summary: list[str],
) -> None:
    schema = schemathesis.openapi.from_path(DOCUMENT, config=schemathesis.Config())
    session = requests.Session()
    session.mount("http://", SourceAddressAdapter(FUZZ_CLIENT))
    tally = Tally()
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == sum(len(ops) for ops in schema.raw_schema["paths"].values())

    for operation in operations:
        fuzz_operation(operation, api.url, session, identities, known, tally)

    statuses = ", ".join(f"{status}: {n}" for status, n in sorted(tally.by_status.items()))
    fuzz_summary.append(
        f"schemathesis: {tally.requests} requests, {len(tally.by_operation)}/{len(operations)} "
        f"routes, {len(identities)} identities, 5xx: {tally.server_errors}, "
        f"schema mismatches: {tally.mismatches} (statuses {statuses})"
    )
    print(fuzz_summary[-1])
    assert not tally.failures, "\n\n".join(tally.failures[:10])
    assert tally.requests >= MIN_REQUESTS
    assert set(tally.by_operation) == {f"{o.method.upper()} {o.path}" for o in operations}
    assert set(tally.by_identity) == set(identities)


def fuzz_operation(
    operation: Any,
    base_url: str,
    session: requests.Session,
    identities: dict[str, str | None],
    known: dict[str, dict[str, str]],
    tally: Tally,
) -> None:
    """Send ``operation``'s generated requests, each as one of ``identities``; tally them.

    Where the path names a :func:`known` object, a third of the requests name the real one;
    where the query names a force, a third name the demo force.
    """
    name = f"{operation.method.upper()} {operation.path}"
    cases = operation.as_strategy()
    for parameter, values in known.items():
        if f"{{{parameter}}}" in operation.path:
            path = {k: v for k, v in values.items() if k.islower()}
            headers = {k: v for k, v in values.items() if not k.islower()}
            real = operation.as_strategy(path_parameters=path, headers=headers or None)
            cases = st.one_of(cases, cases, real)
    if "force" in {p.name for p in operation.query}:
        # A made-up force is refused before anything else; a third name the demo force, so the
        # reports run on generated days and areas.
        cases = st.one_of(cases, cases, operation.as_strategy(query={"force": "MET"}))

    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        derandomize=True,  # the same requests every run: a failure here is reproducible
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=cases, who=st.sampled_from(sorted(identities)))
    def fuzz(case: Any, who: str) -> None:
        # Schemathesis makes up a bearer token for a secured route; send ours, or none.
        token = identities[who]
        headers = {k: v for k, v in (case.headers or {}).items() if k.lower() != "authorization"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        case.headers = headers
        response = case.call(base_url=base_url, session=session, timeout=30)
        tally.requests += 1
        tally.by_operation[name] += 1
        tally.by_status[response.status_code] += 1
        tally.by_identity[who] += 1
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except FailureGroup as group:
            record(tally, name, who, response, list(group.exceptions))
        except Failure as failure:
            record(tally, name, who, response, [failure])

    fuzz()


def record(tally: Tally, name: str, who: str, response: Any, failures: list[Failure]) -> None:
    """Count a failed response: a 5xx, and/or a mismatch with the document."""
    if response.status_code >= 500:
        tally.server_errors += 1
    if any(f.__class__.__name__ != "ServerError" for f in failures):
        tally.mismatches += 1
    titles = "; ".join(f.title for f in failures)
    tally.failures.append(
        f"{name} as {who} -> {response.status_code}: {titles}\n"
        f"  sent: {response.request.method} {response.request.url} "
        f"{(response.request.body or b'')[:300]!r}\n  got: {response.text[:500]}"
    )


def test_a_subnormal_coordinate_starts_a_session(api: Any, tokens: dict[str, str]) -> None:
    # Found by the fuzzer: 2.2e-309 is a valid longitude, but DynamoDB's numbers stop at
    # 1E-130, so the write failed and the officer got a 503.
    response = requests.post(
        f"{api.url}/sessions",
        headers={"Authorization": f"Bearer {tokens['officer.north']}"},
        json={"location": {"lat": 3.2e-108, "lon": 2.225073858507203e-309}},
        timeout=30,
    )
    assert response.status_code == 201, response.text
    read = requests.get(
        f"{api.url}/sessions/{response.json()['session_id']}",
        headers={"Authorization": f"Bearer {tokens['officer.north']}"},
        timeout=30,
    )
    assert read.json()["location"] == {"lat": 3.2e-108, "lon": 0.0, "accuracy_m": None}
