"""Console benchmark: production bundle size next to a bare React page, then Lighthouse scores.

Run from the repository root: `.venv/bin/python bench/frontend_bench.py` (`make bench` does).

1. Builds the console (frontend/) and the bare React page (frontend/bench-baseline/: React + ReactDOM
   + Tailwind, same Vite, same plugins, same build defaults) and prints, one line per figure, JS and
   CSS raw and gzip bytes, totals, and the console/bare ratio of total gzip (target <= 1.5).
2. Starts the local API (emulator + chalice local, via backend.local.devstack, web=False) with a few IDs,
   serves the console's build with `vite preview` on a port the API allows, and runs Lighthouse
   (frontend's pinned devDependency) in headless Debian Chromium: mobile (its default) and desktop,
   each in the light and the dark theme: performance and accessibility scores (targets >= 95 and 100).
   A fresh profile is a first visit, so Lighthouse scores what a person meets first: the sign-in
   form over the empty page (the connection check's API calls still run behind it).
3. Single Lighthouse runs vary (its docs advise the median of several), all the more on a shared
   machine: each preset runs RUNS times, round-robin so a busy spell hits every preset alike, and
   each figure is the median with its range, next to the 1-minute load average and Lighthouse's own
   benchmarkIndex (its CPU probe of this host: lower means busier or slower). One unscored run goes
   first: it pays for what is cold (Chromium's files, the preview server, the API's first requests),
   which a visitor's phone never pays. The bare React page runs the same way (mobile, desktop): the
   same run's baseline, what the host and React alone cost.

Reports only: it never fails for being slow or big (it exits non-zero only when it cannot measure).
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from backend.local.unique import free_port  # noqa: E402

FRONTEND = ROOT / "frontend"
BIN = FRONTEND / "node_modules" / ".bin"
LIGHTHOUSE = ROOT / "bench" / "lighthouse" / "node_modules" / ".bin" / "lighthouse"  # make bench installs it
RATIO_TARGET = 1.5
RUNS = int(os.environ.get("LIGHTHOUSE_RUNS", "3"))
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run "
    "--disable-background-networking --disable-component-update --disable-sync"
)


def line(label: str, value: object, unit: str = "") -> None:
    print(f"{label:<46} {value!s:>10} {unit}".rstrip(), flush=True)


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
    from backend.local.devstack import DevStack

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
        str(LIGHTHOUSE),
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


def load_average() -> float:
    return os.getloadavg()[0]


def median(values: Sequence[float]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def spread(values: Sequence[float], fmt: str = "{:.0f}") -> str:
    """The median, then the range when the runs differ: "96 (93-98)"."""
    low, high = min(values), max(values)
    mid = fmt.format(median(values))
    return mid if low == high else f"{mid} ({fmt.format(low)}-{fmt.format(high)})"


def summarize(preset: str, runs: list[dict[str, Any]], api_url: str | None) -> None:
    """One line per figure: the median over the runs, with the range."""

    def score(report: dict[str, Any], cat: str) -> float:
        value: float = report["categories"][cat]["score"]
        return round(value * 100)

    def ms(report: dict[str, Any], audit: str) -> float:
        value: float = report["audits"][audit]["numericValue"]
        return value

    n = f"{len(runs)} runs"
    if api_url:  # did the page really load data, or did Lighthouse score an error screen?
        answered = [
            sum(
                1
                for r in run["audits"]["network-requests"]["details"]["items"]
                if r["url"].startswith(api_url) and r.get("statusCode") == 200
            )
            for run in runs
        ]
        line(f"lighthouse {preset} api calls answered 200", spread(answered))
    perf = [score(r, "performance") for r in runs]
    a11y = [score(r, "accessibility") for r in runs]
    line(f"lighthouse {preset} performance", spread(perf), f"/ 100, median of {n} (target >= 95)")
    line(f"lighthouse {preset} accessibility", spread(a11y), f"/ 100, median of {n} (target 100)")
    for audit in ("first-contentful-paint", "largest-contentful-paint"):
        line(f"lighthouse {preset} {audit}", spread([ms(r, audit) / 1000 for r in runs], "{:.1f}"), "s")
    line(
        f"lighthouse {preset} total-blocking-time", spread([ms(r, "total-blocking-time") for r in runs]), "ms"
    )
    cls = [ms(r, "cumulative-layout-shift") for r in runs]
    line(f"lighthouse {preset} cumulative-layout-shift", spread(cls, "{:.2f}"))
    line(
        f"lighthouse {preset} host benchmarkIndex", spread([r["environment"]["benchmarkIndex"] for r in runs])
    )
    line(f"lighthouse {preset} load average (1 min)", spread([r["loadAverage"] for r in runs], "{:.1f}"))
    for ref in runs[-1]["categories"]["accessibility"]["auditRefs"]:
        audit = runs[-1]["audits"][ref["id"]]
        if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
            line(f"lighthouse {preset} a11y failing", ref["id"])


def lighthouse_runs(pages: dict[str, tuple[str, list[str]]], work: Path) -> dict[str, list[dict[str, Any]]]:
    """RUNS Lighthouse runs of each (page, preset), round-robin, after one unscored warm-up run.
    `pages` maps a label ("console", "bare react page") to its URL and presets."""
    jobs = [(label, url, preset) for label, (url, presets) in pages.items() for preset in presets]
    label, url, preset = jobs[0]
    lighthouse(url, preset, work / "lh-warm-up.json")
    results: dict[str, list[dict[str, Any]]] = {f"{label}|{preset}": [] for label, _, preset in jobs}
    for i in range(RUNS):
        for label, url, preset in jobs:
            load = load_average()
            try:
                report = lighthouse(url, preset, work / f"lh-{label}-{preset}-{i}.json")
            except (subprocess.CalledProcessError, RuntimeError) as exc:
                line(f"lighthouse {preset}", "failed", f"({label}: {exc})")
                continue
            report["loadAverage"] = (load + load_average()) / 2
            results[f"{label}|{preset}"].append(report)
    return results


def main() -> None:
    if not BIN.joinpath("vite").exists() or not LIGHTHOUSE.exists():
        raise SystemExit("the console's and Lighthouse's packages are missing: run `make bench`")
    with tempfile.TemporaryDirectory(prefix="frontend-bench-") as tmp, ExitStack() as stack:
        work = Path(tmp)
        web_port = free_port()
        env: dict[str, str] = {}
        api_url: str | None = None
        try:
            api = stack.enter_context(local_api(web_port))
            api_url = api.api_url
            env = {"VITE_API_BASE_URL": api_url}
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
        bare_url = stack.enter_context(preview(work / "bare", free_port()))
        presets = ["mobile", "mobile-dark", "desktop", "desktop-dark"]
        pages = {"console": (url, presets), "bare": (bare_url, ["mobile", "desktop"])}
        results = lighthouse_runs(pages, work)
        for key, runs in results.items():
            label, preset = key.split("|")
            if runs:
                summarize(
                    preset if label == "console" else f"bare react page {preset}",
                    runs,
                    api_url if label == "console" else None,
                )


if __name__ == "__main__":
    main()
