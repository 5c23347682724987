"""Bytecode in the Lambda package, so a cold start imports ``.pyc`` files instead of compiling.

``chalice package`` ships ``app.py``, ``functions/`` and the dependencies as source only, and
Lambda's ``/var/task`` is read-only, so every cold start compiled them all again (430-760 ms in
``make bench``). :func:`compile_package` adds a ``__pycache__/*.cpython-311.pyc`` beside every
module of the zip, compiled by the Python that packaged it, which must be the runtime's (the
bytecode format changes with each minor version).

The ``.pyc`` files are *unchecked-hash* ones (PEP 552): Python loads them without comparing them to
the source's timestamp or hash. Timestamps would not do: a zip's are only to the nearest two
seconds and Lambda's unpacking sets its own, so a timestamped ``.pyc`` could be judged stale and
the source compiled anyway. Nothing can change the source after packaging (the code is an
immutable asset), so nothing is lost by not checking it.

:class:`~.api.CompiledChalice` is ``chalice.cdk.Chalice`` with this step between ``chalice
package`` and the asset, so the zip the stack deploys is the compiled one; ``make bench`` times a
cold start from the same zip (``bench/package.py``). This module imports no CDK, so both can use
it.
"""

from __future__ import annotations

import compileall
import hashlib
import os
import py_compile
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path

__all__ = ["CACHE", "RUNTIME_PYTHON", "compile_package"]

RUNTIME_PYTHON = (3, 11)
"""The Lambda runtime's Python (``python3.11``, which ``chalice package`` names from this one)."""

_FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the same bytes every build, so the asset hash is stable

CACHE = Path(__file__).resolve().parents[1] / "cdk.out" / "bytecode"
"""Compiled zips by the SHA-256 of the zip ``chalice package`` wrote: a synth of another stage, or
of the same code again, reuses the compiled one (in the build output, which git ignores)."""


def compile_package(archive: Path) -> int:
    """Add unchecked-hash bytecode for every module in the zip ``archive``, in place.

    Parameters
    ----------
    archive
        A ``deployment.zip`` that ``chalice package`` wrote.

    Returns
    -------
    int
        How many ``.pyc`` files the zip holds now.

    Raises
    ------
    RuntimeError
        This Python is not the runtime's, or a module does not compile.
    """
    if sys.version_info[:2] != RUNTIME_PYTHON:
        raise RuntimeError(
            f"the Lambda runtime is Python {'.'.join(map(str, RUNTIME_PYTHON))}; package with it,"
            f" not {sys.version.split()[0]} (its bytecode would not load)"
        )
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()
    cached = CACHE / f"{digest}.{sys.implementation.cache_tag}.zip"
    if cached.is_file():  # the same source zip compiled before (chalice package is repeatable)
        shutil.copyfile(cached, archive)
        return _pyc_count(archive)
    with tempfile.TemporaryDirectory(prefix="package-") as folder:
        tree = Path(folder, "task")
        with zipfile.ZipFile(archive) as original:
            modes = {info.filename: info.external_attr for info in original.infolist()}
            original.extractall(tree)
        ok = compileall.compile_dir(
            tree,
            quiet=1,
            workers=0,  # one process per core
            invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
        )
        if not ok:
            raise RuntimeError(f"a module in {archive.name} does not compile")
        rebuilt = archive.with_suffix(".compiled.zip")
        count = 0
        with zipfile.ZipFile(rebuilt, "w", zipfile.ZIP_DEFLATED) as out:
            for path in sorted(p for p in tree.rglob("*") if p.is_file()):
                name = path.relative_to(tree).as_posix()
                info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = modes.get(name, 0o100644 << 16)  # a regular file, rw-r--r--
                out.writestr(info, path.read_bytes())
                count += name.endswith(".pyc")
        CACHE.mkdir(parents=True, exist_ok=True)
        staged = cached.with_suffix(f".{os.getpid()}.partial")
        shutil.copyfile(rebuilt, staged)
        staged.replace(cached)  # whole or not at all, if two synths race
        shutil.move(rebuilt, archive)
    return count


def _pyc_count(archive: Path) -> int:
    with zipfile.ZipFile(archive) as compiled:
        return sum(name.endswith(".pyc") for name in compiled.namelist())
