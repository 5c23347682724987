"""Domain values the service tests start from: a MET constable, two MET sergeants, and callers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from functions.domain import Officer, Principal
from functions.services.ports import Pager

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)

OFFICER_ID = "met-1001"
SERGEANT_ID = "met-2001"
OTHER_SERGEANT_ID = "met-2002"
GMP_SERGEANT_ID = "gmp-3001"
OFFICER_PHOTO = "photos/met-1001/0123456789abcdef0123.jpg"
SERGEANT_PAGER = Pager("sms", "+447700900123")


class Clock:
    """A fixed clock that a test can move forward."""

    def __init__(self, now: datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def officer(**overrides: Any) -> Officer:
    """A serving, on-duty MET constable with a photo; override any field."""
    data: dict[str, Any] = {
        "officer_id": OFFICER_ID,
        "force": "MET",
        "shoulder_number": "1234AB",
        "given_name": "Jane",
        "family_name": "Smith",
        "rank": "PC",
        "area": "CENTRAL",
        "status": "serving",
        "is_sergeant": False,
        "on_duty": True,
        "photo_key": OFFICER_PHOTO,
    }
    data.update(overrides)
    return Officer.model_validate(data)


def sergeant_officer(officer_id: str = SERGEANT_ID, **overrides: Any) -> Officer:
    """A serving MET sergeant's register entry."""
    data: dict[str, Any] = {
        "officer_id": officer_id,
        "shoulder_number": officer_id.split("-")[-1] + "PS",
        "given_name": "Sam",
        "family_name": "Patel",
        "rank": "PS",
        "is_sergeant": True,
        "photo_key": None,
    }
    data.update(overrides)
    return officer(**data)


def principal(*roles: str, **overrides: Any) -> Principal:
    """A MET caller with ``roles`` (the officer by default)."""
    data: dict[str, Any] = {
        "user_id": f"sub-{overrides.get('officer_id', OFFICER_ID)}",
        "roles": list(roles) or ["officer"],
        "force": "MET",
        "area": "CENTRAL",
        "officer_id": OFFICER_ID,
    }
    data.update(overrides)
    return Principal.model_validate(data)


def officer_caller(officer_id: str = OFFICER_ID) -> Principal:
    return principal("officer", officer_id=officer_id)


def sergeant_caller(officer_id: str = SERGEANT_ID, force: str = "MET") -> Principal:
    """Sergeants hold the officer role too, as real ones do."""
    return principal("sergeant", "officer", officer_id=officer_id, force=force)


def operator_caller(force: str = "MET") -> Principal:
    return principal("operator", officer_id=None, force=force, user_id="sub-operator")


def admin_caller(force: str = "MET") -> Principal:
    return principal("admin", officer_id=None, force=force, user_id=f"sub-admin-{force}")
