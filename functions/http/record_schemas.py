"""Her record's routes: the key she keeps it with, and what she reads back."""

from __future__ import annotations

from datetime import datetime

from pydantic import ConfigDict, Field

from functions.domain.model import Model
from functions.domain.records import HerRecord

__all__ = ["KeepRecord", "RecordView"]


class KeepRecord(Model):
    """The record key her page made: 26 Crockford base32 characters (dashes allowed)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str = Field(min_length=1, max_length=64)


class RecordView(HerRecord):
    """Her record: exactly these fields; no photo, no location, no internal ids."""

    model_config = ConfigDict(json_schema_serialization_defaults_required=True)

    kept_until: datetime
