"""Browser tests: the real local stack (emulator + chalice local + Vite), driven through Debian's Chromium.

Run from the repository root: `.venv/bin/python -m pytest frontend/e2e` (`make test` does).
No browser download: playwright drives /usr/bin/chromium (`apt-get install -y chromium`).
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from e2e_checks import sign_in  # noqa: E402
from faulty_api import FaultyApi, running_faulty_api  # noqa: E402

from backend.local.devstack import DevStack  # noqa: E402

ARTIFACTS = Path(__file__).parent / "artifacts"
# Chromium's headless shell, or the full browser (E2E_BROWSER=chromium, to compare; also where
# only it is installed: `make headless-chromium` adds the shell with apt when it can).
BROWSERS = [os.environ["E2E_BROWSER"]] if os.environ.get("E2E_BROWSER") else ["chromium-headless-shell", "chromium"]
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# `make test` installs Chromium beside the tests (the Makefile's headless-chromium target holds a
# lock meanwhile): how long the browser tests wait for that install to end.
CHROMIUM_INSTALL_MINUTES = 10

expect.set_options(timeout=10_000)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "e2e: drives the console in Chromium against the local stack")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if Path(str(item.fspath)).is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def stack(stack: DevStack) -> DevStack:
    """The session's local stack (root conftest.py) plus the console's production build."""
    stack.start_web(built=True)
    return stack


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    # Chromium's headless shell, as Playwright itself runs headless tests: the full browser's
    # headless mode also renders its own window UI, in a renderer of its own, for nothing here.
    _after_any_chromium_install()
    chromium = next(filter(None, map(shutil.which, BROWSERS)), None)
    if chromium is None:
        pytest.fail(f"Debian's {BROWSERS[0]} is missing: apt-get install -y {BROWSERS[0]} (make test does this)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


def _after_any_chromium_install() -> None:
    """Wait while the Makefile's headless-chromium target installs it (it holds CHROMIUM_INSTALL_LOCK
    from before it looks for a browser until it is done: `make test` starts it beside pytest)."""
    lock_path = os.environ.get("CHROMIUM_INSTALL_LOCK")
    if not lock_path:
        return
    deadline = time.monotonic() + CHROMIUM_INSTALL_MINUTES * 60
    with open(lock_path, "a") as lock:
        while True:
            try:
                fcntl.flock(lock, fcntl.LOCK_SH | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                if time.monotonic() > deadline:
                    pytest.fail(f"make headless-chromium did not end within {CHROMIUM_INSTALL_MINUTES} min")
                time.sleep(1)


Opener = Callable[..., Page]


@pytest.fixture
def open_console(browser: Browser, stack: DevStack) -> Iterator[Opener]:
    """Opens the console in a fresh browser profile at `width` px, and signs in as `user` (one of
    make dev's users, named after their role; None: nobody, the sign-in form stays up). `saved`
    stores the API URL first (a returning user); without it the build's URL is used."""
    contexts: list[BrowserContext] = []

    def open_(width: int = 1280, *, saved: bool = True, user: str | None = "admin",
              base_url: str | None = None, path: str | None = None, dark: bool = False) -> Page:
        context = browser.new_context(
            viewport={"width": width, "height": 800 if width < 700 else 900},
            color_scheme="dark" if dark else "light",
            accept_downloads=True,
        )
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=stack.web_url)
        contexts.append(context)
        if saved or base_url:
            stored = json.dumps(json.dumps({"baseUrl": base_url or stack.api_url}))
            context.add_init_script(f"localStorage.setItem('cid.settings', {stored})")
        page = context.new_page()
        # A search of its own by default: the session's table grows with every test, and the local
        # emulator scans the whole table for each shard an unfiltered first page visits.
        page.goto(stack.web_url + (path or f"/?q=none-{uuid.uuid4().hex[:8]}"))
        expect(page.get_by_role("heading", name=re.compile("^Customer IDs"), level=1)).to_be_visible()
        if user:
            sign_in(page, user, stack.user_password)
        return page

    yield open_
    for context in contexts:
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


# The faulty API's time budget per request: a store that resets every connection is a 503 once it
# is spent, and the console retries a few times before it says so. The browser tests are about what
# the console shows, not the budget (tests/integration/test_faults.py holds the API to the stage's).
FAULTY_API_BUDGET_SECONDS = 1


@pytest.fixture(scope="module")
def faulty_api(stack: DevStack) -> Iterator[FaultyApi]:
    """A second API on the session's data, through a fault proxy: its real 503s, on command."""
    with running_faulty_api(stack, FAULTY_API_BUDGET_SECONDS) as api:
        yield api
