"""Publish a built console (Vite's dist/) to its S3 bucket and refresh CloudFront.

Order matters for visitors in the middle of a deploy: hashed assets first, then the other files,
index.html last (so a fresh index.html never points at assets not yet uploaded), then the
invalidation, and only then the removal of files the new build no longer has.
"""

from __future__ import annotations

import mimetypes
import re
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mypy_boto3_cloudfront import CloudFrontClient
    from mypy_boto3_s3 import S3Client

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
# Vite writes content-hashed names into assets/ ("index-BCPsuVgc.js"); only those never change.
_HASHED = re.compile(r"^assets/.+[.-][A-Za-z0-9_-]{8,}\.[A-Za-z0-9]+$")
_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".map": "application/json",
    ".svg": "image/svg+xml",
    ".webmanifest": "application/manifest+json",
    ".woff2": "font/woff2",
    ".txt": "text/plain; charset=utf-8",
}
_MAX_LISTED_PATHS = 15  # beyond this one "/*" invalidation is simpler (and costs the same)


class PublishError(Exception):
    """The build to publish is missing or incomplete."""


@dataclass
class PublishReport:
    uploaded: list[tuple[str, str]] = field(default_factory=list)  # (key, Cache-Control)
    deleted: list[str] = field(default_factory=list)
    invalidation_id: str = ""
    invalidated_paths: list[str] = field(default_factory=list)


def cache_control(key: str) -> str:
    return IMMUTABLE if _HASHED.match(key) else REVALIDATE


def content_type(key: str) -> str:
    suffix = Path(key).suffix.lower()
    return _TYPES.get(suffix) or mimetypes.guess_type(key)[0] or "application/octet-stream"


def upload_order(key: str) -> tuple[int, str]:
    if key == "index.html":
        return (2, key)
    return (0 if cache_control(key) == IMMUTABLE else 1, key)


def _existing_keys(s3: S3Client, bucket: str) -> set[str]:
    keys: set[str] = set()
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        keys.update(obj["Key"] for obj in page.get("Contents", []))
    return keys


def _invalidation_paths(keys: list[str]) -> list[str]:
    paths = ["/", *(f"/{k}" for k in keys if cache_control(k) == REVALIDATE)]
    return ["/*"] if len(paths) > _MAX_LISTED_PATHS else paths


def publish(
    s3: S3Client, cloudfront: CloudFrontClient, bucket: str, distribution_id: str, build_dir: Path
) -> PublishReport:
    files = {p.relative_to(build_dir).as_posix(): p for p in sorted(build_dir.rglob("*")) if p.is_file()}
    if "index.html" not in files:
        raise PublishError(f"{build_dir} has no index.html: build the console first")
    report = PublishReport()
    before = _existing_keys(s3, bucket)
    for key in sorted(files, key=upload_order):
        control = cache_control(key)
        s3.put_object(
            Bucket=bucket,
            Key=key,
            Body=files[key].read_bytes(),
            CacheControl=control,
            ContentType=content_type(key),
        )
        report.uploaded.append((key, control))
    report.invalidated_paths = _invalidation_paths(list(files))
    response = cloudfront.create_invalidation(
        DistributionId=distribution_id,
        InvalidationBatch={
            "Paths": {"Quantity": len(report.invalidated_paths), "Items": report.invalidated_paths},
            "CallerReference": f"deploy-{int(time.time())}-{uuid.uuid4().hex[:8]}",
        },
    )
    report.invalidation_id = response["Invalidation"]["Id"]
    stale = sorted(before - set(files))
    for start in range(0, len(stale), 1000):  # DeleteObjects takes at most 1000 keys
        batch = stale[start : start + 1000]
        s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": k} for k in batch], "Quiet": True})
    report.deleted = stale
    return report
