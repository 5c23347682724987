"""Forget the sessions a measurement made, untimed, so moto's tables stay the size they started.

DynamoDB's latency does not depend on a table's size; moto's ``TransactWriteItems`` does: it
deep-copies every table it touches (to roll back on failure), so without this each ``POST
/sessions`` would be slower than the one before, for the app and the replay alike. Each session
is removed with its ``code#`` item, and taken off the officer's ``live_sessions`` as the stream
handler does when a session ends (the register read stays the size it has in service).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from functions.adapters.sessions_table import CODE_PREFIX

__all__ = ["forget_sessions"]


def forget_sessions(
    dynamodb: Any,
    *,
    sessions_table: str,
    officers_table: str,
    officer_id: str,
    sessions: Sequence[tuple[str, str]],
) -> None:
    """Delete ``(session_id, public_code)`` sessions and their officer's live-session entries."""
    if not sessions:
        return
    keys = [key for session_id, code in sessions for key in (session_id, CODE_PREFIX + code)]
    for start in range(0, len(keys), 25):
        dynamodb.batch_write_item(
            RequestItems={
                sessions_table: [
                    {"DeleteRequest": {"Key": {"session_id": {"S": key}}}}
                    for key in keys[start : start + 25]
                ]
            }
        )
    dynamodb.update_item(
        TableName=officers_table,
        Key={"officer_id": {"S": officer_id}},
        UpdateExpression="DELETE live_sessions :ended",
        ExpressionAttributeValues={":ended": {"SS": [session_id for session_id, _ in sessions]}},
    )
