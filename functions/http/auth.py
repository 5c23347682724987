"""The Cognito custom authorizer (runs the same under ``chalice local`` and in API Gateway)."""

from __future__ import annotations

import logging

from chalice.app import AuthRequest, AuthResponse, Blueprint

from functions.auth import InvalidToken, principal_from_claims, principal_to_context
from functions.wiring import token_verifier

__all__ = ["auth_blueprint", "cognito"]

log = logging.getLogger(__name__)
auth_blueprint = Blueprint(__name__)


@auth_blueprint.authorizer(ttl_seconds=60)
def cognito(auth_request: AuthRequest) -> AuthResponse:
    """Verify the ID token and hand the caller's role, force, area and officer id to the route.

    An invalid token gets an empty policy (403 from the gateway); a missing header never reaches
    here (401 from the gateway).
    """
    from functions.auth.tokens import KeysUnavailable  # loads PyJWT: the authorizer only

    token = auth_request.token or ""
    scheme, _, value = token.partition(" ")
    if scheme.lower() != "bearer" or not value:
        return AuthResponse(routes=[], principal_id="anonymous")
    try:
        principal = principal_from_claims(token_verifier().verify(value.strip()))
    except InvalidToken as exc:
        log.info("token refused: %s", exc.reason)
        return AuthResponse(routes=[], principal_id="anonymous")
    except KeysUnavailable:
        log.exception("could not fetch the user pool's signing keys")
        return AuthResponse(routes=[], principal_id="anonymous")
    return AuthResponse(
        routes=["*"], principal_id=principal.user_id, context=principal_to_context(principal)
    )
