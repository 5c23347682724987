"""The Lambda package as the CDK app deploys it, unpacked for the benchmark's cold starts.

``chalice package`` writes ``deployment.zip``; :func:`infra.safe_connection_infra.bytecode.
compile_package` adds the bytecode the stack ships (the same function the CDK app calls); the zip
is then unpacked as Lambda unpacks it into ``/var/task``. A cold start "as packaged" imports
``app`` from there, with only the runtime's boto3 and the standard library outside it, writing no
bytecode (``/var/task`` is read-only).
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

from infra.safe_connection_infra.bytecode import compile_package

__all__ = ["build", "packaged_environment"]

ROOT = Path(__file__).resolve().parent.parent


def build(folder: Path) -> Path:
    """Package, compile and unpack the app under ``folder``; the unpacked task directory."""
    out, task = folder / "package", folder / "task"
    subprocess.run(  # noqa: S603 - this virtualenv's chalice, our own app
        [str(Path(sys.executable).parent / "chalice"), "package", "--stage", "dev", str(out)],
        cwd=ROOT,
        env={**os.environ, "AWS_DEFAULT_REGION": os.environ.get("AWS_DEFAULT_REGION", "eu-west-2")},
        check=True,
        capture_output=True,
        timeout=600,
    )
    compile_package(out / "deployment.zip")
    with zipfile.ZipFile(out / "deployment.zip") as archive:
        archive.extractall(task)
    return task


def packaged_environment(env: dict[str, str]) -> dict[str, str]:
    """``env`` for a cold start from the package: its own ``__pycache__`` directories, no cache
    prefix (which would hide them), nothing written."""
    made = {key: value for key, value in env.items() if key != "PYTHONPYCACHEPREFIX"}
    return {**made, "PYTHONDONTWRITEBYTECODE": "1"}
