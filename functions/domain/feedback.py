"""Her feedback on a stop: "this was fine" or "something was wrong", left once with her record key.

Feedback is a complaint channel, so what she sends is kept as she wrote it, once: it is never
updated, and a second, different feedback on the same stop is refused
(``409 feedback_already_left``). Her page sends the same feedback again after a poor connection;
that gets the same answer.

The text is plain text. It is never rendered as HTML anywhere (her page and the console put it in
text nodes), and it is kept out of the professional-standards alert, which may go by email: the
alert names the reference, and the text is read in the console, behind sign-in.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from enum import StrEnum

from pydantic import ConfigDict, Field, field_validator

from .model import Model

__all__ = ["CONTACT_MAX", "TEXT_MAX", "Feedback", "FeedbackEntry", "Verdict", "plain_text"]

TEXT_MAX = 2000
"""Characters of her free text: a page of writing, and well under DynamoDB's 400 kB item."""

CONTACT_MAX = 200
"""Characters of how to contact her: an address, a phone number, a time to call."""

# C0 and C1 controls except tab and newline, and the bidirectional overrides that can make a
# line read differently from what is stored (Trojan Source, CVE-2021-42574).
_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def plain_text(text: str | None) -> str | None:
    """``text`` as kept: NFC, line ends as ``\\n``, controls removed, trimmed; blank is ``None``."""
    if text is None:
        return None
    cleaned = _UNPRINTABLE.sub(
        "", unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    ).strip()
    return cleaned or None


class Verdict(StrEnum):
    """What she says of the stop."""

    FINE = "fine"
    SOMETHING_WRONG = "something_wrong"


class Feedback(Model):
    """What she sends: a verdict, and optionally what happened and how to reach her."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    verdict: Verdict
    text: str | None = Field(default=None, max_length=TEXT_MAX)
    contact: str | None = Field(default=None, max_length=CONTACT_MAX)

    @field_validator("text", "contact", mode="after")
    @classmethod
    def _plain(cls, value: str | None) -> str | None:
        return plain_text(value)


class FeedbackEntry(Model):
    """Her feedback as kept, beside her record and in the force's audit trail.

    Attributes
    ----------
    session_id, reference, force
        The stop it is about.
    officer
        The officer's rank and shoulder number (``PC 4321``), for the standards list.
    feedback
        What she sent.
    left_at
        When it was kept (UTC).
    """

    session_id: str
    reference: str
    force: str
    officer: str | None = None
    feedback: Feedback
    left_at: datetime

    def same_as(self, other: FeedbackEntry) -> bool:
        """Whether ``other`` is this feedback sent again (her page retrying), whenever it came."""
        return self.session_id == other.session_id and self.feedback == other.feedback
