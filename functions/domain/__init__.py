"""Pure domain layer of Safe Connection: no AWS, no I/O, no clock reads.

Callers pass ``now`` and, where randomness is needed, an optional ``rng``. Every refusal is a
:class:`DomainError` subclass whose ``http_status`` the HTTP layer uses directly.
"""

from functions.domain.codes import (
    CODE_ALPHABET,
    CODE_LENGTH,
    CODE_SPACE,
    PublicCode,
    Reference,
    format_public_code,
    new_public_code,
    new_reference,
    normalise_public_code,
    normalise_reference,
)
from functions.domain.errors import (
    Conflict,
    DomainError,
    Forbidden,
    NotFound,
    OfficerNotEligible,
    ValidationFailed,
)
from functions.domain.fields import AreaCode, ForceCode, OfficerId, ShoulderNumber
from functions.domain.officer_import import MAX_ROWS, parse_officer_csv
from functions.domain.officers import (
    CardWarning,
    CardWarningCode,
    IdentityCard,
    Officer,
    OfficerStatus,
    Rank,
    identity_card,
    parse_rank,
)
from functions.domain.roles import Principal, Role, roles_from_groups
from functions.domain.sessions import (
    ALLOWED_TRANSITIONS,
    OUTCOME_STATES,
    TERMINAL_STATES,
    WAITING_STATES,
    Channel,
    Location,
    Session,
    SessionState,
    can_view,
    expected_states_for,
)
from functions.domain.starts import open_officer_session, open_public_session, open_session

__all__ = [
    "ALLOWED_TRANSITIONS",
    "CODE_ALPHABET",
    "CODE_LENGTH",
    "CODE_SPACE",
    "MAX_ROWS",
    "OUTCOME_STATES",
    "TERMINAL_STATES",
    "WAITING_STATES",
    "AreaCode",
    "CardWarning",
    "CardWarningCode",
    "Channel",
    "Conflict",
    "DomainError",
    "Forbidden",
    "ForceCode",
    "IdentityCard",
    "Location",
    "NotFound",
    "Officer",
    "OfficerId",
    "OfficerNotEligible",
    "OfficerStatus",
    "Principal",
    "PublicCode",
    "Rank",
    "Reference",
    "Role",
    "Session",
    "SessionState",
    "ShoulderNumber",
    "ValidationFailed",
    "can_view",
    "expected_states_for",
    "format_public_code",
    "identity_card",
    "new_public_code",
    "new_reference",
    "normalise_public_code",
    "normalise_reference",
    "open_officer_session",
    "open_public_session",
    "open_session",
    "parse_officer_csv",
    "parse_rank",
    "roles_from_groups",
]
