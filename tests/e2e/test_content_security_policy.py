"""Pages that use htmx keep the Content-Security-Policy: the browser refuses nothing on them.

htmx inserts an inline <style> for its request indicators unless told not to; under `style-src 'self'`
Chromium refuses it and reports a violation. The control shows the test sees such a refusal."""

import pytest

from klynge.meetings.models import MeetingKind
from tests.e2e.test_meetings_retreat_flow import login
from tests.factories import ClusterWorld
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


def test_the_agenda_with_htmx_keeps_the_policy(live_server, page, world):
    meeting = make_meeting(world.cluster, kind=MeetingKind.GENERAL_ASSEMBLY, start=at(2030, 3, 14))
    seen = refusals(page)
    login(page, live_server.url, world.chair.email)
    page.goto(f"{live_server.url}/k/{world.cluster.slug}/moeder/{meeting.pk}/")
    assert page.evaluate("typeof htmx") == "object"
    page.wait_for_load_state("networkidle")
    assert seen == []

    # Control: an inline style like the one htmx would insert is refused and seen by the test.
    page.evaluate("document.head.appendChild(document.createElement('style')).textContent = '.x{}'")
    page.wait_for_timeout(200)
    assert any("style-src" in text for text in seen)
