"""``make run``: the whole local stack on loopback.

Starts moto in server mode (DynamoDB, SNS, SQS, EventBridge, S3, Cognito) and the Chime SDK
Meetings emulator, wires the emulator's meeting events to moto's EventBridge, writes
``.local/stack.json`` for clients, prints where everything is, and runs until Ctrl-C.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import socket
import sys
import threading
from pathlib import Path
from typing import Any

from .chime_emulator import ChimeEmulator

ROOT = Path(__file__).resolve().parents[1]
STATE_DIR = ROOT / ".local"
REGION = os.environ.get("AWS_REGION", os.environ.get("AWS_DEFAULT_REGION", "eu-west-2"))
HOST = "127.0.0.1"


def _port(variable: str, default: int) -> int:
    value = os.environ.get(variable, str(default))
    try:
        return int(value)
    except ValueError:
        sys.exit(f"{variable} must be a port number, got {value!r}")


def _check_free(port: int, what: str, variable: str) -> None:
    with socket.socket() as sock:
        if sock.connect_ex((HOST, port)) == 0:
            sys.exit(
                f"Port {port} on {HOST} is already in use, so the {what} cannot start.\n"
                f"Stop whatever is using it (is another `make run` still going?) or pick another "
                f"port: {variable}=<port> make run"
            )


def start_moto(port: int) -> Any:
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = ThreadedMotoServer(ip_address=HOST, port=port, verbose=False)
    server.start()
    return server


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(message)s")
    moto_port = _port("MOTO_PORT", 5000)
    chime_port = _port("CHIME_PORT", 4567)
    _check_free(moto_port, "moto server", "MOTO_PORT")
    _check_free(chime_port, "Chime SDK Meetings emulator", "CHIME_PORT")

    moto = start_moto(moto_port)
    moto_url = f"http://{HOST}:{moto_port}"
    emulator = ChimeEmulator(
        HOST, chime_port, eventbridge_endpoint=moto_url, default_region=REGION
    ).start()

    STATE_DIR.mkdir(exist_ok=True)
    stack = {
        "region": REGION,
        "aws_endpoint_url": moto_url,
        "chime_endpoint_url": emulator.url,
    }
    (STATE_DIR / "stack.json").write_text(json.dumps(stack, indent=2) + "\n")

    print(
        f"""
Safe Connection local stack is up.

  AWS services (moto)        {moto_url}
  Chime SDK Meetings         {emulator.url}
  Chime emulator control     {emulator.url}/_emulator/meetings
  Stack description          {STATE_DIR / "stack.json"}

Try the Chime emulator with the AWS CLI or boto3 (any credentials work):

  export AWS_ENDPOINT_URL_CHIME_SDK_MEETINGS={emulator.url} AWS_REGION={REGION}
  curl -s {emulator.url}/_emulator/meetings

Ctrl-C stops everything.
""",
        flush=True,
    )
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    finally:
        print("Stopping the local stack...", flush=True)
        emulator.stop()
        moto.stop()


if __name__ == "__main__":
    main()
