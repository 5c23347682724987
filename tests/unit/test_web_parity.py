"""The web pages repeat a few facts of the domain in TypeScript; these keep the two equal.

If one side changes alone, her page would reject real codes (or accept impossible ones) before
asking, or the console would allow a reason the API refuses.
"""

from __future__ import annotations

import re
from pathlib import Path

from functions.domain.codes import CODE_ALPHABET, CODE_LENGTH
from functions.domain.sessions import SessionState
from functions.http.schemas import OutcomeRequest

WEB = Path(__file__).resolve().parents[2] / "web" / "src" / "shared"


def ts_constant(file: str, name: str) -> str:
    match = re.search(rf"export const {name}\s*=\s*([^;]+);", (WEB / file).read_text())
    assert match, f"{name} not found in {file}"
    return match.group(1).strip().strip('"')


def test_her_page_checks_codes_with_the_api_alphabet_and_length() -> None:
    assert ts_constant("format.ts", "CODE_ALPHABET") == CODE_ALPHABET
    assert int(ts_constant("format.ts", "CODE_LENGTH")) == CODE_LENGTH


def test_the_console_limits_a_reason_as_the_api_does() -> None:
    limit = OutcomeRequest.model_fields["reason"].metadata[0].max_length
    assert int(ts_constant("states.ts", "REASON_LIMIT")) == limit


def test_the_pages_know_every_session_state_and_no_other() -> None:
    source = (WEB / "types.ts").read_text()
    union = re.search(r"export type SessionState =([^;]+);", source)
    assert union
    assert set(re.findall(r'"(\w+)"', union.group(1))) == {state.value for state in SessionState}
