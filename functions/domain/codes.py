"""Public codes (typed by the member of the public) and references (for her records).

A public code is 8 characters from an alphabet without look-alikes, so it can be read off a phone
screen and typed on another without confusion: no ``0``/``O``, ``1``/``I``/``L``. It is shown as
``ABCD-EFGH``; input is accepted in any case, with spaces or dashes.

Guessing: 31**8 ≈ 8.5e11 codes. With at most a few thousand live sessions and a per-client rate
limit on ``GET /verify/{code}``, the chance of hitting a live code by guessing is negligible.
"""

import random
import re
import secrets
from datetime import UTC, date, datetime
from typing import Annotated

from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

from functions.domain.fields import require_aware

__all__ = [
    "CODE_ALPHABET",
    "CODE_LENGTH",
    "CODE_SPACE",
    "REFERENCE_PREFIX",
    "REFERENCE_RANDOM_LENGTH",
    "PublicCode",
    "Reference",
    "format_public_code",
    "new_public_code",
    "new_reference",
    "normalise_public_code",
    "normalise_reference",
]

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
"""Digits and upper-case letters minus the look-alikes 0, 1, I, L and O (31 characters)."""

CODE_LENGTH = 8
"""Characters in a public code."""

CODE_SPACE = len(CODE_ALPHABET) ** CODE_LENGTH
"""Number of possible public codes (31**8 = 852,891,037,441)."""

REFERENCE_PREFIX = "SC"
REFERENCE_RANDOM_LENGTH = 5

# secrets.SystemRandom draws from the OS CSPRNG; codes must be unguessable, so never `random`.
_SYSTEM_RNG: random.Random = secrets.SystemRandom()
_ALPHABET_SET = frozenset(CODE_ALPHABET)
# Separators people type or paste: spaces, hyphen, and the dashes phones auto-correct to.
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015]+")
_MAX_INPUT_LENGTH = 64  # far longer than any sensible spelling; stops work on junk input
_REFERENCE_RE = re.compile(
    rf"{REFERENCE_PREFIX}(\d{{6}})([{CODE_ALPHABET}]{{{REFERENCE_RANDOM_LENGTH}}})"
)


def _random_chars(rng: random.Random, length: int) -> str:
    return "".join(rng.choice(CODE_ALPHABET) for _ in range(length))


def new_public_code(rng: random.Random = _SYSTEM_RNG) -> str:
    """Generate a new public code.

    Parameters
    ----------
    rng
        Source of randomness; the OS CSPRNG by default. Tests pass a seeded ``random.Random``.

    Returns
    -------
    str
        ``CODE_LENGTH`` characters from ``CODE_ALPHABET``, undecorated (``"7K3P9ABC"``).
        Uniqueness among live sessions is the adapter's job (conditional put).
    """
    return _random_chars(rng, CODE_LENGTH)


def normalise_public_code(text: str) -> str | None:
    """Turn what she typed into a canonical code, or ``None`` if it cannot be one.

    Parameters
    ----------
    text
        User input: any case, spaces and dashes anywhere (``" abcd-efgh "``).

    Returns
    -------
    str or None
        The 8 upper-case characters, or ``None`` when the input has the wrong length or contains a
        character outside ``CODE_ALPHABET`` (look-alikes such as ``O`` or ``1`` are rejected rather
        than guessed at, so a typo never silently matches someone else's session).
    """
    if not isinstance(text, str) or len(text) > _MAX_INPUT_LENGTH:
        return None
    code = _SEPARATORS.sub("", text).upper()
    if len(code) != CODE_LENGTH or not _ALPHABET_SET.issuperset(code):
        return None
    return code


def format_public_code(code: str) -> str:
    """Format a code for display in two groups of four, e.g. ``"ABCD-EFGH"``.

    Parameters
    ----------
    code
        A code in any accepted spelling.

    Returns
    -------
    str

    Raises
    ------
    ValueError
        If ``code`` is not a well-formed public code.
    """
    canonical = normalise_public_code(code)
    if canonical is None:
        raise ValueError(f"not a public code: {code!r}")
    half = CODE_LENGTH // 2
    return f"{canonical[:half]}-{canonical[half:]}"


def new_reference(now: datetime, rng: random.Random = _SYSTEM_RNG) -> str:
    """Generate a reference for her records, e.g. ``"SC-231126-7K3P9"``.

    Format: ``SC-YYMMDD-XXXXX``: the UTC date of ``now`` (year first, so references sort by
    date) and 5 characters from ``CODE_ALPHABET``. It is something to quote on the phone or in a
    complaint, not a secret and not a key: 31**5 ≈ 2.9e7 per day, so the adapter should still
    make it unique (conditional put) if it indexes by it.

    Parameters
    ----------
    now
        Time the session starts (timezone-aware).
    rng
        Source of randomness; the OS CSPRNG by default.

    Returns
    -------
    str
    """
    require_aware(now)
    day = now.astimezone(UTC).strftime("%y%m%d")
    return f"{REFERENCE_PREFIX}-{day}-{_random_chars(rng, REFERENCE_RANDOM_LENGTH)}"


def normalise_reference(text: str) -> str | None:
    """Canonicalise a typed reference (any case, with or without dashes/spaces).

    Returns
    -------
    str or None
        ``"SC-YYMMDD-XXXXX"``, or ``None`` if ``text`` is not a well-formed reference.
    """
    if not isinstance(text, str) or len(text) > _MAX_INPUT_LENGTH:
        return None
    match = _REFERENCE_RE.fullmatch(_SEPARATORS.sub("", text).upper())
    if match is None:
        return None
    day, suffix = match.groups()
    try:
        date(2000 + int(day[:2]), int(day[2:4]), int(day[4:]))  # reject e.g. 231341
    except ValueError:
        return None
    return f"{REFERENCE_PREFIX}-{day}-{suffix}"


def _public_code_field(value: str) -> str:
    code = normalise_public_code(value)
    if code is None:
        raise PydanticCustomError(
            "public_code", "must be 8 characters from 2-9 and A-Z without I, L or O"
        )
    return code


def _reference_field(value: str) -> str:
    reference = normalise_reference(value)
    if reference is None:
        raise PydanticCustomError("reference", "must look like SC-231126-7K3P9")
    return reference


PublicCode = Annotated[str, AfterValidator(_public_code_field)]
"""A public code field; stored in canonical form (8 characters, no dash)."""

Reference = Annotated[str, AfterValidator(_reference_field)]
"""A reference field; stored in canonical form ``SC-YYMMDD-XXXXX``."""
