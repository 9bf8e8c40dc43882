"""Amazon Cognito, the staff user pool (SPEC §10): the calls the app makes, and nothing else.

The client is built on first use (``aws.client``), never at import time; the pool and its app
client come from the settings (``USER_POOL_ID``, ``USER_POOL_CLIENT_ID``). Sign-in uses the app
client's ``USER_PASSWORD_AUTH`` flow from the server: the browser talks only to our API, and the
client has no secret. Cognito's errors are turned into a short code (``error_code``) for the
services to decide on; passwords, codes and Cognito sessions are never logged here.

``create_local_pool`` builds the same pool in moto's server for the local stack and the tests.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from botocore.exceptions import ClientError

from chalicelib.adapters import aws
from chalicelib.config import get_settings
from chalicelib.domain.names import STAFF_ROLES

GROUPS = STAFF_ROLES  # the role is the group (SPEC §10), in precedence order
AGENCY_ATTRIBUTE = "custom:agency_id"
MIN_PASSWORD_LENGTH = 12
TOTP_ISSUER = "SP4N-LAPOR!"


def _client() -> Any:
    return aws.client("cognito-idp")


def error_code(error: BaseException) -> str | None:
    """Cognito's error code (``NotAuthorizedException``, ``CodeMismatchException``…), if any."""
    if isinstance(error, ClientError):
        return error.response.get("Error", {}).get("Code")
    return None


# -- sign-in (the app client's flow) ------------------------------------------------------------

def initiate(email: str, password: str) -> dict[str, Any]:
    return _client().initiate_auth(ClientId=get_settings().user_pool_client_id, AuthFlow="USER_PASSWORD_AUTH",
                                   AuthParameters={"USERNAME": email, "PASSWORD": password})


def respond(challenge: str, session: str, responses: dict[str, str]) -> dict[str, Any]:
    return _client().respond_to_auth_challenge(ClientId=get_settings().user_pool_client_id,
                                               ChallengeName=challenge, Session=session,
                                               ChallengeResponses=responses)


def associate_software_token(session: str) -> tuple[str, str]:
    """A new TOTP secret for the user of this sign-in, and the session to go on with."""
    answer = _client().associate_software_token(Session=session)
    return answer["SecretCode"], answer.get("Session") or session


def verify_software_token(session: str, code: str) -> str:
    answer = _client().verify_software_token(Session=session, UserCode=code, FriendlyDeviceName="LAPOR! staff")
    if answer.get("Status") != "SUCCESS":
        raise ClientError({"Error": {"Code": "CodeMismatchException", "Message": "not verified"}},
                          "VerifySoftwareToken")
    return answer.get("Session") or session


def claims(id_token: str) -> dict[str, Any]:
    """The claims of an ID token that Cognito has just handed to this server over TLS, in answer to
    our own call: nothing in between could forge it, so its signature is not checked again here."""
    payload = id_token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def otpauth_uri(email: str, secret: str) -> str:
    from urllib.parse import quote

    label = quote(f"{TOTP_ISSUER}:{email}")
    return f"otpauth://totp/{label}?secret={secret}&issuer={quote(TOTP_ISSUER)}"


# -- administration ------------------------------------------------------------------------------

def _pool() -> str:
    return get_settings().user_pool_id


def create_user(email: str, name: str, agency_id: str, *, temporary_password: str | None = None) -> dict[str, Any]:
    """A new account; Cognito e-mails the temporary password unless one is given (local stage)."""
    params: dict[str, Any] = {
        "UserPoolId": _pool(), "Username": email,
        "UserAttributes": [{"Name": "email", "Value": email}, {"Name": "email_verified", "Value": "true"},
                           {"Name": "name", "Value": name}, {"Name": AGENCY_ATTRIBUTE, "Value": agency_id}],
        "DesiredDeliveryMediums": ["EMAIL"],
    }
    if temporary_password:
        params.update(TemporaryPassword=temporary_password, MessageAction="SUPPRESS")
    user = _client().admin_create_user(**params)["User"]
    attributes = {a["Name"]: a["Value"] for a in user.get("Attributes", [])}
    return {"user_id": attributes.get("sub") or user["Username"], "username": user["Username"],
            "status": user.get("UserStatus", "FORCE_CHANGE_PASSWORD")}


def delete_user(username: str) -> None:
    _client().admin_delete_user(UserPoolId=_pool(), Username=username)


def set_group(username: str, role: str, previous: str | None = None) -> None:
    if previous and previous != role:
        _client().admin_remove_user_from_group(UserPoolId=_pool(), Username=username, GroupName=previous)
    _client().admin_add_user_to_group(UserPoolId=_pool(), Username=username, GroupName=role)


def set_agency(username: str, agency_id: str) -> None:
    _client().admin_update_user_attributes(UserPoolId=_pool(), Username=username,
                                           UserAttributes=[{"Name": AGENCY_ATTRIBUTE, "Value": agency_id}])


def set_name(username: str, name: str) -> None:
    _client().admin_update_user_attributes(UserPoolId=_pool(), Username=username,
                                           UserAttributes=[{"Name": "name", "Value": name}])


def set_enabled(username: str, enabled: bool) -> None:
    if enabled:
        _client().admin_enable_user(UserPoolId=_pool(), Username=username)
    else:
        _client().admin_disable_user(UserPoolId=_pool(), Username=username)


def reset_mfa(username: str) -> None:
    """Turn the user's TOTP off: with MFA required by the pool, the next sign-in sets it up anew."""
    _client().admin_set_user_mfa_preference(UserPoolId=_pool(), Username=username,
                                            SoftwareTokenMfaSettings={"Enabled": False, "PreferredMfa": False})


def sign_out_everywhere(username: str) -> None:
    """Revoke the Cognito tokens the user holds (the app's own sessions are ended separately)."""
    _client().admin_user_global_sign_out(UserPoolId=_pool(), Username=username)


# -- the local stack and the tests ---------------------------------------------------------------

def pool_definition(name: str) -> dict[str, Any]:
    """What ``create_user_pool`` gets locally; deploy/template.py says the same in CloudFormation."""
    return {
        "PoolName": name,
        "UsernameAttributes": ["email"],
        "AutoVerifiedAttributes": ["email"],
        "MfaConfiguration": "ON",
        "Policies": {"PasswordPolicy": {
            "MinimumLength": MIN_PASSWORD_LENGTH, "RequireUppercase": True, "RequireLowercase": True,
            "RequireNumbers": True, "RequireSymbols": False, "TemporaryPasswordValidityDays": 7}},
        "Schema": [{"Name": "agency_id", "AttributeDataType": "String", "Mutable": True,
                    "StringAttributeConstraints": {"MinLength": "1", "MaxLength": "100"}}],
        "AdminCreateUserConfig": {"AllowAdminCreateUserOnly": True},
    }


def create_local_pool(name: str) -> tuple[str, str]:
    """The staff pool, its groups and its app client in moto; returns (pool id, client id)."""
    client = _client()
    pool_id = client.create_user_pool(**pool_definition(name))["UserPool"]["Id"]
    client.set_user_pool_mfa_config(UserPoolId=pool_id, MfaConfiguration="ON",
                                    SoftwareTokenMfaConfiguration={"Enabled": True})
    for precedence, group in enumerate(GROUPS):
        client.create_group(UserPoolId=pool_id, GroupName=group, Precedence=precedence)
    client_id = client.create_user_pool_client(
        UserPoolId=pool_id, ClientName=f"{name}-server", GenerateSecret=False,
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        PreventUserExistenceErrors="ENABLED",
        ReadAttributes=["email", "name", AGENCY_ATTRIBUTE], WriteAttributes=["name"],
    )["UserPoolClient"]["ClientId"]
    return pool_id, client_id
