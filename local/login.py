"""Print a Cognito ID token for a demo user of the running local stack.

``.venv/bin/python -m local.login officer.central`` reads the stack description that ``make run``
wrote (``.local/stack.json``, or ``$SAFE_CONNECTION_STATE_DIR/stack.json``) and makes the standard
Cognito ``InitiateAuth`` call (``USER_PASSWORD_AUTH``) against moto, exactly as the officer app
does against AWS. Use the token as ``Authorization: Bearer <token>``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

__all__ = [
    "STATE_DIR_VARIABLE",
    "StackNotRunningError",
    "id_token",
    "main",
    "read_stack",
    "state_dir",
]

ROOT = Path(__file__).resolve().parents[1]
STATE_DIR_VARIABLE = "SAFE_CONNECTION_STATE_DIR"
"""Environment variable naming the directory of ``stack.json`` (default ``.local`` in the repo)."""


class StackNotRunningError(Exception):
    """There is no stack description to log in with (``make run`` has not been started)."""


def state_dir(environ: dict[str, str] | None = None) -> Path:
    """Where ``make run`` keeps ``stack.json``: ``$SAFE_CONNECTION_STATE_DIR`` or ``.local``."""
    env = os.environ if environ is None else environ
    configured = env.get(STATE_DIR_VARIABLE, "").strip()
    return Path(configured).resolve() if configured else ROOT / ".local"


def read_stack(directory: Path | None = None) -> dict[str, Any]:
    """The stack description written by ``make run``.

    Raises
    ------
    StackNotRunningError
        If there is no readable ``stack.json`` in ``directory``.
    """
    path = (directory or state_dir()) / "stack.json"
    try:
        stack: dict[str, Any] = json.loads(path.read_text())
    except FileNotFoundError:
        raise StackNotRunningError(
            f"{path} does not exist: start the local stack with `make run`."
        ) from None
    except ValueError as exc:
        raise StackNotRunningError(
            f"{path} is not valid JSON ({exc}): restart `make run`."
        ) from exc
    return stack


def id_token(stack: dict[str, Any], username: str, password: str | None = None) -> str:
    """A Cognito ID token for ``username`` from the stack's user pool (``InitiateAuth``).

    ``password`` defaults to the demo user's password recorded in the stack description.

    Raises
    ------
    KeyError
        If ``username`` is not a demo user and no password was given.
    """
    import boto3  # here, so that ``--help`` and errors about the state file stay instant

    if password is None:
        users = {user["username"]: user for user in stack.get("users", [])}
        if username not in users:
            known = ", ".join(sorted(users)) or "none"
            raise KeyError(f"{username!r} is not a demo user (demo users: {known})")
        password = str(users[username]["password"])
    cognito = boto3.client(
        "cognito-idp",
        endpoint_url=stack["aws_endpoint_url"],
        region_name=stack["region"],
        aws_access_key_id="testing",
        aws_secret_access_key="testing",  # noqa: S106 - moto accepts any key
    )
    response = cognito.initiate_auth(
        AuthFlow="USER_PASSWORD_AUTH",
        ClientId=stack["user_pool_client_id"],
        AuthParameters={"USERNAME": username, "PASSWORD": password},
    )
    return str(response["AuthenticationResult"]["IdToken"])


def main(argv: list[str] | None = None) -> int:
    """Command line entry point; prints the token alone on stdout (for ``TOKEN=$(...)``)."""
    parser = argparse.ArgumentParser(
        prog="python -m local.login",
        description="Print a Cognito ID token for a demo user of the local stack (`make run`).",
    )
    parser.add_argument("username", help="demo user, e.g. officer.central or sergeant.central")
    parser.add_argument("--password", help="password (default: the demo user's)")
    parser.add_argument(
        "--state-dir",
        type=Path,
        help=f"directory holding stack.json (default: ${STATE_DIR_VARIABLE} or .local)",
    )
    args = parser.parse_args(argv)
    for variable in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE"):  # never a real account here
        os.environ.pop(variable, None)
    try:
        stack = read_stack(args.state_dir.resolve() if args.state_dir else None)
        token = id_token(stack, args.username, args.password)
    except (StackNotRunningError, KeyError) as exc:
        print(f"login: {exc.args[0]}", file=sys.stderr)
        return 2
    except Exception as exc:  # a stopped stack or a refused login: say so, briefly
        print(f"login: {exc}", file=sys.stderr)
        print("Is `make run` still running?", file=sys.stderr)
        return 1
    print(token)
    return 0


if __name__ == "__main__":
    sys.exit(main())
