"""People sign in (issue 17), in Chromium against the local stack and its emulator's Cognito:
each role sees only what it may do and the API refuses the rest anyway, an expired access token is
renewed without losing what was typed, a first sign-in chooses a new password, and signing out
leaves nothing behind. One browser context per test: a person signs out and the next signs in on
the same page."""

from __future__ import annotations

import base64
import json
import re
import time
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest
from e2e_checks import assert_layout_sound, axe_violations, sign_in
from joserfc import jwt
from joserfc.jwk import RSAKey
from moto.utilities.utils import load_resource
from playwright.sync_api import Locator, Page, Request, Route, expect

from backend.local.devstack import DevStack

if TYPE_CHECKING:
    from fixtures_console import Api

pytest_plugins = ["fixtures_console"]  # the `api` fixture

Opener = Callable[..., Page]
WIDTHS = [375, 1280]


def header(page: Page) -> Locator:
    return page.get_by_role("banner")


def toast(page: Page) -> Locator:
    return page.get_by_role("status", name="Notifications")


def row(page: Page, customer_id: str) -> Locator:
    return page.get_by_role("table", name="Customer IDs").locator(f'tr[data-row-id="{customer_id}"]')


def search(page: Page, prefix: str) -> None:
    page.get_by_role("searchbox", name=re.compile("Search by prefix")).fill(prefix)


def sign_out(page: Page) -> None:
    header(page).get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("dialog", name="Sign in").get_by_label("Username")).to_have_value("")


def token_sent_by(page: Page, api_url: str, act: Callable[[], None]) -> str:
    """The access token the page sends with the API request `act` causes."""
    with page.expect_request(lambda r: r.url.startswith(api_url) and "authorization" in r.headers) as sent:
        act()
    return sent.value.headers["authorization"].removeprefix("Bearer ")


def expired_copy(token: str) -> str:
    """The same person's access token, expired an hour ago, signed with the emulator's own key (as
    a token of theirs that outlived its hour would be): the API refuses it only for its expiry."""
    payload = token.split(".")[1]
    claims: dict[str, Any] = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    now = int(time.time())
    claims.update(iat=now - 7200, auth_time=now - 7200, exp=now - 3600)
    key = RSAKey.import_key(load_resource("cognitoidp/resources/jwks-private.json"))
    return jwt.encode({"kid": "dummy", "alg": "RS256"}, claims, key)


def send_instead(token: str, times: int | None = None) -> Callable[[Route, Request], None]:
    """A route handler: the page's signed API requests carry `token` (the first `times` of them)."""
    left = [times]

    def handle(route: Route, request: Request) -> None:
        if "authorization" in request.headers and left[0] != 0:
            left[0] = None if left[0] is None else left[0] - 1
            route.continue_(headers={**request.headers, "authorization": f"Bearer {token}"})
        else:
            route.continue_()

    return handle


def storage(page: Page) -> dict[str, dict[str, str]]:
    return page.evaluate("({ local: { ...localStorage }, session: { ...sessionStorage } })")


@pytest.mark.parametrize("width", WIDTHS)
def test_each_role_sees_what_it_may_do_the_api_refuses_the_rest_and_sign_out_leaves_nothing(
    open_console: Opener, stack: DevStack, api: Api, width: int
) -> None:
    # GIVEN a stored ID, and a viewer signed in on the console, searching for it
    prefix = f"si{uuid.uuid4().hex[:8]}"
    stored = f"{prefix}-0"
    stack.seed([stored])
    page = open_console(width, user="viewer", path=f"/?q={prefix}")
    # THEN the header says who and which role, and only reading is offered
    expect(header(page)).to_contain_text("Signed in as viewer")
    expect(header(page).get_by_title("Your role")).to_have_text("role viewer")
    expect(row(page, stored)).to_be_visible()
    for role, name in (("textbox", "New customer ID"), ("button", "Import…"), ("button", f"Delete {stored}"),
                       ("textbox", "Customer ID to submit")):
        expect(page.get_by_role(role, name=name)).to_have_count(0)  # type: ignore[arg-type]
    assert axe_violations(page) == []
    assert_layout_sound(page)
    # AND a delete sent with the viewer's own token, from the page, is refused by the API
    token = token_sent_by(page, stack.api_url, lambda: search(page, stored))
    status, body = page.evaluate(
        """async ([url, token]) => {
             const r = await fetch(url, { method: 'DELETE', headers: { Authorization: `Bearer ${token}` } })
             return [r.status, await r.json()]
           }""",
        [f"{stack.api_url}/customers/{stored}", token],
    )
    assert (status, body["error"]["code"]) == (403, "insufficient_role"), body
    assert api.customer(stored) is not None

    # WHEN the viewer signs out THEN nothing of the session is left, not even after a reload
    sign_out(page)
    assert storage(page)["session"] == {}
    assert storage(page)["local"] == {"cid.settings": json.dumps({"baseUrl": stack.api_url})}
    signed: list[str] = []
    page.on("request", lambda r: "authorization" in r.headers and signed.append(r.url))
    page.reload()
    expect(page.get_by_role("dialog", name="Sign in").get_by_label("Username")).to_be_visible()
    assert signed == []

    # WHEN an operator signs in on the same page THEN they add and import, and delete is not offered
    sign_in(page, "operator", stack.user_password)
    expect(header(page).get_by_title("Your role")).to_have_text("role operator")
    added = f"{prefix}-1"
    field = page.get_by_role("textbox", name="New customer ID")
    field.fill(added)
    field.press("Enter")
    expect(toast(page)).to_have_text(f"Added “{added}”.")
    page.get_by_role("button", name="Import…").click()
    dialog = page.get_by_role("dialog", name="Import customer IDs")
    dialog.get_by_role("textbox", name=re.compile("^Paste IDs")).fill(f"{prefix}-2\n{prefix}-3")
    dialog.get_by_role("button", name="Import 2 IDs").click()
    expect(dialog.get_by_role("status", name="Import status")).to_have_text("Done: all 1 requests answered.")
    dialog.get_by_role("button", name="Close").click()
    assert api.ids_with_prefix(prefix) == [f"{prefix}-{i}" for i in range(4)]
    expect(row(page, stored)).to_be_visible()
    expect(page.get_by_role("button", name=f"Delete {stored}")).to_have_count(0)

    # WHEN an admin signs in after them THEN delete is offered, and works
    sign_out(page)
    sign_in(page, "admin", stack.user_password)
    page.get_by_role("button", name=f"Delete {stored}").click()
    expect(toast(page)).to_contain_text(f"Deleted “{stored}”")
    assert api.customer(stored) is None


@pytest.mark.parametrize("width", WIDTHS)
def test_an_expired_token_is_renewed_and_an_ended_session_keeps_what_was_typed(
    open_console: Opener, stack: DevStack, api: Api, width: int
) -> None:
    # GIVEN an operator who has typed an ID to add and another to submit, without sending either
    page = open_console(width, user="operator")
    wanted, half_typed = f"ex{uuid.uuid4().hex[:8]}", "half-typed"
    page.get_by_role("textbox", name="New customer ID").fill(wanted)
    page.get_by_role("textbox", name="Customer ID to submit").fill(half_typed)
    token = token_sent_by(page, stack.api_url, lambda: search(page, "ex"))
    expired = expired_copy(token)

    # WHEN their access token has expired (the API answers 401 to it)
    refusals: list[str] = []
    page.on("response", lambda r: r.status == 401 and refusals.append(r.url))
    page.route(f"{stack.api_url}/**", send_instead(expired, times=1))
    search(page, "exp")
    # THEN the console renews it and sends the request again: no sign-in, nothing lost
    status = page.get_by_role("status", name="List status")
    expect(status).to_have_text(re.compile("^No customer IDs start with “exp”"))
    assert len(refusals) == 1 and refusals[0].startswith(stack.api_url), refusals
    expect(page.get_by_role("dialog")).to_have_count(0)
    page.unroute(f"{stack.api_url}/**")

    # WHEN their session ends (signed out everywhere: the refresh token is refused too) and they press Add
    assert stack.user_pool is not None
    cognito = stack.client("cognito-idp")
    cognito.admin_user_global_sign_out(UserPoolId=stack.user_pool.pool_id, Username="operator")
    page.route(f"{stack.api_url}/**", send_instead(expired))
    page.get_by_role("button", name="Add").click()
    # THEN they are asked to sign in again over the page, and what they typed is where it was
    dialog = page.get_by_role("dialog", name="Session expired")
    expect(dialog).to_contain_text("what you typed on the page is kept")
    expect(dialog.get_by_label("Username")).to_have_value("operator")
    expect(page.locator("#new-id")).to_have_value(wanted)
    expect(page.locator("#wf-id")).to_have_value(half_typed)
    assert axe_violations(page) == []
    assert api.customer(wanted) is None
    # WHEN they sign in again THEN the add that waited goes out, and the other field still holds its text
    page.unroute(f"{stack.api_url}/**")
    dialog.get_by_label("Password").fill(stack.user_password)
    dialog.get_by_role("button", name="Sign in").click()
    expect(toast(page)).to_have_text(f"Added “{wanted}”.")
    assert api.customer(wanted) is not None
    expect(page.get_by_role("textbox", name="Customer ID to submit")).to_have_value(half_typed)


def test_a_first_sign_in_chooses_a_new_password(open_console: Opener, stack: DevStack) -> None:
    # GIVEN a person an admin invited with a temporary password (Cognito's FORCE_CHANGE_PASSWORD)
    assert stack.user_pool is not None
    newcomer = f"new-{uuid.uuid4().hex[:6]}"
    cognito = stack.client("cognito-idp")
    cognito.admin_create_user(UserPoolId=stack.user_pool.pool_id, Username=newcomer,
                              TemporaryPassword="Temp-pass-123", MessageAction="SUPPRESS")
    cognito.admin_add_user_to_group(UserPoolId=stack.user_pool.pool_id, Username=newcomer, GroupName="viewer")
    page = open_console(375, user=None)
    # WHEN they sign in with it THEN they choose their own password, typed twice
    dialog = page.get_by_role("dialog", name="Sign in")
    dialog.get_by_label("Username").fill(newcomer)
    dialog.get_by_label("Password").fill("Temp-pass-123")
    dialog.get_by_role("button", name="Sign in").click()
    choose = page.get_by_role("dialog", name="Choose a new password")
    expect(choose).to_contain_text(f"Welcome, {newcomer}. This is your first sign-in")
    assert axe_violations(page) == []
    assert_layout_sound(page)
    choose.get_by_label("New password", exact=True).fill("Own-pass-456")
    choose.get_by_label("New password, again").fill("Own-pass-456")
    choose.get_by_role("button", name="Set password and sign in").click()
    # THEN they are signed in, with their group's role, and the new password is theirs from now on
    expect(header(page)).to_contain_text(f"Signed in as {newcomer}")
    expect(header(page).get_by_title("Your role")).to_have_text("role viewer")
    sign_out(page)
    sign_in(page, newcomer, "Own-pass-456")
