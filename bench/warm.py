"""The warm comparison, in one process: the Chalice app object against the same calls replayed.

After a warm-up, each round times, for ``POST /sessions``, ``GET /sessions/{id}`` and
``POST /sessions/{id}/claim``, the app handling the request (``app.app(event, context)``, as
Lambda invokes it) and the route's recorded AWS calls replayed on plain boto3 clients with the
same configuration and their own warm connections. Rounds alternate which goes first, so neither
always meets a freshly idle server. Between rounds (untimed) both rounds' sessions are forgotten
(:mod:`bench.cleanup`). Each request's time inside AWS calls is taken too
(:class:`~bench.stopwatch.CallClock`): the rest is the app's own time, which moto does not change.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import boto3
from botocore.config import Config

from .cleanup import forget_sessions
from .events import LambdaContext, api_event
from .instant import after_a_wait, answering_at_once, recording_answers
from .plans import describe, recorded_ids, start_fresh, start_plan
from .recorder import Recorder
from .replay import execute, instantiate, plan
from .stopwatch import CallClock

__all__ = ["ROUTES", "warm"]

ROUTES = ("POST /sessions", "GET /sessions/{id}", "POST /sessions/{id}/claim")
Timing = tuple[float, float]
"""``(seconds, of which in AWS calls)``"""


def warm(job: dict[str, Any]) -> dict[str, Any]:
    """Run the warm comparison described by ``job`` (built by :func:`bench.run.measure`)."""
    import app
    from functions.adapters import aws

    officer, sergeant, body = job["officer"], job["sergeant"], job["body"]
    app_clock, replay_clock = CallClock(), CallClock()

    def invoke(event: dict[str, Any], expected: int) -> tuple[Timing, dict[str, Any]]:
        context = LambdaContext(str(uuid.uuid4()))
        app_clock.reset()
        started = time.perf_counter()
        response = app.app(event, context)
        elapsed = time.perf_counter() - started
        if response["statusCode"] != expected:
            raise RuntimeError(f"{event['httpMethod']} {event['path']}: {response}")
        answer: dict[str, Any] = json.loads(response["body"])
        return (elapsed, app_clock.in_calls()), answer

    def start_event() -> dict[str, Any]:
        return api_event("POST", "/sessions", "/sessions", authorizer=officer, body=body)

    def get_event(session_id: str) -> dict[str, Any]:
        return api_event(
            "GET",
            "/sessions/{session_id}",
            f"/sessions/{session_id}",
            authorizer=officer,
            path_params={"session_id": session_id},
        )

    def claim_event(session_id: str) -> dict[str, Any]:
        return api_event(
            "POST",
            "/sessions/{session_id}/claim",
            f"/sessions/{session_id}/claim",
            authorizer=sergeant,
            path_params={"session_id": session_id},
        )

    def app_round() -> tuple[list[Timing], tuple[str, str]]:
        took_start, started = invoke(start_event(), 201)
        made, code, _ = recorded_ids(started)
        took_get, _ = invoke(get_event(made), 200)
        took_claim, _ = invoke(claim_event(made), 200)
        return [took_start, took_get, took_claim], (made, code)

    # At least one round first: the app builds its clients in its first request.
    warmed_up = [app_round()[1] for _ in range(max(1, job["warmup"]))]

    # Record one round of the app's calls, on its own (now built) clients.
    recorder = Recorder()
    for built in aws._clients.values():
        recorder.attach(built)
    with recorder.window() as start_calls:
        _, answer = invoke(start_event(), 201)
    session_id, code, meeting_id = recorded_ids(answer)
    warmed_up.append((session_id, code))
    with recorder.window() as get_calls:
        invoke(get_event(session_id), 200)
    with recorder.window() as claim_calls:
        invoke(claim_event(session_id), 200)
    recorder.detach_all()
    for built in aws._clients.values():
        app_clock.attach(built)
    plans = {
        ROUTES[0]: start_plan(start_calls, answer),
        ROUTES[1]: plan(get_calls, []),
        ROUTES[2]: plan(claim_calls, []),
    }

    services = sorted({c["service"] for p in plans.values() for s in p["stages"] for c in s})
    session = boto3.session.Session()
    config = Config(**job["client_options"])
    clients = {service: session.client(service, config=config) for service in services}  # type: ignore[call-overload]
    for made in clients.values():
        replay_clock.attach(made)
    pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="aws")
    ops: dict[str, list[float]] = {}

    def replay_round(timed: bool) -> tuple[list[Timing], tuple[str, str]]:
        timings: list[tuple[str, float]] = []
        fresh = start_fresh(answer)
        prepared = instantiate(plans[ROUTES[0]], fresh)
        replay_clock.reset()
        started = time.perf_counter()
        captured = execute(prepared, clients, pool, timings)
        took = [(time.perf_counter() - started, replay_clock.in_calls())]
        new_id, new_meeting = fresh[session_id], captured[meeting_id]
        for route in ROUTES[1:]:
            prepared = instantiate(plans[route], {session_id: new_id, meeting_id: new_meeting})
            replay_clock.reset()
            started = time.perf_counter()
            execute(prepared, clients, pool, timings)
            took.append((time.perf_counter() - started, replay_clock.in_calls()))
        if timed:
            for operation, seconds in timings:
                ops.setdefault(operation, []).append(seconds)
        return took, (new_id, fresh[code])

    warmed_up += [replay_round(timed=False)[1] for _ in range(job["warmup"])]

    dynamodb = boto3.session.Session().client("dynamodb", config=config)  # untimed housekeeping

    def tidy(made: list[tuple[str, str]]) -> None:
        forget_sessions(
            dynamodb,
            sessions_table=job["sessions_table"],
            officers_table=job["officers_table"],
            officer_id=job["officer_id"],
            sessions=made,
        )

    tidy(warmed_up)
    times: dict[str, dict[str, list[float]]] = {r: {"app": [], "calls": []} for r in ROUTES}
    in_calls: dict[str, dict[str, list[float]]] = {r: {"app": [], "calls": []} for r in ROUTES}
    sides: dict[str, Callable[[], tuple[list[Timing], tuple[str, str]]]] = {
        "app": app_round,
        "calls": lambda: replay_round(timed=True),
    }
    for index in range(job["requests"]):
        order = ("app", "calls") if index % 2 == 0 else ("calls", "app")
        made = []
        for side in order:
            took, ids = sides[side]()
            made.append(ids)
            for route, (seconds, waiting) in zip(ROUTES, took, strict=True):
                times[route][side].append(seconds)
                in_calls[route][side].append(waiting)
        tidy(made)
    pool.shutdown()
    instant, after_wait, made_at_once = _without_waiting(
        list(aws._clients.values()), app_round, job["requests"], job["sessions_table"]
    )
    tidy([made_at_once])
    return {
        "instant": instant,
        "after_wait": after_wait,
        "times": times,
        "in_calls": in_calls,
        "ops": ops,
        "plans": {route: describe(p) for route, p in plans.items()},
        "app_clients": sorted(aws._clients),
    }


def _without_waiting(
    clients: list[Any],
    app_round: Callable[[], tuple[list[Timing], tuple[str, str]]],
    requests: int,
    sessions_table: str,
) -> tuple[dict[str, list[float]], dict[str, float], tuple[str, str]]:
    """The app's rounds with its calls answered at once from one real round's answers
    (:mod:`bench.instant`), one piece of its work back to back against after a wait, and the
    real round's session (to tidy)."""
    from functions.adapters.session_items import record_from_item

    with recording_answers(clients) as answers:
        _, made = app_round()
    times: dict[str, list[float]] = {route: [] for route in ROUTES}
    with answering_at_once(clients, answers):
        for index in range(5 + max(requests, 100)):
            took, _ = app_round()  # writes nothing: every call is answered from the recording
            if index >= 5:
                for route, (seconds, _in_calls) in zip(ROUTES, took, strict=True):
                    times[route].append(seconds)
    item = answers[("GetItem", sessions_table)]["Item"]
    return times, after_a_wait(lambda: record_from_item(item), rounds=200), made
