"""The caller's :class:`Principal`: from verified token claims, and through the authorizer context.

:func:`principal_from_claims` maps verified ID-token claims to the domain's :class:`Principal`;
:func:`principal_to_context` / :func:`principal_from_context` carry it through the API Gateway
authorizer context, whose values must be flat strings. No JWT library is imported here, so the
API handler's cold start does not pay for one.
"""

from collections.abc import Mapping
from typing import Any, ClassVar, Final, Literal

from pydantic import ValidationError

from functions.domain.roles import Principal, Role, roles_from_groups

__all__ = [
    "InvalidToken",
    "Reason",
    "principal_from_claims",
    "principal_from_context",
    "principal_to_context",
]

Reason = Literal[
    "malformed",
    "unsupported_algorithm",
    "unknown_key",
    "bad_signature",
    "expired",
    "not_yet_valid",
    "wrong_issuer",
    "wrong_audience",
    "not_an_id_token",
    "missing_claims",
    "invalid_claims",
]

_MESSAGES: Final[dict[str, str]] = {
    "malformed": "The token is not a well-formed JWT.",
    "unsupported_algorithm": "The token is not signed with RS256.",
    "unknown_key": "The token is signed with a key this service does not know.",
    "bad_signature": "The token's signature is not valid.",
    "expired": "The token has expired; sign in again.",
    "not_yet_valid": "The token is not valid yet; check the device clock.",
    "wrong_issuer": "The token was not issued by this service's user pool.",
    "wrong_audience": "The token was issued for another application.",
    "not_an_id_token": "An ID token is required, not an access token.",
    "missing_claims": "The token lacks claims this service needs (user, force).",
    "invalid_claims": "The token's user attributes are not valid.",
}


class InvalidToken(Exception):  # noqa: N818 - the name the HTTP layer and the brief use
    """The caller's token is not acceptable; answer 401.

    Parameters
    ----------
    reason
        A short machine-readable cause, e.g. ``"expired"``; safe to log and to return.

    Attributes
    ----------
    reason
        As given. ``str(error)`` is a human message that reveals nothing about the keys or
        the expected issuer and audience.
    http_status
        401 (class attribute).
    """

    http_status: ClassVar[int] = 401

    def __init__(self, reason: Reason) -> None:
        super().__init__(_MESSAGES[reason])
        self.reason: Reason = reason


def principal_from_claims(claims: Mapping[str, Any]) -> Principal:
    """Build the caller's :class:`Principal` from verified ID-token claims.

    Parameters
    ----------
    claims
        As returned by :meth:`CognitoTokenVerifier.verify`: ``sub`` becomes ``user_id``,
        ``cognito:groups`` the roles (groups that are not roles are ignored), ``custom:force``
        the force, and the optional ``custom:area`` and ``custom:officer_id`` the area and
        officer id. Blank values count as absent.

    Returns
    -------
    Principal

    Raises
    ------
    InvalidToken
        ``missing_claims`` without ``sub`` or ``custom:force``; ``invalid_claims`` if a value
        is not valid (e.g. a malformed force code or groups that are not a list of strings).
    """
    groups = claims.get("cognito:groups", [])
    if not isinstance(groups, list) or not all(isinstance(group, str) for group in groups):
        raise InvalidToken("invalid_claims")
    return _principal(
        user_id=claims.get("sub"),
        roles=roles_from_groups(groups),
        force=claims.get("custom:force"),
        area=claims.get("custom:area"),
        officer_id=claims.get("custom:officer_id"),
    )


def principal_to_context(principal: Principal) -> dict[str, str]:
    """Flatten a principal into an API Gateway authorizer context (string values only).

    Parameters
    ----------
    principal
        The verified caller.

    Returns
    -------
    dict of str to str
        ``user_id``, ``roles`` (sorted, comma-separated; ``""`` for none) and ``force``, plus
        ``area`` and ``officer_id`` when the principal has them.
    """
    context = {
        "user_id": principal.user_id,
        "roles": ",".join(sorted(principal.roles)),
        "force": principal.force,
    }
    if principal.area is not None:
        context["area"] = principal.area
    if principal.officer_id is not None:
        context["officer_id"] = principal.officer_id
    return context


def principal_from_context(context: Mapping[str, Any]) -> Principal:
    """Rebuild the principal that :func:`principal_to_context` flattened.

    Parameters
    ----------
    context
        The authorizer context as the route sees it; keys API Gateway adds (``principalId``,
        ``integrationLatency``, ...) are ignored.

    Returns
    -------
    Principal

    Raises
    ------
    InvalidToken
        ``missing_claims`` or ``invalid_claims`` if the context was not built by
        :func:`principal_to_context`.
    """
    roles = context.get("roles") or ""
    if not isinstance(roles, str):
        raise InvalidToken("invalid_claims")
    return _principal(
        user_id=context.get("user_id"),
        roles=roles_from_groups(roles.split(",")),
        force=context.get("force"),
        area=context.get("area"),
        officer_id=context.get("officer_id"),
    )


def _principal(
    *, user_id: Any, roles: frozenset[Role], force: Any, area: Any, officer_id: Any
) -> Principal:
    if _blank(user_id) or _blank(force):
        raise InvalidToken("missing_claims")
    try:
        return Principal(
            user_id=user_id,
            roles=roles,
            force=force,
            area=None if _blank(area) else area,
            officer_id=None if _blank(officer_id) else officer_id,
        )
    except ValidationError as error:
        raise InvalidToken("invalid_claims") from error


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())
