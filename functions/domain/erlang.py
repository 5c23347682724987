"""Erlang C staffing model: how many sergeants an hour of video-verification requests needs.

Requests arrive at random (Poisson, λ per second) and each takes a sergeant h seconds on average
(exponential), with one queue served first come, first served and nobody hanging up (M/M/N).

- Traffic intensity, in erlangs: A = λ·h.
- Probability that a request has to wait, for N sergeants (Erlang C), when N > A::

      P_w = [A^N/N! · N/(N-A)] / [Σ_{k=0}^{N-1} A^k/k! + A^N/N! · N/(N-A)]

  and P_w = 1 when N <= A (the queue grows without bound).
- Service level, the share answered within t seconds: SL(t) = 1 - P_w · e^{-(N-A)·t/h}.
- Average speed of answer (mean wait): ASA = P_w · h / (N - A).

P_w is not computed from factorials (A^N/N! overflows a float near N = 170) but from the Erlang B
recursion B(0) = 1, B(k) = A·B(k-1) / (k + A·B(k-1)), then P_w = N·B(N) / (N - A·(1 - B(N))),
which stays within [0, 1] for any N. Standard library only: it is imported by a Lambda.
"""

from __future__ import annotations

import math

from pydantic import ConfigDict

from functions.domain.model import Model

__all__ = [
    "Staffing",
    "agents_needed",
    "average_wait",
    "probability_of_waiting",
    "service_level",
    "staffing",
]


class Staffing(Model):
    """One period's staffing: what the arrivals need and what the sergeants on duty give.

    Attributes
    ----------
    arrivals, period_seconds, handling_seconds, sergeants_on_duty
        The inputs, as given.
    traffic_erlangs
        A = arrivals / period_seconds · handling_seconds.
    sergeants_needed
        The fewest sergeants meeting the goal (0 with no arrivals).
    expected_service_level
        Share answered within the target with the sergeants on duty: 1.0 with no arrivals, 0.0
        when they are no more than the traffic.
    expected_wait_seconds
        Mean wait with the sergeants on duty: 0.0 with no arrivals, None when they are no more
        than the traffic (the queue grows without bound).
    expected_service_level_needed
        Share answered within the target with ``sergeants_needed``.
    """

    model_config = ConfigDict(frozen=True)

    arrivals: int
    period_seconds: float
    handling_seconds: float
    traffic_erlangs: float
    sergeants_on_duty: int
    sergeants_needed: int
    expected_service_level: float
    expected_wait_seconds: float | None
    expected_service_level_needed: float


def _check(agents: int, traffic: float) -> None:
    if agents < 0:
        raise ValueError(f"agents must be >= 0, not {agents}")
    if not (math.isfinite(traffic) and traffic >= 0):
        raise ValueError(f"traffic must be finite and >= 0, not {traffic}")


def _check_times(traffic: float, handling_seconds: float, target_seconds: float) -> None:
    h = handling_seconds
    if not (math.isfinite(h) and (h > 0 or h == traffic == 0)):
        raise ValueError(f"handling_seconds must be finite and > 0, not {handling_seconds}")
    if not (math.isfinite(target_seconds) and target_seconds >= 0):
        raise ValueError(f"target_seconds must be finite and >= 0, not {target_seconds}")


def _erlang_c(agents: int, traffic: float, blocking: float) -> float:
    """P_w from B(agents) (Erlang B); the caller guarantees agents > traffic."""
    return agents * blocking / (agents - traffic * (1.0 - blocking))


def probability_of_waiting(agents: int, traffic: float) -> float:
    """Erlang C: the probability that a request waits, for ``agents`` serving ``traffic`` erlangs.

    Returns 1.0 when ``agents <= traffic`` and 0.0 when there is no traffic (and agents >= 1).
    """
    _check(agents, traffic)
    if agents <= traffic:
        return 1.0
    blocking = 1.0
    for k in range(1, agents + 1):
        blocking = traffic * blocking / (k + traffic * blocking)
    return _erlang_c(agents, traffic, blocking)


def _service_level(agents: int, traffic: float, p_wait: float, h: float, t: float) -> float:
    return 1.0 - p_wait * math.exp(-(agents - traffic) * t / h)


def service_level(
    agents: int, traffic: float, handling_seconds: float, target_seconds: float
) -> float:
    """Share of requests answered within ``target_seconds``: 1 - P_w · e^{-(N-A)·t/h}.

    Returns 1.0 with no traffic and 0.0 when ``agents <= traffic``.
    """
    _check(agents, traffic)
    _check_times(traffic, handling_seconds, target_seconds)
    if traffic == 0:
        return 1.0
    if agents <= traffic:
        return 0.0
    p_wait = probability_of_waiting(agents, traffic)
    return _service_level(agents, traffic, p_wait, handling_seconds, target_seconds)


def average_wait(agents: int, traffic: float, handling_seconds: float) -> float | None:
    """Average speed of answer in seconds, P_w · h / (N - A).

    Returns 0.0 with no traffic and None when ``agents <= traffic`` (no steady state).
    """
    _check(agents, traffic)
    _check_times(traffic, handling_seconds, 0.0)
    if traffic == 0:
        return 0.0
    if agents <= traffic:
        return None
    return probability_of_waiting(agents, traffic) * handling_seconds / (agents - traffic)


def agents_needed(
    traffic: float, handling_seconds: float, target_seconds: float = 30.0, goal: float = 0.8
) -> int:
    """The fewest agents N > A whose service level within ``target_seconds`` is at least ``goal``.

    Returns 0 with no traffic. Raises ValueError for a goal outside (0, 1), negative or
    non-finite inputs, ``handling_seconds <= 0`` with traffic, or when no N up to the cap
    A + 10·√A + 100 reaches the goal (a safeguard: P_w there is negligible, so SL rounds to 1).
    """
    _check(0, traffic)
    _check_times(traffic, handling_seconds, target_seconds)
    if not (0.0 < goal < 1.0):
        raise ValueError(f"goal must be in (0, 1), not {goal}")
    if traffic == 0:
        return 0
    limit = math.ceil(traffic + 10.0 * math.sqrt(traffic) + 100.0)
    blocking = 1.0
    for agents in range(1, limit + 1):  # B(k) carried along: O(limit) in all
        blocking = traffic * blocking / (agents + traffic * blocking)
        if agents <= traffic:
            continue
        p_wait = _erlang_c(agents, traffic, blocking)
        if _service_level(agents, traffic, p_wait, handling_seconds, target_seconds) >= goal:
            return agents
    raise ValueError(f"no staffing up to {limit} agents reaches a service level of {goal}")


def staffing(
    arrivals: int,
    period_seconds: float,
    handling_seconds: float,
    sergeants_on_duty: int,
    target_seconds: float = 30.0,
    goal: float = 0.8,
) -> Staffing:
    """Staffing for ``arrivals`` requests measured over ``period_seconds`` (3600 for an hour).

    Raises ValueError for negative arrivals or sergeants, a period that is not > 0, and whatever
    :func:`agents_needed` refuses.
    """
    if arrivals < 0:
        raise ValueError(f"arrivals must be >= 0, not {arrivals}")
    if not (math.isfinite(period_seconds) and period_seconds > 0):
        raise ValueError(f"period_seconds must be finite and > 0, not {period_seconds}")
    _check_times(float(arrivals), handling_seconds, target_seconds)
    traffic = arrivals / period_seconds * handling_seconds
    _check(sergeants_on_duty, traffic)
    needed = agents_needed(traffic, handling_seconds, target_seconds, goal)
    return Staffing(
        arrivals=arrivals,
        period_seconds=period_seconds,
        handling_seconds=handling_seconds,
        traffic_erlangs=traffic,
        sergeants_on_duty=sergeants_on_duty,
        sergeants_needed=needed,
        expected_service_level=service_level(
            sergeants_on_duty, traffic, handling_seconds, target_seconds
        ),
        expected_wait_seconds=average_wait(sergeants_on_duty, traffic, handling_seconds),
        expected_service_level_needed=service_level(
            needed, traffic, handling_seconds, target_seconds
        ),
    )
