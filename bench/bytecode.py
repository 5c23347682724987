"""Bytecode caches for the measured processes, so the figures do not depend on the checkout.

Whether Python finds a ``.pyc`` for a module changes its import time a lot, and in a checkout it
depends on the caller (``PYTHONDONTWRITEBYTECODE``, an old ``__pycache__``). The measured
processes therefore run with ``PYTHONPYCACHEPREFIX`` pointing at a cache of the benchmark's own:

* :func:`full` - every module compiled once (by an untimed run) and cached: the best case, what
  any implementation can have.

The cold start *as packaged* runs from the deployed zip instead, with the bytecode it carries
(:mod:`bench.package`).
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["full"]

RUNTIME_ROOT = "boto3"
"""The Lambda Python runtime provides boto3 and what it requires."""


def full(env: dict[str, str], cache: Path) -> dict[str, str]:
    """``env`` for processes that compile each module once into ``cache`` and reuse it."""
    cache.mkdir(parents=True, exist_ok=True)
    made = {key: value for key, value in env.items() if key != "PYTHONDONTWRITEBYTECODE"}
    return {**made, "PYTHONPYCACHEPREFIX": str(cache)}
