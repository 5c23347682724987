"""Who is calling: roles and the authenticated principal.

The HTTP layer builds a :class:`Principal` from the Cognito ID token (``cognito:groups`` for roles,
custom attributes for force, area and officer id); the domain only ever sees this value.
"""

from collections.abc import Iterable
from enum import StrEnum
from typing import Annotated

from pydantic import ConfigDict, StringConstraints

from functions.domain.fields import AreaCode, ForceCode, OfficerId, normalise_force
from functions.domain.model import Model

__all__ = ["Principal", "Role", "roles_from_groups"]


class Role(StrEnum):
    """A user's role; the values are the Cognito group names."""

    OFFICER = "officer"
    SERGEANT = "sergeant"
    OPERATOR = "operator"
    ADMIN = "admin"
    SUPERVISOR = "supervisor"
    """The control room's supervisor (a duty inspector): service level, staffing and the
    record of stops of their own force; may also be a sergeant."""


def roles_from_groups(groups: Iterable[str]) -> frozenset[Role]:
    """Map Cognito group names to roles, ignoring groups that are not roles.

    Parameters
    ----------
    groups
        Values of the token's ``cognito:groups`` claim (case-insensitive).

    Returns
    -------
    frozenset of Role
    """
    known = {role.value: role for role in Role}
    return frozenset(known[g.strip().lower()] for g in groups if g.strip().lower() in known)


class Principal(Model):
    """The authenticated caller.

    Attributes
    ----------
    user_id
        Cognito ``sub`` (or username); used in audit records.
    roles
        Roles from Cognito groups. A user may hold several (a sergeant is usually also an officer).
    force
        The caller's force code; every permission is scoped to it.
    area
        The caller's area within the force, if any.
    officer_id
        The caller's officer-register id. Required for officers (to own sessions) and sergeants
        (to claim and decide); operators and admins may have none.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    user_id: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=128)]
    roles: frozenset[Role] = frozenset()
    force: ForceCode
    area: AreaCode | None = None
    officer_id: OfficerId | None = None

    def has_role(self, role: Role) -> bool:
        """Return whether the principal holds ``role``."""
        return role in self.roles

    @property
    def is_officer(self) -> bool:
        """Whether the principal holds the officer role."""
        return Role.OFFICER in self.roles

    @property
    def is_sergeant(self) -> bool:
        """Whether the principal holds the sergeant role."""
        return Role.SERGEANT in self.roles

    @property
    def is_operator(self) -> bool:
        """Whether the principal holds the operator role."""
        return Role.OPERATOR in self.roles

    @property
    def is_admin(self) -> bool:
        """Whether the principal holds the admin role."""
        return Role.ADMIN in self.roles

    def in_force(self, force: str) -> bool:
        """Return whether ``force`` (any case) is the principal's force."""
        return normalise_force(force) == self.force

    def is_officer_record(self, officer_id: str | None) -> bool:
        """Return whether ``officer_id`` is the principal's own officer record.

        ``None`` never matches, so a principal without an officer id owns nothing.
        """
        return officer_id is not None and self.officer_id == officer_id
