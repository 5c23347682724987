"""Cognito ID-token verification against real tokens from moto's Cognito, over HTTP.

The good tokens come from ``initiate_auth`` on a moto user pool. Tokens that moto will not issue
(expired, not yet valid, other algorithms, unknown keys) are minted here with the private key that
ships inside moto, i.e. the key moto's JWKS publishes, so each one differs from a valid token in
exactly the property under test and the signature check cannot be what rejects it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import boto3
import jwt
import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from moto.utilities.utils import load_resource

from functions.auth import (
    InvalidToken,
    principal_from_claims,
    principal_from_context,
    principal_to_context,
)
from functions.auth.tokens import (
    ENDPOINT_ENV_VARS,
    JWKS_TIMEOUT_SECONDS,
    CognitoTokenVerifier,
    KeysUnavailable,
    cognito_issuer,
    cognito_jwks_url,
)
from functions.domain.roles import Principal, Role

REGION = "eu-west-2"
ENDPOINT_ENV = "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER"
PASSWORD = "Correct-Horse-42!"
MOTO_KID = "dummy"  # the kid moto puts on every token and in its JWKS


# --- a real user pool in moto ---------------------------------------------------------------


@dataclass(frozen=True)
class Tokens:
    id_token: str
    access_token: str
    sub: str


@dataclass(frozen=True)
class Pool:
    moto_url: str
    pool_id: str
    client_id: str
    sergeant: Tokens  # officer + sergeant + a non-role group, with area and officer id
    operator: Tokens  # operator only, no area, no officer id
    forceless: Tokens  # no custom:force at all

    @property
    def jwks_url(self) -> str:
        return f"{self.moto_url}/{self.pool_id}/.well-known/jwks.json"


@pytest.fixture(scope="module")
def pool(moto_url: str) -> Pool:
    idp = boto3.client("cognito-idp", endpoint_url=moto_url, region_name=REGION)
    pool_id = idp.create_user_pool(
        PoolName=f"auth-{uuid.uuid4().hex[:8]}",
        Schema=[
            {"Name": name, "AttributeDataType": "String", "Mutable": True}
            for name in ("force", "area", "officer_id")
        ],
    )["UserPool"]["Id"]
    client_id = idp.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="web",
        ExplicitAuthFlows=[
            "ALLOW_ADMIN_USER_PASSWORD_AUTH",
            "ALLOW_USER_PASSWORD_AUTH",
            "ALLOW_REFRESH_TOKEN_AUTH",
        ],
    )["UserPoolClient"]["ClientId"]
    for group in ("officer", "sergeant", "operator", "hr-team"):
        idp.create_group(UserPoolId=pool_id, GroupName=group)

    def sign_in(username: str, attributes: dict[str, str], groups: list[str]) -> Tokens:
        idp.admin_create_user(
            UserPoolId=pool_id,
            Username=username,
            UserAttributes=[{"Name": k, "Value": v} for k, v in attributes.items()],
            MessageAction="SUPPRESS",
        )
        idp.admin_set_user_password(
            UserPoolId=pool_id, Username=username, Password=PASSWORD, Permanent=True
        )
        for group in groups:
            idp.admin_add_user_to_group(UserPoolId=pool_id, Username=username, GroupName=group)
        result = idp.initiate_auth(
            ClientId=client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": username, "PASSWORD": PASSWORD},
        )["AuthenticationResult"]
        user = idp.admin_get_user(UserPoolId=pool_id, Username=username)
        sub = next(a["Value"] for a in user["UserAttributes"] if a["Name"] == "sub")
        return Tokens(result["IdToken"], result["AccessToken"], sub)

    return Pool(
        moto_url=moto_url,
        pool_id=pool_id,
        client_id=client_id,
        sergeant=sign_in(
            "sgt.jones",
            {"custom:force": "met", "custom:area": "central", "custom:officer_id": "met-2001"},
            ["officer", "sergeant", "hr-team"],
        ),
        operator=sign_in("op.khan", {"custom:force": "GMP"}, ["operator"]),
        forceless=sign_in("no.force", {"custom:area": "central"}, ["officer"]),
    )


@pytest.fixture
def verifier(pool: Pool, monkeypatch: pytest.MonkeyPatch) -> CognitoTokenVerifier:
    """A verifier that finds moto's JWKS only through the standard AWS endpoint variable."""
    monkeypatch.setenv(ENDPOINT_ENV, pool.moto_url)
    return CognitoTokenVerifier(
        region=REGION, user_pool_id=pool.pool_id, client_ids=[pool.client_id]
    )


def reason_of(verifier: CognitoTokenVerifier, token: str) -> str:
    with pytest.raises(InvalidToken) as caught:
        verifier.verify(token)
    return caught.value.reason


# --- minting tokens with moto's own signing key ---------------------------------------------

MOTO_PRIVATE_KEY: Any = jwt.PyJWK(load_resource("cognitoidp/resources/jwks-private.json")).key


def claims_of(token: str) -> dict[str, Any]:
    """The payload of a token, unverified (to copy a real token's claims)."""
    return dict(jwt.decode(token, options={"verify_signature": False}))


def mint(claims: dict[str, Any], *, key: Any = MOTO_PRIVATE_KEY, kid: str = MOTO_KID) -> str:
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid})


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unsigned_parts(header: dict[str, Any], claims: dict[str, Any]) -> str:
    return f"{b64url(json.dumps(header).encode())}.{b64url(json.dumps(claims).encode())}"


@pytest.fixture
def good_claims(pool: Pool) -> dict[str, Any]:
    """The claims of the real sergeant ID token, to alter one at a time."""
    return claims_of(pool.sergeant.id_token)


# --- good tokens ----------------------------------------------------------------------------


def test_a_real_id_token_verifies_and_maps_to_the_principal(
    verifier: CognitoTokenVerifier, pool: Pool
) -> None:
    claims = verifier.verify(pool.sergeant.id_token)

    assert claims["sub"] == pool.sergeant.sub
    assert claims["aud"] == pool.client_id
    assert claims["iss"] == cognito_issuer(REGION, pool.pool_id)
    assert principal_from_claims(claims) == Principal(
        user_id=pool.sergeant.sub,
        roles=frozenset({Role.OFFICER, Role.SERGEANT}),  # "hr-team" is not a role
        force="MET",
        area="CENTRAL",
        officer_id="met-2001",
    )


def test_a_token_without_the_optional_attributes_maps_to_a_principal_without_them(
    verifier: CognitoTokenVerifier, pool: Pool
) -> None:
    principal = principal_from_claims(verifier.verify(pool.operator.id_token))

    assert principal.roles == {Role.OPERATOR}
    assert principal.force == "GMP"
    assert principal.area is None
    assert principal.officer_id is None


def test_a_valid_token_without_a_force_gives_no_principal(
    verifier: CognitoTokenVerifier, pool: Pool
) -> None:
    claims = verifier.verify(pool.forceless.id_token)

    with pytest.raises(InvalidToken) as caught:
        principal_from_claims(claims)
    assert caught.value.reason == "missing_claims"


def test_any_of_the_configured_app_clients_is_accepted(pool: Pool) -> None:
    verifier = CognitoTokenVerifier(
        region=REGION,
        user_pool_id=pool.pool_id,
        client_ids=("another-app", pool.client_id),
        jwks_url=pool.jwks_url,
    )

    assert verifier.verify(pool.sergeant.id_token)["sub"] == pool.sergeant.sub


def test_a_token_minted_with_moto_s_key_verifies(
    verifier: CognitoTokenVerifier, good_claims: dict[str, Any]
) -> None:
    """Control for the minted-token tests below: minting alone does not make a token invalid."""
    assert verifier.verify(mint(good_claims)) == good_claims


# --- wrong kind of token, wrong pool, wrong app ---------------------------------------------


def test_an_access_token_is_refused(verifier: CognitoTokenVerifier, pool: Pool) -> None:
    assert reason_of(verifier, pool.sergeant.access_token) == "not_an_id_token"


def test_a_token_for_another_app_client_is_refused(pool: Pool) -> None:
    verifier = CognitoTokenVerifier(
        region=REGION, user_pool_id=pool.pool_id, client_ids=["another-app"], jwks_url=pool.jwks_url
    )

    assert reason_of(verifier, pool.sergeant.id_token) == "wrong_audience"


@pytest.mark.parametrize(
    ("region", "pool_id"),
    [(REGION, "eu-west-2_SomeOtherPool"), ("us-east-1", None)],
    ids=["other-pool", "other-region"],
)
def test_a_token_from_another_pool_is_refused(pool: Pool, region: str, pool_id: str | None) -> None:
    verifier = CognitoTokenVerifier(
        region=region,
        user_pool_id=pool_id or pool.pool_id,
        client_ids=[pool.client_id],
        jwks_url=pool.jwks_url,  # same keys: only the issuer differs
    )

    assert reason_of(verifier, pool.sergeant.id_token) == "wrong_issuer"


def test_a_token_without_an_audience_is_refused(
    verifier: CognitoTokenVerifier, good_claims: dict[str, Any]
) -> None:
    del good_claims["aud"]

    assert reason_of(verifier, mint(good_claims)) == "wrong_audience"


def test_messages_say_what_is_wrong_without_revealing_the_configuration(pool: Pool) -> None:
    verifier = CognitoTokenVerifier(
        region="us-east-1",
        user_pool_id="us-east-1_Expected",
        client_ids=["expected-app"],
        jwks_url=pool.jwks_url,
    )
    with pytest.raises(InvalidToken) as caught:
        verifier.verify(pool.sergeant.id_token)

    message = str(caught.value)
    assert "issued by" in message
    for secret in ("us-east-1_Expected", "expected-app", "cognito-idp", pool.jwks_url):
        assert secret not in message


# --- time ------------------------------------------------------------------------------------


def test_an_expired_token_is_refused_although_its_signature_is_good(
    verifier: CognitoTokenVerifier, good_claims: dict[str, Any]
) -> None:
    now = int(time.time())
    good_claims.update(iat=now - 3700, auth_time=now - 3700, exp=now - 100)

    assert reason_of(verifier, mint(good_claims)) == "expired"


def test_leeway_tolerates_small_clock_skew_only(pool: Pool, good_claims: dict[str, Any]) -> None:
    now = int(time.time())
    good_claims.update(iat=now - 3700, exp=now - 100)
    token = mint(good_claims)

    def verifier(leeway: int) -> CognitoTokenVerifier:
        return CognitoTokenVerifier(
            region=REGION,
            user_pool_id=pool.pool_id,
            client_ids=[pool.client_id],
            jwks_url=pool.jwks_url,
            leeway_seconds=leeway,
        )

    assert verifier(300).verify(token)["sub"] == good_claims["sub"]
    assert reason_of(verifier(30), token) == "expired"


@pytest.mark.parametrize("claim", ["iat", "nbf"])
def test_a_token_from_the_future_is_refused(
    verifier: CognitoTokenVerifier, good_claims: dict[str, Any], claim: str
) -> None:
    good_claims[claim] = int(time.time()) + 600

    assert reason_of(verifier, mint(good_claims)) == "not_yet_valid"


@pytest.mark.parametrize("claim", ["exp", "iat", "iss", "sub", "token_use"])
def test_a_token_missing_a_required_claim_is_refused(
    verifier: CognitoTokenVerifier, good_claims: dict[str, Any], claim: str
) -> None:
    del good_claims[claim]

    assert reason_of(verifier, mint(good_claims)) == "missing_claims"


# --- signatures and algorithms --------------------------------------------------------------


def test_a_tampered_payload_is_refused(verifier: CognitoTokenVerifier, pool: Pool) -> None:
    header, _, signature = pool.sergeant.id_token.split(".")
    claims = claims_of(pool.sergeant.id_token)
    claims["custom:force"] = "GMP"
    tampered = f"{header}.{b64url(json.dumps(claims).encode())}.{signature}"

    assert reason_of(verifier, tampered) == "bad_signature"


def test_a_token_signed_by_another_key_with_the_same_kid_is_refused(
    verifier: CognitoTokenVerifier, good_claims: dict[str, Any]
) -> None:
    impostor = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    assert reason_of(verifier, mint(good_claims, key=impostor)) == "bad_signature"


def test_a_token_signed_with_an_unknown_kid_is_refused(
    verifier: CognitoTokenVerifier, good_claims: dict[str, Any]
) -> None:
    assert reason_of(verifier, mint(good_claims, kid="retired-key")) == "unknown_key"


def hs256_with_the_public_key(claims: dict[str, Any]) -> str:
    """The classic confusion attack: HMAC keyed with the pool's (public) RSA key."""
    public_pem = MOTO_PRIVATE_KEY.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    signing_input = unsigned_parts({"alg": "HS256", "typ": "JWT", "kid": MOTO_KID}, claims)
    mac = hmac.new(public_pem, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64url(mac)}"


FORGERIES: dict[str, Callable[[dict[str, Any]], str]] = {
    "alg-none": lambda claims: unsigned_parts({"alg": "none", "kid": MOTO_KID}, claims) + ".",
    "alg-None": lambda claims: unsigned_parts({"alg": "None", "kid": MOTO_KID}, claims) + ".",
    "hs256-public-key": hs256_with_the_public_key,
    "rs512-right-key": lambda claims: jwt.encode(
        claims, MOTO_PRIVATE_KEY, algorithm="RS512", headers={"kid": MOTO_KID}
    ),
}


@pytest.mark.parametrize("forge", FORGERIES.values(), ids=FORGERIES.keys())
def test_only_rs256_is_accepted(
    verifier: CognitoTokenVerifier,
    good_claims: dict[str, Any],
    forge: Callable[[dict[str, Any]], str],
) -> None:
    assert reason_of(verifier, forge(good_claims)) == "unsupported_algorithm"


GARBAGE = [
    "",
    "not-a-jwt",
    "a.b.c",
    "...",
    "Bearer eyJhbGciOiJSUzI1NiJ9.e30.c2ln",
    unsigned_parts({"alg": "RS256"}, {"sub": "x"}) + ".c2ln",  # no kid
    unsigned_parts({"alg": "RS256", "kid": 7}, {"sub": "x"}) + ".c2ln",  # kid not a string
    # correctly signed, but the payload is not JSON
    jwt.api_jws.encode(b"not json", MOTO_PRIVATE_KEY, algorithm="RS256", headers={"kid": MOTO_KID}),
    "x" * 20_000,
]


@pytest.mark.parametrize("token", GARBAGE)
def test_garbage_is_refused_as_malformed(verifier: CognitoTokenVerifier, token: str) -> None:
    assert reason_of(verifier, token) == "malformed"


def test_non_strings_are_refused_as_malformed(verifier: CognitoTokenVerifier) -> None:
    assert reason_of(verifier, None) == "malformed"  # type: ignore[arg-type]
    assert reason_of(verifier, b"a.b.c") == "malformed"  # type: ignore[arg-type]


# --- fetching the keys ----------------------------------------------------------------------


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/pool/.well-known/jwks.json"


def test_keys_are_not_fetched_until_the_first_verify(pool: Pool) -> None:
    verifier = CognitoTokenVerifier(
        region=REGION,
        user_pool_id=pool.pool_id,
        client_ids=[pool.client_id],
        jwks_url=closed_port_url(),
    )  # constructing it against a dead endpoint is fine ...

    with pytest.raises(KeysUnavailable) as caught:  # ... only verifying needs the keys
        verifier.verify(pool.sergeant.id_token)
    assert caught.value.http_status == 503


@pytest.mark.parametrize(
    "token",
    [*GARBAGE[:3], FORGERIES["alg-none"]({"sub": "x"})],
    ids=["empty", "word", "abc", "none"],
)
def test_hopeless_tokens_are_refused_without_fetching_keys(pool: Pool, token: str) -> None:
    verifier = CognitoTokenVerifier(
        region=REGION, user_pool_id=pool.pool_id, client_ids=["x"], jwks_url=closed_port_url()
    )

    with pytest.raises(InvalidToken):  # not KeysUnavailable: the endpoint was never called
        verifier.verify(token)


class JwksServer:
    """A loopback JWKS endpoint that counts its fetches and whose keys a test can change."""

    def __init__(self, keys: list[dict[str, Any]]) -> None:
        self.body = json.dumps({"keys": keys}).encode()
        self.fetches = 0
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                owner.fetches += 1
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(owner.body)))
                self.end_headers()
                self.wfile.write(owner.body)

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/pool/.well-known/jwks.json"

    def __enter__(self) -> JwksServer:
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def serve(self, keys: list[dict[str, Any]]) -> None:
        self.body = json.dumps({"keys": keys}).encode()


@pytest.fixture
def moto_keys(pool: Pool) -> list[dict[str, Any]]:
    """moto's published JWKS keys, fetched over HTTP like the verifier does."""
    keys: list[dict[str, Any]] = requests.get(pool.jwks_url, timeout=5).json()["keys"]
    return keys


@pytest.fixture
def jwks_server(moto_keys: list[dict[str, Any]]) -> Iterator[JwksServer]:
    with JwksServer(moto_keys) as server:
        yield server


def test_keys_are_fetched_once_and_cached(pool: Pool, jwks_server: JwksServer) -> None:
    verifier = CognitoTokenVerifier(
        region=REGION,
        user_pool_id=pool.pool_id,
        client_ids=[pool.client_id],
        jwks_url=jwks_server.url,
    )
    assert jwks_server.fetches == 0

    for _ in range(3):
        verifier.verify(pool.sergeant.id_token)
    verifier.verify(pool.operator.id_token)

    assert jwks_server.fetches == 1


def test_an_unknown_kid_refetches_the_keys_once_then_is_refused(
    pool: Pool, jwks_server: JwksServer, good_claims: dict[str, Any]
) -> None:
    client = jwt.PyJWKClient(jwks_server.url, cooldown_duration=0)
    verifier = CognitoTokenVerifier(
        region=REGION, user_pool_id=pool.pool_id, client_ids=[pool.client_id], jwks_client=client
    )
    verifier.verify(pool.sergeant.id_token)
    assert jwks_server.fetches == 1

    assert reason_of(verifier, mint(good_claims, kid="retired-key")) == "unknown_key"
    assert jwks_server.fetches == 2


def test_a_rotated_in_key_is_picked_up_by_the_refetch(
    pool: Pool, jwks_server: JwksServer, moto_keys: list[dict[str, Any]]
) -> None:
    retiring = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key()
    old_key = {**RSAAlgorithm.to_jwk(retiring, as_dict=True), "kid": "old", "use": "sig"}
    jwks_server.serve([old_key])  # moto's key is not published yet
    client = jwt.PyJWKClient(jwks_server.url, cooldown_duration=0)
    verifier = CognitoTokenVerifier(
        region=REGION, user_pool_id=pool.pool_id, client_ids=[pool.client_id], jwks_client=client
    )
    assert reason_of(verifier, pool.sergeant.id_token) == "unknown_key"

    jwks_server.serve([old_key, *moto_keys])

    assert verifier.verify(pool.sergeant.id_token)["sub"] == pool.sergeant.sub


def test_an_unusable_jwks_means_keys_unavailable(pool: Pool, jwks_server: JwksServer) -> None:
    jwks_server.body = b"<html>Bad gateway</html>"
    verifier = CognitoTokenVerifier(
        region=REGION,
        user_pool_id=pool.pool_id,
        client_ids=[pool.client_id],
        jwks_url=jwks_server.url,
    )

    with pytest.raises(KeysUnavailable):
        verifier.verify(pool.sergeant.id_token)


def test_a_hanging_jwks_endpoint_times_out(pool: Pool) -> None:
    with socket.socket() as silent:  # accepts connections (backlog) but never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        port = silent.getsockname()[1]
        verifier = CognitoTokenVerifier(
            region=REGION,
            user_pool_id=pool.pool_id,
            client_ids=[pool.client_id],
            jwks_url=f"http://127.0.0.1:{port}/pool/.well-known/jwks.json",
        )
        started = time.monotonic()
        with pytest.raises(KeysUnavailable):
            verifier.verify(pool.sergeant.id_token)

    assert time.monotonic() - started < JWKS_TIMEOUT_SECONDS + 2


# --- where the keys live --------------------------------------------------------------------

POOL_ID = "eu-west-2_AbCdEf123"


@pytest.mark.parametrize(
    ("environ", "base"),
    [
        ({}, "https://cognito-idp.eu-west-2.amazonaws.com"),
        ({"AWS_ENDPOINT_URL": "http://moto:5000"}, "http://moto:5000"),
        ({ENDPOINT_ENV: "http://idp:9229/"}, "http://idp:9229"),
        (
            {ENDPOINT_ENV: "http://idp:9229", "AWS_ENDPOINT_URL": "http://moto:5000"},
            "http://idp:9229",
        ),
        ({ENDPOINT_ENV: "", "AWS_ENDPOINT_URL": "http://moto:5000"}, "http://moto:5000"),
    ],
)
def test_jwks_url_follows_the_standard_endpoint_variables(
    environ: dict[str, str], base: str
) -> None:
    assert cognito_jwks_url(REGION, POOL_ID, environ) == f"{base}/{POOL_ID}/.well-known/jwks.json"


@pytest.mark.parametrize(
    "environ",
    [
        {},
        {"AWS_ENDPOINT_URL": "http://moto:5000"},
        {ENDPOINT_ENV: "http://idp:9229"},
        {ENDPOINT_ENV: "http://idp:9229", "AWS_ENDPOINT_URL": "http://moto:5000"},
        {"AWS_ENDPOINT_URL_COGNITO_IDP": "http://not-a-standard-name:1"},
    ],
)
def test_jwks_url_uses_the_endpoint_boto3_uses(
    monkeypatch: pytest.MonkeyPatch, environ: dict[str, str]
) -> None:
    for name in (*ENDPOINT_ENV_VARS, "AWS_ENDPOINT_URL_COGNITO_IDP"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    sdk_base = boto3.client("cognito-idp", region_name=REGION).meta.endpoint_url

    assert cognito_jwks_url(REGION, POOL_ID) == f"{sdk_base}/{POOL_ID}/.well-known/jwks.json"


@pytest.mark.parametrize(
    ("client_ids", "leeway", "error"),
    [("one-app", 0, TypeError), ([], 0, ValueError), (["app"], -1, ValueError)],
)
def test_a_misconfigured_verifier_fails_at_construction(
    client_ids: Any, leeway: int, error: type[Exception]
) -> None:
    with pytest.raises(error):
        CognitoTokenVerifier(
            region=REGION, user_pool_id=POOL_ID, client_ids=client_ids, leeway_seconds=leeway
        )


# --- claims and authorizer context ----------------------------------------------------------

BASE_CLAIMS = {"sub": "user-1", "custom:force": "met"}


@pytest.mark.parametrize(
    ("claims", "reason"),
    [
        ({"custom:force": "met"}, "missing_claims"),
        ({"sub": "user-1"}, "missing_claims"),
        ({**BASE_CLAIMS, "custom:force": "  "}, "missing_claims"),
        ({**BASE_CLAIMS, "custom:force": "m"}, "invalid_claims"),
        ({**BASE_CLAIMS, "custom:area": "no spaces allowed"}, "invalid_claims"),
        ({**BASE_CLAIMS, "custom:officer_id": "../etc"}, "invalid_claims"),
        ({**BASE_CLAIMS, "cognito:groups": "officer"}, "invalid_claims"),
        ({**BASE_CLAIMS, "cognito:groups": ["officer", 3]}, "invalid_claims"),
    ],
)
def test_claims_that_make_no_valid_principal_are_refused(
    claims: dict[str, Any], reason: str
) -> None:
    with pytest.raises(InvalidToken) as caught:
        principal_from_claims(claims)
    assert caught.value.reason == reason
    assert caught.value.http_status == 401


def test_blank_optional_claims_count_as_absent() -> None:
    principal = principal_from_claims(
        {**BASE_CLAIMS, "custom:area": "", "custom:officer_id": " ", "cognito:groups": ["Officer"]}
    )

    assert principal == Principal(user_id="user-1", roles=frozenset({Role.OFFICER}), force="MET")


PRINCIPALS = {
    "full": Principal(
        user_id="5f0c-sub",
        roles=frozenset({Role.SERGEANT, Role.OFFICER}),
        force="MET",
        area="CENTRAL",
        officer_id="met-2001",
    ),
    "minimal": Principal(user_id="admin-sub", force="GMP"),
    "operator": Principal(user_id="op-sub", roles=frozenset({Role.OPERATOR}), force="WMP"),
}


@pytest.mark.parametrize("principal", PRINCIPALS.values(), ids=PRINCIPALS.keys())
def test_the_authorizer_context_round_trips(principal: Principal) -> None:
    context = principal_to_context(principal)

    assert all(isinstance(v, str) for v in context.values())
    assert principal_from_context(context) == principal
    # API Gateway adds its own keys to what the route sees; they are ignored.
    assert principal_from_context({**context, "principalId": "x", "integrationLatency": 12}) == (
        principal
    )


def test_the_authorizer_context_is_flat_and_omits_absent_values() -> None:
    assert principal_to_context(PRINCIPALS["full"]) == {
        "user_id": "5f0c-sub",
        "roles": "officer,sergeant",
        "force": "MET",
        "area": "CENTRAL",
        "officer_id": "met-2001",
    }
    assert principal_to_context(PRINCIPALS["minimal"]) == {
        "user_id": "admin-sub",
        "roles": "",
        "force": "GMP",
    }


def test_a_context_not_built_by_the_authorizer_is_refused() -> None:
    with pytest.raises(InvalidToken) as caught:
        principal_from_context({"user_id": "u", "roles": "officer"})
    assert caught.value.reason == "missing_claims"
