"""Console benchmark: production bundle size next to a bare React page, then Lighthouse scores.

Run from the repository root: `.venv/bin/python bench/frontend_bench.py` (`make bench` does).

1. Builds the console (frontend/) and the bare React page (frontend/bench-baseline/: React + ReactDOM
   + Tailwind, same Vite, same plugins, same build defaults) and prints, one line per figure, JS and
   CSS raw and gzip bytes, totals, and the console/bare ratio of total gzip (target <= 1.5).
2. Starts the local API (emulator + chalice local, via backend.devstack, web=False) with a few IDs,
   serves the console's build with `vite preview` on a port the API allows, and runs Lighthouse
   (frontend's pinned devDependency) in headless Debian Chromium: mobile (its default) and desktop,
   each in the light and the dark theme: performance and accessibility scores (targets >= 95 and 100).
   A fresh profile is a first visit, so Lighthouse scores the list with the first-run settings
   dialog open over it (the list's API calls still run behind it).

Reports only: it never fails for being slow or big (it exits non-zero only when it cannot measure).
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
FRONTEND = ROOT / "frontend"
BIN = FRONTEND / "node_modules" / ".bin"
RATIO_TARGET = 1.5
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run "
    "--disable-background-networking --disable-component-update --disable-sync"
)


def line(label: str, value: object, unit: str = "") -> None:
    print(f"{label:<46} {value!s:>10} {unit}".rstrip(), flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def run(args: list[str], env: dict[str, str] | None = None) -> None:
    subprocess.run(
        args, cwd=FRONTEND, env={**os.environ, **(env or {})}, check=True, stdout=subprocess.DEVNULL
    )


def build(out: Path, config: str | None = None, env: dict[str, str] | None = None) -> None:
    args = [str(BIN / "vite"), "build", "--outDir", str(out), "--emptyOutDir", "--logLevel", "warn"]
    run(args + (["--config", config] if config else []), env)


def sizes(dist: Path) -> dict[str, int]:
    """Raw and gzip (level 9) bytes of every JS and CSS file the build emitted."""
    out = {f"{kind}.{m}": 0 for kind in ("js", "css") for m in ("raw", "gzip")}
    for path in (dist / "assets").iterdir():
        kind = path.suffix.lstrip(".")
        if kind in ("js", "css"):
            data = path.read_bytes()
            out[f"{kind}.raw"] += len(data)
            out[f"{kind}.gzip"] += len(gzip.compress(data, compresslevel=9, mtime=0))
    out["total.raw"] = out["js.raw"] + out["css.raw"]
    out["total.gzip"] = out["js.gzip"] + out["css.gzip"]
    return out


def wait_for(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f} s")


@contextmanager
def local_api(web_port: int) -> Iterator[Any]:
    """The real local API, allowing the preview's origin (its CORS list follows WEB_PORT)."""
    sys.path.insert(0, str(ROOT))
    from backend.devstack import DevStack

    with DevStack(
        api_port=free_port(), emulator_port=free_port(), web_port=web_port, web=False, quiet=True
    ) as stack:
        stack.seed([f"bench-{i:03d}" for i in range(30)])
        yield stack


@contextmanager
def preview(dist: Path, port: int) -> Iterator[str]:
    proc = subprocess.Popen(
        [
            str(BIN / "vite"),
            "preview",
            "--outDir",
            str(dist),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--strictPort",
        ],
        cwd=FRONTEND,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        url = f"http://127.0.0.1:{port}/"
        wait_for(url)
        yield url
    finally:
        os.killpg(proc.pid, 15)
        proc.wait(timeout=10)


def lighthouse(url: str, preset: str, out: Path) -> dict[str, Any]:
    chromium = shutil.which("chromium")
    if chromium is None:
        raise RuntimeError("Debian's chromium is missing: apt-get install -y chromium")
    args = [
        str(BIN / "lighthouse"),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={out}",
        "--only-categories=performance,accessibility",
        # --force-dark-mode makes prefers-color-scheme dark: the console follows it.
        f"--chrome-flags={CHROME_FLAGS}{' --force-dark-mode' if preset.endswith('dark') else ''}",
    ]
    if preset.startswith("desktop"):
        args.append("--preset=desktop")
    run(args, {"CHROME_PATH": chromium})
    report: dict[str, Any] = json.loads(out.read_text())
    return report


def report_lighthouse(preset: str, report: dict[str, Any], api_url: str | None) -> None:
    cats, audits = report["categories"], report["audits"]
    if api_url:  # did the page really load data, or did Lighthouse score an error screen?
        requests = audits["network-requests"]["details"]["items"]
        answered = [r for r in requests if r["url"].startswith(api_url) and r.get("statusCode") == 200]
        line(f"lighthouse {preset} api calls answered 200", len(answered))
    perf, a11y = (round(cats[c]["score"] * 100) for c in ("performance", "accessibility"))
    line(f"lighthouse {preset} performance", perf, "/ 100 (target >= 95)")
    line(f"lighthouse {preset} accessibility", a11y, "/ 100 (target 100)")
    for audit in (
        "first-contentful-paint",
        "largest-contentful-paint",
        "total-blocking-time",
        "cumulative-layout-shift",
    ):
        line(f"lighthouse {preset} {audit}", audits[audit]["displayValue"].replace("\xa0", " "))
    for ref in cats["accessibility"]["auditRefs"]:
        audit = audits[ref["id"]]
        if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
            line(f"lighthouse {preset} a11y failing", ref["id"])


def main() -> None:
    if not BIN.joinpath("vite").exists():
        run(["npm", "ci", "--no-audit", "--no-fund"])
    with tempfile.TemporaryDirectory(prefix="frontend-bench-") as tmp, ExitStack() as stack:
        work = Path(tmp)
        web_port = free_port()
        env: dict[str, str] = {}
        api_url: str | None = None
        try:
            api = stack.enter_context(local_api(web_port))
            api_url = api.api_url
            env = {"VITE_API_BASE_URL": api_url, "VITE_API_KEY": api.api_key}
            line("local api for lighthouse", "up", api.api_url)
        except Exception as exc:  # report it, and measure the SPA without its API
            line("local api for lighthouse", "down", f"({type(exc).__name__}: {exc})")

        build(work / "console", env=env)
        build(work / "bare", config="bench-baseline/vite.config.ts")
        console, bare = sizes(work / "console"), sizes(work / "bare")
        for name, figures in (("console", console), ("bare react page", bare)):
            for key, value in figures.items():
                kind, measure = key.split(".")
                line(f"{name} {kind} {measure}", f"{value:,}", "B")
        ratio = console["total.gzip"] / bare["total.gzip"]
        verdict = "within" if ratio <= RATIO_TARGET else "OVER"
        line("console / bare total gzip", f"{ratio:.3f}", f"x ({verdict} target <= {RATIO_TARGET})")
        line("console extra over bare, gzip", f"{console['total.gzip'] - bare['total.gzip']:,}", "B")

        url = stack.enter_context(preview(work / "console", web_port))
        for preset in ("mobile", "mobile-dark", "desktop", "desktop-dark"):
            try:
                report_lighthouse(preset, lighthouse(url, preset, work / f"lh-{preset}.json"), api_url)
            except (subprocess.CalledProcessError, RuntimeError, KeyError) as exc:
                line(f"lighthouse {preset}", "failed", f"({exc})")


if __name__ == "__main__":
    main()
