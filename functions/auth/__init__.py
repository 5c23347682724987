"""Authentication: Cognito ID-token verification and the caller's :class:`Principal`.

See :mod:`functions.auth.tokens`. Nothing in this package does I/O at import or construction.
"""

from functions.auth.tokens import (
    CognitoTokenVerifier,
    InvalidToken,
    KeysUnavailable,
    Reason,
    cognito_issuer,
    cognito_jwks_url,
    principal_from_claims,
    principal_from_context,
    principal_to_context,
)

__all__ = [
    "CognitoTokenVerifier",
    "InvalidToken",
    "KeysUnavailable",
    "Reason",
    "cognito_issuer",
    "cognito_jwks_url",
    "principal_from_claims",
    "principal_from_context",
    "principal_to_context",
]
