"""``python -m bench.lambda_burst``: a burst of stops, taken as Lambda takes it.

Lambda runs concurrent requests in separate execution environments, each a process of its own
that serves one request at a time. So this bench starts one process per concurrent request
(``multiprocessing``'s ``spawn``, as a new environment starts from nothing): ``--officers`` of
them for the officers and ``--sergeants`` for the sergeants. Each imports ``app`` and builds its
services and its DynamoDB connection before the burst (a warm environment, the state Lambda keeps
between requests), then waits for the same go signal: every officer's ``POST /sessions`` (each
with its own ``Idempotency-Key``) is sent at the same instant. The app is called as Lambda calls
it, ``app.app(event, context)``, with the event API Gateway would send behind the authorizer.
moto and the Chime emulator run in a process of their own (:mod:`bench.servers`), with the
resources and the demo force made as the tests make them; the bench officers and sergeants are
registered and put on duty through the API, each sergeant's pager an SQS queue subscribed to
the alerts topic by the app itself. The event side runs as on ``make run``'s stack: the event
pump (:class:`local.events.EventPump`, threads of the bench's own process, as
:func:`local.stack.start_event_pump` runs it) delivers the timers and meeting-events queues and
the sessions stream to the deployed handlers throughout the burst and the claims.

Figures:

* **start**: each ``POST /sessions`` from the go signal to its answer;
* **tap to alert**: from the go signal to the page being receivable in a sergeant's pager queue
  (long-polled by the bench in parallel, one thread per queue; moto delivers SNS to SQS while
  ``Publish`` runs, so this is the start's path to the page);
* **claim**: then every sergeant races for every session, all at once, each in its own order;
  exactly one claim of each session must succeed and the others get 409;
* **checks**: every session must have a page in a bench sergeant's queue and an escalation check:
  the level-0 ``{"kind": "escalation"}`` message that the start sends to the timers queue
  (:mod:`functions.services.opening`), handled by the timers handler without failing.
  ``ESCALATION_DELAY_SECONDS`` is ``--escalation-delay`` (10 s): long enough that no session
  reaches the end of the ladder (expired, four delays) before the sergeants claim it, short
  enough that the bench need not wait long for the last check. A session still unclaimed when
  its check is due is escalated and re-paged, as on the stack, and can still be claimed.

Clocks are ``time.perf_counter`` (``CLOCK_MONOTONIC`` on Linux: one clock for every process).
Targets (printed, never asserted): start p95 <= 1 s, tap-to-alert p95 <= 1.5 s. Figures:
docs/performance.md, "A burst, as Lambda runs it".
"""

from __future__ import annotations

import argparse
import contextlib
import json
import multiprocessing
import os
import statistics
import sys
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from local.events import EventPump

__all__ = ["main", "measure"]

AREAS = ("CENTRAL", "NORTH")
WARM_LOCATION = {"lat": 51.5136, "lon": -0.0983, "accuracy_m": 12.0}
TARGETS_MS = {"start_p95": 1000.0, "alert_p95": 1500.0}
SETTLE_SECONDS = 60.0
ESCALATION_DELAY_SECONDS = 10
"""How long the bench waits for pages and checks before it counts them missing."""


def percentile(values: list[float], share: float) -> float:
    """The ``share`` quantile (inclusive method); the value itself for one sample."""
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[round(share * 100) - 1]


def summary(values: list[float]) -> dict[str, float | None]:
    """p50, p95 and max in ms; ``None`` (JSON null) for each when there is nothing to sum up."""
    if not values:
        return {"p50": None, "p95": None, "max": None}
    return {
        "p50": round(percentile(values, 0.5), 1),
        "p95": round(percentile(values, 0.95), 1),
        "max": round(max(values), 1),
    }


def ms(value: float | None) -> str:
    return f"{value:>8.1f}" if value is not None else f"{'-':>8}"


# ---------------------------------------------------------------------------- the environments
def environment(
    env: dict[str, str], who: dict[str, str], jobs: Any, results: Any, go: Any, turn: Any
) -> None:
    """One execution environment: warm up, then serve the jobs it is given after ``go``."""
    os.environ.update(env)
    sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - the function's log lines, as Lambda's go
    import app
    from bench.events import LambdaContext, api_event

    def call(
        method: str, resource: str, path: str, params: dict[str, str] | None, body: Any = None
    ) -> tuple[int, dict[str, Any]]:
        event = api_event(method, resource, path, authorizer=who, path_params=params, body=body)
        if method == "POST" and resource == "/sessions":
            event["headers"]["idempotency-key"] = str(uuid.uuid4())
            event["multiValueHeaders"]["idempotency-key"] = [event["headers"]["idempotency-key"]]
        answer = app.app(event, LambdaContext(str(uuid.uuid4())))
        return int(answer["statusCode"]), json.loads(answer["body"] or "{}")

    # Warm, as an environment is after its first request: an officer starts a session and
    # cancels it (services, clients, connections and models all built), a sergeant reads the
    # queue. One warm-up at a time (``turn``): the environments import side by side, but fifty first
    # requests at once on two cores would only measure the warm-up.
    with turn:
        warm_up(call, who)
    results.put(("ready", who["officer_id"]))
    while (job := jobs.get()) is not None:
        results.put(("waiting", who["officer_id"]))
        go.wait()
        kind, payload = job
        serve(call, kind, payload, results)


def warm_up(call: Any, who: dict[str, str]) -> None:
    """As an environment is after its first request."""
    if "sergeant" in who.get("roles", ""):
        call("GET", "/queue", "/queue", None)
    else:
        status, body = call("POST", "/sessions", "/sessions", None, {"location": WARM_LOCATION})
        if status != 201:
            raise RuntimeError(f"warm-up start answered {status}: {body}")
        sid = body["session_id"]
        call(
            "POST", "/sessions/{session_id}/cancel", f"/sessions/{sid}/cancel", {"session_id": sid}
        )


def serve(call: Any, kind: str, payload: Any, results: Any) -> None:
    """One job: a start, or a sergeant's claims of the given sessions in turn."""
    if kind == "start":
        began = time.perf_counter()
        status, body = call("POST", "/sessions", "/sessions", None, payload)
        results.put(("start", began, time.perf_counter(), status, body.get("session_id")))
    else:  # claim each of these sessions in turn
        claims = []
        for session_id in payload:
            began = time.perf_counter()
            status, _ = call(
                "POST",
                "/sessions/{session_id}/claim",
                f"/sessions/{session_id}/claim",
                {"session_id": session_id},
            )
            claims.append((session_id, status, (time.perf_counter() - began) * 1000))
        results.put(("claims", claims))


# ---------------------------------------------------------------------------- the bench
def people(officers: int, sergeants: int) -> list[dict[str, Any]]:
    """The bench's officers and sergeants: register records and authorizer identities."""
    made = []
    for role, count, first in (("officer", officers, 9000), ("sergeant", sergeants, 9500)):
        for index in range(count):
            number = first + index
            area = AREAS[index % len(AREAS)]
            made.append(
                {
                    "who": {
                        "user_id": f"bench.{role}.{index:02d}",
                        "roles": ("sergeant", "officer") if role == "sergeant" else ("officer",),
                        "force": "MET",
                        "area": area,
                        "officer_id": f"met-{number}",
                    },
                    "record": {
                        "force": "MET",
                        "shoulder_number": str(number),
                        "given_name": "Bench",
                        "family_name": f"{role.title()} {index}",
                        "rank": "PS" if role == "sergeant" else "PC",
                        "area": area,
                        "status": "serving",
                        "is_sergeant": role == "sergeant",
                    },
                }
            )
    return made


def recording(checked: set[str]) -> Any:
    """The timers handler, noting each session whose first escalation check it handled."""
    from local.events.pump import DEFAULT_HANDLERS
    from local.invocation import resolve_handler

    handler = resolve_handler(DEFAULT_HANDLERS["timers"])

    def timers(event: dict[str, Any], context: Any) -> Any:
        answer = handler(event, context)
        failures = answer.get("batchItemFailures", []) if isinstance(answer, dict) else []
        failed = {failure.get("itemIdentifier") for failure in failures}
        for record in event.get("Records", []):
            body = json.loads(record["body"])
            first = body.get("kind") == "escalation" and body.get("level") == 0
            if first and record["messageId"] not in failed:
                checked.add(body["session_id"])
        return answer

    return timers


def measure(
    officers: int, sergeants: int, escalation_delay: int = ESCALATION_DELAY_SECONDS
) -> dict[str, Any]:
    """Run the burst and return its figures (see the module's docstring)."""
    import boto3

    from bench.events import LambdaContext, api_event
    from bench.run import REGION, authorizer_context, base_environment, provision
    from bench.run import servers as bench_servers
    from local.events import EventPump
    from local.events.pump import DEFAULT_HANDLERS

    began = time.perf_counter()
    env = base_environment()
    with bench_servers(env) as urls:
        stack = provision(urls["moto_url"], urls["chime_url"])
        app_env = {
            **env,
            **stack.app_environment(),
            "ESCALATION_DELAY_SECONDS": str(escalation_delay),
        }
        os.environ.update(app_env)
        sqs = boto3.client("sqs", endpoint_url=urls["moto_url"], region_name=REGION)
        import app

        def call(who: dict[str, Any], method: str, path: str, body: Any) -> int:
            event = api_event(method, path, path, authorizer=authorizer_context(who), body=body)
            return int(app.app(event, LambdaContext(str(uuid.uuid4())))["statusCode"])

        admin = {"user_id": "bench.admin", "roles": ("admin",), "force": "MET", "area": None,
                 "officer_id": None}  # fmt: skip
        staff, pagers = people(officers, sergeants), {}
        for person in staff:
            who, record = person["who"], dict(person["record"])
            if record["is_sergeant"]:
                url = sqs.create_queue(QueueName=f"pager-{who['officer_id']}")["QueueUrl"]
                arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
                record["pager"] = {"protocol": "sqs", "endpoint": arn["Attributes"]["QueueArn"]}
                pagers[who["officer_id"]] = url
            event = api_event(
                "PUT", "/officers/{officer_id}", f"/officers/{who['officer_id']}",
                authorizer=authorizer_context(admin), path_params={"officer_id": who["officer_id"]},
                body=record,
            )  # fmt: skip
            status = int(app.app(event, LambdaContext("register"))["statusCode"])
            if status != 200 or call(who, "PUT", "/me/duty", {"on_duty": True}) != 200:
                raise RuntimeError(f"could not put {who['officer_id']} on duty ({status})")

        checked: set[str] = set()
        handlers = {**DEFAULT_HANDLERS, "timers": recording(checked)}
        pump = EventPump.for_stack(stack, handlers).start()
        try:
            figures = burst(
                officers, sergeants, staff, pagers, pump, checked, app_env, sqs, escalation_delay
            )
        finally:
            pump.stop()
    figures.update(
        escalation_delay_s=escalation_delay,
        dead_letters=len(pump.dead_letters),
        seconds=round(time.perf_counter() - began, 1),
    )
    return {"burst": figures}


def burst(
    officers: int,
    sergeants: int,
    staff: list[dict[str, Any]],
    pagers: dict[str, str],
    pump: EventPump,
    checked: set[str],
    app_env: dict[str, str],
    sqs: Any,
    escalation_delay: int,
) -> dict[str, Any]:
    """The environments, the burst, the claims and the checks, with the pump running."""
    from bench.run import START_BODY, authorizer_context

    spawn = multiprocessing.get_context("spawn")
    go, results, turn = spawn.Event(), spawn.Queue(), spawn.Lock()
    workers = []
    for person in staff:
        jobs = spawn.Queue()
        process = spawn.Process(
            target=environment,
            args=(app_env, authorizer_context(person["who"]), jobs, results, go, turn),
            daemon=True,
        )
        process.start()
        workers.append((person, jobs, process))
    for _ in workers:
        receive(results, workers)  # ("ready", officer_id)
    progress(f"{len(workers)} warm environments; the burst starts")

    seen: dict[str, float] = {}
    paged, stop = threading.Condition(), threading.Event()

    def watch(url: str) -> None:
        while not stop.is_set():
            answer = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1)
            at = time.perf_counter()
            for message in answer.get("Messages", []):
                alert = json.loads(json.loads(message["Body"])["Message"])
                with paged:
                    seen.setdefault(alert["session_id"], at)
                    paged.notify_all()

    watchers = ThreadPoolExecutor(max_workers=len(pagers) or 1)
    for url in pagers.values():
        watchers.submit(watch, url)
    officer_workers = [w for w in workers if not w[0]["record"]["is_sergeant"]]
    for _, jobs, _ in officer_workers:
        jobs.put(("start", START_BODY))
    for _ in officer_workers:
        receive(results, workers)  # ("waiting", officer_id): each one is at go.wait()
    go_at = time.perf_counter()
    go.set()
    starts = [receive(results, workers) for _ in officer_workers]
    sessions = [s[4] for s in starts if s[3] == 201]
    with paged:
        paged.wait_for(lambda: all(sid in seen for sid in sessions), SETTLE_SECONDS)
    stop.set()
    watchers.shutdown(wait=True)

    go.clear()
    sergeant_workers = [w for w in workers if w[0]["record"]["is_sergeant"]]
    for index, (_, jobs, _) in enumerate(sergeant_workers):
        shift = index * len(sessions) // max(1, len(sergeant_workers))
        jobs.put(("claims", sessions[shift:] + sessions[:shift]))
    for _ in sergeant_workers:
        receive(results, workers)  # ("waiting", officer_id)
    go.set()
    claims = [c for _ in sergeant_workers for c in receive(results, workers)[1]]
    for _, jobs, _ in workers:
        jobs.put(None)
    for _, _, process in workers:
        process.join(timeout=30)
    with contextlib.suppress(TimeoutError):  # counted below; each is due a delay after its start
        pump.wait_for(
            lambda: set(sessions) <= checked,
            escalation_delay + SETTLE_SECONDS,
            "every session's escalation check",
        )

    won = {sid: sum(1 for s, status, _ in claims if s == sid and status == 200) for sid in sessions}
    return {
        "officers": officers,
        "sergeants": sergeants,
        "started": len(sessions),
        "start_statuses": dict(sorted(Counter(str(s[3]) for s in starts).items())),
        "start_ms": summary([(s[2] - go_at) * 1000 for s in starts]),
        "alert_ms": summary([(seen[sid] - go_at) * 1000 for sid in sessions if sid in seen]),
        "claim_ms": summary([ms for _, _, ms in claims]),
        "claims_won": sum(won.values()),
        "claims_lost": sum(1 for _, status, _ in claims if status == 409),
        "claim_statuses": dict(sorted(Counter(str(c[1]) for c in claims).items())),
        "sessions_claimed_not_once": sum(1 for count in won.values() if count != 1),
        "sessions_without_page": sum(1 for sid in sessions if sid not in seen),
        "sessions_without_check": len(set(sessions) - checked),
        "targets_ms": TARGETS_MS,
    }


def receive(results: Any, workers: list[Any], seconds: float = 300.0) -> Any:
    """The next result, or an error as soon as an environment has died (not after the timeout)."""
    import queue

    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        try:
            return results.get(timeout=1)
        except queue.Empty:
            dead = [p.exitcode for _, _, p in workers if p.exitcode not in (None, 0)]
            if dead:
                message = f"an environment exited with {dead[0]}; its error is above"
                raise RuntimeError(message) from None
    raise TimeoutError(f"no result from the environments in {seconds:.0f} s")


def progress(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


def table(figures: dict[str, Any]) -> str:
    b = figures["burst"]
    lines = [
        f"A BURST, AS LAMBDA RUNS IT: {b['officers']} officers start at once, each in its own warm"
        f" environment (a process); then {b['sergeants']} sergeants race for every session (ms)",
        "                         p50      p95      max   target",
    ]
    for key, label, target in (
        ("start_ms", "start", f"p95 <= {TARGETS_MS['start_p95']:.0f}"),
        ("alert_ms", "tap to alert", f"p95 <= {TARGETS_MS['alert_p95']:.0f}"),
        ("claim_ms", "claim", ""),
    ):
        f = b[key]
        lines.append(f"  {label:<20}{ms(f['p50'])} {ms(f['p95'])} {ms(f['max'])}   {target}")
    lines += [
        f"  starts answered {b['start_statuses']}; claims won {b['claims_won']}, lost (409)"
        f" {b['claims_lost']}, answers {b['claim_statuses']}",
        f"  sessions without a page: {b['sessions_without_page']}, without an escalation check:"
        f" {b['sessions_without_check']}, not claimed exactly once:"
        f" {b['sessions_claimed_not_once']}",
        f"  event pump running throughout (ESCALATION_DELAY_SECONDS={b['escalation_delay_s']});"
        f" dead letters: {b['dead_letters']}",
        "  (moto and the emulator answer on this machine's 2 cores, shared with every environment)",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.lambda_burst", description=__doc__)
    parser.add_argument("--officers", type=int, default=40, help="officers starting at once (40)")
    parser.add_argument("--sergeants", type=int, default=10, help="sergeants racing (10)")
    parser.add_argument(
        "--escalation-delay",
        type=int,
        default=ESCALATION_DELAY_SECONDS,
        help=f"ESCALATION_DELAY_SECONDS of the app ({ESCALATION_DELAY_SECONDS})",
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    # The event handlers' log lines (this process runs the pump) go where Lambda's would, not
    # into the figures; the app's loggers take sys.stdout when ``app`` is imported in measure().
    with open(os.devnull, "w") as logs, contextlib.redirect_stdout(logs):
        figures = measure(args.officers, args.sergeants, args.escalation_delay)
    print(json.dumps(figures, indent=2) if args.json else table(figures), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
