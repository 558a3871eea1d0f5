"""A short, read-mostly check of a deployed stage: `make smoke STAGE=... API_URL=...`.

It runs after each stage of the release pipeline, and `make test` runs it against the local stack
(tests/infra/test_smoke.py), so it cannot rot. What it writes it removes: one customer ID with a
unique name, created, read, deleted; one submission of another unique ID, followed to a final status,
whose ID is deleted too. The canary's pre-traffic hook (backend/deploy/pre_traffic_hook.py) runs the
API part of the same sequence against the new Lambda version before any traffic reaches it.

The API key comes from SMOKE_API_KEY (never a flag: flags end up in shell history and CI logs).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

FINAL_STATUSES = frozenset({"SUCCEEDED", "FAILED"})
# The console's CloudFront response headers policy (backend/infra/spa.json) sets these.
SECURITY_HEADERS = {
    "strict-transport-security": "max-age=",
    "content-security-policy": "default-src",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
}
TIMEOUT_SECONDS = 10.0  # one request


class SmokeError(Exception):
    """A check failed; the message says which and what came back."""


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]  # lower-cased names
    body: bytes

    def json(self) -> Any:
        try:
            return json.loads(self.body or b"null")
        except ValueError as error:
            raise SmokeError(f"not JSON ({self.status}): {self.body[:200]!r}") from error


def http(method: str, url: str, headers: dict[str, str] | None = None, body: Any = None) -> Answer:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method, headers={
        "accept": "application/json, text/html", **({"content-type": "application/json"} if data else {}),
        **(headers or {}),
    })
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            headers = {k.lower(): v for k, v in response.headers.items()}
            return Answer(response.status, headers, response.read())
    except urllib.error.HTTPError as error:
        return Answer(error.code, {k.lower(): v for k, v in error.headers.items()}, error.read())
    except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
        raise SmokeError(f"{method} {url}: no answer ({error})") from error


@dataclass
class Smoke:
    api_url: str
    api_key: str
    workflow_seconds: float = 120.0
    poll_seconds: float = 1.0
    request: Callable[..., Answer] = http
    passed: list[str] = field(default_factory=list)

    def _api(self, method: str, path: str, body: Any = None) -> Answer:
        return self.request(method, self.api_url.rstrip("/") + path, {"x-api-key": self.api_key}, body)

    def _expect(self, what: str, answer: Answer, *statuses: int) -> Answer:
        if answer.status not in statuses:
            raise SmokeError(f"{what}: expected {' or '.join(map(str, statuses))}, got {answer.status}: "
                             f"{answer.body[:300]!r}")
        self.passed.append(f"{what}: {answer.status}")
        return answer

    def health(self) -> None:
        self._expect("GET /health", self.request("GET", self.api_url.rstrip("/") + "/health"), 200)

    def edge(self) -> None:
        """The authorizer runs for a request with no credential at all (a TOKEN authorizer, or the
        key check, would answer before it) and refuses it in our shape; sign-in is configured."""
        path = "/customers?limit=1"
        base = self.api_url.rstrip("/")
        refused = self._expect(f"GET {path} without a credential", self.request("GET", base + path), 401)
        body = refused.json()
        code = body.get("error", {}).get("code") if isinstance(body, dict) else None
        challenge = refused.headers.get("www-authenticate", "")
        if code != "unauthenticated" or not challenge.lower().startswith("bearer"):
            raise SmokeError(f"GET {path} without a credential: code {code!r}, WWW-Authenticate "
                             f"{challenge!r} (want unauthenticated, Bearer)")
        config = self._expect("GET /auth/config", self.request("GET", base + "/auth/config"), 200).json()
        missing = [k for k in ("region", "userPoolId", "clientId", "endpoint") if not (config or {}).get(k)]
        if missing:
            raise SmokeError(f"GET /auth/config lacks {', '.join(missing)}: {config!r}")

    def keyed_round_trip(self) -> None:
        customer = f"smoke-{uuid.uuid4().hex[:12]}"
        path = f"/customers/{customer}"
        self._expect(f"PUT {path}", self._api("PUT", path), 201)
        got = self._expect(f"GET {path}", self._api("GET", path), 200).json()
        if not isinstance(got, dict) or got.get("id") != customer:
            raise SmokeError(f"GET {path} answered another ID: {got!r}")
        self._expect(f"DELETE {path}", self._api("DELETE", path), 204)
        self._expect(f"GET {path} after DELETE", self._api("GET", path), 404)

    def submission(self) -> str:
        customer = f"smoke-{uuid.uuid4().hex[:12]}"
        submitted = self._api("POST", "/workflow/submit", {"id": customer})
        accepted = self._expect("POST /workflow/submit", submitted, 202).json()
        submission_id = accepted["submissionId"]
        path = f"/workflow/submissions/{submission_id}"
        deadline = time.monotonic() + self.workflow_seconds
        status = ""
        while time.monotonic() < deadline:
            status = self._api("GET", path).json().get("status", "")
            if status in FINAL_STATUSES:
                break
            time.sleep(self.poll_seconds)
        else:
            raise SmokeError(f"submission {submission_id} still {status or 'unknown'} after "
                             f"{self.workflow_seconds:.0f} s")
        self.passed.append(f"submission {submission_id}: {status}")
        self._api("DELETE", f"/customers/{customer}")  # whatever the workflow left: 204 or 404
        return str(status)

    def console(self, console_url: str, security_headers: bool = True) -> None:
        answer = self._expect("GET console /", self.request("GET", console_url.rstrip("/") + "/"), 200)
        if "text/html" not in answer.headers.get("content-type", "") or b'id="root"' not in answer.body:
            raise SmokeError(f"console {console_url}: not the console's index.html")
        if not security_headers:
            return
        for name, expected in SECURITY_HEADERS.items():
            if expected not in answer.headers.get(name, ""):
                raise SmokeError(f"console {console_url}: header {name} lacks {expected!r} "
                                 f"(got {answer.headers.get(name)!r})")
        self.passed.append("console security headers: " + ", ".join(SECURITY_HEADERS))


def run(args: argparse.Namespace, api_key: str) -> Smoke:
    smoke = Smoke(args.api_url, api_key, workflow_seconds=args.workflow_seconds)
    smoke.health()
    smoke.keyed_round_trip()
    smoke.submission()
    if args.console_url:
        smoke.console(args.console_url, security_headers=not args.no_security_headers)
    return smoke


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m backend.deploy.smoke", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stage", required=True, help="named in the output only")
    parser.add_argument("--api-url", required=True, help="the stage's API base URL (…/api)")
    parser.add_argument("--console-url", default="", help="also check the console's index.html and headers")
    parser.add_argument("--no-security-headers", action="store_true",
                        help="skip the console's CloudFront headers (a local dev server sets none)")
    parser.add_argument("--workflow-seconds", type=float, default=120.0)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
    api_key = os.environ.get("SMOKE_API_KEY", "")
    if not api_key:
        print("smoke: set SMOKE_API_KEY to the stage's API key", file=sys.stderr)
        return 2
    try:
        smoke = run(args, api_key)
    except SmokeError as error:
        print(f"smoke {args.stage}: FAILED: {error}", file=sys.stderr)
        return 1
    for line in smoke.passed:
        print(f"ok  {line}")
    print(f"smoke {args.stage}: passed ({len(smoke.passed)} checks)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
