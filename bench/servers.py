"""``python -m bench.servers``: moto (server mode) and the Chime emulator, in their own process.

They run apart from the measured processes so that moto's request handling never competes for the
measured interpreter's GIL. The first line on stdout is ``{"moto_url": ..., "chime_url": ...}``;
both stop when stdin closes (the parent exits or closes it) or on SIGTERM.

Two things that cost AWS's callers nothing are left out, because here they would take CPU from
the answers being timed, on the same two cores:

* DynamoDB stream records: moto keeps every one in memory and deep-copies them with the table on
  every ``TransactWriteItems`` (so each ``POST /sessions`` would be slower than the last); no
  stream handler runs in the benchmark, so moto here keeps none;
* the emulator's meeting events to EventBridge (asynchronous in AWS; nothing here consumes them).
"""

from __future__ import annotations

import json
import logging
import signal
import sys
import threading
from types import FrameType

from local.chime_emulator import ChimeEmulator
from local.moto_fidelity import make_dynamodb_writes_atomic

REGION = "eu-west-2"


def main() -> int:
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    make_dynamodb_writes_atomic()  # as atomic as DynamoDB, as the tests and `make run` run it
    _keep_no_stream_records()
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    moto.start()
    host, port = moto.get_host_and_port()
    moto_url = f"http://{host}:{port}"
    stop = threading.Event()

    def on_term(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_term)

    def wait_for_eof() -> None:
        sys.stdin.read()
        stop.set()

    threading.Thread(target=wait_for_eof, daemon=True).start()
    try:
        with ChimeEmulator(default_region=REGION) as chime:
            print(json.dumps({"moto_url": moto_url, "chime_url": chime.url}), flush=True)
            stop.wait()
    finally:
        moto.stop()
    return 0


def _keep_no_stream_records() -> None:
    from moto.dynamodb.models.table import StreamShard

    def add(self: StreamShard, old: object, new: object) -> None:
        return None

    StreamShard.add = add  # type: ignore[method-assign]


if __name__ == "__main__":
    raise SystemExit(main())
