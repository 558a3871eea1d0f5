"""Checks every browser test can run on a page: layout, focus and an axe scan."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

AXE = Path(__file__).resolve().parents[1] / "node_modules" / "axe-core" / "axe.min.js"

# Every interactive element whose centre is in the viewport must be the topmost element there:
# a toast, sticky header or neighbouring card on top of it means a click lands elsewhere.
_COVERED_JS = """
() => {
  const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (el.getAttribute('aria-label') ? `[${el.getAttribute('aria-label')}]` : '') +
    ` "${(el.textContent || '').trim().slice(0, 30)}"`;
  const modal = document.querySelector('dialog[open]');
  // Content that scrolls under the sticky header is not "covered": only what is below it counts.
  const header = document.querySelector('[data-sticky-header]');
  const top = modal || !header ? 0 : header.getBoundingClientRect().bottom;
  const scope = modal || document;
  const bad = [];
  for (const el of scope.querySelectorAll('button, a[href], input, select, textarea')) {
    if (el.classList.contains('sr-only') || el.closest('.sr-only')) continue;
    const r = el.getBoundingClientRect();
    if (!r.width || !r.height || getComputedStyle(el).visibility === 'hidden') continue;
    const x = r.left + r.width / 2, y = r.top + r.height / 2;
    if (x < 0 || y < 0 || x >= innerWidth || y >= innerHeight) continue;
    if (!el.closest('[data-sticky-header]') && r.top < top) continue;
    const hit = document.elementFromPoint(x, y);
    if (!hit || hit === el || el.contains(hit) || (hit.tagName === 'LABEL' && hit.contains(el))) continue;
    // A toast floats over the page's bottom edge on purpose (it never moves content), and the page
    // keeps room below its end so that nothing has to stay under it.
    if (hit.closest('[data-overlay]') && !el.closest('[data-overlay]')) continue;
    bad.push(`${name(el)} is covered by ${name(hit)}`);
  }
  return bad;
}
"""


def assert_layout_sound(page: Page) -> None:
    """No horizontal overflow, and no control covered by another element, at the top of the
    page and scrolled to its end."""
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.evaluate("innerWidth")
    assert width <= viewport, f"the page is {width} px wide in a {viewport} px viewport"
    for where in ("0", "document.documentElement.scrollHeight"):
        page.evaluate(f"window.scrollTo(0, {where})")
        covered = page.evaluate(_COVERED_JS)
        assert not covered, covered
    page.evaluate("window.scrollTo(0, 0)")


def assert_focus_meaningful(page: Page, after: str) -> None:
    """Focus is on an element, never dropped to <body> (or nowhere) after an action."""
    tag = page.evaluate("document.activeElement ? document.activeElement.tagName : 'NONE'")
    assert tag not in ("BODY", "NONE", "HTML"), f"focus fell to <{tag.lower()}> after {after}"


def axe_violations(page: Page) -> list[str]:
    """axe-core (the npm package this console pins) run in the page: WCAG 2.2 A/AA and best practice."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        """async () => (await axe.run(document, {
             runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'],
           })).violations.map((v) =>
             `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)"""
    )
    return list(found)


def sign_in(page: Page, username: str, password: str) -> None:
    """Signs in through the console's own form (over the page until someone is signed in)."""
    dialog = page.get_by_role("dialog", name="Sign in")
    dialog.get_by_label("Username").fill(username)
    dialog.get_by_label("Password").fill(password)
    dialog.get_by_role("button", name="Sign in").click()
    expect(dialog).to_be_hidden()
