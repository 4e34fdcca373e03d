"""Pages that use htmx keep the Content-Security-Policy: the browser refuses nothing on them.

htmx inserts an inline <style> for its request indicators unless told not to; under `style-src 'self'`
Chromium refuses it and reports a violation. The control shows the test sees such a refusal."""

import pytest

from klynge.meetings.models import MeetingKind
from tests.e2e.person import Person
from tests.factories import PASSWORD, ClusterWorld
from tests.meetings.conftest import at, make_meeting


@pytest.fixture
def world(transactional_db):
    return ClusterWorld("Klynge CSP")


def refusals(page) -> list[str]:
    seen: list[str] = []
    page.on(
        "console",
        lambda message: seen.append(message.text) if "Content Security Policy" in message.text else None,
    )
    return seen


# One size: the policy is a response header and what the browser refuses under it, the same at
# every width; the pages' layout at 1280 and 375 px is checked by the other browser tests.
def test_the_agenda_with_htmx_keeps_the_policy(live_server, page, world):
    meeting = make_meeting(world.cluster, kind=MeetingKind.GENERAL_ASSEMBLY, start=at(2030, 3, 14))
    seen = refusals(page)
    chair = Person(page, live_server.url)
    chair.login(world.chair.email, PASSWORD)
    chair.goto(f"/k/{world.cluster.slug}/moeder/{meeting.pk}/")
    assert page.evaluate("typeof htmx") == "object"
    page.wait_for_load_state("networkidle")
    assert seen == []

    # Control: an inline style like the one htmx would insert is refused and seen by the test.
    page.evaluate("document.head.appendChild(document.createElement('style')).textContent = '.x{}'")
    page.wait_for_timeout(200)
    assert any("style-src" in text for text in seen)
