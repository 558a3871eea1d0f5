"""What a person does in the console, end to end: GIVEN the local stack, WHEN they act, THEN they see it.

Each main flow runs at a phone's 375 px and a laptop's 1280 px; every main view gets an axe scan and
the layout check (no horizontal overflow, no control covered by another element).
"""

from __future__ import annotations

import csv
import io
import json
import re
import urllib.request
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from e2e_checks import assert_focus_meaningful, assert_layout_sound, axe_violations, sign_in
from faulty_api import FaultyApi
from playwright.sync_api import Locator, Page, Request, expect

from backend.local.devstack import DevStack

Opener = Callable[..., Page]
Screenshot = Callable[[Page, str], Path]
WIDTHS = [375, 1280]


def customer_list(page: Page) -> Locator:
    return page.get_by_role("region", name="Customer IDs")


def list_status(page: Page) -> Locator:
    return page.get_by_role("status", name="List status")


def toast(page: Page) -> Locator:
    return page.get_by_role("status", name="Notifications")


def search(page: Page, prefix: str) -> None:
    page.get_by_role("searchbox", name=re.compile("Search by prefix")).fill(prefix)


def add(page: Page, customer_id: str) -> None:
    field = page.get_by_role("textbox", name="New customer ID")
    field.fill(customer_id)
    field.press("Enter")


def row(page: Page, customer_id: str) -> Locator:
    return customer_list(page).get_by_role("row").filter(has_text=customer_id)


def prefix_ids(n: int) -> tuple[str, list[str]]:
    prefix = f"p{uuid.uuid4().hex[:8]}"
    return prefix, [f"{prefix}-{i:03d}" for i in range(n)]


@pytest.mark.parametrize("width", WIDTHS)
def test_a_first_visit_asks_to_sign_in_not_for_settings(
    open_console: Opener, stack: DevStack, width: int
) -> None:
    # GIVEN nothing saved: the build's API URL, which connects
    page = open_console(width, saved=False, user=None)
    # THEN the sign-in shows, and the settings stay closed
    dialog = page.get_by_role("dialog", name="Sign in")
    expect(dialog.get_by_label("Username")).to_be_visible()
    expect(page.get_by_role("dialog", name="Connection settings")).to_have_count(0)
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")  # Chromium closes a modal on a second Escape: it opens again
    expect(dialog.get_by_label("Username")).to_be_visible()
    expect(page.get_by_role("banner").get_by_text("Connected", exact=True)).to_have_count(1)
    assert axe_violations(page) == []
    assert_layout_sound(page)
    # WHEN they sign in THEN a reload keeps them signed in (this browser session's refresh token)
    sign_in(page, "operator", stack.user_password)
    page.reload()
    expect(page.get_by_role("banner").get_by_role("button", name="Sign out")).to_be_visible()
    expect(page.get_by_role("dialog")).to_have_count(0)
    # AND the settings ask for the API URL only, prefilled with the build's, and test it on Save
    page.get_by_role("button", name="Connection settings").click()
    settings = page.get_by_role("dialog", name="Connection settings")
    expect(settings.get_by_role("textbox")).to_have_count(1)
    expect(settings.get_by_role("textbox", name="API base URL")).to_have_value(stack.api_url)
    settings.get_by_role("textbox", name="API base URL").fill(stack.api_url + "/customers/")
    settings.get_by_role("button", name="Test connection and save").click()
    expect(settings).to_be_hidden()
    expect(toast(page)).to_have_text(re.compile("Connected to stage local: settings saved"))
    assert_focus_meaningful(page, "saving the settings")


@pytest.mark.parametrize("width", WIDTHS)
def test_an_api_that_does_not_answer_opens_the_settings_and_one_banner(
    open_console: Opener, stack: DevStack, width: int
) -> None:
    page = open_console(width, base_url="http://127.0.0.1:9", user=None)
    settings = page.get_by_role("dialog", name="Connection settings")
    expect(settings).to_be_visible()  # the failing connection opened it
    page.keyboard.press("Escape")
    expect(settings).to_be_hidden()

    alert = page.get_by_role("alert")
    expect(alert).to_have_count(1)
    expect(alert).to_contain_text("Not connected (Reachable): Nothing answered")
    expect(page.get_by_role("dialog")).to_have_count(0)  # no sign-in over it: it could not work
    assert axe_violations(page) == []
    assert_layout_sound(page)

    alert.get_by_role("button", name="Fix connection settings").click()
    settings.get_by_role("textbox", name="API base URL").fill(stack.api_url)
    settings.get_by_role("button", name="Test connection and save").click()
    expect(page.get_by_role("alert")).to_have_count(0)
    sign_in(page, "viewer", stack.user_password)
    expect(list_status(page)).to_have_text(re.compile(r"^(Showing|No customer IDs)"))


def test_save_names_what_failed_and_never_claims_success(open_console: Opener, stack: DevStack) -> None:
    page = open_console(1280)
    page.get_by_role("button", name="Connection settings").click()
    dialog = page.get_by_role("dialog", name="Connection settings")
    url = dialog.get_by_role("textbox", name="API base URL")
    save = dialog.get_by_role("button", name="Test connection and save")
    checks = dialog.get_by_role("list", name="Connection checks")

    url.fill("127.0.0.1:6199")  # no scheme: would silently become a path under the console
    save.click()
    expect(checks).to_contain_text("✗ URL: Add the scheme: https://127.0.0.1:6199")

    url.fill(stack.web_url)  # the console's own server: its SPA fallback answers HTML
    save.click()
    expect(checks).to_contain_text("this URL answers HTML, not the Customer IDs API", ignore_case=True)

    url.fill("http://127.0.0.1:9")
    save.click()
    expect(checks).to_contain_text("✗ Reachable: Nothing answered")
    expect(dialog).to_be_visible()
    expect(page.get_by_text("settings saved")).to_have_count(0)
    assert axe_violations(page) == []


@pytest.mark.parametrize("width", WIDTHS)
def test_add_search_details_copy_delete(
    open_console: Opener, stack: DevStack, width: int, new_id: str
) -> None:
    page = open_console(width)
    add(page, new_id)
    expect(toast(page)).to_have_text(f"Added “{new_id}”.")
    assert_focus_meaningful(page, "adding an ID")
    expect(row(page, new_id)).to_contain_text("just added")

    search(page, new_id)
    expect(list_status(page)).to_have_text(f"Showing 1–1 of 1 starting with “{new_id}”.")
    assert f"q={new_id}" in page.url
    page.reload()
    expect(page.get_by_role("searchbox", name=re.compile("Search by prefix"))).to_have_value(new_id)
    expect(row(page, new_id)).to_have_count(1)
    assert axe_violations(page) == []
    assert_layout_sound(page)

    row(page, new_id).get_by_role("button", name=f"Copy customer ID {new_id}").click()
    expect(toast(page)).to_have_text(f"Copied customer ID “{new_id}”.")
    assert page.evaluate("navigator.clipboard.readText()") == new_id

    row(page, new_id).get_by_role("button", name=f"Details of {new_id}").click()
    details = page.get_by_role("dialog", name="Customer ID details")
    expect(details).to_contain_text("api")
    expect(details).to_contain_text(re.compile(r"Created by\s*admin"))  # the signed-in person who added it
    assert axe_violations(page) == []
    details.get_by_role("button", name="Delete", exact=True).click()  # immediate: Undo is in the toast

    expect(toast(page)).to_contain_text(f"Deleted “{new_id}”.")
    assert_focus_meaningful(page, "deleting from the details")
    expect(list_status(page)).to_have_text(re.compile(f"^No customer IDs start with “{new_id}”"))


@pytest.mark.parametrize("width", WIDTHS)
def test_pages_range_size_and_a_shared_link(open_console: Opener, stack: DevStack, width: int) -> None:
    prefix, ids = prefix_ids(60)
    stack.seed(ids)
    page = open_console(width, path=f"/?q={prefix}")
    expect(list_status(page)).to_have_text(f"Showing 1–25 starting with “{prefix}”; more IDs follow.")
    pages = page.get_by_role("navigation", name="Pages, above the list")
    expect(pages.get_by_role("button", name="Previous page")).to_have_attribute("aria-disabled", "true")
    pages.get_by_role("button", name="Next page").click()
    expect(list_status(page)).to_have_text(f"Showing 26–50 starting with “{prefix}”; more IDs follow.")
    expect(row(page, ids[25])).to_have_count(1)
    assert "page=2" in page.url

    shared = open_console(width, path=f"/?q={prefix}&page=3")
    expect(list_status(shared)).to_have_text(f"Showing 51–60 of 60 starting with “{prefix}”.")
    top_pager = shared.get_by_role("navigation", name="Pages, above the list")
    next_button = top_pager.get_by_role("button", name="Next page")
    expect(next_button).to_have_attribute("aria-disabled", "true")
    shared.get_by_role("combobox", name="Rows per page").select_option("100")
    expect(list_status(shared)).to_have_text(f"Showing 1–60 of 60 starting with “{prefix}”.")
    expect(shared.get_by_role("navigation", name=re.compile("^Pages"))).to_have_count(0)
    assert_layout_sound(shared)


@pytest.mark.parametrize("width", WIDTHS)
def test_import_a_csv_with_header_preview_chunks_and_report(
    open_console: Opener, tmp_path: Path, width: int
) -> None:
    prefix, ids = prefix_ids(1050)  # two requests of at most 1,000
    long_bad = "x" * 70  # a long invalid line must not widen anything
    body = io.StringIO()
    writer = csv.writer(body)
    writer.writerow(["customer_id", "name", "email"])
    writer.writerows([i, f"Name {n}", f"n{n}@example.com"] for n, i in enumerate(ids))
    writer.writerows(
        [["bad id", "Eve", "eve@example.com"], [long_bad, "L", "l@example.com"], [ids[0], "Dup", "d@x.io"]]
    )
    file = tmp_path / "customers.csv"
    file.write_text(body.getvalue())

    page = open_console(width)
    page.get_by_role("button", name="Import…").click()
    dialog = page.get_by_role("dialog", name="Import customer IDs")
    dialog.get_by_text("Choose a file").set_input_files(file)
    expect(dialog.get_by_role("checkbox", name="First row is a header")).to_be_checked()
    expect(dialog.get_by_role("combobox", name="Column with the IDs")).to_have_value("0")
    expect(dialog.get_by_role("region", name="Preview")).to_contain_text(
        "1,053 rows (after the header): 1,050 valid, 2 invalid, 1 repeated (sent once), 0 empty."
    )
    assert axe_violations(page) == []
    assert_layout_sound(page)

    requests: list[str] = []

    def record(request: Request) -> None:
        if request.url.endswith("/customers/batch") and request.method == "POST":
            requests.append(request.headers.get("idempotency-key", ""))

    page.on("request", record)
    dialog.get_by_role("button", name="Import 1,050 IDs").click()
    expect(dialog.get_by_role("status", name="Import status")).to_have_text(
        "Done: all 2 requests answered.", timeout=60_000)
    result = dialog.get_by_role("region", name="Import")
    expect(result.get_by_label("Import result")).to_contain_text("stored 1,050 new, 0 already existed; 3 of")
    # One key per chunk; a chunk the API answered 503 (out of time on a busy machine) is sent
    # again with its own key, so every retry lands on what the first attempt already wrote.
    assert all(requests) and len(set(requests)) == 2, requests
    assert requests == sorted(requests, key=requests.index), requests  # retries follow their chunk
    assert_layout_sound(page)

    with page.expect_download() as download:
        result.get_by_role("button", name="Download report of rows not imported").click()
    report = list(csv.reader(io.StringIO(Path(download.value.path()).read_text())))
    assert report[0] == ["line", "value", "reason"]
    assert [r[1] for r in report[1:]] == ["bad id", long_bad, ids[0]]  # every row not imported
    page.keyboard.press("Escape")
    search(page, prefix)
    expect(list_status(page)).to_have_text(f"Showing 1–25 starting with “{prefix}”; more IDs follow.")


def test_export_walks_the_cursor_into_a_csv(open_console: Opener, stack: DevStack) -> None:
    prefix, ids = prefix_ids(130)  # two pages of the API's largest page size
    stack.seed(ids)
    page = open_console(1280, path=f"/?q={prefix}")
    page.get_by_role("button", name="Export CSV…").click()
    dialog = page.get_by_role("dialog", name="Export as CSV")
    expect(dialog.get_by_role("radio", name=f"IDs starting with “{prefix}”")).to_be_checked()
    with page.expect_download() as download:
        dialog.get_by_role("button", name="Export").click()
    rows = list(csv.reader(io.StringIO(Path(download.value.path()).read_text())))
    assert rows[0] == ["customer_id", "created_at", "source"]
    assert [r[0] for r in rows[1:]] == ids
    expect(toast(page)).to_have_text("Exported 130 customer IDs.")
    assert_focus_meaningful(page, "exporting")


def _has_workflow(stack: DevStack) -> bool:
    with urllib.request.urlopen(f"{stack.api_url}/openapi.json") as response:
        return "/workflow/submit" in json.load(response)["paths"]


@pytest.mark.parametrize("width", WIDTHS)
def test_workflow_chips_tell_inserted_from_already_existed(
    open_console: Opener, stack: DevStack, width: int, new_id: str
) -> None:
    if not _has_workflow(stack):
        pytest.skip("the API's OpenAPI document has no /workflow routes")
    page = open_console(width)
    workflow = page.get_by_role("region", name="Workflow")
    field = workflow.get_by_role("textbox", name="Customer ID to submit")
    field.fill(new_id)
    field.press("Enter")
    inserted = f"Inserted: the workflow created customer ID “{new_id}”."
    expect(toast(page)).to_have_text(inserted, timeout=60_000)
    progress = workflow.get_by_role("list", name="Submission progress")
    expect(progress.locator(".chip-inserted")).to_have_text("Inserted")
    recent = workflow.get_by_role("list", name="Recent submissions")
    item = recent.get_by_role("listitem").filter(has_text=new_id).first
    expect(item).to_contain_text("took")
    expect(item.get_by_role("button", name=re.compile("^Copy submission ID "))).to_be_visible()

    field.fill(new_id)
    field.press("Enter")
    existed = re.compile(f"^Already existed: the workflow found “{new_id}”")
    expect(toast(page)).to_have_text(existed, timeout=60_000)
    expect(progress.locator(".chip-existed")).to_have_text("Already existed")
    assert axe_violations(page) == []
    assert_layout_sound(page)


def test_keyboard_only_never_drops_focus(open_console: Opener, stack: DevStack, new_id: str) -> None:
    page = open_console(1280)
    # Signing in hands focus to the list's heading, where the work starts
    expect(page.get_by_role("heading", name="Customer IDs", level=2)).to_be_focused()
    page.reload()  # back in this browser session: signed in at once, Tab from the page's top
    expect(list_status(page)).not_to_have_text(re.compile("Loading"))
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to the customer list")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Customer IDs", level=2)).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("textbox", name="New customer ID")).to_be_focused()
    page.keyboard.type(new_id)
    page.keyboard.press("Enter")
    expect(toast(page)).to_have_text(f"Added “{new_id}”.")
    assert_focus_meaningful(page, "Enter in the add field")

    page.keyboard.press("Escape")
    page.locator("body").click(position={"x": 5, "y": 400})  # leave the field, then the shortcut
    page.keyboard.press("/")
    expect(page.get_by_role("searchbox", name=re.compile("Search by prefix"))).to_be_focused()
    page.keyboard.press("Control+a")
    page.keyboard.type(new_id)
    expect(list_status(page)).to_have_text(f"Showing 1–1 of 1 starting with “{new_id}”.")

    delete = row(page, new_id).get_by_role("button", name=f"Delete {new_id}")
    for _ in range(12):  # Tab in visual order until the row's Delete button
        page.keyboard.press("Tab")
        if delete.evaluate("el => el === document.activeElement"):
            break
    expect(delete).to_be_focused()
    page.keyboard.press("Enter")  # immediate: Undo is in the toast
    expect(toast(page)).to_contain_text(f"Deleted “{new_id}”.")
    assert_focus_meaningful(page, "Delete from the keyboard")

    dismiss = toast(page).get_by_role("button", name="Dismiss notification")
    dismiss.focus()
    page.keyboard.press("Enter")
    expect(toast(page).get_by_role("button", name="Dismiss notification")).to_have_count(0)
    assert_focus_meaningful(page, "dismissing a toast")

    pages_prefix, ids = prefix_ids(30)
    stack.seed(ids)
    search_box = page.get_by_role("searchbox", name=re.compile("Search by prefix"))
    search_box.fill(pages_prefix)
    top_pager = page.get_by_role("navigation", name="Pages, above the list")
    next_button = top_pager.get_by_role("button", name="Next page")
    next_button.focus()
    page.keyboard.press("Enter")  # to the last page: Next becomes unavailable while focused
    expect(list_status(page)).to_have_text(f"Showing 26–30 of 30 starting with “{pages_prefix}”.")
    expect(next_button).to_be_focused()
    assert_focus_meaningful(page, "paging to the last page")


@pytest.mark.parametrize("width", [375, 768, 1280, 1920])
def test_nothing_overflows_or_overlaps_with_long_ids(
    open_console: Opener, stack: DevStack, width: int
) -> None:
    prefix = f"L{uuid.uuid4().hex[:6]}"
    long_ids = [f"{prefix}-{'x' * 50}-{i:03d}"[:64] for i in range(3)]
    stack.seed(long_ids)
    page = open_console(width, path=f"/?q={prefix}")
    expect(list_status(page)).to_have_text(re.compile("^Showing 1–3"))
    cell = row(page, long_ids[0]).locator(".id-text")
    line_height = cell.evaluate("el => parseFloat(getComputedStyle(el).lineHeight)")
    assert cell.evaluate("el => el.getBoundingClientRect().height") <= line_height + 1, "an ID wrapped"
    expect(cell).to_have_attribute("title", long_ids[0])
    assert_layout_sound(page)


@pytest.mark.parametrize("dark", [False, True])
def test_theme_toggle_and_axe_in_both_themes(
    open_console: Opener, dark: bool, screenshot: Screenshot
) -> None:
    page = open_console(1280, dark=dark)
    expect(list_status(page)).not_to_have_text(re.compile("Loading"))
    assert axe_violations(page) == []
    toggle = page.get_by_role("button", name="Switch to light theme" if dark else "Switch to dark theme")
    toggle.click()
    expect(page.locator("html")).to_have_class("" if dark else "dark")
    flipped = "Switch to dark theme" if dark else "Switch to light theme"
    expect(page.get_by_role("button", name=flipped)).to_be_focused()
    assert axe_violations(page) == []
    screenshot(page, f"main-{'light' if dark else 'dark'}")


# -- the real API's failure answers, not a mocked fetch -------------------------------------------
def assert_one_message(page: Page, text: str | re.Pattern[str]) -> None:
    """Exactly one message says it: the toast, and nothing inline repeats or contradicts it."""
    expect(toast(page).locator(".toast")).to_have_count(1)
    expect(toast(page)).to_have_text(text)
    others = page.locator("[role=alert], .tone-error:visible").all_inner_texts()
    assert others == [], f"said again elsewhere: {others}"


@pytest.mark.parametrize("width", WIDTHS)
def test_adding_an_id_that_exists_is_one_message_and_keeps_the_input(
    open_console: Opener, stack: DevStack, width: int, new_id: str
) -> None:
    # GIVEN an ID stored before, found by the search
    stack.seed([new_id])
    page = open_console(width, path=f"/?q={new_id}")
    expect(list_status(page)).to_have_text(re.compile("^Showing 1–1"))
    # WHEN the person adds it again: a real 409 already_exists from chalice local
    add(page, new_id)
    # THEN one message names it, what they typed stays, focus stays in the field
    assert_one_message(page, f"Already exists: customer ID “{new_id}”.")
    field = page.get_by_role("textbox", name="New customer ID")
    expect(field).to_have_value(new_id)
    expect(field).to_be_focused()
    # AND the row it meant is marked as already there, not as just added
    expect(row(page, new_id)).to_contain_text("already there")
    expect(row(page, new_id)).not_to_contain_text("just added")
    assert_layout_sound(page)


@pytest.mark.parametrize("width", WIDTHS)
def test_a_503_from_the_api_is_one_message_with_retry_after_and_keeps_the_input(
    open_console: Opener, faulty_api: FaultyApi, width: int, new_id: str
) -> None:
    # GIVEN the console on an API whose data store then stops answering (connections reset)
    page = open_console(width, base_url=faulty_api.url)
    expect(list_status(page)).to_have_text(re.compile("^No customer IDs start with"))
    faulty_api.proxy.set("reset")
    try:
        # WHEN the person adds an ID: the API answers 503 + Retry-After (the console retries a
        # bounded number of times with the same Idempotency-Key, then says so)
        add(page, new_id)
        # THEN one message says the service is unavailable and when to try again
        message = re.compile(r"^Service unavailable: .+\. Try again in \d+ s\.$")
        expect(toast(page)).to_have_text(message, timeout=60_000)
        assert_one_message(page, message)
        field = page.get_by_role("textbox", name="New customer ID")
        expect(field).to_have_value(new_id)
        expect(field).to_be_focused()
        assert_focus_meaningful(page, "a 503")
    finally:
        faulty_api.proxy.set("pass")
    # AND once the store answers again, Enter in the same field adds it
    page.get_by_role("textbox", name="New customer ID").press("Enter")
    expect(toast(page)).to_have_text(f"Added “{new_id}”.", timeout=30_000)
