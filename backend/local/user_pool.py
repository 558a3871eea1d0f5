"""The local stage's people: the emulator's Cognito user pool, the console's app client, the three
role groups, and one user per group, named after it, ready to sign in (issue 17, item 8).

Made through the emulator's Cognito API over HTTP, as an admin would in AWS, so the pool, client
and users are what the API and the console later meet there:
- the pool: no self sign-up, AWS's default password policy (8 characters, upper and lower case,
  a number and a symbol);
- the app client: no secret, `USER_PASSWORD_AUTH` and refresh (moto accepts any password with
  SRP: issue 17, item 9);
- the users: created with no invitation message and given their password as permanent, so their
  first sign-in meets no new-password challenge.

Repeatable: the emulator derives the pool's and client's IDs from what creates them
(MOTO_COGNITO_IDP_*_ID_STRATEGY=HASH, set by backend/local/emulator.py), so they are the same at
every start; and what already exists in the emulator (a second stack in one process shares its
moto) is found and kept, its users' passwords set again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

POOL_NAME = "customer-ids-local"
CLIENT_NAME = "customer-ids-local-console"
ROLES = ("viewer", "operator", "admin")  # each a group, and a user of that name in it
PASSWORD_POLICY = {
    "MinimumLength": 8, "RequireUppercase": True, "RequireLowercase": True,
    "RequireNumbers": True, "RequireSymbols": True, "TemporaryPasswordValidityDays": 7,
}


class UserPoolError(Exception):
    """The local pool could not be made as asked; the message says what to change."""


@dataclass(frozen=True)
class LocalUserPool:
    pool_id: str
    client_id: str
    users: tuple[str, ...]
    password: str


def provision(cognito: Any, password: str) -> LocalUserPool:
    """The pool, client, groups and users, made or found in the emulator behind `cognito`
    (a boto3 cognito-idp client)."""
    pool_id = _pool(cognito)
    client_id = _app_client(cognito, pool_id)
    for role in ROLES:
        _group(cognito, pool_id, role)
        _user(cognito, pool_id, role, password)
    return LocalUserPool(pool_id=pool_id, client_id=client_id, users=ROLES, password=password)


def _pool(cognito: Any) -> str:
    for pool in cognito.list_user_pools(MaxResults=60)["UserPools"]:
        if pool["Name"] == POOL_NAME:
            return str(pool["Id"])
    created = cognito.create_user_pool(
        PoolName=POOL_NAME,
        Policies={"PasswordPolicy": PASSWORD_POLICY},
        AdminCreateUserConfig={"AllowAdminCreateUserOnly": True},
        UsernameConfiguration={"CaseSensitive": False},
    )
    return str(created["UserPool"]["Id"])


def _app_client(cognito: Any, pool_id: str) -> str:
    for client in cognito.list_user_pool_clients(UserPoolId=pool_id, MaxResults=60)["UserPoolClients"]:
        if client["ClientName"] == CLIENT_NAME:
            return str(client["ClientId"])
    created = cognito.create_user_pool_client(
        UserPoolId=pool_id, ClientName=CLIENT_NAME, GenerateSecret=False,
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )
    return str(created["UserPoolClient"]["ClientId"])


def _group(cognito: Any, pool_id: str, name: str) -> None:
    try:
        cognito.create_group(UserPoolId=pool_id, GroupName=name, Description=f"the {name} role")
    except ClientError as error:
        if _code(error) != "GroupExistsException":
            raise


def _user(cognito: Any, pool_id: str, username: str, password: str) -> None:
    try:
        cognito.admin_create_user(UserPoolId=pool_id, Username=username, MessageAction="SUPPRESS")
    except ClientError as error:
        if _code(error) != "UsernameExistsException":
            raise
    try:
        cognito.admin_set_user_password(UserPoolId=pool_id, Username=username, Password=password,
                                        Permanent=True)
    except ClientError as error:
        if _code(error) == "InvalidPasswordException":
            raise UserPoolError(
                "LOCAL_USER_PASSWORD does not meet the pool's password policy: at least 8 characters, "
                "with an upper-case and a lower-case letter, a number and a symbol") from error
        raise
    cognito.admin_add_user_to_group(UserPoolId=pool_id, Username=username, GroupName=username)


def _code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))
