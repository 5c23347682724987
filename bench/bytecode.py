"""Bytecode caches for the measured processes, so the figures do not depend on the checkout.

Whether Python finds a ``.pyc`` for a module changes its import time a lot, and in a checkout it
depends on the caller (``PYTHONDONTWRITEBYTECODE``, an old ``__pycache__``). The measured
processes therefore run with ``PYTHONPYCACHEPREFIX`` pointing at a cache of the benchmark's own:

* :func:`full` - every module compiled once (by an untimed run) and cached: the best case, what
  any implementation can have;
* :func:`as_packaged` - cached only for the standard library and boto3 with its dependencies
  (what the Lambda runtime provides precompiled), with nothing written: what a cold start pays
  today, since ``chalice package`` ships the app and its other dependencies as ``.py`` files
  only and Lambda's ``/var/task`` is read-only, so they are compiled again on every cold start.
"""

from __future__ import annotations

import importlib.metadata
import re
import shutil
import sys
import sysconfig
from pathlib import Path

__all__ = ["as_packaged", "full", "runtime_distributions"]

RUNTIME_ROOT = "boto3"
"""The Lambda Python runtime provides boto3 and what it requires."""


def full(env: dict[str, str], cache: Path) -> dict[str, str]:
    """``env`` for processes that compile each module once into ``cache`` and reuse it."""
    cache.mkdir(parents=True, exist_ok=True)
    made = {key: value for key, value in env.items() if key != "PYTHONDONTWRITEBYTECODE"}
    return {**made, "PYTHONPYCACHEPREFIX": str(cache)}


def as_packaged(env: dict[str, str], filled: Path, cache: Path) -> dict[str, str]:
    """``env`` for processes that find ``.pyc`` files only for the standard library and the
    runtime's boto3 (copied from the ``filled`` cache into ``cache``) and write none."""
    roots = {Path(sysconfig.get_paths()["stdlib"])}  # (in a venv, "platstdlib" holds site-packages)
    for name in runtime_distributions():
        dist = importlib.metadata.distribution(name)
        base = Path(str(dist.locate_file("")))
        for top in {Path(str(f)).parts[0] for f in dist.files or []}:
            if not top.endswith((".dist-info", ".data")) and top not in {"..", "__pycache__"}:
                roots.add(base / top.removesuffix(".py"))
    for root in roots:
        source = filled / root.absolute().relative_to("/")
        if source.is_dir():
            shutil.copytree(source, cache / source.relative_to(filled), dirs_exist_ok=True)
        single = source.parent / f"{source.name}.{sys.implementation.cache_tag}.pyc"  # six.py
        if single.is_file():
            (cache / single.relative_to(filled)).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(single, cache / single.relative_to(filled))
    return {**env, "PYTHONPYCACHEPREFIX": str(cache), "PYTHONDONTWRITEBYTECODE": "1"}


def runtime_distributions(root: str = RUNTIME_ROOT) -> set[str]:
    """``root`` and every distribution it requires (extras left out)."""
    found: set[str] = set()
    pending = [root]
    while pending:
        name = pending.pop()
        key = name.lower().replace("_", "-")
        if key in found:
            continue
        try:
            dist = importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:
            continue
        found.add(key)
        for requirement in dist.requires or []:
            if "extra ==" in requirement.partition(";")[2]:
                continue
            pending.append(re.split(r"[\s<>=!~;\[(]", requirement.strip(), maxsplit=1)[0])
    return found
