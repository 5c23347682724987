"""The two edits the relay makes to SDP text, for what aiortc does not do itself.

When the SDK stops a transceiver (a remote video it no longer receives), the browser's next offer
keeps that media section with port 0 and leaves its ``mid`` out of the BUNDLE group. The answer
must reject the same section (port 0) and leave it out of its own BUNDLE group, or the browser
refuses the answer ("A BUNDLE group in answer contains a MID that was not in the offered
group"). aiortc answers every section as if it were live, so the relay rewrites its answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SECTION_START = "m="


def _sections(sdp: str) -> tuple[list[str], list[list[str]]]:
    """Split SDP text into its session lines and the lines of each media section."""
    session: list[str] = []
    sections: list[list[str]] = []
    for line in sdp.splitlines():
        if line.startswith(_SECTION_START):
            sections.append([line])
        elif sections:
            sections[-1].append(line)
        elif line:
            session.append(line)
    return session, sections


def _mid(section: list[str]) -> str | None:
    for line in section:
        if line.startswith("a=mid:"):
            return line[len("a=mid:") :].strip()
    return None


@dataclass(frozen=True)
class Section:
    """One media section of an SDP offer, in order: its kind, ``mid`` and whether it is live."""

    kind: str
    mid: str
    rejected: bool


def media_sections(offer: str) -> list[Section]:
    """The offer's audio and video sections in order (the order ``receive_stream_ids`` follows)."""
    _, sections = _sections(offer)
    found = []
    for section in sections:
        fields = section[0][len(_SECTION_START) :].split()
        mid = _mid(section)
        if len(fields) > 1 and fields[0] in ("audio", "video") and mid is not None:
            found.append(Section(kind=fields[0], mid=mid, rejected=fields[1] == "0"))
    return found


def rejected_mids(offer: str) -> set[str]:
    """The ``mid`` of every media section that the offer rejects (port 0)."""
    return {section.mid for section in media_sections(offer) if section.rejected}


def reject_in_answer(answer: str, mids: set[str]) -> str:
    """Reject the sections ``mids`` in an answer: port 0, inactive, and out of the BUNDLE group."""
    if not mids:
        return answer
    session, sections = _sections(answer)
    lines: list[str] = []
    for line in session:
        if line.startswith("a=group:BUNDLE"):
            kept = [mid for mid in line.split()[1:] if mid not in mids]
            line = " ".join(["a=group:BUNDLE", *kept])
        lines.append(line)
    for section in sections:
        if _mid(section) in mids:
            media = section[0].split()
            media[1] = "0"
            section = [" ".join(media)] + [
                re.sub(r"^a=(sendrecv|sendonly|recvonly)$", "a=inactive", line)
                for line in section[1:]
                if not line.startswith(("a=candidate:", "a=end-of-candidates"))
            ]
        lines.extend(section)
    return "\r\n".join(lines) + "\r\n"
