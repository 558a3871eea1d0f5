"""The bundle secret scan (backend/deploy/secret_scan.py): planted secrets caught, the real bundle clean."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from backend.deploy import secret_scan
from tests.infra.conftest import ROOT, Built

LOCAL_KEY = secret_scan.LOCAL_KEY


def scan(*paths: Path) -> list[str]:
    return [str(f) for f in secret_scan.scan(list(paths), secret_scan.known_secrets())]


def test_it_knows_the_local_stage_key() -> None:
    assert LOCAL_KEY in secret_scan.known_secrets()


def test_a_planted_env_value_in_the_console_build_is_caught(tmp_path: Path) -> None:
    # GIVEN a console build whose bundle carries the local stage's key
    key = secret_scan.known_secrets()[LOCAL_KEY]
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text('<div id="root"></div>')
    (tmp_path / "assets" / "index-AbCdEf12.js").write_text(f'const k="{key}";')
    # WHEN it is scanned  THEN the file is named, the value is not
    findings = scan(tmp_path)
    assert findings == [f"{tmp_path / 'assets' / 'index-AbCdEf12.js'}: the value of {LOCAL_KEY}"]
    assert key not in findings[0]


def test_credential_shapes_in_a_zip_are_caught(tmp_path: Path) -> None:
    # GIVEN a Lambda zip with an AWS key ID, a GitHub token, a private key, and AWS's documented placeholder
    bundle = tmp_path / "deployment.zip"
    with zipfile.ZipFile(bundle, "w") as archive:
        archive.writestr("chalicelib/a.py", 'KEY = "AKIA' + "Q" * 16 + '"')
        archive.writestr("chalicelib/b.py", 'T = "ghp_' + "a1" * 18 + '"')
        archive.writestr("vendor/c.pem", "-----BEGIN RSA PRIVATE KEY-----\n" + "MIIEowIBAAKCAQEA0Z3V\n" * 5)
        # (a library's format constant, cryptography's ssh.py: no key in it)
        archive.writestr("vendor/ssh.py", '_SK_START = b"-----BEGIN OPENSSH PRIVATE KEY-----"\n')
        archive.writestr("botocore/data/sts/examples-1.json", '{"AccessKeyId": "AKIAIOSFODNN7EXAMPLE"}')
    # WHEN it is scanned  THEN the three are caught and the placeholder is not
    assert sorted(f.split(": ", 1)[1] for f in scan(bundle)) == [
        "something shaped like a AWS access key ID", "something shaped like a GitHub token",
        "something shaped like a private key"]


def test_the_accepted_local_key_is_accepted_only_where_named(tmp_path: Path) -> None:
    # GIVEN the local key in chalicelib/config.py's bytecode (accepted) and in another module (not)
    key = secret_scan.known_secrets()[LOCAL_KEY]
    bundle = tmp_path / "deployment.zip"
    with zipfile.ZipFile(bundle, "w") as archive:
        archive.writestr("chalicelib/__pycache__/config.cpython-311.pyc", key)
        archive.writestr("chalicelib/other.py", key)
    # WHEN it is scanned  THEN only the other module is a finding
    assert scan(bundle) == [f"{bundle}!chalicelib/other.py: the value of {LOCAL_KEY}"]


def test_the_cli_exits_1_on_a_finding(tmp_path: Path) -> None:
    (tmp_path / "x.js").write_text("AKIA" + "Z" * 16)
    run = subprocess.run([sys.executable, "-m", "backend.deploy.secret_scan", str(tmp_path)],
                         cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)
    assert run.returncode == 1 and "x.js: something shaped like a AWS access key ID" in run.stderr


def test_the_shipped_lambda_zip_is_clean(stage_built: Built) -> None:
    assert scan(stage_built.work_dir / "package" / "deployment.zip") == []
