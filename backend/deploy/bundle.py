"""What ships in the Lambda bundle: the pinned AWS SDK, minus the service models it can never load.

`chalice package` (and `chalice deploy`) zip requirements.txt's wheels: botocore's data/ alone holds
~450 services' models (28 MB of the 35 MB unpacked). botocore reads a model only when a client for
that service is created, so the bundle keeps the services our code, Powertools and aws-xray-sdk
create clients for, and the ones botocore's credential chain may create on its own; every other
`botocore/data/<service>/` and `boto3/data/<service>/` folder goes. Top-level data files
(endpoints, partitions, retry rules, default configuration) all stay.

`package()` is the one way the deploy path builds the bundle: chalice package, then the pruning,
applied to the zip it wrote AND to Chalice's cached copy in .chalice/deployments/, which a later
`chalice deploy` of the same code reuses (deploy.sh runs it after this step), so both ship the same.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

# Services whose clients are created in the Lambda, by whom. tests/infra/test_bundle.py checks that
# every client("...") in chalicelib/ is listed, and runs the bundle against the emulator.
KEPT_SERVICES = frozenset({
    "dynamodb", "events", "stepfunctions", "ssm",  # chalicelib (wiring.py, config.py); Powertools
    #                                                idempotency uses our dynamodb client
    "xray",  # aws_xray_sdk's sampling connector builds one when it is imported
    "sts", "sso", "sso-oidc", "signin",  # botocore's credential providers (unused with Lambda's env keys)
})
MODEL_ROOTS = ("botocore/data/", "boto3/data/")
# chalice package writes .chalice/deployments/ without a temporary name: one build at a time
# (tests/infra/conftest.py takes the same lock around its builds).
BUILD_LOCK = Path(tempfile.gettempdir()) / "customer-ids-chalice-package.lock"
PACKAGE_REGION_FALLBACK = "us-east-1"  # chalice package insists on a region; the template uses none
PROBE = Path(__file__).with_name("lambda_probe.py")  # runs events through the unpacked bundle


@dataclass(frozen=True)
class Size:
    zip_bytes: int
    unpacked_bytes: int
    files: int

    def __str__(self) -> str:
        return (f"{self.zip_bytes / 1e6:.1f} MB zip, {self.unpacked_bytes / 1e6:.1f} MB unpacked, "
                f"{self.files:,} files")


def never_loaded(name: str) -> bool:
    """Is this zip entry a model of a service no client in the Lambda is ever created for?"""
    for root in MODEL_ROOTS:
        if name.startswith(root):
            service, nested, _ = name[len(root):].partition("/")
            return bool(nested) and service not in KEPT_SERVICES
    return False


def size(bundle: Path) -> Size:
    with zipfile.ZipFile(bundle) as archive:
        files = [info for info in archive.infolist() if not info.is_dir()]
    return Size(bundle.stat().st_size, sum(info.file_size for info in files), len(files))


def unpack(bundle: Path, into: Path) -> Path:
    """The bundle as Lambda extracts it into /var/task."""
    with zipfile.ZipFile(bundle) as archive:
        archive.extractall(into)
    return into


def prune(bundle: Path) -> int:
    """Rewrite the zip without the models no client loads; returns how many files went.

    Written to a temporary file and renamed over the original, so a reader (a concurrent deploy
    reusing Chalice's cache) sees the old zip or the new one, never half of one."""
    with zipfile.ZipFile(bundle) as source:
        dropped = [info for info in source.infolist() if never_loaded(info.filename)]
        if not dropped:
            return 0
        partial = bundle.with_name(f".{bundle.name}.pruning")
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as target:
            for info in source.infolist():
                if not never_loaded(info.filename):
                    target.writestr(info, source.read(info), compress_type=zipfile.ZIP_DEFLATED)
    os.replace(partial, bundle)
    return len(dropped)


def chalice_cache(root: Path) -> Path:
    """Chalice's cached bundle for this code and interpreter (what `chalice deploy` reuses)."""
    from chalice.config import Config
    from chalice.deploy.packager import DependencyBuilder, LambdaDeploymentPackager
    from chalice.utils import UI, OSUtils

    packager = LambdaDeploymentPackager(OSUtils(), DependencyBuilder(OSUtils()), UI())
    name: str = packager.deployment_package_filename(str(root), Config().lambda_python_version)
    return Path(name)


def package(root: Path, stage: str, out: Path, merge_template: Path | None = None,
            environ: Mapping[str, str] | None = None) -> Size:
    """`chalice package` into `out`, then prune its zip and Chalice's cached copy."""
    env = dict(os.environ if environ is None else environ)
    if not (env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION")):
        env["AWS_DEFAULT_REGION"] = PACKAGE_REGION_FALLBACK
    merge = ["--merge-template", str(merge_template)] if merge_template else []
    chalice = Path(sys.executable).parent / "chalice"
    subprocess.run([str(chalice), "package", "--stage", stage, *merge, str(out)],
                   cwd=root, env=env, check=True)
    bundle = out / "deployment.zip"
    before = size(bundle)
    dropped = prune(bundle)
    cache = chalice_cache(root)
    if cache.exists():
        prune(cache)
    after = size(bundle)
    print(f"bundle: {after} (pruned {dropped:,} files of service models no client loads; was {before})")
    return after
