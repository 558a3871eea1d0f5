"""People's tokens for tests over HTTP: signed in for real at the emulator's Cognito, as the console
and the banner's curl line do, and forged ones a verifier must refuse.

The forgeries start from a real access token's claims, so each differs from a good token in one
way only: the key that signed it, its algorithm, its expiry, its kind, its pool.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any

import httpx
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from backend.local.devstack import DevStack

# One client for these tests' calls: building an httpx client costs ~50 ms of CPU (its TLS context).
HTTP = httpx.Client(timeout=30)


def cognito_call(stack: DevStack, action: str, body: dict[str, Any],
                 origin: str | None = None) -> httpx.Response:
    """A Cognito call to the emulator as a browser makes it: an unsigned JSON POST."""
    headers = {"content-type": "application/x-amz-json-1.1",
               "x-amz-target": f"AWSCognitoIdentityProviderService.{action}"}
    if origin is not None:
        headers["Origin"] = origin
    return HTTP.post(f"{stack.emulator_url}/", json=body, headers=headers)


def sign_in(stack: DevStack, username: str, password: str | None = None,
            client_id: str | None = None) -> dict[str, Any]:
    """InitiateAuth USER_PASSWORD_AUTH: its AuthenticationResult (AccessToken, IdToken, RefreshToken, ...)."""
    assert stack.user_pool is not None
    response = cognito_call(stack, "InitiateAuth", {
        "AuthFlow": "USER_PASSWORD_AUTH", "ClientId": client_id or stack.user_pool.client_id,
        "AuthParameters": {"USERNAME": username, "PASSWORD": password or stack.user_password}})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = json.loads(response.content)  # moto answers application/x-amz-json-1.1
    assert "ChallengeName" not in body, f"{username} met a challenge: {body}"
    result: dict[str, Any] = body["AuthenticationResult"]
    return result


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


# -- JWTs by hand: a library that refuses to make a bad token cannot make these ----------------
def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def parts(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """A JWT's header and claims, unverified (to copy them)."""
    header, claims, _signature = token.split(".")
    return json.loads(_unb64(header)), json.loads(_unb64(claims))


def _signing_input(header: dict[str, Any], claims: dict[str, Any]) -> bytes:
    return f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}".encode()


def rs256(header: dict[str, Any], claims: dict[str, Any], key: rsa.RSAPrivateKey) -> str:
    signing_input = _signing_input({**header, "alg": "RS256"}, claims)
    signature = key.sign(signing_input, padding.PKCS1v15(), hashes.SHA256())
    return f"{signing_input.decode()}.{_b64(signature)}"


def unsigned(header: dict[str, Any], claims: dict[str, Any]) -> str:
    """`alg: none`, empty signature."""
    return f"{_signing_input({**header, 'alg': 'none'}, claims).decode()}."


def hs256_with(header: dict[str, Any], claims: dict[str, Any], secret: bytes) -> str:
    """HS256 with `secret` as the HMAC key: given the pool's public key, the algorithm-confusion
    forgery (a verifier that lets the token choose the algorithm checks it with that key)."""
    signing_input = _signing_input({**header, "alg": "HS256"}, claims)
    signature = hmac.new(secret, signing_input, hashlib.sha256).digest()
    return f"{signing_input.decode()}.{_b64(signature)}"


def emulator_signing_key() -> rsa.RSAPrivateKey:
    """The one private key moto signs every pool's tokens with (shipped in moto, kid `dummy`):
    with it, a token that differs from a real one only in its claims."""
    from joserfc.jwk import RSAKey
    from moto.utilities.utils import load_resource

    key = RSAKey.import_key(load_resource("cognitoidp/resources/jwks-private.json"))
    private = key.private_key
    assert isinstance(private, rsa.RSAPrivateKey)
    return private


def signed_by_a_key_of(token: str, jwks: dict[str, Any]) -> bool:
    """Whether the token's RS256 signature checks out against the key its `kid` names in `jwks`."""
    from cryptography.exceptions import InvalidSignature

    header, _claims = parts(token)
    signing_input, _, signature = token.rpartition(".")
    for key in jwks["keys"]:
        if key["kid"] == header["kid"]:
            numbers = rsa.RSAPublicNumbers(int.from_bytes(_unb64(key["e"]), "big"),
                                           int.from_bytes(_unb64(key["n"]), "big"))
            try:
                numbers.public_key().verify(_unb64(signature), signing_input.encode(), padding.PKCS1v15(),
                                            hashes.SHA256())
            except InvalidSignature:
                return False
            return True
    return False


def public_key_pem(key: rsa.RSAPrivateKey) -> bytes:
    return bytes(key.public_key().public_bytes(serialization.Encoding.PEM,
                                               serialization.PublicFormat.SubjectPublicKeyInfo))


def expired(header: dict[str, Any], claims: dict[str, Any]) -> str:
    """Signed by the emulator's own key, expired a minute ago."""
    now = int(time.time())
    return rs256(header, {**claims, "iat": now - 3660, "auth_time": now - 3660, "exp": now - 60},
                 emulator_signing_key())
