"""Replay the AWS calls a route made: the bare minimum any Python implementation of it pays.

The benchmark records the calls the application makes (service, operation, API parameters, which
thread, when) with botocore's ``provide-client-params`` / ``after-call`` events, and replays them
here on plain boto3 clients with the same parameters and the same concurrency:

* calls whose recorded intervals overlapped form one *stage* and are replayed together, those the
  application made on a worker thread on a pool thread and the others on the calling thread;
* values that must be new for the replay to succeed (the session id, the public code) are
  replaced by fresh ones before the timing starts (:func:`instantiate`);
* values the application took from an earlier response (the meeting id Chime returned, the
  officer's ``revision`` the register read returned) are *captured* from the replay's own
  responses and put where the recording had them, as any implementation must.

This module imports nothing at import time (``typing`` only for the type checker), so a cold
replay process pays for boto3 and nothing of the benchmark's.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping
    from concurrent.futures import Executor
    from typing import Any, TypedDict

    Path = list[str | int]

    class Call(TypedDict):
        """One recorded AWS call."""

        service: str
        operation: str
        method: str
        thread: str  # "main" (the calling thread) or "pool" (a worker thread)
        params: dict[str, Any]
        started: float
        ended: float

    class Capture(TypedDict):
        """Take ``response[path]`` of ``operation`` and put it where the recording had ``token``.

        With ``suffix``, only at parameter paths ending in ``suffix`` whose value is ``token``;
        without, wherever ``token`` occurs inside a string.
        """

        operation: str
        path: Path
        token: str
        suffix: Path | None

    class Plan(TypedDict):
        """A route's recorded calls, in stages, and what later calls take from earlier ones."""

        stages: list[list[Call]]
        captures: list[Capture]

    class Hole(TypedDict):
        stage: int
        call: int
        path: Path
        template: str
        token: str

    class Prepared(TypedDict):
        """A plan ready to run once: fresh values in, holes located."""

        stages: list[list[Call]]
        captures: list[Capture]
        holes: list[Hole]


__all__ = ["execute", "instantiate", "plan", "stages_of", "walk"]


def stages_of(calls: list[Call]) -> list[list[Call]]:
    """Group calls whose recorded intervals overlap: the ones the route made side by side."""
    stages: list[list[Call]] = []
    stage_end = float("-inf")
    for call in sorted(calls, key=lambda c: c["started"]):
        if stages and call["started"] < stage_end:
            stages[-1].append(call)
            stage_end = max(stage_end, call["ended"])
        else:
            stages.append([call])
            stage_end = call["ended"]
    return stages


def plan(calls: list[Call], captures: list[Capture]) -> Plan:
    """The replay plan of a recorded route."""
    return {"stages": stages_of(calls), "captures": captures}


def walk(value: Any, path: Path | None = None) -> Iterator[tuple[Path, Any]]:
    """Every leaf of a JSON-like value with its path."""
    path = path or []
    if isinstance(value, dict):
        for key, item in value.items():
            yield from walk(item, [*path, key])
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from walk(item, [*path, index])
    else:
        yield path, value


def _substitute(value: Any, fresh: Mapping[str, str]) -> Any:
    if isinstance(value, dict):
        return {key: _substitute(item, fresh) for key, item in value.items()}
    if isinstance(value, list):
        return [_substitute(item, fresh) for item in value]
    if isinstance(value, str):
        for old, new in fresh.items():
            if old in value:
                value = value.replace(old, new)
    return value


def instantiate(plan: Plan, fresh: Mapping[str, str]) -> Prepared:
    """A single-use copy of ``plan`` with each recorded value in ``fresh`` replaced by its new
    value (substring replacement: ids and codes are long random strings), and the places that
    captured values go to located in advance, so running it does no searching."""
    stages: list[list[Call]] = [
        [{**call, "params": _substitute(call["params"], fresh)} for call in stage]
        for stage in plan["stages"]
    ]
    holes: list[Hole] = []
    for capture in plan["captures"]:
        produced = next(
            (
                index
                for index, stage in enumerate(stages)
                if any(call["operation"] == capture["operation"] for call in stage)
            ),
            None,
        )
        if produced is None:
            continue
        for s in range(produced + 1, len(stages)):
            for c, call in enumerate(stages[s]):
                for path, leaf in walk(call["params"]):
                    if not isinstance(leaf, str) or capture["token"] not in leaf:
                        continue
                    suffix = capture["suffix"]
                    if suffix is not None and (
                        path[-len(suffix) :] != suffix or leaf != capture["token"]
                    ):
                        continue
                    holes.append(
                        {
                            "stage": s,
                            "call": c,
                            "path": path,
                            "template": leaf,
                            "token": capture["token"],
                        }
                    )
    return {"stages": stages, "captures": plan["captures"], "holes": holes}


def _get(value: Any, path: Path) -> Any:
    for key in path:
        value = value[key]
    return value


def _set(value: Any, path: Path, new: Any) -> None:
    for key in path[:-1]:
        value = value[key]
    value[path[-1]] = new


def execute(
    prepared: Prepared,
    clients: Mapping[str, Any],
    pool: Executor,
    timings: list[tuple[str, float]] | None = None,
) -> dict[str, str]:
    """Make the calls, stage by stage, as the route made them; return the captured values
    (recorded token -> the replay's own value). Runs ``prepared`` once: it fills its holes."""
    import time

    captured: dict[str, str] = {}

    def call(step: Call) -> Any:
        started = time.perf_counter()
        response = getattr(clients[step["service"]], step["method"])(**step["params"])
        if timings is not None:
            timings.append((step["operation"], time.perf_counter() - started))
        return response

    for s, stage in enumerate(prepared["stages"]):
        for hole in prepared["holes"]:
            if hole["stage"] == s:
                filled = hole["template"].replace(hole["token"], captured[hole["token"]])
                _set(stage[hole["call"]]["params"], hole["path"], filled)
        pending = [(step, pool.submit(call, step)) for step in stage if step["thread"] != "main"]
        answered = [(step, call(step)) for step in stage if step["thread"] == "main"]
        answered += [(step, future.result()) for step, future in pending]
        for step, response in answered:
            for capture in prepared["captures"]:
                if capture["operation"] == step["operation"]:
                    captured[capture["token"]] = str(_get(response, capture["path"]))
    return captured
