"""``python -m bench.cost``: what one verification costs on AWS, from a recorded run.

One whole verification is driven in this process against moto and the Chime emulator (which
publishes its meeting events to moto's EventBridge), with :class:`local.events.EventPump`
playing Lambda's event sources: the officer starts, her page looks the code up, the officer
joins the meeting, the console reads the queue, the sergeant claims and joins, the three pages
poll once each, the sergeant records the outcome, and the handlers (sessions stream, timers
queue, meeting events) run to the end, delayed checks included. Every botocore call is recorded
with the Lambda function it was made for (a context variable the request pool carries), so the
AWS calls are counted, not guessed. :mod:`bench.costing` turns them into request units,
invocations and dollars with the prices of :mod:`bench.prices`. See docs/performance.md, "Cost
per verification".
"""

from __future__ import annotations

import argparse
import contextvars
import copy
import io
import json
import os
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from .costing import Typical, cost_model, table

__all__ = ["main", "record_verification"]

REGION = "eu-west-2"
_label: contextvars.ContextVar[str | None] = contextvars.ContextVar("bench_cost", default=None)
_ID = "safe-connection-bench-cost"


class CallLog:
    """Every call of every boto3 client built from now on, with the invocation it belongs to."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []
        self._lock = threading.Lock()

    def attach_to_new_clients(self) -> None:
        import boto3.session

        original = boto3.session.Session.client
        log = self

        def client(session: Any, *args: Any, **kwargs: Any) -> Any:
            made = original(session, *args, **kwargs)
            made.meta.events.register("provide-client-params", log._started, unique_id=_ID)
            made.meta.events.register("after-call", log._ended, unique_id=_ID + "-end")
            made.meta.events.register("after-call-error", log._failed, unique_id=_ID + "-err")
            return made

        boto3.session.Session.client = client  # type: ignore[method-assign,assignment]

    @staticmethod
    def _started(params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        context["cost_params"] = copy.deepcopy(params)
        context["cost_label"] = _label.get()
        context["cost_thread"] = threading.current_thread().name

    def _record(self, model: Any, context: dict[str, Any], parsed: Any, error: str) -> None:
        if "cost_params" not in context:
            return  # presigning: no call
        label = context["cost_label"]
        if label is None:
            label = "esm" if str(context["cost_thread"]).startswith("pump-") else "driver"
        with self._lock:
            self.calls.append(
                {
                    "function": label,
                    "service": model.service_model.service_name,
                    "operation": model.name,
                    "params": context["cost_params"],
                    "parsed": _keep(model.name, parsed),
                    "error": error,
                }
            )

    def _ended(self, model: Any, context: dict[str, Any], parsed: Any, **_: Any) -> None:
        self._record(model, context, parsed, "")

    def _failed(self, model: Any, context: dict[str, Any], **kwargs: Any) -> None:
        self._record(model, context, None, str(kwargs.get("exception") or "error"))


def _keep(operation: str, parsed: Any) -> dict[str, Any]:
    """What the cost model needs of an answer: the items read, the messages received."""
    if not isinstance(parsed, dict):
        return {}
    kept = {k: parsed[k] for k in ("Item", "Items", "Responses", "Messages") if k in parsed}
    if operation == "ReceiveMessage":
        kept = {"Messages": len(parsed.get("Messages", []))}
    return kept


class CountingStream(io.TextIOBase):
    """Stands in for stdout while the app logs: counts each invocation's bytes, keeps EMF."""

    def __init__(self) -> None:
        self.bytes: dict[str, int] = {}
        self.metrics: set[tuple[str, str, str]] = set()
        self._lock = threading.Lock()

    def write(self, text: str) -> int:
        label = _label.get() or "driver"
        with self._lock:
            self.bytes[label] = self.bytes.get(label, 0) + len(text.encode())
        if '"_aws"' in text:
            for line in text.splitlines():
                self._emf(line)
        return len(text)

    def _emf(self, line: str) -> None:
        try:
            document = json.loads(line)
        except ValueError:
            return
        for directive in document.get("_aws", {}).get("CloudWatchMetrics", []):
            dimensions = ",".join(
                f"{name}={document.get(name)}"
                for group in directive["Dimensions"]
                for name in group
            )
            for metric in directive["Metrics"]:
                self.metrics.add((directive["Namespace"], metric["Name"], dimensions))


@contextmanager
def invocation(label: str, timings: list[dict[str, Any]], **extra: Any) -> Iterator[None]:
    token = _label.set(label)
    started = time.perf_counter()
    try:
        yield
    finally:
        timings.append({"function": label, "ms": (time.perf_counter() - started) * 1000, **extra})
        _label.reset(token)


def wrapped(name: str, ref: str, timings: list[dict[str, Any]]) -> Callable[[Any, Any], Any]:
    """A handler that runs ``ref`` as Lambda would, labelled and timed."""
    from local.invocation import resolve_handler

    handler = resolve_handler(ref)

    def run(event: Any, context: Any) -> Any:
        with invocation(name, timings, records=len(event.get("Records", []))):
            return handler(event, context)

    return run


def record_verification() -> dict[str, Any]:
    """Drive one verification end to end; every call, invocation and log byte it caused."""
    from moto.server import ThreadedMotoServer

    from local.chime_emulator import ChimeEmulator
    from local.moto_fidelity import make_dynamodb_writes_atomic

    from .run import base_environment

    # The fake credentials and region every bench part runs with; nothing reaches an account.
    os.environ.update(base_environment())
    for key in ("AWS_PROFILE", "AWS_ENDPOINT_URL"):
        os.environ.pop(key, None)
    import logging

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    log = CallLog()
    log.attach_to_new_clients()
    _pool_carries_context()
    make_dynamodb_writes_atomic()
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    moto.start()
    host, port = moto.get_host_and_port()
    moto_url = f"http://{host}:{port}"
    try:
        with ChimeEmulator(eventbridge_endpoint=moto_url, default_region=REGION) as chime:
            return _drive(log, moto_url, chime.url)
    finally:
        moto.stop()


def _pool_carries_context() -> None:
    """Run everything submitted to a thread pool in the submitter's context, so the calls the
    app makes side by side (its request pool) are counted for the invocation that made them."""
    from concurrent.futures import ThreadPoolExecutor

    original = ThreadPoolExecutor.submit

    def submit(self: ThreadPoolExecutor, fn: Any, /, *args: Any, **kwargs: Any) -> Any:
        return original(self, contextvars.copy_context().run, fn, *args, **kwargs)

    ThreadPoolExecutor.submit = submit  # type: ignore[method-assign,assignment]


def _drive(log: CallLog, moto_url: str, chime_url: str) -> dict[str, Any]:
    import requests

    from local.demo import seed_demo
    from local.events import EventPump
    from local.events.pump import DEFAULT_HANDLERS
    from local.provision import create_resources

    from .events import LambdaContext, api_event
    from .run import OFFICER, SERGEANT, START_BODY, authorizer_context

    stack = create_resources(moto_url, chime_url, REGION, prefix=f"cost{uuid.uuid4().hex[:6]}")
    seed_demo(stack)
    os.environ.update(stack.app_environment())
    # The typical verification is claimed before its first escalation check is due; short
    # delays let the checks fire (and find the session claimed or ended) within the run.
    os.environ.update(ESCALATION_DELAY_SECONDS="2", DROP_GRACE_SECONDS="1")
    logs = CountingStream()
    real_stdout, sys.stdout = sys.stdout, logs
    timings: list[dict[str, Any]] = []
    try:
        import app
        from functions import wiring
        from functions.adapters import aws

        aws.reset_clients()
        wiring.reset()
        officer, sergeant = authorizer_context(OFFICER), authorizer_context(SERGEANT)
        handlers = {name: wrapped(name, ref, timings) for name, ref in DEFAULT_HANDLERS.items()}
        routes: dict[str, int] = {}

        def call(
            route: str, method: str, path: str, who: dict[str, str], **kw: Any
        ) -> dict[str, Any]:
            event = api_event(method, route.split(" ", 1)[1], path, authorizer=who, **kw)
            name = f"api {route}"
            with invocation(name, timings):
                response = app.app(event, LambdaContext(str(uuid.uuid4())))
            routes[name] = response["statusCode"]
            if response["statusCode"] >= 300:
                raise RuntimeError(f"{route}: {response['statusCode']} {response['body']}")
            answer: dict[str, Any] = json.loads(response["body"])
            return answer

        def presence(meeting: str, attendee: str, verb: str) -> None:
            url = f"{chime_url}/_emulator/meetings/{meeting}/attendees/{attendee}/{verb}"
            requests.post(url, timeout=5).raise_for_status()

        pump = EventPump.for_stack(
            stack, handlers, starting_position="TRIM_HORIZON", retry_delay_seconds=0
        )
        with pump:
            session_path = "/sessions/{session_id}"
            started = call("POST /sessions", "POST", "/sessions", officer, body=START_BODY)
            sid, code = started["session_id"], started["public_code"]
            meeting = started["meeting"]["MeetingId"]
            ids = {"session_id": sid}
            call("GET /verify/{code}", "GET", f"/verify/{code}", {}, path_params={"code": code})
            presence(meeting, started["attendee"]["AttendeeId"], "join")
            call("GET /queue", "GET", "/queue", sergeant)
            claimed = call(
                "POST /sessions/{session_id}/claim",
                "POST",
                f"/sessions/{sid}/claim",
                sergeant,
                path_params=ids,
            )
            presence(meeting, claimed["attendee"]["AttendeeId"], "join")
            call(f"GET {session_path}", "GET", f"/sessions/{sid}", officer, path_params=ids)
            call("GET /verify/{code}", "GET", f"/verify/{code}", {}, path_params={"code": code})
            call(
                "POST /sessions/{session_id}/outcome",
                "POST",
                f"/sessions/{sid}/outcome",
                sergeant,
                path_params=ids,
                body={"outcome": "verified"},
            )
            pump.wait_idle(timeout=60, include_delayed=True)
            dead = list(pump.dead_letters)
        sizes = _final_sizes(log.calls, moto_url)
    finally:
        sys.stdout = real_stdout
    return {
        "calls": log.calls,
        "timings": timings,
        "routes": routes,
        "log_bytes": logs.bytes,
        "metrics": sorted("|".join(m) for m in logs.metrics),
        "final_sizes": sizes,
        "tables": _table_definitions(stack),
        "dead_letters": len(dead),
    }


def _final_sizes(calls: list[dict[str, Any]], moto_url: str) -> dict[str, int]:
    """The size each written item has after the run (``table|key`` -> bytes; 0 if deleted):
    what an update or delete is billed on, as the answers of writes do not carry the item."""
    import boto3

    from .costing import item_size, written_keys

    dynamodb = boto3.client("dynamodb", endpoint_url=moto_url, region_name=REGION)
    sizes: dict[str, int] = {}
    for table_name, key in written_keys(calls):
        item = dynamodb.get_item(TableName=table_name, Key=key).get("Item")
        sizes[f"{table_name}|{json.dumps(key, sort_keys=True)}"] = item_size(item) if item else 0
    return sizes


def _table_definitions(stack: Any) -> dict[str, dict[str, Any]]:
    """Each table's name -> its logical name, TTL attribute and its indexes' partition keys."""
    from functions.resources import TABLES

    env = stack.app_environment()
    return {
        env[table.env_var]: {
            "logical": table.logical_name,
            "ttl": table.ttl_attribute,
            "indexes": [index.partition_key for index in table.indexes],
        }
        for table in TABLES
        if table.env_var in env
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.cost", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--monthly", type=int, default=1000, help="verifications a month (1000)")
    parser.add_argument("--wait", type=float, default=30.0, help="seconds until claimed (30)")
    parser.add_argument("--call", type=float, default=180.0, help="seconds of video call (180)")
    parser.add_argument("--memory", type=int, default=1024, help="Lambda MB billed (1024)")
    args = parser.parse_args(argv)
    began = time.perf_counter()
    recorded = record_verification()
    typical = Typical(
        wait_s=args.wait, call_s=args.call, memory_mb=args.memory, monthly=args.monthly
    )
    figures = cost_model(recorded, typical)
    figures["seconds"] = round(time.perf_counter() - began, 1)
    print(json.dumps(figures, indent=2) if args.json else table(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
