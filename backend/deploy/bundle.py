"""What ships in the Lambda bundle: the pinned AWS SDK, minus the service models it can never load,
and every module's bytecode.

`chalice package` (and `chalice deploy`) zip requirements.txt's wheels: botocore's data/ alone holds
~450 services' models (28 MB of the 35 MB unpacked). botocore reads a model only when a client for
that service is created, so the bundle keeps the services our code, Powertools and aws-xray-sdk
create clients for, and the ones botocore's credential chain may create on its own; every other
`botocore/data/<service>/` and `boto3/data/<service>/` folder goes. Top-level data files
(endpoints, partitions, retry rules, default configuration) all stay.

Lambda unpacks the bundle into a read-only /var/task, where Python cannot cache what it compiles:
a bundle without .pyc files compiles every module it imports on every cold start (2.5x the time
here). So the bundle ships unchecked-hash .pyc files for the interpreter chalice package built it
for (the same Python minor version chalice sets as the functions' runtime).

`package()` is the one way the deploy path builds the bundle: chalice package, then `finish()`,
applied to the zip it wrote AND to Chalice's cached copy in .chalice/deployments/, which a later
`chalice deploy` of the same code reuses (deploy.sh runs it after this step), so both ship the same.
"""

from __future__ import annotations

import filecmp
import importlib.util
import os
import py_compile
import shutil
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
    "xray",  # aws_xray_sdk's sampling connector, outside Lambda (in Lambda it samples locally): 44 kB
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


_UNCHECKED_HASH_FLAGS = (0b01).to_bytes(4, "little")  # a .pyc header's flags: hash-based, unchecked


def _compiled(source: bytes, name: str, scratch: Path) -> bytes | None:
    """`name`'s bytecode for this interpreter, as an unchecked-hash .pyc: Python loads it without
    comparing the source's time (which unzipping does not keep exactly) or hashing the source."""
    py, pyc = scratch / "module.py", scratch / "module.pyc"
    py.write_bytes(source)
    try:
        py_compile.compile(str(py), cfile=str(pyc), dfile=name, doraise=True, optimize=0,  # Lambda: no -O
                           invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
    except py_compile.PyCompileError:
        return None  # not Python this interpreter reads: importing it would fail in Lambda too
    return pyc.read_bytes()


def _finished(pyc: bytes | None, source: bytes) -> bool:
    """Is `pyc` what `_compiled` made of exactly this source, for this interpreter? Then a zip
    finished before (Chalice reuses its cached zip, which `package` finished) keeps it as is."""
    return (pyc is not None and pyc[:4] == importlib.util.MAGIC_NUMBER
            and pyc[4:8] == _UNCHECKED_HASH_FLAGS and pyc[8:16] == importlib.util.source_hash(source))


def _pyc_entry(name: str) -> zipfile.ZipInfo:
    entry = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))  # fixed: same sources, same zip
    entry.external_attr = 0o100644 << 16  # a file Lambda's runtime user can read, as Chalice's are
    return entry


def _finished_mark() -> bytes:
    """The comment `finish` leaves on a zip it wrote: bytecode for this interpreter, these services'
    models kept. Any other writer of the zip (Chalice's `inject_latest_app` writes a new one) leaves
    none, so a zip that carries it is exactly what `finish` made."""
    kept = ",".join(sorted(KEPT_SERVICES))
    return f"finished: bytecode {importlib.util.MAGIC_NUMBER.hex()}; models {kept}".encode()


def _is_finished(bundle: Path) -> bool:
    with zipfile.ZipFile(bundle) as archive:
        return archive.comment == _finished_mark()


def finish(bundle: Path) -> int:
    """Rewrite the zip without the models no client loads, and with every module's bytecode
    (Lambda's /var/task is read-only: without .pyc every cold start compiles every module it
    imports; measured in bench/api_bench.py). Returns how many model files went; running it
    again changes nothing (a zip it finished is left as it is).

    Written to a temporary file and renamed over the original, so a reader (a concurrent deploy
    reusing Chalice's cache) sees the old zip or the new one, never half of one."""
    if _is_finished(bundle):
        return 0
    partial = bundle.with_name(f".{bundle.name}.finishing")
    with zipfile.ZipFile(bundle) as source, tempfile.TemporaryDirectory() as scratch, \
            zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as target:
        dropped = 0
        bytecode = {name for name in source.namelist() if "__pycache__/" in name}
        for info in source.infolist():
            if never_loaded(info.filename):
                dropped += 1
                continue
            if info.filename in bytecode:
                # Written below, with its module: the build machine's imports cached some
                # (checked against file times that the zip does not keep), which are compiled again.
                continue
            data = source.read(info)
            target.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
            if info.filename.endswith(".py"):
                cached = importlib.util.cache_from_source(info.filename, optimization="")
                found = source.read(cached) if cached in bytecode else None
                compiled = found if _finished(found, data) else _compiled(data, info.filename, Path(scratch))
                if compiled is not None:
                    target.writestr(_pyc_entry(cached), compiled, compress_type=zipfile.ZIP_DEFLATED)
        target.comment = _finished_mark()
    os.replace(partial, bundle)
    return dropped


def _copy_over(source: Path, target: Path) -> None:
    """`source`'s bytes as `target`, renamed into place (a reader sees one whole zip or the other)."""
    partial = target.with_name(f".{target.name}.copying")
    shutil.copyfile(source, partial)
    os.replace(partial, target)


def chalice_cache(root: Path) -> Path:
    """Chalice's cached bundle for this code and interpreter (what `chalice deploy` reuses)."""
    from chalice.config import Config
    from chalice.deploy.packager import DependencyBuilder, LambdaDeploymentPackager
    from chalice.utils import UI, OSUtils

    packager = LambdaDeploymentPackager(OSUtils(), DependencyBuilder(OSUtils()), UI())
    name: str = packager.deployment_package_filename(str(root), Config().lambda_python_version)
    return Path(name)


def _check_runtime_matches_this_python() -> None:
    """The .pyc files are this interpreter's; Chalice sets the functions' runtime from it too."""
    from chalice.config import Config

    runtime: str = Config().lambda_python_version
    if runtime != f"python{sys.version_info.major}.{sys.version_info.minor}":
        raise RuntimeError(f"chalice deploys to {runtime}, but this is Python {sys.version.split()[0]}: "
                           "its bytecode would not load there; package with a Python Lambda runs")


def package(root: Path, stage: str, out: Path, merge_template: Path | None = None,
            environ: Mapping[str, str] | None = None) -> tuple[Size, Size]:
    """`chalice package` into `out`, then finish its zip and Chalice's cached copy. Returns the
    bundle's size as chalice package wrote it (already finished when Chalice reused its cache)
    and as it ships."""
    _check_runtime_matches_this_python()
    env = dict(os.environ if environ is None else environ)
    if not (env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION")):
        env["AWS_DEFAULT_REGION"] = PACKAGE_REGION_FALLBACK
    merge = ["--merge-template", str(merge_template)] if merge_template else []
    # Chalice's CLI with the edge's Swagger (backend/deploy/edge_swagger.py), as deploy.sh's chalice deploy.
    subprocess.run([sys.executable, "-m", "backend.deploy.edge_swagger", "package", "--stage", stage, *merge,
                    str(out)], cwd=root, env=env, check=True)
    bundle = out / "deployment.zip"
    built = size(bundle)
    cache = chalice_cache(root)
    copied_from_cache = cache.exists() and filecmp.cmp(bundle, cache, shallow=False)
    dropped = finish(bundle)
    if copied_from_cache:
        if not _is_finished(cache):  # the same zip finished the same way: once is enough
            _copy_over(bundle, cache)
    elif cache.exists():
        finish(cache)
    shipped = size(bundle)
    print(f"bundle: {shipped}, with bytecode; {dropped:,} files of service models no client loads pruned"
          f" (as chalice package wrote it: {built})")
    return built, shipped
