"""A person's access token, verified as Cognito's guide and RFC 8725 ask: never decoded and trusted.

`TokenVerifier.verify` accepts only an RS256 access token signed by one of the user pool's keys
(its JWKS), issued by that pool (`iss`) for the console's client (`client_id`), of `token_use`
`access`, within its lifetime (`exp`, and `iat`/`nbf` not in the future). Every refusal raises
`InvalidTokenError`: the same 401 for the caller, the reason for the log.

The keys are fetched once per container and kept (`SigningKeys`): an unreachable JWKS endpoint does
not stop tokens signed by a key already known. PyJWT's own PyJWKClient is not used for that part:
it forgets its keys when its cache lifespan ends and then fails while the endpoint is down, and it
fetches again for every unknown `kid` a caller makes up.
"""

from __future__ import annotations

import base64
import json
import threading
import time
import urllib.request
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jwt

from chalicelib.errors import ServiceUnavailableError, UnauthenticatedError

ALGORITHM = "RS256"  # Cognito signs with RS256 only; the list is fixed, never read from the token
MAX_TOKEN_CHARS = 8192  # Cognito's access tokens are 1-2 KB, groups included
# The emulator (moto) signs every pool's tokens with one key whose private half ships in its source.
EMULATOR_KEY_ID = "dummy"
MAX_JWKS_BYTES = 64 * 1024
# An unknown `kid` fetches the set again (Cognito publishes a new key before it signs with it),
# at most this often, so made-up key IDs cannot turn into a stream of fetches.
REFETCH_INTERVAL_SECONDS = 60.0
# After a failed fetch with nothing cached, answer 503 at once for this long instead of waiting
# on the endpoint again for every request.
FETCH_BACKOFF_SECONDS = 1.0

# Accepted tokens remembered per container (each ~1-2 KB): a container serves few people at once.
VERIFIED_TOKENS = 512

FetchJwks = Callable[[str, float], bytes]


class InvalidTokenError(UnauthenticatedError):
    """The token is not one this API accepts. `reason` is for the log, never for the caller."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason, "sign in again: send a valid access token as Authorization: Bearer <token>")


class SigningKeysUnavailableError(ServiceUnavailableError):
    """The pool's keys could not be fetched and none are known yet: nothing can be verified."""


@dataclass(frozen=True)
class Person:
    username: str
    groups: tuple[str, ...]


def fetch_url(url: str, timeout: float) -> bytes:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        body: bytes = response.read(MAX_JWKS_BYTES + 1)
    if len(body) > MAX_JWKS_BYTES:
        raise ValueError(f"the key set at {url} is over {MAX_JWKS_BYTES} bytes")
    return body


class SigningKeys:
    """The pool's public keys by `kid`, fetched at first use and kept for the container's life."""

    def __init__(self, url: str, timeout_seconds: float, fetch: FetchJwks = fetch_url,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.url = url
        self._timeout = timeout_seconds
        self._fetch = fetch
        self._clock = clock
        self._keys: dict[str, jwt.PyJWK] = {}
        self._fetched_at: float | None = None
        self._failed_at: float | None = None
        self._lock = threading.Lock()  # one fetch at a time; the others then read its result

    def key(self, kid: str, timeout: float | None = None) -> jwt.PyJWK | None:
        """The key named `kid`, or None if the pool has no such key. Raises
        SigningKeysUnavailableError only when no key is known and the set cannot be fetched."""
        found = self._keys.get(kid)
        if found is None and self._may_fetch():
            with self._lock:
                if kid not in self._keys and self._may_fetch():
                    self._refresh(self._timeout if timeout is None else min(timeout, self._timeout))
            found = self._keys.get(kid)
        if found is None and not self._keys:
            raise SigningKeysUnavailableError("sign-in cannot be checked right now; try again shortly")
        return found

    def _may_fetch(self) -> bool:
        now = self._clock()
        if self._failed_at is not None and now - self._failed_at < FETCH_BACKOFF_SECONDS:
            return False
        return self._fetched_at is None or now - self._fetched_at >= REFETCH_INTERVAL_SECONDS

    def _refresh(self, timeout: float) -> None:
        try:
            key_set = jwt.PyJWKSet.from_dict(json.loads(self._fetch(self.url, max(timeout, 0.05))))
        except Exception as error:  # unreachable, slow, or not a key set: keep what we know
            from chalicelib.observability import logger

            self._failed_at = self._clock()
            logger.warning("signing keys unavailable", jwks_url=self.url, cause=repr(error),
                           keys_known=len(self._keys))
            return
        self._keys = {k.key_id: k for k in key_set.keys if k.key_id and k.algorithm_name == ALGORITHM}
        self._fetched_at, self._failed_at = self._clock(), None


class TokenVerifier:
    """Verifies a token once: the same token string, verified before and not expired since, is the
    same person (a console sends one token with every request for up to an hour). Only accepted
    tokens are remembered, at most VERIFIED_TOKENS of them, each until its `exp`."""

    def __init__(self, keys: SigningKeys, issuer: str, client_id: str, accept_emulator_key: bool,
                 clock: Callable[[], float] = time.time) -> None:
        self._keys = keys
        self._issuer = issuer
        self._client_id = client_id
        self._accept_emulator_key = accept_emulator_key
        self._clock = clock
        self._verified: OrderedDict[str, tuple[Person, float]] = OrderedDict()
        self._verified_lock = threading.Lock()

    def verify(self, token: str, timeout: float | None = None) -> Person:
        """The person the access token names, or InvalidTokenError (or SigningKeysUnavailableError)."""
        with self._verified_lock:
            known = self._verified.get(token)
        if known is not None and self._clock() < known[1]:
            return known[0]
        key = self._key_for(token, timeout)
        try:
            claims: dict[str, Any] = jwt.decode(
                token, key, algorithms=[ALGORITHM], issuer=self._issuer,
                options={"require": ["exp", "iat", "iss", "token_use", "client_id", "username"]})
        except jwt.InvalidTokenError as error:
            raise InvalidTokenError(f"{type(error).__name__}: {error}") from None
        person, expires_at = self._person(claims), float(claims["exp"])
        if self._clock() >= expires_at:  # PyJWT checked it too; this clock is the one `known` uses
            raise InvalidTokenError("expired")
        self._remember(token, person, expires_at)
        return person

    def _remember(self, token: str, person: Person, expires_at: float) -> None:
        with self._verified_lock:
            self._verified[token] = (person, expires_at)
            while len(self._verified) > VERIFIED_TOKENS:
                self._verified.popitem(last=False)

    def _key_for(self, token: str, timeout: float | None) -> jwt.PyJWK:
        if len(token) > MAX_TOKEN_CHARS:
            raise InvalidTokenError(f"token of {len(token)} characters")
        header = _header(token)
        if header.get("alg") != ALGORITHM:
            raise InvalidTokenError(f"algorithm {header.get('alg')!r}")
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise InvalidTokenError("no key ID")
        if kid == EMULATOR_KEY_ID and not self._accept_emulator_key:
            raise InvalidTokenError("signed with the emulator's published key")
        key = self._keys.key(kid, timeout)
        if key is None:
            raise InvalidTokenError(f"unknown key ID {kid[:64]!r}")
        return key

    def _person(self, claims: dict[str, Any]) -> Person:
        if claims["token_use"] != "access":
            raise InvalidTokenError(f"token_use {claims['token_use']!r}")
        if claims["client_id"] != self._client_id:
            raise InvalidTokenError("another client's token")
        username, groups = claims["username"], claims.get("cognito:groups", [])
        if not isinstance(username, str) or not username:
            raise InvalidTokenError("no username")
        if not isinstance(groups, list) or not all(isinstance(g, str) for g in groups):
            raise InvalidTokenError("cognito:groups is not a list of names")
        return Person(username=username, groups=tuple(groups))


def _header(token: str) -> dict[str, Any]:
    """The token's JOSE header, read before its key is known. Not PyJWT's get_unverified_header,
    which checks every character of the whole token, as `jwt.decode` then does again: half the
    cost of a verification."""
    segment = token.split(".", 1)[0]
    try:
        header = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    except ValueError:  # not base64url (binascii.Error), not UTF-8 or not JSON
        raise InvalidTokenError("malformed token header") from None
    if not isinstance(header, dict) or token.count(".") != 2:
        raise InvalidTokenError("not a signed JWT")
    return header


def issuer(region: str, user_pool_id: str) -> str:
    """Cognito's issuer for a pool; the emulator writes the same form."""
    return f"https://cognito-idp.{region}.amazonaws.com/{user_pool_id}"


def jwks_url(endpoint: str, user_pool_id: str) -> str:
    """Where the pool's keys are published: `<endpoint><pool id>/.well-known/jwks.json`, in AWS and
    on the emulator alike."""
    return f"{endpoint.rstrip('/')}/{user_pool_id}/.well-known/jwks.json"
