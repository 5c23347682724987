"""Who may log in: the Cognito user pool, its role groups and the two app clients.

MFA design
----------
Cognito's MFA setting is per user pool, not per group. The issue requires MFA for sergeants,
operators and admins; an officer's login is just as sensitive (it is what vouches for "I am PC
4521" to the control room, and a stolen officer password is exactly the fake-officer threat), so
the pool requires MFA for **everyone**, with **TOTP only**: SMS codes are open to SIM-swap and
interception, and officers already carry a managed phone for an authenticator app. A refresh token
lasts one shift, so an officer enters a code once per shift, not once per stop. A second pool for
officers without MFA would have weakened the officer side and needed the authorizer to trust two
issuers, for no security gain.

Other choices
-------------
* No self sign-up: accounts are created by admins from the HR register (``AdminCreateUser``).
* Role groups are the values of :class:`functions.domain.roles.Role`; only admins (IAM) add
  members, and the groups reach the API as ``cognito:groups`` in the ID token.
* ``custom:force``, ``custom:area``, ``custom:officer_id`` scope every permission, so **no app
  client may write them** (a user could otherwise move themselves to another force); only
  ``AdminUpdateUserAttributes`` can.
* Plus feature plan with threat protection ENFORCED (compromised-credential and risk-based
  adaptive authentication), password history, 14-character passwords of all four classes.
* Both clients are public (no secret: a phone app and a browser cannot keep one), allow only
  ``USER_SRP_AUTH`` (the password never leaves the device) and refresh, prevent user-existence
  errors, revoke tokens on sign-out, and have the hosted-UI OAuth flows disabled.
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_cognito as cognito
from constructs import Construct

from functions.domain.roles import Role

from .settings import APP_NAME, StageSettings

__all__ = ["CUSTOM_ATTRIBUTES", "Identity"]

CUSTOM_ATTRIBUTES: dict[str, int] = {"force": 10, "area": 32, "officer_id": 64}
"""Custom attributes and their maximum lengths (``functions/domain/fields.py``)."""

_ROLE_DESCRIPTIONS = {
    Role.OFFICER: "Plain-clothes officers: start verifications from the officer app",
    Role.SERGEANT: "Uniformed sergeants: claim and decide verifications",
    Role.OPERATOR: "Control-room operators: the 999 lookup",
    Role.ADMIN: "Register administrators: officers, photos, sergeants",
    Role.SUPERVISOR: "Control-room supervisors: service level, staffing, the record of stops",
}


class Identity(Construct):
    """The user pool, one group per :class:`Role`, and the officer-app and console clients."""

    def __init__(self, scope: Construct, construct_id: str, *, stage: StageSettings) -> None:
        super().__init__(scope, construct_id)
        self.user_pool = cognito.UserPool(
            self,
            "UserPool",
            user_pool_name=f"{APP_NAME}-{stage.name}",
            self_sign_up_enabled=False,
            sign_in_aliases=cognito.SignInAliases(username=True, email=True),
            sign_in_case_sensitive=False,
            auto_verify=cognito.AutoVerifiedAttrs(email=True),
            standard_attributes=cognito.StandardAttributes(
                email=cognito.StandardAttribute(required=True, mutable=True)
            ),
            custom_attributes={
                name: cognito.StringAttribute(min_len=1, max_len=length, mutable=True)
                for name, length in CUSTOM_ATTRIBUTES.items()
            },
            mfa=cognito.Mfa.REQUIRED,
            mfa_second_factor=cognito.MfaSecondFactor(otp=True, sms=False),
            password_policy=cognito.PasswordPolicy(
                min_length=14,
                require_lowercase=True,
                require_uppercase=True,
                require_digits=True,
                require_symbols=True,
                password_history_size=12,
                temp_password_validity=cdk.Duration.days(1),
            ),
            account_recovery=cognito.AccountRecovery.EMAIL_ONLY,
            feature_plan=cognito.FeaturePlan.PLUS,
            standard_threat_protection_mode=cognito.StandardThreatProtectionMode.FULL_FUNCTION,
            deletion_protection=stage.production,
            removal_policy=stage.removal_policy,
        )
        self.groups = {
            role: cognito.CfnUserPoolGroup(
                self,
                f"{role.value.capitalize()}Group",
                user_pool_id=self.user_pool.user_pool_id,
                group_name=role.value,
                description=_ROLE_DESCRIPTIONS.get(role, role.value),
            )
            for role in Role
        }
        readable = cognito.ClientAttributes().with_standard_attributes(
            email=True, email_verified=True, given_name=True, family_name=True
        )
        readable = readable.with_custom_attributes(*CUSTOM_ATTRIBUTES)
        # Nothing security-relevant is writable by a user: not force/area/officer_id, not email.
        writable = cognito.ClientAttributes().with_standard_attributes(locale=True, timezone=True)
        self.clients = {
            name: self.user_pool.add_client(
                f"{name.capitalize()}Client",
                user_pool_client_name=f"{APP_NAME}-{stage.name}-{name}",
                generate_secret=False,
                auth_flows=cognito.AuthFlow(user_srp=True),
                disable_o_auth=True,
                prevent_user_existence_errors=True,
                enable_token_revocation=True,
                id_token_validity=cdk.Duration.minutes(stage.id_token_minutes),
                access_token_validity=cdk.Duration.minutes(stage.id_token_minutes),
                refresh_token_validity=cdk.Duration.hours(stage.refresh_token_hours),
                auth_session_validity=cdk.Duration.minutes(3),
                read_attributes=readable,
                write_attributes=writable,
            )
            for name in ("officer", "console")
        }

    @property
    def client_ids(self) -> str:
        """The app client ids, comma-separated (``USER_POOL_CLIENT_IDS``)."""
        return cdk.Fn.join(",", [c.user_pool_client_id for c in self.clients.values()])
