"""The private photo bucket: uploads, and short-lived presigned URLs for identity cards."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

__all__ = ["S3Photos"]

_EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png"}
_REUSE_SHARE = 1 / 3
"""A presigned URL is handed out again for the first third of its life, so every URL handed out
still has at least two thirds of ``url_seconds`` to run."""
_KEPT_URLS = 256
"""URLs kept at most; more photos than this in one container and the oldest are signed again."""


class S3Photos:
    """:class:`~functions.services.ports.PhotoStore` on S3.

    Parameters
    ----------
    client
        A boto3 S3 client (signature v4, so presigned URLs work with KMS-encrypted objects).
    bucket
        The photo bucket.
    url_seconds
        Lifetime of a presigned URL.
    clock
        Monotonic seconds, for how long a signed URL is reused (a test's clock).

    Signing is local but not free: botocore builds and signs a whole request, about 0.16 ms of
    a claim's own time (issue 17, docs/performance.md). So a URL is reused for the first third
    of its life. That grants nothing new: a presigned URL is a bearer link to one photo, and
    everyone it is handed to in that window (the sergeants of the force, her page) may see that
    photo and would be given a URL of their own anyway.
    """

    def __init__(
        self,
        client: S3Client,
        bucket: str,
        url_seconds: int = 300,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client = client
        self.bucket = bucket
        self.url_seconds = url_seconds
        self._clock = clock
        self._signed: dict[str, tuple[str, float]] = {}

    def put(self, officer_id: str, content: bytes, content_type: str) -> str:
        """Store a photo under a content-addressed key.

        The key names neither the officer nor their id (her page shows the photo's URL), and a
        new photo never shows a cached old one. The register links officer and key.
        """
        digest = hashlib.sha256(content).hexdigest()[:32]
        key = f"photos/{digest}.{_EXTENSIONS[content_type]}"
        self.client.put_object(Bucket=self.bucket, Key=key, Body=content, ContentType=content_type)
        return key

    def url(self, key: str) -> str:
        """A presigned GET URL with at least two thirds of ``url_seconds`` left to run.

        Signing is local, it costs no AWS call.
        """
        now = self._clock()
        signed = self._signed.get(key)
        if signed is not None and now < signed[1]:
            return signed[0]
        url = str(
            self.client.generate_presigned_url(
                "get_object",
                Params={"Bucket": self.bucket, "Key": key},
                ExpiresIn=self.url_seconds,
            )
        )
        if len(self._signed) >= _KEPT_URLS:
            self._signed.clear()
        self._signed[key] = (url, now + self.url_seconds * _REUSE_SHARE)
        return url
