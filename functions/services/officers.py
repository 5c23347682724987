"""Use cases of the officer register: admin upkeep, the 999 lookup, going on and off duty."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Any

from pydantic import ValidationError

from functions.domain import (
    Forbidden,
    IdentityCard,
    NotFound,
    Officer,
    Principal,
    Role,
    ValidationFailed,
    identity_card,
    parse_officer_csv,
)

from .ports import AlertPublisher, OfficerEntry, OfficerRegister, Pager, PhotoStore, SessionStore
from .sessions import FALL_BACK_TO_999, Unavailable

__all__ = ["PHOTO_MAX_BYTES", "PHOTO_TYPES", "Lookup", "OfficerService"]

log = logging.getLogger(__name__)

PHOTO_MAX_BYTES = 2 * 1024 * 1024
PHOTO_TYPES = {"image/jpeg": b"\xff\xd8\xff", "image/png": b"\x89PNG\r\n\x1a\n"}
IMPORT_MAX_ROWS = 1000  # keeps one import well inside API Gateway's 29-second limit
_IMPORT_WORKERS = 8
PAGER_PROTOCOLS = frozenset({"sms", "email", "email-json", "application", "https", "sqs"})


@dataclass(frozen=True)
class Lookup:
    """The 999 route's answer: the card, duty status and any live session."""

    card: IdentityCard
    live_session: dict[str, Any] | None


class OfficerService:
    """Register upkeep and duty.

    Parameters
    ----------
    register, sessions, alerts, photos
        The ports.
    """

    def __init__(
        self,
        *,
        register: OfficerRegister,
        sessions: SessionStore,
        alerts: AlertPublisher,
        photos: PhotoStore,
    ) -> None:
        self.register = register
        self.sessions = sessions
        self.alerts = alerts
        self.photos = photos

    # ------------------------------------------------------------------ admin
    def put(self, principal: Principal, officer_id: str, fields: dict[str, Any]) -> OfficerEntry:
        """Create or replace an officer's register entry (duty, photo and pager are kept).

        Raises
        ------
        ValidationFailed
            A field is malformed (the details name it).
        Forbidden
            Not an admin of that force.
        Conflict
            The shoulder number is taken, or the record changed meanwhile.
        """
        _require(principal, Role.ADMIN, "keep the officer register")
        pager = _parse_pager(fields.pop("pager", None))
        existing = self.register.get(officer_id)
        try:
            officer = Officer.model_validate(
                {
                    **fields,
                    "officer_id": officer_id,
                    "on_duty": existing.officer.on_duty if existing else False,
                    "photo_key": existing.officer.photo_key if existing else None,
                }
            )
        except ValidationError as exc:
            raise ValidationFailed.from_pydantic(exc) from exc
        self._same_force(principal, officer)
        if existing:
            self._same_force(principal, existing.officer)
        entry = OfficerEntry(
            officer=officer,
            pager=pager or (existing.pager if existing else None),
            subscription_arn=existing.subscription_arn if existing else None,
        )
        return self.register.save(entry, expected_revision=existing.revision if existing else None)

    def import_csv(self, principal: Principal, text: str) -> dict[str, int]:
        """Import an HR export: every row valid, or nothing written.

        Returns
        -------
        dict
            ``{"created": n, "updated": m}``.
        """
        _require(principal, Role.ADMIN, "import the officer register")
        officers = parse_officer_csv(text, max_rows=IMPORT_MAX_ROWS)
        foreign = [
            {"row": i + 1, "field": "force", "message": f"not your force ({principal.force})"}
            for i, o in enumerate(officers)
            if o.force != principal.force
        ]
        if foreign:
            raise ValidationFailed(
                "Some rows are for another force; nothing was imported.", details=foreign
            )

        # Check everything against the register before writing anything: an officer id that
        # belongs to another force, or a shoulder number another officer already holds.
        with ThreadPoolExecutor(max_workers=_IMPORT_WORKERS) as pool:
            existing = list(pool.map(lambda o: self.register.get(o.officer_id), officers))
            holders = list(
                pool.map(lambda o: self.register.by_shoulder(o.force, o.shoulder_number), officers)
            )
        renumbered = {o.officer_id for o in officers}
        problems = []
        for row, (officer, current, holder) in enumerate(
            zip(officers, existing, holders, strict=True), start=1
        ):
            if current is not None and current.officer.force != principal.force:
                problems.append(
                    {
                        "row": row,
                        "field": "officer_id",
                        "message": "belongs to an officer of another force",
                    }
                )
            if (
                holder is not None
                and holder.officer.officer_id != officer.officer_id
                and holder.officer.officer_id not in renumbered
            ):
                problems.append(
                    {
                        "row": row,
                        "field": "shoulder_number",
                        "message": "already held by another officer",
                    }
                )
        if problems:
            raise ValidationFailed(
                "Some rows clash with the register; nothing was imported.", details=problems
            )

        def upsert(pair: tuple[Officer, OfficerEntry | None]) -> bool:
            officer, current = pair
            kept = officer.model_copy(
                update={
                    "on_duty": current.officer.on_duty if current else False,
                    "photo_key": current.officer.photo_key if current else None,
                }
            )
            self.register.save(
                OfficerEntry(
                    officer=kept,
                    pager=current.pager if current else None,
                    subscription_arn=current.subscription_arn if current else None,
                ),
                expected_revision=current.revision if current else None,
            )
            return current is None

        with ThreadPoolExecutor(max_workers=_IMPORT_WORKERS) as pool:
            created = sum(pool.map(upsert, zip(officers, existing, strict=True)))
        return {"created": created, "updated": len(officers) - created}

    def put_photo(
        self, principal: Principal, officer_id: str, content: bytes, content_type: str
    ) -> OfficerEntry:
        """Store a photo for the identity card (JPEG or PNG, at most 2 MB)."""
        _require(principal, Role.ADMIN, "upload photos")
        kind = content_type.split(";")[0].strip().lower()
        if kind not in PHOTO_TYPES or not content.startswith(PHOTO_TYPES[kind]):
            raise ValidationFailed.for_field("body", "Send a JPEG or PNG image.")
        if len(content) > PHOTO_MAX_BYTES:
            raise ValidationFailed.for_field("body", "The photo must be 2 MB or smaller.")
        existing = self.register.get(officer_id)
        if existing is None:
            raise NotFound("No such officer.")
        self._same_force(principal, existing.officer)
        key = self.photos.put(officer_id, content, kind)
        updated = replace(existing, officer=existing.officer.model_copy(update={"photo_key": key}))
        return self.register.save(updated, expected_revision=existing.revision)

    # ------------------------------------------------------------------ 999 route
    def lookup(self, principal: Principal, force: str, shoulder_number: str) -> Lookup:
        """Find an officer by force and shoulder number, with duty status and live session."""
        if not principal.roles & {Role.OPERATOR, Role.SERGEANT}:
            raise Forbidden("Only operators and sergeants can look officers up.")
        force = force.strip().upper()
        shoulder_number = shoulder_number.strip().upper()
        if not force:
            raise ValidationFailed.for_field("force", "Give the officer's force.")
        if not shoulder_number:
            raise ValidationFailed.for_field("shoulder", "Give the officer's shoulder number.")
        entry = self.register.by_shoulder(force, shoulder_number)
        if entry is None:
            raise NotFound(f"No officer {shoulder_number} serves in {force}.")
        officer = entry.officer
        photo_url = self.photos.url(officer.photo_key) if officer.photo_key else None
        card = identity_card(officer, viewer_force=principal.force, photo_url=photo_url)
        live = None
        if entry.live_sessions and officer.force == principal.force:
            latest = self.sessions.latest_for_officer(officer.officer_id)
            if latest and not latest.session.is_terminal:
                s = latest.session
                live = {
                    "session_id": s.session_id,
                    "state": s.state.value,
                    "created_at": s.created_at.isoformat(),
                    "claimed_by": s.claimed_by,
                }
        return Lookup(card=card, live_session=live)

    # ------------------------------------------------------------------ duty
    def set_duty(self, principal: Principal, on_duty: bool) -> tuple[OfficerEntry, bool]:
        """Book the caller on or off duty; an on-duty sergeant is subscribed to their area's alerts.

        Returns
        -------
        tuple
            The saved entry and whether alerts are now subscribed.
        """
        if not principal.roles & {Role.OFFICER, Role.SERGEANT} or principal.officer_id is None:
            raise Forbidden("Only officers and sergeants go on or off duty.")
        entry = self.register.get(principal.officer_id)
        if entry is None:
            raise NotFound("You are not in the officer register.")
        officer = entry.officer.with_duty(on_duty)  # refuses a suspended officer going on duty
        pages = principal.has_role(Role.SERGEANT) and officer.is_sergeant and entry.pager
        if on_duty:
            return self._on_duty(replace(entry, officer=officer), bool(pages))
        return self._off_duty(replace(entry, officer=officer))

    def _on_duty(self, entry: OfficerEntry, pages: bool) -> tuple[OfficerEntry, bool]:
        # Subscribe first: SNS returns the same subscription for the same endpoint, so a retry
        # (or a register that lost its ARN) always ends subscribed, never half-way.
        subscription = entry.subscription_arn
        if pages and entry.pager is not None:
            try:
                subscription = self.alerts.subscribe(
                    entry.pager, force=entry.officer.force, areas=[entry.officer.area]
                )
            except Exception as exc:
                log.exception("could not subscribe the sergeant's pager")
                raise Unavailable(FALL_BACK_TO_999) from exc
        try:
            saved = self.register.save(
                replace(entry, subscription_arn=subscription), expected_revision=entry.revision
            )
        except Exception:
            if subscription and subscription != entry.subscription_arn:
                self.alerts.unsubscribe(subscription)  # no pager left paging an off-duty record
            raise
        return saved, subscription is not None

    def _off_duty(self, entry: OfficerEntry) -> tuple[OfficerEntry, bool]:
        # Record "off duty" first (keeping the ARN), then unsubscribe, then forget the ARN: if
        # anything fails half-way, the register still names the subscription, so going off duty
        # again finishes the job instead of leaving a pager that nobody knows about.
        saved = self.register.save(entry, expected_revision=entry.revision)
        if saved.subscription_arn is None:
            return saved, False
        try:
            self.alerts.unsubscribe(saved.subscription_arn)
        except Exception as exc:
            log.exception("could not unsubscribe the sergeant's pager")
            raise Unavailable(
                "You are off duty, but your pager could not be switched off; try again."
            ) from exc
        saved = self.register.save(
            replace(saved, subscription_arn=None), expected_revision=saved.revision
        )
        return saved, False

    @staticmethod
    def _same_force(principal: Principal, officer: Officer) -> None:
        if officer.force != principal.force:
            raise Forbidden(f"You can only manage officers of {principal.force}.")


def _require(principal: Principal, role: Role, action: str) -> None:
    if not principal.has_role(role):
        raise Forbidden(f"Only {role.value}s can {action}.")


def _parse_pager(raw: Any) -> Pager | None:
    if raw is None:
        return None
    if (
        not isinstance(raw, dict)
        or set(raw) != {"protocol", "endpoint"}
        or raw["protocol"] not in PAGER_PROTOCOLS
        or not isinstance(raw["endpoint"], str)
        or not 1 <= len(raw["endpoint"]) <= 2048
    ):
        raise ValidationFailed.for_field(
            "pager",
            "Give {protocol, endpoint} with protocol one of " + ", ".join(sorted(PAGER_PROTOCOLS)),
        )
    return Pager(raw["protocol"], raw["endpoint"])
