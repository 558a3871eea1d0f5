"""The pipeline's release of one stage from artifacts built once (.github/workflows/release.yml).

Build once, promote the same files: the build job packages every stage (sam.json + deployment.zip)
and builds the console once, with a placeholder where the API's URL goes. Each stage's job then:

1. uploads the zip and the template to the stage's artifact bucket and deploys the one stack
   (CodeDeploy shifts the functions' alias; its pre-traffic hook and alarms can roll it back);
2. uploads the console to a new prefix, releases/<id>/, with the stage's API URL written over the
   placeholder; nothing visitors see has changed yet;
3. runs the smoke test against the API, then points CloudFront at the new prefix (the stack's
   ConsoleRelease parameter: its origin path), then checks the console through CloudFront; if that
   fails it points CloudFront back at the previous prefix;
4. records the release in SSM, and deletes console prefixes older than the last KEEP_RELEASES.

`rollback-console` points CloudFront at the release before the live one, in one command.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from backend.deploy import spa
from backend.deploy.aws import SAM_CAPABILITIES

if TYPE_CHECKING:
    from mypy_boto3_cloudformation import CloudFormationClient
    from mypy_boto3_cloudfront import CloudFrontClient
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_ssm import SSMClient

# An address that can never resolve (RFC 2606): the console is built once with it, and each stage's
# upload writes its own API URL in its place. A build without it would keep some other URL: refused.
API_URL_PLACEHOLDER = "https://customer-ids-api.invalid"
TEXT_SUFFIXES = (".html", ".js", ".mjs", ".css", ".json", ".map", ".txt", ".webmanifest", ".svg")
RELEASES_PREFIX = "releases"
CONSOLE_RELEASE_PARAMETER = "ConsoleRelease"  # spa.json: the origin path CloudFront serves
KEEP_RELEASES = 5  # console releases kept in the bucket (the live one and the four before it)
PACKAGED_CODE = "./deployment.zip"  # every function's CodeUri in chalice package's template


class ReleaseError(Exception):
    """A release step found something that would leave the stage broken; nothing was switched."""


def build_console(root: Path) -> Path:
    """The console built once for every stage: no API key, the API's URL a placeholder."""
    env = {"VITE_API_BASE_URL": API_URL_PLACEHOLDER}
    subprocess.run(["npm", "run", "build"], cwd=root / "frontend", env={**os.environ, **env}, check=True)
    dist = root / "frontend" / "dist"
    if not any(API_URL_PLACEHOLDER in p.read_text(errors="ignore") for p in _text_files(dist)):
        raise ReleaseError(f"{dist} does not contain {API_URL_PLACEHOLDER}: the console reads its API URL "
                           "some other way, and a stage could not set it")
    return dist


def _text_files(directory: Path) -> list[Path]:
    return [p for p in sorted(directory.rglob("*")) if p.is_file() and p.suffix in TEXT_SUFFIXES]


def has_placeholder(build_dir: Path) -> bool:
    return any(API_URL_PLACEHOLDER.encode() in p.read_bytes() for p in _text_files(build_dir))


def bind_api_url(build_dir: Path, api_url: str, out_dir: Path) -> Path:
    """A copy of the console build with the stage's API URL where the placeholder is."""
    replaced = 0
    for source in sorted(p for p in build_dir.rglob("*") if p.is_file()):
        target = out_dir / source.relative_to(build_dir)
        target.parent.mkdir(parents=True, exist_ok=True)
        data = source.read_bytes()
        if source.suffix in TEXT_SUFFIXES and API_URL_PLACEHOLDER.encode() in data:
            data = data.replace(API_URL_PLACEHOLDER.encode(), api_url.rstrip("/").encode())
            replaced += 1
        target.write_bytes(data)
    if not replaced:
        raise ReleaseError(f"no file in {build_dir} has {API_URL_PLACEHOLDER}: build it with `build-console`")
    return out_dir


def release_prefix(release: str) -> str:
    return f"{RELEASES_PREFIX}/{release}"


def upload_console(s3: S3Client, bucket: str, build_dir: Path, release: str) -> list[str]:
    """Every file under releases/<release>/, index.html last; the live prefix is not touched."""
    files = {p.relative_to(build_dir).as_posix(): p for p in sorted(build_dir.rglob("*")) if p.is_file()}
    if "index.html" not in files:
        raise spa.PublishError(f"{build_dir} has no index.html: build the console first")
    keys: list[str] = []
    for name in sorted(files, key=spa.upload_order):
        key = f"{release_prefix(release)}/{name}"
        s3.put_object(Bucket=bucket, Key=key, Body=files[name].read_bytes(),
                      CacheControl=spa.cache_control(name), ContentType=spa.content_type(name))
        keys.append(key)
    return keys


def upload_artifacts(s3: S3Client, bucket: str, package_dir: Path, stage: str, release: str,
                     region: str) -> str:
    """The Lambda zip (named by its hash: identical code is stored once) and the template whose
    CodeUri points at it; returns the template's URL for CloudFormation."""
    bundle = (package_dir / "deployment.zip").read_bytes()
    code_key = f"{stage}/code/{hashlib.sha256(bundle).hexdigest()}.zip"
    s3.put_object(Bucket=bucket, Key=code_key, Body=bundle)
    template = json.loads((package_dir / "sam.json").read_text(encoding="utf-8"))
    pointed = 0
    for resource in template["Resources"].values():
        if resource.get("Properties", {}).get("CodeUri") == PACKAGED_CODE:
            resource["Properties"]["CodeUri"] = f"s3://{bucket}/{code_key}"
            pointed += 1
    if not pointed:
        raise ReleaseError(f"no function in {package_dir / 'sam.json'} has CodeUri {PACKAGED_CODE}")
    template_key = f"{stage}/templates/{release}.json"
    s3.put_object(Bucket=bucket, Key=template_key, Body=json.dumps(template).encode())
    return f"https://{bucket}.s3.{region}.amazonaws.com/{template_key}"


def stack_parameters(cfn: CloudFormationClient, stack: str) -> dict[str, str]:
    found = cfn.describe_stacks(StackName=stack)["Stacks"][0].get("Parameters", [])
    return {p["ParameterKey"]: p.get("ParameterValue", "") for p in found}


def live_console(cfn: CloudFormationClient, stack: str) -> str:
    """The console release the stack serves now ("" before the stack or its first release)."""
    try:
        return stack_parameters(cfn, stack).get(CONSOLE_RELEASE_PARAMETER, "")
    except cfn.exceptions.ClientError as error:
        if "does not exist" in str(error):
            return ""
        raise


def console_stack(cfn: CloudFormationClient, prefix: str) -> str:
    """The stage's stack that serves the console: the pipeline's single stack, else deploy.sh's edge."""
    return prefix if live_console(cfn, prefix) or _exists(cfn, prefix) else f"{prefix}-edge"


def _exists(cfn: CloudFormationClient, stack: str) -> bool:
    try:
        cfn.describe_stacks(StackName=stack)
    except cfn.exceptions.ClientError:
        return False
    return True


def switch_console(cfn: CloudFormationClient, stack: str, release: str) -> None:
    """Point CloudFront at releases/<release>: the stack's template as it is, one parameter changed."""
    current = stack_parameters(cfn, stack)
    if CONSOLE_RELEASE_PARAMETER not in current:
        raise ReleaseError(f"stack {stack} has no {CONSOLE_RELEASE_PARAMETER} parameter: deploy it first")
    parameters: list[Any] = [
        {"ParameterKey": k, "ParameterValue": release} if k == CONSOLE_RELEASE_PARAMETER
        else {"ParameterKey": k, "UsePreviousValue": True}
        for k in current
    ]
    cfn.update_stack(StackName=stack, UsePreviousTemplate=True, Parameters=parameters,
                     Capabilities=SAM_CAPABILITIES)
    cfn.get_waiter("stack_update_complete").wait(StackName=stack,
                                                 WaiterConfig={"Delay": 10, "MaxAttempts": 180})


def invalidate(cloudfront: CloudFrontClient, distribution_id: str) -> str:
    """CloudFront's cached copies of the non-hashed files; hashed assets differ by name per build."""
    paths = ["/", "/index.html"]
    answer = cloudfront.create_invalidation(DistributionId=distribution_id, InvalidationBatch={
        "Paths": {"Quantity": len(paths), "Items": paths},
        "CallerReference": f"console-switch-{int(time.time())}-{uuid.uuid4().hex[:8]}",
    })
    return answer["Invalidation"]["Id"]


@dataclass(frozen=True)
class History:
    """The console releases of a stage, oldest first; the last is live. Kept in one SSM parameter."""

    ssm: SSMClient
    parameter: str

    def read(self) -> list[str]:
        try:
            value = self.ssm.get_parameter(Name=self.parameter)["Parameter"]["Value"]
        except self.ssm.exceptions.ParameterNotFound:
            return []
        releases: list[str] = json.loads(value)
        return releases

    def write(self, releases: list[str]) -> None:
        self.ssm.put_parameter(Name=self.parameter, Value=json.dumps(releases), Type="String", Overwrite=True)


def prune(s3: S3Client, bucket: str, keep: list[str]) -> list[str]:
    """Delete every release prefix not in `keep`; returns the releases deleted."""
    kept = {release_prefix(r) + "/" for r in keep}
    doomed: dict[str, list[str]] = {}
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=f"{RELEASES_PREFIX}/"):
        for item in page.get("Contents", []):
            prefix = "/".join(item["Key"].split("/")[:2]) + "/"
            if prefix not in kept:
                doomed.setdefault(prefix, []).append(item["Key"])
    for keys in doomed.values():
        for start in range(0, len(keys), 1000):
            batch = keys[start:start + 1000]  # DeleteObjects takes 1000 at most
            s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": k} for k in batch], "Quiet": True})
    return sorted(p.split("/")[1] for p in doomed)


@dataclass
class ConsoleRelease:
    """Upload, check, switch, record: the console's atomic and reversible release."""

    s3: S3Client
    cfn: CloudFormationClient
    cloudfront: CloudFrontClient
    history: History
    stack: str
    bucket: str
    distribution_id: str

    def publish(self, build_dir: Path, release: str, check_api: Callable[[], None],
                check_console: Callable[[], None]) -> list[str]:
        """Returns the releases pruned. The live release changes only after the API's check; if the
        console's check fails after the switch, the previous release is put back."""
        upload_console(self.s3, self.bucket, build_dir, release)
        check_api()
        releases = self.history.read()
        previous = releases[-1] if releases else ""
        self._switch(release)
        try:
            check_console()
        except Exception:
            self._switch(previous)
            raise
        releases = [*(r for r in releases if r != release), release]
        self.history.write(releases[-KEEP_RELEASES:])
        return prune(self.s3, self.bucket, releases[-KEEP_RELEASES:])

    def rollback(self) -> tuple[str, str]:
        """Back to the release before the live one; returns (from, to)."""
        releases = self.history.read()
        if len(releases) < 2:
            raise ReleaseError(f"{self.history.parameter} has {len(releases)} release(s): "
                               "nothing to roll back to")
        live, previous = releases[-1], releases[-2]
        self._switch(previous)
        self.history.write(releases[:-1])
        return live, previous

    def _switch(self, release: str) -> None:
        switch_console(self.cfn, self.stack, release)
        invalidate(self.cloudfront, self.distribution_id)
