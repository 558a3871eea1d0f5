"""A day of real work in the console (issue 18): imports that account for every row, an import that
survives its dialog and a cancel, a list that tells the truth, bulk delete, Undo. GIVEN the local
stack, WHEN a person acts, THEN the page says so AND the API confirms what was stored."""

from __future__ import annotations

import re
import threading
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from e2e_checks import assert_layout_sound, axe_violations
from faulty_api import FaultyApi
from playwright.sync_api import Locator, Page, Request, Route, expect

from backend.local.devstack import DevStack

if TYPE_CHECKING:
    from fixtures_console import Api

pytest_plugins = ["fixtures_console"]  # the `api` fixture

Opener = Callable[..., Page]
WIDTHS = [375, 1280]


def fresh_prefix() -> str:
    return f"w{uuid.uuid4().hex[:8]}"


def list_status(page: Page) -> Locator:
    return page.get_by_role("status", name="List status")


def toast(page: Page) -> Locator:
    return page.get_by_role("status", name="Notifications")


def row(page: Page, customer_id: str) -> Locator:
    return page.get_by_role("table", name="Customer IDs").locator(f'tr[data-row-id="{customer_id}"]')


def open_import(page: Page) -> Locator:
    page.get_by_role("button", name="Import…").click()
    return page.get_by_role("dialog", name="Import customer IDs")


def paste(dialog: Locator, text: str) -> None:
    """Typing into the box: a few lines only (Chromium inserts a newline at a time: slow in bulk)."""
    dialog.get_by_role("textbox", name=re.compile("^Paste IDs")).fill(text)


def choose_file(dialog: Locator, folder: Path, lines: list[str]) -> None:
    file = folder / f"{uuid.uuid4().hex[:6]}.txt"
    file.write_text("\n".join(lines))
    dialog.get_by_text("Choose a file").set_input_files(file)


@pytest.mark.parametrize("width", WIDTHS)
def test_a_spreadsheet_paste_accounts_for_every_row(open_console: Opener, api: Api, width: int) -> None:
    # GIVEN cells copied from a spreadsheet: a header, tabs, an invalid ID, a repeat and empty IDs
    prefix = fresh_prefix()
    ids = [f"{prefix}-{i}" for i in range(4)]
    lines = ["Customer ID\tName", *(f"{i}\tName {n}" for n, i in enumerate(ids)),
             "bad id\tEve", f"{ids[0]}\tAgain", "\tNo ID", "", f"{ids[1]}\tTwice"]
    page = open_console(width)
    dialog = open_import(page)
    paste(dialog, "\n".join(lines))
    # THEN the separator, header and column are found, and the counts add up to the 9 rows
    expect(dialog.get_by_role("combobox", name="Separator")).to_have_value("\t")
    expect(dialog.get_by_role("checkbox", name="First row is a header")).to_be_checked()
    preview = dialog.get_by_role("region", name="Preview")
    expect(preview).to_contain_text(
        "9 rows (after the header): 4 valid, 1 invalid, 2 repeated (sent once), 2 empty.")
    expect(preview.get_by_role("table", name="First rows of the file")).to_contain_text("Customer ID (IDs)")
    assert axe_violations(page) == []
    assert_layout_sound(page)
    # WHEN they import; THEN the API has exactly the valid IDs
    dialog.get_by_role("button", name="Import 4 IDs").click()
    expect(dialog.get_by_role("status", name="Import status")).to_have_text("Done: all 1 requests answered.")
    expect(dialog.get_by_label("Import result")).to_contain_text(
        "stored 4 new, 0 already existed; 5 of the file's 9 rows")
    assert api.ids_with_prefix(prefix) == ids
    with page.expect_download() as download:
        dialog.get_by_role("button", name="Download report of rows not imported").click()
    report = Path(download.value.path()).read_text().splitlines()
    assert report[0] == "line,value,reason" and len(report) == 1 + 5, report
    assert axe_violations(page) == []


def test_a_one_column_file_with_a_header_and_a_semicolon_csv(
    open_console: Opener, api: Api, tmp_path: Path
) -> None:
    # GIVEN a one-column file whose header, "customer_id", is itself a valid ID
    prefix = fresh_prefix()
    ids = [f"{prefix}-{i}" for i in range(3)]
    file = tmp_path / "ids.csv"
    file.write_text("customer_id\n" + "\n".join(ids) + "\n\n")
    page = open_console(1280)
    dialog = open_import(page)
    dialog.get_by_text("Choose a file").set_input_files(file)
    # THEN the header is not an ID to import, and the person may still say otherwise
    expect(dialog.get_by_role("region", name="Preview")).to_contain_text("3 rows (after the header): 3 valid")
    dialog.get_by_role("checkbox", name="First row is a header").uncheck()
    expect(dialog.get_by_role("button", name="Import 4 IDs")).to_be_visible()
    dialog.get_by_role("checkbox", name="First row is a header").check()
    dialog.get_by_role("button", name="Import 3 IDs").click()
    expect(dialog.get_by_role("status", name="Import status")).to_have_text("Done: all 1 requests answered.")
    assert api.ids_with_prefix(prefix) == ids
    assert api.customer("customer_id") is None
    # AND a semicolon CSV, dropped on the dialog, is read by its ID column
    dialog.get_by_role("button", name="Dismiss and start another").click()
    semi = f"id;city\n{prefix}-x;Köln\n{prefix}-y;Wien\n"
    data = page.evaluate_handle(
        "(text) => { const dt = new DataTransfer(); dt.items.add(new File([text], 'de.csv')); return dt; }",
        semi,
    )
    dialog.get_by_test_id("drop-zone").dispatch_event("drop", {"dataTransfer": data})
    expect(dialog.get_by_role("combobox", name="Separator")).to_have_value(";")
    expect(dialog.get_by_role("region", name="Preview")).to_contain_text(
        "2 rows (after the header): 2 valid, 0 invalid")


def test_cancel_waits_for_the_chunk_in_flight_escape_asks_and_resume_finishes(
    open_console: Opener, api: Api, tmp_path: Path
) -> None:
    # GIVEN a 3,000-ID import whose batch requests the test holds, to act while one is in flight
    prefix = fresh_prefix()
    ids = [f"{prefix}-{i:04d}" for i in range(3000)]
    page = open_console(1280)
    held: list[Route] = []
    keys: list[str] = []

    holding = [True]

    def hold(route: Route, request: Request) -> None:
        if request.method == "POST":
            keys.append(request.headers.get("idempotency-key", ""))
        if request.method == "POST" and holding[0]:
            held.append(route)
        else:  # the CORS preflight, and every request once released
            route.continue_()

    page.route("**/customers/batch", hold)
    dialog = open_import(page)
    choose_file(dialog, tmp_path, ids)
    dialog.get_by_role("button", name="Import 3,000 IDs").click()
    status = dialog.get_by_role("status", name="Import status")
    expect(status).to_contain_text("Sending request 1 of 3")
    # WHEN Escape is pressed mid-import: THEN it asks first, and hiding keeps it running
    page.keyboard.press("Escape")
    question = dialog.get_by_role("group", name="Close while importing?")
    expect(question).to_be_visible()
    assert axe_violations(page) == []
    question.get_by_role("button", name="Hide, keep importing").click()
    expect(dialog).to_be_hidden()
    chip = page.get_by_role("button", name=re.compile("^Importing 0 of 3,000"))
    expect(chip).to_be_visible()
    chip.click()
    expect(status).to_contain_text("Sending request 1 of 3")
    # WHEN Cancel is pressed while request 1 is in flight, and then it lands
    dialog.get_by_role("button", name="Cancel import").click()
    expect(status).to_contain_text("Cancelling: waiting for the answer to request 1 of 3")
    for _ in range(200):  # until the route handler has the request (it runs between page calls)
        if held:
            break
        page.wait_for_timeout(50)
    assert len(held) == 1
    holding[0] = False  # its retries, if the API answers 503, go through
    held.pop().continue_()
    # THEN it counts what the server stored: the chunk in flight, and nothing more
    # (a busy store may answer 503 part-way: the chunk is retried with its key until it answers)
    expect(status).to_have_text("Cancelled after 1 of 3 requests: 2,000 IDs not sent.", timeout=60_000)
    expect(dialog.get_by_label("Import result")).to_contain_text("stored 1,000 new")
    assert len(api.ids_with_prefix(prefix)) == 1000
    # WHEN Resume: THEN the rest is sent, each chunk with the key it was planned with
    dialog.get_by_role("button", name="Resume: send the other 2,000").click()
    expect(status).to_have_text("Done: all 3 requests answered.", timeout=60_000)
    assert api.ids_with_prefix(prefix) == ids
    # the held request and its retries share chunk 1's key; chunks 2 and 3 have their own
    assert len(set(keys)) == 3, keys
    expect(dialog.get_by_label("Import result")).to_contain_text("stored 3,000 new, 0 already existed")
    # AND the summary stays when the dialog closes and reopens, until dismissed
    page.keyboard.press("Escape")
    page.get_by_role("button", name=re.compile("^Import done")).click()
    expect(status).to_have_text("Done: all 3 requests answered.")


def test_a_second_import_links_the_ids_that_already_existed(open_console: Opener, stack: DevStack) -> None:
    prefix = fresh_prefix()
    stack.seed([f"{prefix}-old"])
    page = open_console(375)
    dialog = open_import(page)
    paste(dialog, f"{prefix}-old\n{prefix}-new")
    dialog.get_by_role("button", name="Import 2 IDs").click()
    existed = dialog.get_by_role("list", name="IDs that already existed")
    existed.get_by_role("link", name=f"{prefix}-old").click()
    expect(dialog).to_be_hidden()
    expect(list_status(page)).to_have_text(f"Showing 1–1 of 1 starting with “{prefix}-old”.")


def test_a_short_page_with_a_cursor_says_more_ids_follow(
    open_console: Opener, faulty_api: FaultyApi, api: Api
) -> None:
    # GIVEN IDs in the table, and an API whose data store is slow: the first shard's query takes
    # most of the request's time budget, so the API answers page 1 short, with a cursor
    for shard in "ef":  # IDs in two shards (first characters), whatever ran before this test
        api.create(f"{shard}2e-{uuid.uuid4().hex[:12]}")
    page = open_console(1280, base_url=faulty_api.url)
    expect(list_status(page)).to_have_text(re.compile("^No customer IDs start with"))
    faulty_api.proxy.set("hang")
    release = threading.Timer(3.0, faulty_api.proxy.set, args=("pass",))
    try:
        with page.expect_request(lambda r: "/customers?" in r.url and "prefix=" not in r.url):
            page.get_by_role("searchbox", name=re.compile("Search by prefix")).fill("")
        release.start()
        # THEN the page says more IDs follow, never that there are none, and Next goes on
        expect(list_status(page)).to_contain_text("more IDs follow", timeout=20_000)
    finally:
        release.cancel()
        faulty_api.proxy.set("pass")
    expect(page.get_by_text("No customer IDs yet")).to_have_count(0)
    pager = page.get_by_role("navigation", name="Pages, above the list")
    next_button = pager.get_by_role("button", name="Next page")
    expect(next_button).not_to_have_attribute("aria-disabled", "true")
    assert axe_violations(page) == []
    next_button.click()
    expect(list_status(page)).not_to_contain_text("No customer IDs yet")
    # AND the API, asked directly, holds IDs: the short page lost nothing
    first = api.first_page(100)
    assert first["items"] or first["nextCursor"], first


@pytest.mark.parametrize("width", WIDTHS)
def test_back_and_forward_walk_the_pages(open_console: Opener, stack: DevStack, width: int) -> None:
    prefix = fresh_prefix()
    stack.seed([f"{prefix}-{i:03d}" for i in range(60)])
    page = open_console(width, path=f"/?q={prefix}")
    expect(list_status(page)).to_have_text(f"Showing 1–25 starting with “{prefix}”; more IDs follow.")
    # WHEN the lower pager turns the page: THEN the table's top comes into view
    bottom = page.get_by_role("navigation", name="Pages, below the list")
    bottom.get_by_role("button", name="Next page").click()
    expect(list_status(page)).to_have_text(f"Showing 26–50 starting with “{prefix}”; more IDs follow.")
    top = page.get_by_role("navigation", name="Pages, above the list")
    expect(top).to_be_in_viewport()
    expect(top.get_by_role("button", name="Next page")).to_be_focused()
    top.get_by_role("button", name="Next page").click()
    expect(list_status(page)).to_have_text(f"Showing 51–60 of 60 starting with “{prefix}”.")
    page.go_back()
    expect(list_status(page)).to_have_text(f"Showing 26–50 starting with “{prefix}”; more IDs follow.")
    assert "page=2" in page.url
    page.go_back()
    expect(list_status(page)).to_have_text(f"Showing 1–25 starting with “{prefix}”; more IDs follow.")
    page.go_forward()
    expect(list_status(page)).to_have_text(f"Showing 26–50 starting with “{prefix}”; more IDs follow.")
    assert_layout_sound(page)


@pytest.mark.parametrize("width", WIDTHS)
def test_delete_is_immediate_focus_moves_on_and_undo_restores(
    open_console: Opener, stack: DevStack, api: Api, width: int
) -> None:
    prefix = fresh_prefix()
    ids = [f"{prefix}-{i}" for i in range(3)]
    stack.seed(ids)
    page = open_console(width, path=f"/?q={prefix}")
    created_before = api.customer(ids[1])
    assert created_before is not None
    # WHEN the middle row is deleted
    row(page, ids[1]).get_by_role("button", name=f"Delete {ids[1]}").click()
    # THEN it is gone at once and on the server, and focus sits on the next row, with a ring
    expect(row(page, ids[1])).to_have_count(0)
    expect(row(page, ids[2])).to_be_focused()
    assert row(page, ids[2]).evaluate("el => getComputedStyle(el).outlineStyle") != "none"
    expect(toast(page)).to_contain_text(f"Deleted “{ids[1]}”.")
    assert api.customer(ids[1]) is None
    # WHEN Undo: THEN the ID exists again, created anew (its time changes), and is marked
    toast(page).get_by_role("button", name="Undo").click()
    expect(toast(page)).to_contain_text(f"Restored “{ids[1]}”")
    restored = api.customer(ids[1])
    assert restored is not None and restored["createdAt"] != created_before["createdAt"]
    expect(row(page, ids[1])).to_contain_text("restored")
    assert axe_violations(page) == []
    assert_layout_sound(page)


def test_bulk_delete_of_an_imported_file(open_console: Opener, api: Api, tmp_path: Path) -> None:
    # GIVEN a file that was imported by mistake
    prefix = fresh_prefix()
    ids = [f"{prefix}-{i:03d}" for i in range(120)]
    page = open_console(1280)
    dialog = open_import(page)
    choose_file(dialog, tmp_path, ids)
    dialog.get_by_role("button", name="Import 120 IDs").click()
    expect(dialog.get_by_role("status", name="Import status")).to_have_text("Done: all 1 requests answered.")
    assert len(api.ids_with_prefix(prefix)) == 120
    deletes: list[str] = []  # the Idempotency-Key of each DELETE

    def record(request: Request) -> None:
        if request.method == "DELETE":
            deletes.append(request.headers.get("idempotency-key", ""))

    page.on("request", record)
    # WHEN the same file is used to delete its IDs, with one confirmation that shows the count
    dialog.get_by_role("button", name="Dismiss and start another").click()
    choose_file(dialog, tmp_path, ids)
    dialog.get_by_role("button", name="Delete the IDs in this file…").click()
    confirm = page.get_by_role("dialog", name="Delete the 120 IDs in this file?")
    assert axe_violations(page) == []
    confirm.get_by_role("button", name="Delete 120 IDs").click()
    # THEN the list shows the progress and the outcome, and the API has none of them
    expect(page.get_by_role("status", name="Bulk delete")).to_have_text(
        "Bulk delete done: 120 deleted, 0 were already gone, 0 failed.", timeout=60_000)
    assert api.ids_with_prefix(prefix) == []
    assert len(deletes) == 120 and all(deletes) and len(set(deletes)) == 120


def test_select_a_range_then_delete_the_selection(open_console: Opener, stack: DevStack, api: Api) -> None:
    prefix = fresh_prefix()
    ids = [f"{prefix}-{i}" for i in range(6)]
    stack.seed(ids)
    page = open_console(375, path=f"/?q={prefix}")
    page.get_by_role("checkbox", name=f"Select {ids[1]}").click()
    page.get_by_role("checkbox", name=f"Select {ids[4]}").click(modifiers=["Shift"])
    bar = page.get_by_role("group", name="Selected rows")
    expect(bar).to_contain_text("4 selected")
    assert axe_violations(page) == []
    assert_layout_sound(page)
    bar.get_by_role("button", name="Delete 4…").click()
    page.get_by_role("dialog", name="Delete 4 customer IDs?").get_by_role("button", name="Delete 4").click()
    expect(page.get_by_role("status", name="Bulk delete")).to_contain_text("4 deleted")
    assert api.ids_with_prefix(prefix) == [ids[0], ids[5]]


def test_go_to_id_search_and_add_trim_what_was_pasted(open_console: Opener, api: Api) -> None:
    prefix = fresh_prefix()
    page = open_console(375)
    add = page.get_by_role("textbox", name="New customer ID")
    add.fill(f"  {prefix}-a \t")
    add.press("Enter")
    expect(toast(page)).to_have_text(f"Added “{prefix}-a”.")
    assert api.customer(f"{prefix}-a") is not None
    go = page.get_by_role("textbox", name="Go to ID")
    go.fill(f"{prefix}-missing")
    go.press("Enter")
    expect(page.get_by_text(f"No customer ID “{prefix}-missing” exists")).to_be_visible()
    go.fill(f" {prefix}-a ")
    go.press("Enter")
    expect(list_status(page)).to_have_text(f"Showing 1–1 of 1 starting with “{prefix}-a”.", timeout=30_000)
    expect(row(page, f"{prefix}-a")).to_contain_text("found")
    search = page.get_by_role("searchbox", name=re.compile("Search by prefix"))
    search.fill(f"  {prefix.upper()}")
    expect(page.get_by_text("Case-sensitive: “BULK” does not find “bulk-1”.")).to_be_visible()
    expect(list_status(page)).to_have_text(re.compile(f"^No customer IDs start with “{prefix.upper()}”"))


def test_details_show_every_field_and_an_id_deleted_elsewhere(
    open_console: Opener, stack: DevStack, api: Api
) -> None:
    prefix = fresh_prefix()
    ids = [f"{prefix}-kept", f"{prefix}-gone"]
    stack.seed(ids)
    page = open_console(1280, path=f"/?q={prefix}")
    row(page, ids[0]).get_by_role("button", name=f"Details of {ids[0]}").click()
    details = page.get_by_role("dialog", name="Customer ID details")
    stored = api.customer(ids[0])
    assert stored is not None
    expect(details).to_contain_text(stored["source"])
    expect(details).to_contain_text(re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC"))
    expect(details).to_contain_text("Workflow submissions")
    page.keyboard.press("Escape")
    # WHEN another client deletes an ID the list still shows, and its details are opened
    api.delete(ids[1])
    row(page, ids[1]).get_by_role("button", name=f"Details of {ids[1]}").click()
    # THEN the dialog says so, offers no Delete, and the row leaves the list
    expect(details).to_contain_text("no longer exists: it was deleted elsewhere")
    expect(details.get_by_role("button", name="Delete", exact=True)).to_have_count(0)
    expect(row(page, ids[1])).to_have_count(0)
    assert axe_violations(page) == []
