"""Her record key as people type it, and the record's allow-list."""

from __future__ import annotations

import pytest

from functions.domain.records import RECORD_FIELDS, key_hash, normalise_record_key

KEY = "7K3P9QRSTV0123456789ABCDEF"


@pytest.mark.parametrize(
    "typed",
    [KEY, KEY.lower(), "7K3P-9QRS-TV01-2345-6789-ABCD-EF", " 7k3p 9qrs tv01 2345 6789 abcd ef "],
)
def test_a_key_reads_the_same_however_it_is_typed(typed: str) -> None:
    assert normalise_record_key(typed) == KEY


def test_letters_people_confuse_read_as_the_digits_they_look_like() -> None:
    assert normalise_record_key(KEY.replace("0", "O").replace("1", "I")) == KEY
    assert normalise_record_key(KEY.replace("1", "l")) == KEY


@pytest.mark.parametrize("bad", ["", KEY[:-1], KEY + "A", KEY[:-1] + "U", None, 42, "x" * 65])
def test_anything_else_is_not_a_key(bad: object) -> None:
    assert normalise_record_key(bad) is None


def test_only_a_hash_is_kept_and_it_differs_per_key() -> None:
    assert key_hash(KEY) != key_hash(KEY[:-1] + "G")
    assert KEY not in key_hash(KEY)


def test_the_record_shows_no_photo_location_or_ids() -> None:
    assert not RECORD_FIELDS & {"photo_url", "location", "session_id", "officer_id", "meeting"}
