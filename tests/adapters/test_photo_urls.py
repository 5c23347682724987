"""Presigned photo URLs are reused for the first third of their life, then signed afresh."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest

from functions.adapters.photos import S3Photos


class CountingSigner:
    """A real boto3 S3 client (signing is local), counting its presigned URLs."""

    def __init__(self) -> None:
        self.client = boto3.client(
            "s3",
            region_name="eu-west-2",
            endpoint_url="http://127.0.0.1:1",  # never called: presigning sends nothing
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        self.signed = 0

    def generate_presigned_url(self, *args: Any, **kwargs: Any) -> str:
        self.signed += 1
        return str(self.client.generate_presigned_url(*args, **kwargs))


@pytest.fixture
def clock() -> list[float]:
    return [1000.0]


def photos(signer: CountingSigner, clock: list[float]) -> S3Photos:
    return S3Photos(signer, "photos-bucket", url_seconds=300, clock=lambda: clock[0])  # type: ignore[arg-type]


def test_a_url_is_handed_out_again_within_the_first_third_of_its_life(
    clock: list[float],
) -> None:
    signer = CountingSigner()
    store = photos(signer, clock)
    first = store.url("photos/a.jpg")
    clock[0] += 99.9
    assert store.url("photos/a.jpg") == first
    assert signer.signed == 1
    query = parse_qs(urlsplit(first).query)
    assert query["X-Amz-Expires"] == ["300"]
    assert urlsplit(first).path.endswith("/photos/a.jpg")


def test_after_a_third_of_its_life_a_url_is_signed_again(clock: list[float]) -> None:
    signer = CountingSigner()
    store = photos(signer, clock)
    store.url("photos/a.jpg")
    clock[0] += 100.0
    store.url("photos/a.jpg")
    assert signer.signed == 2


def test_each_photo_has_its_own_url(clock: list[float]) -> None:
    signer = CountingSigner()
    store = photos(signer, clock)
    a, b = store.url("photos/a.jpg"), store.url("photos/b.jpg")
    assert a != b
    assert signer.signed == 2
