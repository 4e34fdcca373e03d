"""Playwright helpers for browser tests that use Klynge like a person (see docs/development.md).

A person sees a control, moves the pointer (or a thumb) to it and clicks. These helpers make the
test do the same and fail when it could not: a control with no size, drawn invisible, covered by
another element or lying outside the page's width is a failure, never something to `force` past.

    from tests.e2e.person import PHONE, DESKTOP, Person

    def test_something(live_server, page, width):   # `width` from tests/e2e/conftest.py
        me = Person(page, live_server.url)
        me.login("formand@gentofte.demo", "klynge-demo")
        me.nav("Møder")                               # the cluster menu (a Menu button on a phone)
        me.check(page.get_by_label("Hemmelig afstemning"))
        me.look()                                     # axe, sideways scroll, control sizes

Every check is also a plain function (`click_visible`, `assert_controls_usable`,
`assert_no_sideways_scroll`, `assert_axe`, `assert_page_usable`) for pages opened by other means.
"""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Locator, Page, expect

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 812}
WIDTHS = {"1280": DESKTOP, "375": PHONE}

AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# What the user reaches with a pointer or a thumb. Checkbox and radio inputs are drawn by their
# label in the design system (the input itself is transparent on top of the drawn box).
INTERACTIVE = (
    "a[href], button, input:not([type=hidden]), select, textarea, summary, "
    "[role=button], [role=link], [role=checkbox], [role=radio], [role=tab], [role=menuitem]"
)

# Reads an element's box the way a person meets it: the drawn box of a checkbox or radio is its
# label; every ancestor must be opaque; the box must have a size and lie inside the page's width.
_INSPECT_JS = """
(el) => {
  const isToggle = el.matches('input[type=checkbox], input[type=radio]');
  const shown = el.labels && el.labels.length ? el.labels[0] : null;
  const seen = isToggle && shown ? shown : el;
  const box = (node) => { const r = node.getBoundingClientRect(); return {x: r.left, y: r.top, w: r.width, h: r.height}; };
  const transparentAt = (node) => {
    for (let n = node; n && n.nodeType === 1; n = n.parentElement) {
      if (parseFloat(getComputedStyle(n).opacity) === 0) return n.tagName.toLowerCase() + (n.className ? '.' + String(n.className).split(' ').join('.') : '');
    }
    return null;
  };
  // Inside a frame that scrolls sideways (a wide table), the frame is what must fit the page.
  let frame = null;
  for (let n = el.parentElement; n && n !== document.body; n = n.parentElement) {
    const overflow = getComputedStyle(n).overflowX;
    if ((overflow === 'auto' || overflow === 'scroll') && n.scrollWidth > n.clientWidth + 1) { frame = n; break; }
  }
  return {
    tag: el.tagName.toLowerCase(),
    frame: frame ? box(frame) : null,
    name: (el.getAttribute('aria-label') || (shown && shown.innerText) || el.innerText || el.value || el.name || el.id || '').trim().slice(0, 60),
    rendered: el.checkVisibility({visibilityProperty: true, contentVisibilityAuto: true}),
    own: box(el),
    seen: box(seen),
    transparent: transparentAt(seen),
    toggleOpaque: isToggle ? transparentAt(el.parentElement) : null,
    isToggle,
    viewportWidth: window.innerWidth,
    scrollX: window.scrollX,
  };
}
"""


def _describe(info: dict) -> str:
    return f"<{info['tag']}> »{info['name']}«"


def _problems(info: dict) -> list[str]:
    """What keeps a person from seeing and reaching one control (an empty list when nothing)."""
    problems = []
    seen, own = info["seen"], info["own"]
    if seen["w"] < 1 or seen["h"] < 1:
        problems.append(f"has no size ({seen['w']:.0f}×{seen['h']:.0f} px)")
    if info["transparent"]:
        problems.append(f"is drawn invisible (opacity 0 at {info['transparent']})")
    if info["isToggle"]:
        if own["w"] < 1 or own["h"] < 1:
            problems.append("its input has no size, so a click on the drawn box does nothing")
        elif not _overlaps(own, seen):
            problems.append("its input lies apart from its drawn label, so a click on the box misses it")
    within = info["frame"] or seen
    left = within["x"] + info["scrollX"]
    if left < -0.5 or within["x"] + within["w"] > info["viewportWidth"] + 0.5:
        problems.append(
            f"lies outside the page's width (x {seen['x']:.0f} to {seen['x'] + seen['w']:.0f}, "
            f"page {info['viewportWidth']} px)"
        )
    return problems


def _overlaps(a: dict, b: dict) -> bool:
    return (
        a["x"] < b["x"] + b["w"]
        and b["x"] < a["x"] + a["w"]
        and a["y"] < b["y"] + b["h"]
        and b["y"] < a["y"] + a["h"]
    )


def click_visible(locator: Locator, *, timeout: float = 5000) -> None:
    """Click `locator` as a person would: it must be seen, have a size and lie inside the viewport.

    Playwright scrolls the element into view and refuses the click when another element covers it;
    this adds what Playwright allows: an element with no size, drawn invisible (opacity 0, as a
    checkbox wrapper once was) or partly off the side of the screen.
    """
    expect(locator).to_be_visible(timeout=timeout)
    locator.scroll_into_view_if_needed(timeout=timeout)
    info = locator.evaluate(_INSPECT_JS)
    problems = _problems(info)
    if not problems:
        seen = info["seen"]
        viewport = locator.page.viewport_size
        if viewport and (seen["y"] + seen["h"] <= 0 or seen["y"] >= viewport["height"]):
            problems.append("is not on screen after scrolling to it")
    assert not problems, f"{_describe(info)} cannot be clicked by a person: " + "; ".join(problems)
    locator.click(timeout=timeout)


def assert_controls_usable(page: Page, context: str = "") -> None:
    """Every rendered interactive control has a size, is opaque and lies inside the page's width.

    Controls that are not rendered at all (display:none, a closed <details>, `hidden`) are skipped:
    a person does not expect to reach them. The skip link is off screen until it gets focus.
    """
    infos = page.locator(INTERACTIVE).evaluate_all(
        f"(els) => els.filter(el => !el.classList.contains('skip-link')).map({_INSPECT_JS})"
    )
    bad = []
    for info in infos:
        if not info["rendered"]:
            continue
        problems = _problems(info)
        if problems:
            bad.append(f"{_describe(info)}: " + "; ".join(problems))
    assert not bad, f"controls a person cannot use on {context or page.url}:\n" + "\n".join(bad)


def assert_no_sideways_scroll(page: Page, context: str = "") -> None:
    """The document is no wider than the window: nothing makes the whole page scroll sideways."""
    widths = page.evaluate(
        "() => ({doc: document.documentElement.scrollWidth, body: document.body.scrollWidth, win: window.innerWidth})"
    )
    if max(widths["doc"], widths["body"]) > widths["win"]:
        culprits = page.evaluate(
            """(win) => [...document.querySelectorAll('body *')]
                .filter(el => el.getBoundingClientRect().right > win + 0.5 && el.checkVisibility())
                .filter(el => {
                  // What sticks out on its own: its parent fits, or it is taken out of the flow
                  // (an absolutely placed element escapes a frame that is not its containing block).
                  const placed = ['absolute', 'fixed'].includes(getComputedStyle(el).position);
                  return placed || !el.parentElement || el.parentElement.getBoundingClientRect().right <= win + 0.5;
                })
                .slice(0, 5)
                .map(el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
                           (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '') +
                           ' (' + Math.round(el.getBoundingClientRect().right) + ' px)')""",
            widths["win"],
        )
        raise AssertionError(
            f"{context or page.url} scrolls sideways: {max(widths['doc'], widths['body'])} px wide in a "
            f"{widths['win']} px window; widest: {', '.join(culprits)}"
        )


def axe_violations(page: Page) -> list[dict]:
    """axe-core's serious and critical WCAG 2.1 A/AA violations on the page as it is now."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(AXE_JS.read_text())
    # resultTypes: only the violations are listed in full, which makes a run about twice as fast.
    result = page.evaluate(
        f"async () => await axe.run(document, {{runOnly: {AXE_TAGS!r}, resultTypes: ['violations']}})"
    )
    return [v for v in result["violations"] if v["impact"] in ("serious", "critical")]


def assert_axe(page: Page, context: str = "") -> None:
    """0 serious or critical axe violations."""
    bad = axe_violations(page)
    details = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}" for v in bad
    ]
    assert not bad, f"axe on {context or page.url} at {page.viewport_size['width']} px:\n" + "\n".join(
        details
    )


def assert_page_usable(page: Page, context: str = "") -> None:
    """axe, no sideways scroll and every control reachable, at the page's current width."""
    # A click that navigates returns before the new page has a body; a person looks at the loaded page.
    page.wait_for_load_state("load")
    context = context or page.url
    assert_no_sideways_scroll(page, context)
    assert_controls_usable(page, context)
    assert_axe(page, context)


class Person:
    """One user at one browser page: every action goes through a visible, clickable control."""

    def __init__(self, page: Page, base_url: str):
        self.page = page
        self.base = base_url.rstrip("/")

    @classmethod
    def in_new_window(cls, browser, base_url: str, viewport: dict) -> Person:
        """Another person at their own browser (a phone, a laptop): close with `.close()`."""
        context = browser.new_context(viewport=viewport)
        return cls(context.new_page(), base_url)

    def close(self) -> None:
        self.page.context.close()

    @property
    def on_phone(self) -> bool:
        return bool(self.page.viewport_size and self.page.viewport_size["width"] < 600)

    def goto(self, path: str) -> None:
        """Opens a page by its address, as from a bookmark or a link in a mail."""
        self.page.goto(path if path.startswith("http") else self.base + path)

    def open_mail_link(self, link: str) -> None:
        """Opens a link from a mail. The mail names the site's address; its path is opened on the test
        server."""
        self.goto("/" + link.split("://", 1)[1].split("/", 1)[1])

    def login(self, email: str, password: str) -> None:
        self.goto("/log-ind/")
        self.fill(self.page.get_by_label("E-mail"), email)
        self.fill(self.page.get_by_label("Adgangskode"), password)
        self.click(self.page.get_by_role("button", name="Log ind"))
        expect(self.page).not_to_have_url(re.compile(r"/log-ind/$"))

    def click(self, locator: Locator) -> None:
        click_visible(locator)

    def fill(self, locator: Locator, text: str) -> None:
        """Clicks into a text field, date field or text area and types the text."""
        click_visible(locator)
        locator.fill(text)

    def append(self, locator: Locator, text: str) -> None:
        """Types at the end of a long text area: scrolls it to its end with the mouse wheel and clicks
        after its last line, as a person adding a closing paragraph does."""
        click_visible(locator)
        box = locator.bounding_box()
        self.page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        self.page.mouse.wheel(0, 20000)
        locator.scroll_into_view_if_needed()
        box = locator.bounding_box()
        viewport = self.page.viewport_size
        bottom = min(box["y"] + box["height"], viewport["height"]) - 4
        self.page.mouse.click(box["x"] + box["width"] - 24, bottom)
        self.page.keyboard.type(text)

    def check(self, locator: Locator) -> None:
        """Ticks a checkbox (or chooses a radio button) by clicking the box a person sees."""
        if not locator.is_checked():
            click_visible(locator)
        expect(locator).to_be_checked()

    def uncheck(self, locator: Locator) -> None:
        if locator.is_checked():
            click_visible(locator)
        expect(locator).not_to_be_checked()

    choose = check

    def select(self, locator: Locator, label: str | re.Pattern) -> None:
        """Opens a drop-down by clicking it and picks the option with the visible text `label`
        (or the first whose text matches a compiled pattern)."""
        click_visible(locator)
        options = [text.strip() for text in locator.locator("option").all_inner_texts()]
        if isinstance(label, re.Pattern):
            label = next((text for text in options if label.search(text)), label.pattern)
        assert label in options, f"»{label}« is not among the choices {options}"
        locator.select_option(label=label)

    def upload(self, locator: Locator, path) -> None:
        """Clicks a file field and picks the file in the browser's file chooser."""
        with self.page.expect_file_chooser() as chooser:
            click_visible(locator)
        chooser.value.set_files(path)

    def nav(self, name: str) -> None:
        """Follows a link in the cluster's menu; on a phone the menu opens with its button first."""
        menu = self.page.get_by_role("navigation", name="Klyngens menu")
        # A click that leads here may still be loading: on the page before it there is no menu,
        # and until the page's script has run a phone shows the links without the button.
        expect(menu).to_be_visible()
        self.page.wait_for_load_state("load")
        link = menu.get_by_role("link", name=name, exact=True)
        if not link.is_visible():
            self.click(self.page.get_by_role("button", name="Menu"))
        self.click(link)

    def look(self, context: str = "") -> None:
        """What a careful tester checks on each page: axe, sideways scroll, usable controls."""
        assert_page_usable(self.page, context)
