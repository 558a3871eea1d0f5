"""How each file of a built console (Vite's dist/) is stored for CloudFront: caching, type, order.

Order matters for visitors in the middle of an upload: hashed assets first, then the other files,
index.html last (so a fresh index.html never points at assets not yet uploaded). backend/deploy/
release.py uploads each build under its own prefix and switches CloudFront to it.
"""

from __future__ import annotations

import mimetypes
import re
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    pass

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


class PublishError(Exception):
    """The build to publish is missing or incomplete."""


def cache_control(key: str) -> str:
    return IMMUTABLE if _HASHED.match(key) else REVALIDATE


def content_type(key: str) -> str:
    suffix = Path(key).suffix.lower()
    return _TYPES.get(suffix) or mimetypes.guess_type(key)[0] or "application/octet-stream"


def upload_order(key: str) -> tuple[int, str]:
    if key == "index.html":
        return (2, key)
    return (0 if cache_control(key) == IMMUTABLE else 1, key)
