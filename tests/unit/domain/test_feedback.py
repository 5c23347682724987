"""Her feedback as kept: plain text, within its limits, compared as she sent it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from functions.domain.feedback import (
    CONTACT_MAX,
    TEXT_MAX,
    Feedback,
    FeedbackEntry,
    Verdict,
    plain_text,
)

LEFT = datetime(2026, 9, 1, 22, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("  He left.\r\n", "He left."),
        ("one\r\ntwo\rthree", "one\ntwo\nthree"),
        ("tab\tstays", "tab\tstays"),
        ("bell\x07 and null\x00 go", "bell and null go"),
        ("\u202eevil\u202c reversed", "evil reversed"),  # bidi overrides (Trojan Source)
        ("e\u0301", "\u00e9"),  # NFC: the same text compares and counts the same
        ("<b>markup</b> stays text", "<b>markup</b> stays text"),
        ("   ", None),
        (None, None),
    ],
)
def test_text_is_kept_as_plain_text(sent: str | None, kept: str | None) -> None:
    assert plain_text(sent) == kept


def test_limits_name_the_field() -> None:
    Feedback(verdict=Verdict.FINE, text="x" * TEXT_MAX, contact="y" * CONTACT_MAX)
    for field, too_long in (("text", TEXT_MAX + 1), ("contact", CONTACT_MAX + 1)):
        with pytest.raises(ValidationError) as raised:
            Feedback.model_validate({"verdict": "fine", field: "x" * too_long})
        assert [e["loc"] for e in raised.value.errors()] == [(field,)]


def test_the_same_feedback_sent_later_is_the_same_and_other_feedback_is_not() -> None:
    first = FeedbackEntry(
        session_id="a" * 32,
        reference="SC-260901-5B8QG",
        force="MET",
        feedback=Feedback(verdict=Verdict.SOMETHING_WRONG, text="He left."),
        left_at=LEFT,
    )
    retry = first.model_copy(update={"left_at": LEFT + timedelta(seconds=30)})
    other = first.model_copy(update={"feedback": Feedback(verdict=Verdict.FINE)})
    assert first.same_as(retry)
    assert not first.same_as(other)
