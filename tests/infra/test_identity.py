"""The Cognito user pool, its groups and app clients."""

from __future__ import annotations

from typing import Any

from functions.domain.roles import Role
from infra.safe_connection_infra.identity import CUSTOM_ATTRIBUTES

from .conftest import Synthesized


def user_pool(stage: Synthesized) -> dict[str, Any]:
    (pool,) = stage.resources("AWS::Cognito::UserPool").values()
    properties: dict[str, Any] = pool["Properties"]
    return properties


def test_mfa_is_required_with_authenticator_apps_only(stage: Synthesized) -> None:
    pool = user_pool(stage)
    assert pool["MfaConfiguration"] == "ON"
    assert pool["EnabledMfas"] == ["SOFTWARE_TOKEN_MFA"]


def test_nobody_signs_themselves_up(stage: Synthesized) -> None:
    assert user_pool(stage)["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is True


def test_password_policy_is_strong(stage: Synthesized) -> None:
    policy = user_pool(stage)["Policies"]["PasswordPolicy"]
    assert policy["MinimumLength"] >= 14
    for requirement in ("RequireLowercase", "RequireUppercase", "RequireNumbers", "RequireSymbols"):
        assert policy[requirement] is True
    assert policy["PasswordHistorySize"] >= 12
    assert policy["TemporaryPasswordValidityDays"] == 1


def test_threat_protection_is_enforced(stage: Synthesized) -> None:
    pool = user_pool(stage)
    assert pool["UserPoolTier"] == "PLUS"
    assert pool["UserPoolAddOns"] == {"AdvancedSecurityMode": "ENFORCED"}


def test_prod_pool_is_deletion_protected(dev: Synthesized, prod: Synthesized) -> None:
    assert user_pool(prod)["DeletionProtection"] == "ACTIVE"
    assert user_pool(dev).get("DeletionProtection", "INACTIVE") == "INACTIVE"


def test_custom_attributes_scope_every_permission(stage: Synthesized) -> None:
    schema = {a["Name"]: a for a in user_pool(stage)["Schema"]}
    for name, length in CUSTOM_ATTRIBUTES.items():
        attribute = schema[name]
        assert attribute["AttributeDataType"] == "String"
        assert attribute["StringAttributeConstraints"]["MaxLength"] == str(length)


def test_a_group_per_role(stage: Synthesized) -> None:
    groups = {
        g["Properties"]["GroupName"]
        for g in stage.resources("AWS::Cognito::UserPoolGroup").values()
    }
    assert (
        groups
        == {"officer", "sergeant", "operator", "admin", "supervisor"}
        == {r.value for r in Role}
    )


def test_app_clients_use_srp_short_tokens_and_cannot_write_scope_attributes(
    stage: Synthesized,
) -> None:
    clients = {
        c["Properties"]["ClientName"]: c["Properties"]
        for c in stage.resources("AWS::Cognito::UserPoolClient").values()
    }
    name = stage.settings.name
    assert set(clients) == {f"safe-connection-{name}-officer", f"safe-connection-{name}-console"}
    for client in clients.values():
        assert sorted(client["ExplicitAuthFlows"]) == [
            "ALLOW_REFRESH_TOKEN_AUTH",
            "ALLOW_USER_SRP_AUTH",
        ]
        assert client["GenerateSecret"] is False
        assert client["AllowedOAuthFlowsUserPoolClient"] is False
        assert "CallbackURLs" not in client
        assert client["PreventUserExistenceErrors"] == "ENABLED"
        assert client["EnableTokenRevocation"] is True
        assert client["IdTokenValidity"] == stage.settings.id_token_minutes <= 60
        assert client["AccessTokenValidity"] == stage.settings.id_token_minutes
        assert client["RefreshTokenValidity"] == stage.settings.refresh_token_hours * 60
        assert client["TokenValidityUnits"] == {
            "AccessToken": "minutes",
            "IdToken": "minutes",
            "RefreshToken": "minutes",
        }
        readable = set(client["ReadAttributes"])
        writable = set(client["WriteAttributes"])
        assert {f"custom:{a}" for a in CUSTOM_ATTRIBUTES} <= readable
        assert writable.isdisjoint({f"custom:{a}" for a in CUSTOM_ATTRIBUTES} | {"email"})
