"""The private photo bucket: uploads, and short-lived presigned URLs for identity cards."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

__all__ = ["S3Photos"]

_EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png"}


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
    """

    def __init__(self, client: S3Client, bucket: str, url_seconds: int = 300) -> None:
        self.client = client
        self.bucket = bucket
        self.url_seconds = url_seconds

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
        """A presigned GET URL; signing is local, it costs no AWS call."""
        return str(
            self.client.generate_presigned_url(
                "get_object",
                Params={"Bucket": self.bucket, "Key": key},
                ExpiresIn=self.url_seconds,
            )
        )
