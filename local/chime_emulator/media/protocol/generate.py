"""Regenerate ``signaling_pb2.py`` and ``signaling_pb2.pyi`` from ``signaling.proto``.

The one place the protoc command lives (``make proto`` runs it)::

    .venv/bin/python -m local.chime_emulator.media.protocol.generate          # rewrite both
    .venv/bin/python -m local.chime_emulator.media.protocol.generate --check  # exit 1 if stale

protoc is grpcio-tools' bundled one, pinned in requirements.txt, so the output depends only on
the .proto and that pin. ``tests/emulator/test_signaling_protocol.py`` fails while the committed
files differ from what this writes.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

__all__ = ["GENERATED", "HERE", "PROTO", "generate", "main"]

HERE = Path(__file__).resolve().parent
PROTO = HERE / "signaling.proto"
GENERATED = ("signaling_pb2.py", "signaling_pb2.pyi")


def generate(out_dir: Path = HERE) -> list[Path]:
    """Run protoc on ``signaling.proto``, writing the module and its stub into ``out_dir``.

    Parameters
    ----------
    out_dir : Path
        Directory to write into; the package directory itself by default.

    Returns
    -------
    list of Path
        The files written, in the order of :data:`GENERATED`.

    Raises
    ------
    subprocess.CalledProcessError
        If protoc rejects the definitions (its message is on stderr).
    """
    subprocess.run(  # noqa: S603  (fixed arguments: this interpreter and our own paths)
        [
            sys.executable,
            "-m",
            "grpc_tools.protoc",
            f"-I{PROTO.parent}",
            f"--python_out={out_dir}",
            f"--pyi_out={out_dir}",
            PROTO.name,
        ],
        check=True,
        cwd=PROTO.parent,
    )
    return [out_dir / name for name in GENERATED]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the files are stale")
    args = parser.parse_args(argv)
    if not args.check:
        for path in generate():
            print(f"wrote {path}")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        stale = [
            name
            for name, fresh in zip(GENERATED, generate(Path(tmp)), strict=True)
            if not (HERE / name).is_file() or (HERE / name).read_bytes() != fresh.read_bytes()
        ]
    for name in stale:
        print(f"{name} is out of date with signaling.proto: run `make proto`", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
