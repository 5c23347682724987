"""Authentication: the caller's :class:`Principal`, and Cognito ID-token verification.

The token verifier lives in :mod:`functions.auth.tokens` and is imported only where tokens are
verified (the authorizer), so the API handler never loads PyJWT and cryptography.
"""

from functions.auth.principals import (
    InvalidToken,
    Reason,
    principal_from_claims,
    principal_from_context,
    principal_to_context,
)

__all__ = [
    "InvalidToken",
    "Reason",
    "principal_from_claims",
    "principal_from_context",
    "principal_to_context",
]
