"""Validated field types shared by the domain models.

Each type normalises what people and HR systems actually type (stray spaces, lower case) and
rejects anything else with a message an admin or officer can act on. They are ``Annotated`` aliases
so any pydantic model (request bodies in the HTTP layer too) can reuse them.
"""

import re
from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

__all__ = [
    "AreaCode",
    "ForceCode",
    "OfficerId",
    "PersonName",
    "ShortText",
    "ShoulderNumber",
    "normalise_force",
    "require_aware",
]

_FORCE_RE = re.compile(r"[A-Z][A-Z0-9]{1,9}")
_AREA_RE = re.compile(r"[A-Z0-9][A-Z0-9_-]{0,31}")
_SHOULDER_RE = re.compile(r"[A-Z0-9]{1,10}")
# Ids end up in DynamoDB keys and URLs, so keep them to URL-safe characters.
_OFFICER_ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
NAME_MAX_LENGTH = 64
SHORT_TEXT_MAX_LENGTH = 500


def normalise_force(value: str) -> str:
    """Return a force code in canonical form (stripped, upper case), without validating it."""
    return value.strip().upper()


def require_aware(now: datetime) -> None:
    """Raise ``ValueError`` unless ``now`` is timezone-aware.

    The domain never reads the clock; callers pass ``now`` in. A naive datetime would make
    waiting times and references depend on the Lambda's local zone, so it is a programming error.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be a timezone-aware datetime")


def _force_code(value: str) -> str:
    code = normalise_force(value)
    if not _FORCE_RE.fullmatch(code):
        raise PydanticCustomError(
            "force_code",
            "must be a force code of 2 to 10 letters or digits starting with a letter, e.g. MET",
        )
    return code


def _area_code(value: str) -> str:
    code = value.strip().upper()
    if not _AREA_RE.fullmatch(code):
        raise PydanticCustomError(
            "area_code",
            "must be an area code of 1 to 32 letters, digits, '-' or '_', e.g. CENTRAL",
        )
    return code


def _shoulder_number(value: str) -> str:
    number = value.strip().upper()
    if not _SHOULDER_RE.fullmatch(number):
        raise PydanticCustomError(
            "shoulder_number", "must be 1 to 10 letters or digits, e.g. 1234AB"
        )
    return number


def _officer_id(value: str) -> str:
    # Ids are opaque: strip accidental whitespace but keep their case.
    officer_id = value.strip()
    if not _OFFICER_ID_RE.fullmatch(officer_id):
        raise PydanticCustomError(
            "officer_id",
            "must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit",
        )
    return officer_id


def _person_name(value: str) -> str:
    name = " ".join(value.split())  # collapse runs of spaces that HR exports love
    if not name:
        raise PydanticCustomError("person_name", "must not be empty")
    if len(name) > NAME_MAX_LENGTH:
        raise PydanticCustomError("person_name", "must be at most 64 characters")
    if not name.isprintable():
        raise PydanticCustomError("person_name", "must not contain control characters")
    return name


def _short_text(value: str) -> str:
    text = value.strip()
    if len(text) > SHORT_TEXT_MAX_LENGTH:
        raise PydanticCustomError("short_text", "must be at most 500 characters")
    # Newlines and tabs are fine in a note; other control characters are not.
    if not all(ch.isprintable() or ch in "\n\t" for ch in text):
        raise PydanticCustomError("short_text", "must not contain control characters")
    return text


ForceCode = Annotated[str, AfterValidator(_force_code)]
"""A police force code such as ``MET`` (normalised to upper case)."""

AreaCode = Annotated[str, AfterValidator(_area_code)]
"""An area / borough code within a force such as ``CENTRAL`` (normalised to upper case)."""

ShoulderNumber = Annotated[str, AfterValidator(_shoulder_number)]
"""A shoulder (collar) number, 1-10 letters or digits (normalised to upper case)."""

OfficerId = Annotated[str, AfterValidator(_officer_id)]
"""The register's officer id (opaque, case kept)."""

PersonName = Annotated[str, AfterValidator(_person_name)]
"""A given or family name, 1-64 printable characters, inner whitespace collapsed."""

ShortText = Annotated[str, AfterValidator(_short_text)]
"""Free text of at most 500 characters (notes, outcome reasons), stripped."""
