"""``python -m bench.child MODE JOB RESULT``: one measured process, started by :mod:`bench.run`.

``MODE`` is one of

``app``
    cold start of the application: ``import app``, then the first ``POST /sessions`` through the
    Chalice app object, as Lambda's runtime does on a cold start;
``minimum``
    cold start of the bare minimum: ``import boto3``, build the clients those calls need, make
    the calls the application made (``bench.replay``);
``record``
    an ``app`` run whose AWS calls are recorded (not timed: it gives ``minimum`` its calls);
``warm``
    the warm comparison, in one process (:mod:`bench.warm`).

``JOB`` is a JSON file written by the parent, ``RESULT`` the JSON file this writes. Before the
clock starts, the cold modes have imported only ``json``, ``sys``, ``time``, :mod:`bench.events`
and :mod:`bench.stopwatch` (which import nothing more), the same for both, so neither is handed
an import the other pays for. Within the first request, :class:`~bench.stopwatch.CallClock`
splits the time into building clients, waiting for AWS calls and the rest (the code's own).
"""

from __future__ import annotations

import json
import sys
import time

from bench.events import LambdaContext
from bench.stopwatch import CallClock

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def cold_app(job: dict[str, Any], *, record: bool = False) -> dict[str, Any]:
    """``import app`` and the first ``POST /sessions``, timed from a fresh interpreter."""
    event, context = job["event"], LambdaContext(job["request_id"])
    if job.get("app_dir"):  # as packaged: the unpacked zip first on the path, as /var/task is
        sys.path.insert(0, job["app_dir"])
    recorder = None
    if record:
        from bench.recorder import Recorder

        recorder = Recorder()
        recorder.attach_to_new_clients()
    calls: list[Any] = []
    started = time.perf_counter()
    import app  # the handler module, as Lambda's runtime imports it

    imported = time.perf_counter()
    clock = CallClock()
    if recorder is None:
        clock.time_new_clients()  # the app builds its clients lazily, in the request
    ready = time.perf_counter()
    if recorder is not None:
        with recorder.window() as calls:
            response = app.app(event, context)
    else:
        response = app.app(event, context)
    answered = time.perf_counter()
    from functions.adapters import aws

    if recorder is not None:
        import bench.replay  # noqa: F401 - compiled now, so no timed run compiles it
    request = answered - ready
    return {
        "import_s": imported - started,
        "request_s": request,
        "total_s": imported - started + request,
        "clients_s": clock.building,
        "in_calls_s": clock.in_calls(),
        "own_s": request - clock.building - clock.in_calls(),
        "status": response["statusCode"],
        "body": json.loads(response["body"]),
        "clients": sorted(aws._clients),
        "modules": len(sys.modules),
        "calls": calls,
    }


def cold_minimum(job: dict[str, Any]) -> dict[str, Any]:
    """``import boto3``, build the clients, replay the first ``POST /sessions``'s calls."""
    prepared, options = job["prepared"], job["client_options"]
    services = sorted({call["service"] for stage in prepared["stages"] for call in stage})
    started = time.perf_counter()
    from concurrent.futures import ThreadPoolExecutor

    import boto3
    from botocore.config import Config

    from bench.replay import execute

    imported = time.perf_counter()
    session = boto3.session.Session()
    config = Config(**options)
    clients = {service: session.client(service, config=config) for service in services}
    built = time.perf_counter()
    clock = CallClock()
    for made in clients.values():
        clock.attach(made)
    ready = time.perf_counter()
    pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="aws")
    timings: list[tuple[str, float]] = []
    execute(prepared, clients, pool, timings)
    answered = time.perf_counter()
    pool.shutdown()
    calls = answered - ready
    return {
        "import_s": imported - started,
        "clients_s": built - imported,
        "calls_s": calls,
        "in_calls_s": clock.in_calls(),
        "request_s": built - imported + calls,
        "total_s": built - started + calls,
        "clients": services,
        "call_s": timings,
    }


def main(argv: list[str]) -> int:
    mode, job_path, result_path = argv[1:4]
    with open(job_path, encoding="utf-8") as source:
        job = json.load(source)
    if mode == "app":
        result = cold_app(job)
    elif mode == "record":
        result = cold_app(job, record=True)
    elif mode == "minimum":
        result = cold_minimum(job)
    elif mode == "warm":
        from bench.warm import warm

        result = warm(job)
    else:
        raise SystemExit(f"unknown mode {mode!r}")
    with open(result_path, "w", encoding="utf-8") as sink:
        json.dump(result, sink)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
