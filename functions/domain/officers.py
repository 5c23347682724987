"""The officer register and the identity card a sergeant sees on the call."""

import re
from enum import StrEnum
from typing import Annotated

from pydantic import BeforeValidator, ConfigDict, StringConstraints
from pydantic_core import PydanticCustomError

from functions.domain.errors import OfficerNotEligible
from functions.domain.fields import (
    AreaCode,
    ForceCode,
    OfficerId,
    PersonName,
    ShoulderNumber,
    normalise_force,
)
from functions.domain.model import Model

__all__ = [
    "CardWarning",
    "CardWarningCode",
    "IdentityCard",
    "Officer",
    "OfficerStatus",
    "Rank",
    "identity_card",
    "parse_rank",
]


class OfficerStatus(StrEnum):
    """Employment status from the HR register."""

    SERVING = "serving"
    SUSPENDED = "suspended"
    FORMER = "former"


class Rank(StrEnum):
    """UK police ranks, as the abbreviations shown on the card.

    Both the territorial (Chief Constable ...) and the Metropolitan/City (Commander, Commissioner
    ...) senior ranks are included; "D" prefixes are the detective equivalents.
    """

    SC = "SC"
    PC = "PC"
    DC = "DC"
    PS = "PS"
    DS = "DS"
    INSP = "Insp"
    DI = "DI"
    CH_INSP = "ChInsp"
    DCI = "DCI"
    SUPT = "Supt"
    DSUPT = "DSupt"
    CH_SUPT = "ChSupt"
    DCH_SUPT = "DChSupt"
    CMDR = "Cmdr"
    ACC = "ACC"
    DAC = "DAC"
    DCC = "DCC"
    AC = "AC"
    CC = "CC"
    DEP_COMMR = "DepCommr"
    COMMR = "Commr"

    @property
    def long_name(self) -> str:
        """The rank in full, e.g. ``"Police Constable"``."""
        return _LONG_NAMES[self]


_LONG_NAMES: dict[Rank, str] = {
    Rank.SC: "Special Constable",
    Rank.PC: "Police Constable",
    Rank.DC: "Detective Constable",
    Rank.PS: "Police Sergeant",
    Rank.DS: "Detective Sergeant",
    Rank.INSP: "Inspector",
    Rank.DI: "Detective Inspector",
    Rank.CH_INSP: "Chief Inspector",
    Rank.DCI: "Detective Chief Inspector",
    Rank.SUPT: "Superintendent",
    Rank.DSUPT: "Detective Superintendent",
    Rank.CH_SUPT: "Chief Superintendent",
    Rank.DCH_SUPT: "Detective Chief Superintendent",
    Rank.CMDR: "Commander",
    Rank.ACC: "Assistant Chief Constable",
    Rank.DAC: "Deputy Assistant Commissioner",
    Rank.DCC: "Deputy Chief Constable",
    Rank.AC: "Assistant Commissioner",
    Rank.CC: "Chief Constable",
    Rank.DEP_COMMR: "Deputy Commissioner",
    Rank.COMMR: "Commissioner",
}

_RANK_KEY_STRIP = re.compile(r"[\s._-]+")


def _rank_key(text: str) -> str:
    return _RANK_KEY_STRIP.sub("", text).lower()


# HR exports spell ranks many ways ("pc", "Ch. Insp", "Police Sergeant", "Sgt"); all of them map
# to one canonical abbreviation.
_RANK_ALIASES: dict[str, Rank] = {
    **{_rank_key(rank.value): rank for rank in Rank},
    **{_rank_key(name): rank for rank, name in _LONG_NAMES.items()},
    "sergeant": Rank.PS,
    "sgt": Rank.PS,
    "detsgt": Rank.DS,
    "constable": Rank.PC,
    "ci": Rank.CH_INSP,
    "cinsp": Rank.CH_INSP,
    "csupt": Rank.CH_SUPT,
    "dsu": Rank.DSUPT,
    "dcsu": Rank.DCH_SUPT,
}


def parse_rank(text: str) -> Rank | None:
    """Parse a rank as people write it.

    Parameters
    ----------
    text
        An abbreviation or full name in any case, with or without spaces, dots or dashes
        (``"pc"``, ``"Ch. Insp"``, ``"Detective Sergeant"``).

    Returns
    -------
    Rank or None
        ``None`` if the text is not a known rank.
    """
    return _RANK_ALIASES.get(_rank_key(text))


def _rank_input(value: object) -> object:
    if isinstance(value, Rank) or not isinstance(value, str):
        return value
    rank = parse_rank(value)
    if rank is None:
        raise PydanticCustomError(
            "rank", "is not a known police rank (e.g. PC, DC, PS, DS, Insp, DI, ChInsp, Supt)"
        )
    return rank


def _status_input(value: object) -> object:
    # Case-insensitive for HR exports ("Serving", "SUSPENDED").
    return value.strip().lower() if isinstance(value, str) else value


class Officer(Model):
    """One officer in the register.

    Attributes
    ----------
    officer_id
        Register id (stable, opaque).
    force, area
        Force and area codes, e.g. ``MET`` / ``CENTRAL``.
    shoulder_number
        Unique within the force; the 999 route looks officers up by it.
    given_name, family_name
        As shown on the identity card.
    rank
        Canonical :class:`Rank`; input is case- and spelling-tolerant (see :func:`parse_rank`).
    status
        Serving, suspended or former.
    is_sergeant
        May act as the control-room sergeant (set by admins; independent of ``rank`` so an acting
        sergeant can be allowed).
    on_duty
        Currently booked on duty.
    photo_key
        Object key of the photo in the photo bucket, if any.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    officer_id: OfficerId
    force: ForceCode
    shoulder_number: ShoulderNumber
    given_name: PersonName
    family_name: PersonName
    rank: Annotated[Rank, BeforeValidator(_rank_input)]
    area: AreaCode
    status: Annotated[OfficerStatus, BeforeValidator(_status_input)]
    is_sergeant: bool
    on_duty: bool = False
    photo_key: Annotated[str, StringConstraints(min_length=1, max_length=1024)] | None = None

    @property
    def display_name(self) -> str:
        """Given and family name, e.g. ``"Jane Smith"``."""
        return f"{self.given_name} {self.family_name}"

    @property
    def is_serving(self) -> bool:
        """Whether the officer is currently serving (not suspended, not former)."""
        return self.status is OfficerStatus.SERVING

    def with_duty(self, on_duty: bool) -> "Officer":
        """Return a copy booked on or off duty.

        Parameters
        ----------
        on_duty
            The new duty status.

        Returns
        -------
        Officer
            A new value; ``self`` is unchanged.

        Raises
        ------
        OfficerNotEligible
            Going on duty while suspended or former. Going off duty is always allowed, so a stale
            flag can always be cleared.
        """
        if on_duty and not self.is_serving:
            raise _not_eligible(self, "go on duty")
        return self.model_copy(update={"on_duty": on_duty})


def _not_eligible(officer: Officer, action: str) -> OfficerNotEligible:
    if officer.status is OfficerStatus.SUSPENDED:
        return OfficerNotEligible(
            f"Officer {officer.force} {officer.shoulder_number} is suspended and cannot {action}.",
            code="officer_suspended",
        )
    return OfficerNotEligible(
        f"Officer {officer.force} {officer.shoulder_number} is no longer serving and cannot "
        f"{action}.",
        code="officer_not_serving",
    )


class CardWarningCode(StrEnum):
    """Machine codes of identity-card warnings (stable; clients may style by them)."""

    OFFICER_SUSPENDED = "officer_suspended"
    OFFICER_NOT_SERVING = "officer_not_serving"
    OTHER_FORCE = "other_force"
    NOT_ON_DUTY = "not_on_duty"
    NO_PHOTO = "no_photo"


class CardWarning(Model):
    """One warning on the identity card: a code and a sentence a sergeant reads under stress."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    code: CardWarningCode
    message: str


class IdentityCard(Model):
    """What the sergeant (and the 999 operator) sees about the officer.

    Exactly the fields the API contract names for ``officer`` in ``POST /sessions/{id}/claim``.
    Internal ids and the photo key are deliberately absent.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    display_name: str
    rank: Rank
    shoulder_number: str
    force: str
    area: str
    status: OfficerStatus
    on_duty: bool
    photo_url: str | None
    warnings: tuple[CardWarning, ...]


def identity_card(officer: Officer, *, viewer_force: str, photo_url: str | None) -> IdentityCard:
    """Build the identity card of ``officer`` as seen by someone in ``viewer_force``.

    Parameters
    ----------
    officer
        The register entry.
    viewer_force
        The force of the sergeant or operator looking at the card (any case).
    photo_url
        A presigned URL for the photo, or ``None`` if there is no photo (or it could not be
        signed). The "no photo" warning follows this value, because what matters is whether the
        sergeant can actually see a photo.

    Returns
    -------
    IdentityCard
        Warnings are ordered most serious first: suspended / no longer serving, other force,
        not on duty, no photo.
    """
    warnings: list[CardWarning] = []
    if officer.status is OfficerStatus.SUSPENDED:
        warnings.append(
            CardWarning(
                code=CardWarningCode.OFFICER_SUSPENDED,
                message="SUSPENDED: this officer is suspended from duty. Do not confirm them.",
            )
        )
    elif officer.status is OfficerStatus.FORMER:
        warnings.append(
            CardWarning(
                code=CardWarningCode.OFFICER_NOT_SERVING,
                message="NOT SERVING: this person is no longer a police officer. "
                "Do not confirm them.",
            )
        )
    viewer = normalise_force(viewer_force)
    if officer.force != viewer:
        warnings.append(
            CardWarning(
                code=CardWarningCode.OTHER_FORCE,
                message=f"Other force: this officer belongs to {officer.force}, not {viewer}. "
                f"Check with {officer.force} that they are working here.",
            )
        )
    if not officer.on_duty:
        warnings.append(
            CardWarning(
                code=CardWarningCode.NOT_ON_DUTY,
                message="Not on duty: this officer is not booked on duty right now.",
            )
        )
    if photo_url is None:
        warnings.append(
            CardWarning(
                code=CardWarningCode.NO_PHOTO,
                message="No photo on record: you cannot compare their face. "
                "Ask questions only the real officer could answer.",
            )
        )
    return IdentityCard(
        display_name=officer.display_name,
        rank=officer.rank,
        shoulder_number=officer.shoulder_number,
        force=officer.force,
        area=officer.area,
        status=officer.status,
        on_duty=officer.on_duty,
        photo_url=photo_url,
        warnings=tuple(warnings),
    )
