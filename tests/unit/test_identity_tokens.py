"""Every way a token can be wrong is refused; the one right way is accepted; the keys survive an outage.

Tokens are signed here with real RSA keys: the pool's (published in the fake JWKS), a foreign one,
and the emulator's published key (moto ships its private half, so anyone can sign with it).
"""

from __future__ import annotations

import base64
import gzip
import json
import time
from importlib.resources import files
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from chalicelib.identity.tokens import (
    EMULATOR_KEY_ID,
    REFETCH_INTERVAL_SECONDS,
    InvalidTokenError,
    Person,
    SigningKeys,
    SigningKeysUnavailableError,
    TokenVerifier,
    issuer,
)

REGION, POOL, CLIENT = "eu-west-1", "eu-west-1_Pool1", "console-client"
ISSUER = issuer(REGION, POOL)
POOL_KID = "pool-key-1"


def _private_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


POOL_KEY, FOREIGN_KEY = _private_key(), _private_key()
EMULATOR_JWK: dict[str, Any] = json.loads(gzip.decompress(
    (files("moto.cognitoidp") / "resources" / "jwks-private.json.gz").read_bytes()))
EMULATOR_KEY = jwt.PyJWK(EMULATOR_JWK).key


def _public_jwk(key: rsa.RSAPrivateKey, kid: str) -> dict[str, Any]:
    jwk: dict[str, Any] = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    return {**jwk, "kid": kid, "alg": "RS256", "use": "sig"}


def _jwks(*extra: dict[str, Any]) -> bytes:
    public_emulator = {k: v for k, v in EMULATOR_JWK.items() if k in ("kty", "n", "e", "kid", "alg", "use")}
    return json.dumps({"keys": [_public_jwk(POOL_KEY, POOL_KID), public_emulator, *extra]}).encode()


def _claims(**changes: Any) -> dict[str, Any]:
    now = int(time.time())
    claims = {"iss": ISSUER, "sub": "u-1", "client_id": CLIENT, "token_use": "access", "username": "ada",
              "cognito:groups": ["operator"], "iat": now, "auth_time": now, "exp": now + 3600, "jti": "j"}
    claims.update(changes)
    return {k: v for k, v in claims.items() if v is not None}


def _token(key: Any = POOL_KEY, kid: Any = POOL_KID, algorithm: Any = "RS256", **changes: Any) -> str:
    return jwt.encode(_claims(**changes), key, algorithm=algorithm, headers={"kid": kid})


class Endpoint:
    """The JWKS endpoint: answers, fails, and counts the fetches and the time each was given."""

    def __init__(self, body: bytes | None = None) -> None:
        self.body = body if body is not None else _jwks()
        self.down = False
        self.timeouts: list[float] = []

    def __call__(self, _url: str, timeout: float) -> bytes:
        self.timeouts.append(timeout)
        if self.down:
            raise TimeoutError("timed out")
        return self.body


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _verifier(endpoint: Endpoint | None = None, local: bool = False,
              clock: Clock | None = None) -> TokenVerifier:
    keys = SigningKeys("https://jwks.example/", 2.0, endpoint or Endpoint(), clock or Clock())
    return TokenVerifier(keys, ISSUER, CLIENT, accept_emulator_key=local)


def test_a_pool_access_token_names_its_person_and_groups() -> None:
    assert _verifier().verify(_token()) == Person("ada", ("operator",))


def _unsigned(header: dict[str, Any], claims: dict[str, Any]) -> str:
    def part(value: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    return f"{part(header)}.{part(claims)}."


def _hs256_with_the_public_key() -> str:
    public_pem = POOL_KEY.public_key().public_bytes(serialization.Encoding.PEM,
                                                    serialization.PublicFormat.SubjectPublicKeyInfo)
    header = {"alg": "HS256", "kid": POOL_KID, "typ": "JWT"}
    signing_input = _unsigned(header, _claims())[:-1]
    import hashlib
    import hmac

    signature = hmac.new(public_pem, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{base64.urlsafe_b64encode(signature).rstrip(b'=').decode()}"


def _tampered() -> str:
    header, _, signature = _token().split(".")
    forged_claims = base64.urlsafe_b64encode(json.dumps(_claims(**{"cognito:groups": ["admin"]})).encode())
    return f"{header}.{forged_claims.rstrip(b'=').decode()}.{signature}"


REFUSED = {
    "alg none": lambda: _unsigned({"alg": "none", "kid": POOL_KID}, _claims()),
    "HS256 signed with the public key": _hs256_with_the_public_key,
    "claims changed after signing": _tampered,
    "signed by a foreign key under the pool's kid": lambda: _token(key=FOREIGN_KEY),
    "an unknown kid": lambda: _token(key=FOREIGN_KEY, kid="not-a-pool-key"),
    "no kid": lambda: jwt.encode(_claims(), POOL_KEY, algorithm="RS256"),
    "another pool's issuer": lambda: _token(iss=issuer(REGION, "eu-west-1_Other")),
    "another region's issuer": lambda: _token(iss=issuer("us-east-1", POOL)),
    "another client": lambda: _token(client_id="someone-else"),
    "an ID token": lambda: _token(token_use="id", client_id=None, aud=CLIENT),
    "expired": lambda: _token(exp=int(time.time()) - 1),
    "issued in the future": lambda: _token(iat=int(time.time()) + 600),
    "not valid yet": lambda: _token(nbf=int(time.time()) + 600),
    "no expiry": lambda: _token(exp=None),
    "no username": lambda: _token(username=None),
    "groups not a list": lambda: _token(**{"cognito:groups": "admin"}),
    "malformed": lambda: "not-a-token",
    "three dots of nothing": lambda: "..",
    "empty": lambda: "",
    "10 KB": lambda: _token(padding="x" * 10_000),
    "signed with the emulator's key outside the local stage": lambda: _token(key=EMULATOR_KEY,
                                                                               kid=EMULATOR_KEY_ID),
}


@pytest.mark.parametrize("make", REFUSED.values(), ids=REFUSED.keys())
def test_a_wrong_token_is_refused_as_unauthenticated(make: Any) -> None:
    with pytest.raises(InvalidTokenError) as refused:
        _verifier().verify(make())
    assert refused.value.status == 401 and refused.value.code == "unauthenticated"
    assert refused.value.challenge == "Bearer"


def test_the_emulator_key_is_accepted_on_the_local_stage_only() -> None:
    token = _token(key=EMULATOR_KEY, kid=EMULATOR_KEY_ID)
    assert _verifier(local=True).verify(token).username == "ada"
    with pytest.raises(InvalidTokenError):
        _verifier(local=False).verify(token)


def test_known_keys_keep_working_while_the_endpoint_is_down() -> None:
    # GIVEN keys fetched once, then the endpoint goes down and the refetch interval passes
    endpoint, clock = Endpoint(), Clock()
    verifier = _verifier(endpoint, clock=clock)
    verifier.verify(_token())
    endpoint.down = True
    clock.now += REFETCH_INTERVAL_SECONDS * 10
    # WHEN a token signed by a known key comes, and one naming an unknown key
    # THEN the first is accepted without a fetch; the second is refused (401, not 503)
    assert verifier.verify(_token()).username == "ada"
    assert len(endpoint.timeouts) == 1
    with pytest.raises(InvalidTokenError):
        verifier.verify(_token(key=FOREIGN_KEY, kid="rotated-in"))


def test_no_keys_and_no_endpoint_is_503_and_the_next_request_does_not_wait_again() -> None:
    endpoint, clock = Endpoint(), Clock()
    endpoint.down = True
    verifier = _verifier(endpoint, clock=clock)
    with pytest.raises(SigningKeysUnavailableError) as unavailable:
        verifier.verify(_token())
    assert unavailable.value.status == 503 and unavailable.value.retry_after_seconds
    with pytest.raises(SigningKeysUnavailableError):
        verifier.verify(_token())
    assert len(endpoint.timeouts) == 1  # backing off: the second request did not wait on the endpoint
    # WHEN the endpoint is back after the back-off THEN tokens are verified again
    endpoint.down = False
    clock.now += 5
    assert verifier.verify(_token()).username == "ada"


def test_made_up_key_ids_do_not_turn_into_fetches() -> None:
    endpoint = Endpoint()
    verifier = _verifier(endpoint)
    verifier.verify(_token())
    for n in range(20):
        with pytest.raises(InvalidTokenError):
            verifier.verify(_token(key=FOREIGN_KEY, kid=f"made-up-{n}"))
    assert len(endpoint.timeouts) == 1


def test_a_key_published_later_is_found_after_the_refetch_interval() -> None:
    # GIVEN the pool rotates in a new key after the keys were fetched
    endpoint, clock = Endpoint(), Clock()
    verifier = _verifier(endpoint, clock=clock)
    verifier.verify(_token())
    endpoint.body = _jwks(_public_jwk(FOREIGN_KEY, "rotated-in"))
    clock.now += REFETCH_INTERVAL_SECONDS
    assert verifier.verify(_token(key=FOREIGN_KEY, kid="rotated-in")).username == "ada"


def test_a_token_verified_before_is_not_verified_again_until_it_expires() -> None:
    # GIVEN a token verified once, then the pool's key set gone (nothing could verify it again)
    endpoint = Endpoint()
    keys = SigningKeys("https://jwks.example/", 2.0, endpoint, Clock())
    now = [time.time()]
    verifier = TokenVerifier(keys, ISSUER, CLIENT, accept_emulator_key=False, clock=lambda: now[0])
    token = _token(exp=int(now[0]) + 60)
    assert verifier.verify(token).username == "ada"
    keys._keys.clear()  # the test's way to see whether it is verified again
    endpoint.down = True
    # WHEN it comes again THEN it is the same person, without a verification
    assert verifier.verify(token).username == "ada"
    # WHEN it has expired THEN it is verified again, and refused
    now[0] += 61
    with pytest.raises((InvalidTokenError, SigningKeysUnavailableError)):
        verifier.verify(token)


def test_an_expired_token_is_refused_by_the_verifiers_clock_too() -> None:
    now = time.time() + 3600
    verifier = TokenVerifier(SigningKeys("https://jwks.example/", 2.0, Endpoint(), Clock()), ISSUER, CLIENT,
                             accept_emulator_key=False, clock=lambda: now)
    with pytest.raises(InvalidTokenError):
        verifier.verify(_token(exp=int(time.time()) + 60))


def test_a_fetch_waits_no_longer_than_the_request_allows() -> None:
    endpoint = Endpoint()
    _verifier(endpoint).verify(_token(), timeout=0.3)
    assert endpoint.timeouts == [0.3]


def test_a_key_set_that_is_not_json_is_an_outage_not_a_pass() -> None:
    with pytest.raises(SigningKeysUnavailableError):
        _verifier(Endpoint(b"<html>gateway error</html>")).verify(_token())
