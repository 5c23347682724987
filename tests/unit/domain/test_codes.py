"""Public codes she types on her own phone, and the reference for her records."""

import random
import string
from datetime import UTC, datetime, timedelta, timezone

import pytest

from functions.domain import (
    CODE_ALPHABET,
    CODE_LENGTH,
    CODE_SPACE,
    format_public_code,
    new_public_code,
    new_reference,
    normalise_public_code,
    normalise_reference,
)


def test_code_space_is_unguessable() -> None:
    assert CODE_SPACE >= 10**11
    assert len(CODE_ALPHABET) ** CODE_LENGTH == CODE_SPACE


def test_alphabet_has_no_look_alikes() -> None:
    assert set(CODE_ALPHABET).isdisjoint("01ILO")
    assert len(set(CODE_ALPHABET)) == len(CODE_ALPHABET) == 31
    assert set(CODE_ALPHABET) <= set(string.digits + string.ascii_uppercase)


def test_generated_codes_use_only_the_alphabet() -> None:
    rng = random.Random(1234)
    codes = [new_public_code(rng) for _ in range(2000)]
    assert all(len(code) == CODE_LENGTH and set(code) <= set(CODE_ALPHABET) for code in codes)
    # Every character of the alphabet turns up: the whole space is used.
    assert set("".join(codes)) == set(CODE_ALPHABET)


def test_generation_is_reproducible_with_an_injected_rng() -> None:
    assert new_public_code(random.Random(7)) == new_public_code(random.Random(7))


def test_default_generator_gives_fresh_valid_codes() -> None:
    first, second = new_public_code(), new_public_code()
    assert normalise_public_code(first) == first
    assert first != second  # 1 in 8.5e11 chance of a false failure


@pytest.mark.parametrize(
    "typed",
    [
        "ABCDEFGH",
        "abcdefgh",
        "abcd efgh",
        "ABCD-EFGH",
        " abcd-efgh ",
        "ab cd-ef gh",
        "ABCD\u2013EFGH",  # en dash from phone auto-correct
        "\tABCD\nEFGH ",
    ],
)
def test_normalise_accepts_how_people_type_it(typed: str) -> None:
    assert normalise_public_code(typed) == "ABCDEFGH"


@pytest.mark.parametrize(
    "typed",
    [
        "ABCD-EFG0",  # zero
        "ABCD-EFGO",  # letter O
        "ABCD-EFG1",  # one
        "ABCD-EFGI",  # letter I
        "abcd-efgl",  # letter l
        "ABCD-EFG",  # too short
        "ABCD-EFGHJ",  # too long
        "",
        "   ",
        "ABCD_EFGH",
        "ÄBCD-EFGH",
        "A" * 10_000,
    ],
)
def test_normalise_rejects_malformed_codes(typed: str) -> None:
    assert normalise_public_code(typed) is None


def test_format_for_display() -> None:
    assert format_public_code("ABCDEFGH") == "ABCD-EFGH"
    assert format_public_code("abcd efgh") == "ABCD-EFGH"
    code = new_public_code(random.Random(3))
    assert normalise_public_code(format_public_code(code)) == code


def test_format_rejects_non_codes() -> None:
    with pytest.raises(ValueError, match="not a public code"):
        format_public_code("HELLO")


def test_reference_has_date_and_code_characters() -> None:
    reference = new_reference(datetime(2023, 11, 26, 22, 15, tzinfo=UTC), random.Random(5))
    prefix, day, suffix = reference.split("-")
    assert (prefix, day) == ("SC", "231126")
    assert len(suffix) == 5
    assert set(suffix) <= set(CODE_ALPHABET)
    assert normalise_reference(reference) == reference


def test_reference_uses_the_utc_date() -> None:
    # 23:30 on the 26th at UTC-2 is already the 27th in UTC.
    late = datetime(2023, 11, 26, 23, 30, tzinfo=timezone(timedelta(hours=-2)))
    assert new_reference(late, random.Random(1)).startswith("SC-231127-")


def test_reference_needs_an_aware_time() -> None:
    with pytest.raises(ValueError, match="timezone"):
        new_reference(datetime(2023, 11, 26, 22, 15))  # deliberately naive


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("SC-231126-7K3P9", "SC-231126-7K3P9"),
        ("sc 231126 7k3p9", "SC-231126-7K3P9"),
        ("sc2311267k3p9", "SC-231126-7K3P9"),
        ("SC-231341-7K3P9", None),  # no 41st of the 13th month
        ("SC-231126-7K3P0", None),  # look-alike
        ("XY-231126-7K3P9", None),
        ("SC-231126", None),
    ],
)
def test_normalise_reference(typed: str, expected: str | None) -> None:
    assert normalise_reference(typed) == expected
