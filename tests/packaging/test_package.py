"""The Lambda package: ``chalice package`` ships ``functions/`` and the app imports from the zip.

The zip is the one the CDK app deploys: ``chalice package`` then
:func:`~infra.safe_connection_infra.bytecode.compile_package`, which adds bytecode that a cold start
loads instead of compiling the source.

Chalice packages only ``app.py``, ``chalicelib/``, ``vendor/`` and the requirements; the committed
relative symlink ``vendor/functions -> ../functions`` is what puts our code in the zip. This test
builds the real package and imports the app from it in a clean virtualenv that holds only what
Lambda provides (boto3), so a missing module or a dev-only import fails here, not in production.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import boto3
import pytest

from infra.safe_connection_infra.bytecode import compile_package

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("package")
    chalice = Path(sys.executable).parent / "chalice"
    env = {**os.environ, "AWS_DEFAULT_REGION": "eu-west-2"}
    subprocess.run(
        [str(chalice), "package", "--stage", "dev", str(out)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=600,
    )
    compile_package(out / "deployment.zip")  # what the CDK app does before the zip is an asset
    return out


def test_vendor_symlink_is_relative_and_committed_shape() -> None:
    link = ROOT / "vendor" / "functions"
    assert link.is_symlink()
    assert os.readlink(link) == "../functions"


def test_the_zip_holds_our_code_and_no_dev_tooling(package: Path) -> None:
    archive = package / "deployment.zip"
    names = zipfile.ZipFile(archive).namelist()
    print(f"\ndeployment.zip: {archive.stat().st_size / 1_000_000:.1f} MB, {len(names)} files")
    assert "app.py" in names
    for module in (
        "functions/__init__.py",
        "functions/domain/sessions.py",
        "functions/services/sessions.py",
        "functions/http/sessions_api.py",
    ):
        assert module in names, module
    top = {name.split("/", 1)[0] for name in names}
    assert not top & {"local", "tests", "infra", "vendor", "boto3", "botocore", "moto"}
    assert archive.stat().st_size < 20_000_000  # boto3 is provided by Lambda, not shipped


@pytest.fixture(scope="module")
def runtime_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A clean virtualenv with only what Lambda's Python runtime provides: boto3."""
    clean = tmp_path_factory.mktemp("venv")
    venv.create(clean, with_pip=True)
    python = clean / "bin" / "python"
    subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            f"boto3=={boto3.__version__}",
        ],
        check=True,
        capture_output=True,
        timeout=600,
    )
    return python


@pytest.mark.skipif(
    platform.machine() != "x86_64", reason="the package holds Lambda's x86_64 wheels"
)
def test_the_app_imports_from_the_zip_with_only_runtime_requirements(
    package: Path, runtime_python: Path, tmp_path: Path
) -> None:
    unpacked = tmp_path / "task"
    zipfile.ZipFile(package / "deployment.zip").extractall(unpacked)
    python = runtime_python
    probe = (
        "import sys; sys.path.insert(0, '.'); import app; "
        "import functions.domain, functions.wiring; "
        "from functions.config import settings; settings(); "
        "print(len(app.app.routes)); "
        "assert 'moto' not in sys.modules and 'pytest' not in sys.modules"
    )
    result = subprocess.run(
        [str(python), "-I", "-c", probe],
        cwd=unpacked,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": os.environ.get("PATH", ""), "AWS_DEFAULT_REGION": "eu-west-2"},
    )
    assert result.returncode == 0, result.stderr
    assert int(result.stdout.strip()) >= 11


def test_every_module_of_the_zip_has_unchecked_hash_bytecode(package: Path) -> None:
    with zipfile.ZipFile(package / "deployment.zip") as archive:
        names = set(archive.namelist())
        sources = [n for n in names if n.endswith(".py")]
        tag = sys.implementation.cache_tag
        missing = [
            s
            for s in sources
            if f"{s.rsplit('/', 1)[0] + '/' if '/' in s else ''}__pycache__/"
            f"{s.rsplit('/', 1)[-1][:-3]}.{tag}.pyc" not in names
        ]
        header = archive.read(f"__pycache__/app.{tag}.pyc")[:16]

    assert sources and not missing, missing[:10]
    # PEP 552: flags 0b01 (a hash-based pyc) without 0b10 (check_source), i.e. unchecked.
    assert int.from_bytes(header[4:8], "little") == 0b01


@pytest.mark.skipif(
    platform.machine() != "x86_64", reason="the package holds Lambda's x86_64 wheels"
)
def test_a_cold_start_from_the_zip_runs_the_bytecode_and_compiles_no_source(
    package: Path, runtime_python: Path, tmp_path: Path
) -> None:
    unpacked = tmp_path / "task"
    zipfile.ZipFile(package / "deployment.zip").extractall(unpacked)
    # Every module that has bytecode gets a source that cannot run: if any source were
    # compiled instead of its .pyc loaded, importing it would fail.
    stubbed = 0
    for source in unpacked.rglob("*.py"):
        compiled = (
            source.parent / "__pycache__" / f"{source.stem}.{sys.implementation.cache_tag}.pyc"
        )
        if compiled.exists():
            source.write_text("raise SystemExit('compiled from source: ' + __name__)\n")
            stubbed += 1
    probe = (
        "import sys; sys.path.insert(0, '.'); import app; "
        "from functions.config import settings; settings(); "
        "import functions.events.handlers, functions.wiring; "
        "print(len(app.app.routes))"
    )
    result = subprocess.run(
        [str(runtime_python), "-I", "-B", "-c", probe],  # -B: /var/task is read-only
        cwd=unpacked,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": os.environ.get("PATH", ""), "AWS_DEFAULT_REGION": "eu-west-2"},
    )

    assert stubbed > 100
    assert result.returncode == 0, result.stderr[-2000:]
    assert int(result.stdout.strip()) >= 11
