"""Verify Cognito ID tokens (PyJWT against the user pool's JWKS).

Every authenticated route takes a Cognito user pool *ID* token as ``Authorization: Bearer``.
:class:`CognitoTokenVerifier` checks it with PyJWT against the pool's published keys (RS256 only).
Only the authorizer imports this module: PyJWT and cryptography cost a cold start a quarter of a
second, which the API handler does not pay (it reads the principal from the authorizer context,
see :mod:`functions.auth.principals`).

Nothing here talks to the network until the first :meth:`CognitoTokenVerifier.verify`, so
importing the module and building a verifier keep the Lambda cold start cheap.
"""

import os
from collections.abc import Collection, Mapping
from typing import Any, ClassVar, Final

import jwt

from functions.auth.principals import InvalidToken, Reason

__all__ = [
    "ALGORITHM",
    "ENDPOINT_ENV_VARS",
    "CognitoTokenVerifier",
    "InvalidToken",
    "KeysUnavailable",
    "Reason",
    "cognito_issuer",
    "cognito_jwks_url",
]

ALGORITHM: Final = "RS256"
"""The only signing algorithm accepted: what Cognito uses for every user pool token."""

ENDPOINT_ENV_VARS: Final = ("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", "AWS_ENDPOINT_URL")
"""The standard AWS SDK endpoint variables for Cognito user pools, most specific first.

They are exactly the ones boto3 reads for a ``cognito-idp`` client (the service-specific name
comes from the service id "Cognito Identity Provider").
"""

JWKS_TIMEOUT_SECONDS: Final = 3.0
JWKS_CACHE_SECONDS: Final = 24 * 60 * 60  # longer than a Lambda process lives
JWKS_REFRESH_COOLDOWN_SECONDS: Final = 30.0  # unknown kids force at most one refetch per window
MAX_TOKEN_LENGTH: Final = 16 * 1024

# Checked in order, so subclasses come before their bases.
_PYJWT_REASONS: Final[tuple[tuple[type[jwt.PyJWTError], Reason], ...]] = (
    (jwt.ExpiredSignatureError, "expired"),
    (jwt.ImmatureSignatureError, "not_yet_valid"),
    (jwt.InvalidIssuerError, "wrong_issuer"),
    (jwt.MissingRequiredClaimError, "missing_claims"),
    (jwt.InvalidSignatureError, "bad_signature"),
    (jwt.InvalidAlgorithmError, "unsupported_algorithm"),
)

_REQUIRED_CLAIMS: Final = ["exp", "iat", "iss", "sub", "token_use"]


class KeysUnavailable(Exception):  # noqa: N818 - reads better at the call site than ...Error
    """The pool's signing keys could not be fetched, so no token can be checked; answer 503.

    This is an outage or a misconfiguration (wrong pool id or endpoint), not the caller's
    fault. The request is still refused: the verifier never lets a token through unchecked.

    Attributes
    ----------
    http_status
        503 (class attribute).
    """

    http_status: ClassVar[int] = 503

    def __init__(self) -> None:
        super().__init__("Sign-in cannot be checked right now; try again shortly.")


def cognito_issuer(region: str, user_pool_id: str) -> str:
    """Return the ``iss`` Cognito puts in a user pool's tokens.

    Parameters
    ----------
    region
        The user pool's region, e.g. ``"eu-west-2"``.
    user_pool_id
        The user pool id, e.g. ``"eu-west-2_AbCdEf123"``.

    Returns
    -------
    str
        ``https://cognito-idp.{region}.amazonaws.com/{user_pool_id}``, also under emulators.
    """
    return f"https://cognito-idp.{region}.amazonaws.com/{user_pool_id}"


def cognito_jwks_url(
    region: str, user_pool_id: str, environ: Mapping[str, str] | None = None
) -> str:
    """Return where a user pool publishes its signing keys (its JWKS).

    The base is resolved like the AWS SDKs resolve the Cognito endpoint, so a local stack
    needs no "local mode": ``AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER`` if set, else
    ``AWS_ENDPOINT_URL`` if set, else ``https://cognito-idp.{region}.amazonaws.com``.
    Empty values count as unset.

    Parameters
    ----------
    region
        The user pool's region.
    user_pool_id
        The user pool id.
    environ
        Where to read the variables; ``os.environ`` when omitted.

    Returns
    -------
    str
        ``{base}/{user_pool_id}/.well-known/jwks.json``.
    """
    env = os.environ if environ is None else environ
    configured = (env.get(name, "").strip() for name in ENDPOINT_ENV_VARS)
    base = next((value for value in configured if value), None)
    if base is None:
        base = f"https://cognito-idp.{region}.amazonaws.com"
    return f"{base.rstrip('/')}/{user_pool_id}/.well-known/jwks.json"


class CognitoTokenVerifier:
    """Checks Cognito user pool ID tokens.

    Build one per process (e.g. at module level) and reuse it: the JWKS is fetched on the first
    :meth:`verify`, never at construction, and then cached for the life of the process. A
    token whose ``kid`` is not in the cached set makes the verifier refetch the JWKS once (at
    most once per 30 s) before rejecting it, which picks up rotated keys.

    Parameters
    ----------
    region
        The user pool's region.
    user_pool_id
        The user pool id; with ``region`` it fixes the expected issuer.
    client_ids
        App client ids whose tokens are accepted (the allowed ``aud`` values).
    jwks_url
        Where to fetch the keys; :func:`cognito_jwks_url` when omitted.
    leeway_seconds
        Clock skew tolerated on ``exp`` and ``iat``.
    jwks_client
        A ready ``jwt.PyJWKClient`` to use instead of building one (tests, shared caches);
        ``jwks_url`` is then ignored.

    Raises
    ------
    TypeError
        If ``client_ids`` is a single string rather than a collection of them.
    ValueError
        If ``client_ids`` is empty or ``leeway_seconds`` is negative.
    """

    def __init__(
        self,
        *,
        region: str,
        user_pool_id: str,
        client_ids: Collection[str],
        jwks_url: str | None = None,
        leeway_seconds: int = 0,
        jwks_client: jwt.PyJWKClient | None = None,
    ) -> None:
        if isinstance(client_ids, str):
            raise TypeError("client_ids must be a collection of app client ids, not one string")
        if not client_ids:
            raise ValueError("client_ids must name at least one app client")
        if leeway_seconds < 0:
            raise ValueError("leeway_seconds must not be negative")
        self.issuer = cognito_issuer(region, user_pool_id)
        self.client_ids = frozenset(client_ids)
        self.leeway_seconds = leeway_seconds
        # PyJWKClient's constructor does no I/O; the first get_signing_key() fetches.
        self._jwks = jwks_client or jwt.PyJWKClient(
            jwks_url or cognito_jwks_url(region, user_pool_id),
            cache_jwk_set=True,
            lifespan=JWKS_CACHE_SECONDS,
            timeout=JWKS_TIMEOUT_SECONDS,
            cooldown_duration=JWKS_REFRESH_COOLDOWN_SECONDS,
        )

    def verify(self, token: str) -> dict[str, Any]:
        """Check an ID token and return its claims.

        Parameters
        ----------
        token
            The compact JWT, without the ``Bearer`` prefix.

        Returns
        -------
        dict
            The verified claims (``sub``, ``cognito:groups``, ``custom:force``, ...).

        Raises
        ------
        InvalidToken
            If the token is malformed, not RS256, signed by an unknown key or with a bad
            signature, expired or not yet valid, from another issuer or app client, or not an
            ID token. Its ``reason`` says which.
        KeysUnavailable
            If the JWKS could not be fetched or is unusable.
        """
        kid = _key_id(token)
        signing_key = self._signing_key(kid)
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                signing_key,
                algorithms=[ALGORITHM],
                issuer=self.issuer,
                leeway=self.leeway_seconds,
                # aud is checked below, after token_use: an access token has client_id instead.
                options={"require": _REQUIRED_CLAIMS, "verify_aud": False},
            )
        except jwt.PyJWTError as error:
            raise InvalidToken(_reason_for(error)) from error
        if claims["token_use"] != "id":  # noqa: S105 - a claim value, not a secret
            raise InvalidToken("not_an_id_token")
        audience = claims.get("aud")
        if not isinstance(audience, str) or audience not in self.client_ids:
            raise InvalidToken("wrong_audience")
        return claims

    def _signing_key(self, kid: str) -> jwt.PyJWK:
        try:
            return self._jwks.get_signing_key(kid)
        except jwt.PyJWKClientConnectionError as error:
            raise KeysUnavailable from error
        except jwt.PyJWKClientError as error:  # no key with this kid, even after a refetch
            raise InvalidToken("unknown_key") from error
        except (jwt.PyJWKSetError, jwt.PyJWKError, ValueError) as error:  # e.g. not JSON
            raise KeysUnavailable from error


def _key_id(token: str) -> str:
    """Return the token's ``kid`` after cheap checks that need no keys and no network."""
    if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_LENGTH:
        raise InvalidToken("malformed")
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as error:
        raise InvalidToken("malformed") from error
    if header.get("alg") != ALGORITHM:
        raise InvalidToken("unsupported_algorithm")
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        raise InvalidToken("malformed")
    return kid


def _reason_for(error: jwt.PyJWTError) -> Reason:
    return next((reason for kind, reason in _PYJWT_REASONS if isinstance(error, kind)), "malformed")
