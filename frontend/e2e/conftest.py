"""Browser tests: the real local stack (emulator + chalice local + Vite), driven through Debian's Chromium.

Run from the repository root: `.venv/bin/python -m pytest frontend/e2e` (`make test` does).
No browser download: playwright drives /usr/bin/chromium (`apt-get install -y chromium`).
"""

from __future__ import annotations

import shutil
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from backend.devstack import DevStack  # noqa: E402

ARTIFACTS = Path(__file__).parent / "artifacts"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

expect.set_options(timeout=10_000)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "e2e: drives the console in Chromium against the local stack")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if Path(str(item.fspath)).is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def stack(stack: DevStack) -> DevStack:
    """The session's local stack (root conftest.py) plus the console, served by Vite."""
    stack.start_web()
    return stack


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.fail("Debian's chromium is missing: apt-get install -y chromium (make test does this)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser, stack: DevStack) -> Iterator[Page]:
    """A fresh browser profile (so Settings start from the stack's defaults) on the console."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(stack.web_url)
    expect(page.get_by_role("heading", name="Customer IDs Console", level=1)).to_be_visible()
    expect(page.get_by_role("status", name="List status")).not_to_have_text("Loading customer IDs…")
    yield page
    context.close()


@pytest.fixture
def new_id() -> str:
    """A fresh random valid customer ID."""
    return f"e2e-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def screenshot() -> Callable[[Page, str], Path]:
    """Saves a full-page PNG under frontend/e2e/artifacts/ (git-ignored)."""

    def save(page: Page, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save
