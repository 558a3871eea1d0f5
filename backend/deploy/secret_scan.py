"""Scan what ships (console build, Lambda zip) for secrets: python -m backend.deploy.secret_scan PATH...

Two kinds of finding:
- a value this repository knows is secret: every `.env` value under a secret-like name (frontend/.env
  holds the local API key) and every such value in .chalice/config.json (the local cursor secret);
- the shape of a credential: AWS access key IDs, GitHub and Slack tokens, private key blocks.

A PATH is a directory (every file under it), a .zip (every member) or a file. The CI workflow runs it
over frontend/dist and each stage's deployment.zip; exit 1 and one line per finding, never the value.
"""

from __future__ import annotations

import json
import re
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from backend.deploy.stage import ROOT
from chalicelib.config import DEFAULT_LOCAL_API_KEY

SECRET_NAME = re.compile(r"KEY|TOKEN|SECRET|PASSWORD|CREDENTIAL", re.IGNORECASE)
MIN_SECRET_LENGTH = 8  # shorter values ("true", "1") would match everywhere and protect nothing
SHAPES = {
    "AWS access key ID": re.compile(rb"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
    "GitHub token": re.compile(rb"\b(?:gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{60,})\b"),
    "Slack token": re.compile(rb"\bxox[abprs]-[A-Za-z0-9-]{10,}"),
    # A key's PEM block, its base64 body included: the BEGIN line alone is also a format constant
    # of libraries that read keys (cryptography's ssh.py), which holds no key.
    "private key": re.compile(
        rb"-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED )?PRIVATE KEY-----\r?\n[A-Za-z0-9+/=\r\n]{64}"),
}
# AWS's documentation ends its placeholder keys in EXAMPLE (AKIAIOSFODNN7EXAMPLE), and botocore's
# bundled examples quote them: not credentials.
PLACEHOLDER_SUFFIX = b"EXAMPLE"
LOCAL_KEY = "LOCAL_API_KEY (chalicelib/config.py)"
# Known values accepted in one place each, and why. (setting, file inside the zip) -> reason.
ACCEPTED: dict[tuple[str, str], str] = {
    (LOCAL_KEY, "chalicelib/config.py"):
        "the local stack's published placeholder key (make dev prints it), chalicelib/config.py's "
        "fallback for the local stage only; deployed stages do not read it (API Gateway checks keys). "
        "Still a finding anywhere else, the console build above all.",
}


def _accepted(name: str, where: str) -> bool:
    member = where.rpartition("!")[2]
    for (setting, file), _reason in ACCEPTED.items():
        stem = file.removesuffix(".py")
        folder, _, module = stem.rpartition("/")
        compiled = f"{folder}/__pycache__/{module}."  # its bytecode, e.g. config.cpython-311.pyc
        if setting == name and "!" in where and (member == file or member.startswith(compiled)):
            return True
    return False


@dataclass(frozen=True)
class Finding:
    where: str
    what: str

    def __str__(self) -> str:
        return f"{self.where}: {self.what}"


def _env_values(path: Path) -> dict[str, str]:
    values: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        name, sep, value = line.strip().partition("=")
        if sep and not name.startswith("#"):
            values[name.removeprefix("export ").strip()] = value.strip().strip("'\"")
    return values


def known_secrets(root: Path = ROOT) -> dict[str, str]:
    """name (and where it is set) -> value, for every secret-like setting the repository holds."""
    found: dict[str, str] = {}
    for env_file in [*root.glob(".env*"), *(root / "frontend").glob(".env*")]:
        for name, value in _env_values(env_file).items():
            found[f"{name} ({env_file.relative_to(root)})"] = value
    config = json.loads((root / ".chalice" / "config.json").read_text(encoding="utf-8"))
    scopes = [config, *config.get("stages", {}).values()]
    for scope in scopes:
        for name, value in scope.get("environment_variables", {}).items():
            found[f"{name} (.chalice/config.json)"] = str(value)
    # The local stage's machine key: published (make dev prints it), never to be shipped but here.
    found[LOCAL_KEY] = DEFAULT_LOCAL_API_KEY
    # A *_PARAMETER names where a secret is kept (an SSM name), not the secret.
    return {k: v for k, v in found.items() if SECRET_NAME.search(k.split(" ")[0])
            and not k.split(" ")[0].endswith("_PARAMETER")
            and len(v) >= MIN_SECRET_LENGTH}


def _contents(path: Path) -> Iterator[tuple[str, bytes]]:
    if path.is_dir():
        for file in sorted(p for p in path.rglob("*") if p.is_file()):
            yield from _contents(file)
    elif path.suffix == ".zip":
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                if not info.is_dir():
                    yield f"{path}!{info.filename}", archive.read(info)
    else:
        yield str(path), path.read_bytes()


def scan(paths: list[Path], secrets: dict[str, str]) -> list[Finding]:
    needles = {name: value.encode() for name, value in secrets.items()}
    findings: list[Finding] = []
    for path in paths:
        if not path.exists():
            raise FileNotFoundError(f"{path}: nothing to scan (build it first)")
        for where, data in _contents(path):
            findings += [Finding(where, f"the value of {name}") for name, needle in needles.items()
                         if needle in data and not _accepted(name, where)]
            for kind, shape in SHAPES.items():
                if any(not m.group(0).endswith(PLACEHOLDER_SUFFIX) for m in shape.finditer(data)):
                    findings.append(Finding(where, f"something shaped like a {kind}"))
    return findings


def main(argv: list[str] | None = None) -> int:
    paths = [Path(p) for p in (sys.argv[1:] if argv is None else argv)]
    if not paths:
        print("usage: python -m backend.deploy.secret_scan PATH...", file=sys.stderr)
        return 2
    findings = scan(paths, known_secrets())
    for finding in findings:
        print(f"secret-scan: {finding}", file=sys.stderr)
    if findings:
        return 1
    print(f"secret-scan: clean ({', '.join(map(str, paths))})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
