"""checkov (static IaC analysis) over the templates a deploy would use, with every skip justified here.

checkov pins boto3 1.35 and the app needs 1.44, so it lives in its own environment, .venv-checkov,
installed from requirements-checkov.txt by `python -m backend.deploy.checkov install` (`make test`
runs it; about 1 minute the first time, nothing after). tests/infra/test_checkov.py runs it over
what `deploy.sh --dry-run` built for each stage: any failed check not skipped below fails the
build, and so does a skip that no longer matches any failure (it would hide the next real gap).
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from backend.deploy.stage import ROOT

VENV = ROOT / ".venv-checkov"
LOCKFILE = ROOT / "requirements-checkov.txt"
CHECKOV = VENV / "bin" / "checkov"

# Every check we skip, and why it does not apply or is accepted. One place; nothing else skips.
SKIPS: dict[str, str] = {
    "CKV_AWS_115": "Only the reconciler reserves concurrency (1: one run at a time). Reserving it for "
    "the others would carve a fixed share out of the account's pool; the API is throttled by its "
    "usage plan, the event handlers by Lambda's asynchronous queue.",
    "CKV_AWS_116": "The event handlers send failed events to SQS through on-failure destinations "
    "(EventInvokeConfig), which checkov does not recognise; the API is invoked synchronously "
    "(the caller sees the error) and a failed reconciler run is simply redone the next minute.",
    "CKV_AWS_117": "No VPC: every dependency is a regional AWS API reached over TLS with IAM; a VPC "
    "would add NAT/endpoint cost and cold-start latency and protect nothing here.",
    "CKV_AWS_119": "Tables are encrypted at rest with AWS-owned keys; customer-managed KMS keys add "
    "cost and a key policy to run, and the data (customer IDs) does not call for them.",
    "CKV_AWS_120": "No API Gateway cache: every answer depends on the caller's key and on data that "
    "changes with each write; a cache would serve stale or other callers' answers.",
    "CKV_AWS_158": "Log groups are encrypted by CloudWatch Logs by default; logs hold no secrets "
    "(IDs and request metadata only), so a customer-managed KMS key is not warranted.",
    "CKV_AWS_173": "The functions' environment variables hold names and settings only; the one "
    "secret (the cursor key) is an SSM SecureString read at run time.",
    "CKV_AWS_174": "Without a domain (dev) the console uses CloudFront's default certificate, whose "
    "minimum protocol cannot be set; with a domain (prod) spa.json sets TLSv1.2_2021. checkov cannot "
    "evaluate the Fn::If between them.",
    "CKV_AWS_18": "The console bucket is read only by CloudFront, whose standard logs are kept in "
    "SpaLogBucket; that log bucket cannot usefully log its own log deliveries. The release artifact "
    "bucket (github-oidc.json) is written and read by the pipeline's two roles only, whose every "
    "call CloudTrail already records.",
    "CKV_AWS_26": "The alarm topic is not KMS-encrypted on purpose: CloudWatch cannot publish to a "
    "topic under the AWS-managed aws/sns key, and alarm messages carry no customer data.",
    "CKV_AWS_27": "The dead-letter queues are encrypted with SSE-SQS (SqsManagedSseEnabled); checkov "
    "only recognises a KMS key.",
    "CKV_AWS_68": "No WAF on the console's distribution: it serves static files; the API behind it "
    "needs a key and is throttled by its usage plan. A web ACL costs more than it protects here.",
}


def _stamp() -> str:
    return hashlib.sha256(LOCKFILE.read_bytes()).hexdigest()


def install() -> None:
    """Create or update .venv-checkov from the lockfile; nothing to do when it is current."""
    marker = VENV / ".synced"
    if marker.exists() and marker.read_text() == _stamp():
        return
    uv = Path(sys.executable).parent / "uv"
    if not (VENV / "bin" / "python").exists():
        # uv's venv has no pip (uv installs into it): `python -m venv` spent seconds installing pip
        subprocess.run([str(uv), "venv", "--quiet", "--python", sys.executable, str(VENV)], check=True)
    subprocess.run([str(uv), "pip", "sync", "--quiet", "--python", str(VENV / "bin" / "python"),
                    str(LOCKFILE)], check=True)
    marker.write_text(_stamp())


def scan(paths: list[Path]) -> list[dict[str, Any]]:
    """Every failed check in the CloudFormation/SAM templates, skips not applied."""
    if not CHECKOV.exists():
        raise RuntimeError(f"{CHECKOV} is missing: run `python -m backend.deploy.checkov install`")
    args = [str(CHECKOV), "--framework", "cloudformation", "--output", "json", "--quiet", "--compact",
            "--skip-download"]
    for path in paths:
        args += ["--file", str(path)]
    # In one process: checkov's forked workers (one per core) pickle each file's graph back and
    # forth, CPU that a machine with other work to do (make test) would rather have.
    env = {**os.environ, "CHECKOV_PARALLELIZATION_TYPE": "none"}
    run = subprocess.run(args, capture_output=True, text=True, check=False, timeout=1200, env=env)
    if run.returncode not in (0, 1):  # 1: some check failed
        raise RuntimeError(f"checkov exited {run.returncode}: {run.stderr[-2000:]}")
    reports = json.loads(run.stdout)
    reports = reports if isinstance(reports, list) else [reports]
    failed: list[dict[str, Any]] = []
    for report in reports:
        for check in report.get("results", {}).get("failed_checks", []):
            failed.append({"check": check["check_id"], "name": check["check_name"],
                           "resource": check["resource"], "file": check["file_path"]})
    return failed


def main() -> int:
    if sys.argv[1:] == ["install"]:
        install()
        return 0
    failed = [f for f in scan([Path(p) for p in sys.argv[1:]]) if f["check"] not in SKIPS]
    for failure in failed:
        sys.stdout.write(f"{failure['check']} {failure['name']}: {failure['resource']} ({failure['file']})\n")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
