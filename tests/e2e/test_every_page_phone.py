"""Every kind of page of the demo, at 1280 px and on a 375 px phone, as chair, member, guest and anonymous.

One page per route pattern (the first one reached by following links from the start pages), each
checked as a careful tester would: 0 serious or critical axe violations, no sideways scroll of the
document, every control with a size and inside the page's width, the page title no smaller than the
section headings, no text under 12 px, and an »Annullér« link that leads to a page. Each test loads the demo once and
checks one or more crawls, each in its own browser context.
"""

import re
import time
from urllib.parse import urldefrag, urlparse

import pytest
from django.urls import Resolver404, resolve
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from klynge.demo.builder import load_demo
from klynge.demo.register import DEMO_PASSWORD
from tests.e2e.person import (
    WIDTHS,
    Person,
    assert_controls_usable,
    assert_no_sideways_scroll,
    assert_page_usable,
)

MEETINGS_AND_VOTES = (
    "moeder/",
    "pakker/",
    "dokumenter/",
    "afstemninger/",
    "beslutninger/",
    "forslag/",
    "vedtaegter/",
)
# crawl: (login, start pages, check only routes containing one of these words, skip routes containing)
CRAWLS = {
    # The chair reaches the most pages; the crawl is split in two to keep each test short.
    "formand-moeder": (
        "formand@gentofte.demo",
        [f"/k/gentofte/{section}" for section in MEETINGS_AND_VOTES],
        MEETINGS_AND_VOTES,
        (),
    ),
    "formand-resten": ("formand@gentofte.demo", ["/", "/k/gentofte/"], (), MEETINGS_AND_VOTES),
    "medlem": ("medlem@gentofte.demo", ["/", "/k/gentofte/"], (), ()),
    "gaest": ("gaest@gentofte.demo", ["/"], (), ()),
    # Østerbro's year is its project round: its chair adds the workshop's and projects' pages.
    "formand-osterbro": (
        "formand@osterbro.demo",
        ["/k/osterbro/projekter/"],
        ("projekter/", "workshop/"),
        (),
    ),
    "anonym": (None, ["/log-ind/", "/glemt-adgangskode/", "/k/gentofte/offentlig/", "/workshop/"], (), ()),
}
SKIP = ("/log-ud/", "/static/", "/media/", "/admin/", "/api/", "/sprog/", "/profil/slet/")
MAX_PAGES = 120


@pytest.fixture
def demo(transactional_db):
    load_demo()


@pytest.fixture
def small_world(transactional_db):
    from tests.factories import ClusterWorld

    return ClusterWorld("Klynge Kontrol")


def _route(path: str) -> str | None:
    try:
        return resolve(urlparse(path).path).route
    except Resolver404:
        return None


def _links(page) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(a => a.getAttribute('href'))")
    found = []
    for href in hrefs:
        href = urldefrag(href)[0]
        if href.startswith("/") and not href.startswith(SKIP) and not urlparse(href).netloc:
            found.append(href)
    return found


def _wait_for_charts(page) -> None:
    charts = page.locator(".klynge-chart")
    for index in range(charts.count()):
        expect(charts.nth(index)).to_have_attribute("data-drawn", "true", timeout=10_000)


def _small_text(page) -> str | None:
    """Text (or a field's text) under 12 px: too small to read on a phone or from the back row."""
    small = page.evaluate(
        """() => [...document.querySelectorAll('body *')]
            .filter(el => el.checkVisibility() && !el.closest('.visually-hidden, .sr-only, .skip-link'))
            .filter(el => el.matches('input, textarea, select') ||
                          [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()))
            .filter(el => parseFloat(getComputedStyle(el).fontSize) < 12)
            .slice(0, 3)
            .map(el => `${el.tagName.toLowerCase()} »${(el.textContent || el.value || '').trim().slice(0, 30)}« ` +
                       `(${getComputedStyle(el).fontSize})`)"""
    )
    return f"has text under 12 px: {', '.join(small)}" if small else None


def _headings_in_order(page) -> str | None:
    sizes = page.evaluate(
        """() => {
          const size = (el) => parseFloat(getComputedStyle(el).fontSize);
          const h1 = document.querySelector('main h1');
          const h2 = [...document.querySelectorAll('main h2')].filter(el => el.checkVisibility()).map(size);
          return {h1: h1 ? size(h1) : null, h2: h2.length ? Math.max(...h2) : null};
        }"""
    )
    if sizes["h1"] is None:
        return "has no h1"
    if sizes["h2"] is not None and sizes["h1"] < sizes["h2"]:
        return f"its title (h1, {sizes['h1']} px) is smaller than a section heading (h2, {sizes['h2']} px)"
    return None


# Links to files, not pages: PDFs, CSV and Excel files, calendar feeds, attachments, chart images.
FILE_ROUTE = re.compile(
    r"(\.pdf|\.csv|\.ics|\.xlsx|\.<str:fmt>|/materiale/<int:attachment_id>/|/bilag/<int:attachment_id>/|/v<int:number>/)$"
)


def _check(page, base: str, url: str) -> list[str]:
    """Opens one page at the page's current width and lists what a person would find wrong."""
    try:
        response = page.goto(base + url)
    except PlaywrightError as error:
        if "Download is starting" in str(error):
            return []  # a file (the person's own data as JSON, say), not a page
        raise
    if response.status >= 400:
        return [f"{url}: answers {response.status}"] if response.status >= 500 else []
    _wait_for_charts(page)
    failures = []
    try:
        assert_page_usable(page, url)
    except AssertionError as error:
        failures.append(str(error))
    for problem in (_headings_in_order(page), _small_text(page)):
        if problem:
            failures.append(f"{url} {problem}")
    return failures


def _crawl(page, base: str, crawl: str, extra_start: list[str]) -> tuple[list[str], list[str]]:
    """Checks one page per route reached from the role's start pages, at 1280 and at 375 px.

    Returns the pages checked and the problems found.
    """
    email, start, only, skip = CRAWLS[crawl]
    me = Person(page, base)
    if email:
        me.login(email, DEMO_PASSWORD)
    seen_routes: set[str] = set()
    queue = [*start, *extra_start]
    checked, failures, queued = [], [], set(queue)
    while queue and len(checked) < MAX_PAGES:
        url = queue.pop(0)
        route = _route(url)
        if route is None or route in seen_routes or FILE_ROUTE.search(route):
            continue
        if (only and not any(word in route for word in only)) or any(word in route for word in skip):
            continue
        seen_routes.add(route)
        checked.append(url)
        for width in ("375", "1280"):  # the links below are read at 1280 px, where all are shown
            page.set_viewport_size(WIDTHS[width])
            failures += [f"{width} px: {failure}" for failure in _check(page, base, url)]
        if not page.url.startswith(base + url.split("?")[0]):
            continue  # redirected: the page it led to is reached by its own links
        cancel = page.get_by_role("link", name="Annullér")
        if cancel.count():
            target = cancel.first.get_attribute("href")
            status = page.request.get(base + target if target.startswith("/") else target).status
            if status != 200:
                failures.append(f"{url}: »Annullér« leads to {target}, which answers {status}")
        for link in _links(page):
            if link not in queued and _route(link) not in seen_routes:
                queued.add(link)
                queue.append(link)
    return checked, [f"[{crawl}] {failure}" for failure in failures]


@pytest.mark.parametrize(
    "crawls",
    [("formand-moeder",), ("formand-resten",), ("medlem",), ("gaest", "anonym", "formand-osterbro")],
    ids=["formand-moeder", "formand-resten", "medlem", "gaest-anonym-osterbro"],
)
def test_every_kind_of_page_works_at_1280_and_375_px(live_server, page, demo, crawls):
    from klynge.projects.models import IdeaRound

    # The idea wall is opened from a round's page only while the round is open: name it here.
    wall = IdeaRound.objects.filter(cluster__slug="osterbro").order_by("pk").first()
    extra = {"formand-osterbro": [f"/k/osterbro/projekter/runder/{wall.pk}/vaeg/"]}
    report, failures = [], []
    for crawl in crawls:
        started = time.monotonic()
        context = page.context.browser.new_context()
        try:
            checked, problems = _crawl(context.new_page(), live_server.url, crawl, extra.get(crawl, []))
        finally:
            context.close()
        report.append(f"{crawl}: {len(checked)} pages at two widths in {time.monotonic() - started:.0f} s")
        assert checked, f"{crawl} reached no page"
        failures += problems
    print("; ".join(report))
    assert not failures, f"{len(failures)} problems:\n" + "\n\n".join(failures)


def test_the_checks_see_a_control_that_cannot_be_used(live_server, page, small_world):
    """Control: the checks above fail on a page where a checkbox is drawn as it once was."""
    from tests.factories import PASSWORD

    page.set_viewport_size(WIDTHS["375"])
    me = Person(page, live_server.url)
    me.login(small_world.chair.email, PASSWORD)
    me.goto(f"/k/{small_world.cluster.slug}/indstillinger/")
    assert_page_usable(page)
    # The old markup: the design system's class on the wrapper around input and label.
    page.evaluate(
        """() => { const input = document.querySelector('input[type=checkbox]');
                   const group = input.closest('.form-group-checkbox');
                   group.className = 'form-checkbox'; input.className = ''; }"""
    )
    with pytest.raises(AssertionError, match="drawn invisible"):
        assert_controls_usable(page)
    page.reload()
    assert_page_usable(page)
    # A button squeezed to nothing, and one pushed past the right edge inside a clipping box.
    page.evaluate(
        """() => { const button = document.querySelector('main button[type=submit]');
                   Object.assign(button.style, {width: '0', height: '0', padding: '0', border: '0', overflow: 'hidden'}); }"""
    )
    with pytest.raises(AssertionError, match="has no size"):
        assert_controls_usable(page)
    page.reload()
    page.evaluate(
        """() => { const main = document.querySelector('main'); main.style.overflow = 'hidden';
                   const link = main.querySelector('a[href]'); link.style.position = 'relative'; link.style.left = '500px'; }"""
    )
    with pytest.raises(AssertionError, match="outside the page's width"):
        assert_controls_usable(page)
    page.reload()
    page.evaluate("() => { document.querySelector('main').style.minWidth = '600px'; }")
    with pytest.raises(AssertionError, match=re.escape("scrolls sideways")):
        assert_no_sideways_scroll(page)
