"""Mail: a crash re-sends at most the one message in flight; links in mails expire with a clear page
and a way to get a new one."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.urls import reverse
from django.utils import timezone

from klynge.core import services
from klynge.core.models import OutboxMessage, OutboxStatus
from klynge.meetings import services as meetings
from klynge.meetings.models import Invitation


class KilledAfterThirdMail(BaseException):
    """The worker process dying: not an error the outbox handles, it just stops."""


class DiesAfterThirdDelivery(EmailBackend):
    def send_messages(self, messages):
        sent = super().send_messages(messages)
        if len(mail.outbox) == 3:
            raise KilledAfterThirdMail
        return sent


@pytest.mark.django_db(transaction=True)
def test_a_crash_resends_at_most_the_mail_in_flight(settings):
    """Attack: up to 100 mails were sent in one transaction, so a crash after some were delivered
    sent them all again."""
    for n in range(5):
        services.outbox_enqueue(to=f"m{n}@example.dk", subject=f"Mail {n}", body="x")
    settings.EMAIL_BACKEND = "tests.core.test_mail_and_links.DiesAfterThirdDelivery"
    with pytest.raises(KilledAfterThirdMail):
        services.outbox_send_due()
    assert OutboxMessage.objects.filter(status=OutboxStatus.SENT).count() == 2
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # A new worker at once: the message in flight is leased and waits; the rest go out.
    assert services.outbox_send_due() == (2, 0)
    # When the lease is over, the one in flight is sent again: the only mail sent twice.
    later = timezone.now() + dt.timedelta(seconds=settings.OUTBOX_LEASE_SECONDS + 1)
    assert services.outbox_send_due(now=later) == (1, 0)
    recipients = [m.to[0] for m in mail.outbox]
    assert sorted(recipients) == sorted([f"m{n}@example.dk" for n in range(5)] + ["m2@example.dk"])
    assert OutboxMessage.objects.filter(status=OutboxStatus.SENT).count() == 5


@pytest.mark.django_db(transaction=True)
def test_two_workers_never_send_the_same_mail():
    for n in range(4):
        services.outbox_enqueue(to=f"w{n}@example.dk", subject="x", body="x")
    first = services.outbox_send_due(limit=2)
    second = services.outbox_send_due(limit=10)
    assert first == (2, 0) and second == (2, 0)
    assert len(mail.outbox) == 4 and len({m.to[0] for m in mail.outbox}) == 4


def _invitation(world, *, starts_in=dt.timedelta(days=20)):
    start = timezone.now() + starts_in
    meeting = meetings.meeting_create(
        cluster=world.cluster,
        kind="klyngemoede",
        title="Klyngemøde om antibiotika",
        venue_name="Lægehuset",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
    )
    meetings.meeting_invite_all(meeting=meeting, send_mail=False)
    return Invitation.objects.get(meeting=meeting, person=world.member)


@pytest.mark.django_db
def test_an_old_meeting_link_expires_with_a_page_that_sends_a_new_one(client, world, settings):
    """Attack: signed meeting links never expired."""
    invitation = _invitation(world)
    url = reverse("meetings:public_answer", kwargs={"token": meetings.answer_token(invitation)})
    assert client.get(url).status_code == 200  # control: a fresh link works
    settings.MEETING_LINK_MAX_AGE = -1  # as if the link were older than the limit
    response = client.get(url)
    page = response.content.decode()
    assert response.status_code == 410 and "Linket er udløbet" in page and "Send mig et nyt link" in page
    assert client.post(url, {"answer": "yes"}).status_code == 410
    assert Invitation.objects.get(pk=invitation.pk).answer != "yes"

    response = client.post(url, {"action": "nyt-link"})
    assert response.status_code == 410 and "Et nyt link er sendt" in response.content.decode()
    message = OutboxMessage.objects.get(to=world.member.email)
    new_path = re.search(r"https?://[^/\s]+(/\S*?svar/[^/\s?]+/)", message.body).group(1)
    settings.MEETING_LINK_MAX_AGE = 90 * 24 * 3600
    assert client.get(new_path).status_code == 200


@pytest.mark.django_db
def test_new_meeting_links_are_limited_per_address(client, world, settings):
    invitation = _invitation(world)
    url = reverse("meetings:public_answer", kwargs={"token": meetings.answer_token(invitation)})
    settings.MEETING_LINK_MAX_AGE = -1
    for _ in range(6):
        client.post(url, {"action": "nyt-link"})
    assert OutboxMessage.objects.filter(to=world.member.email).count() == 3


@pytest.mark.django_db
def test_a_link_to_a_meeting_that_is_over_says_so(client, world):
    invitation = _invitation(world)
    url = reverse("meetings:public_answer", kwargs={"token": meetings.answer_token(invitation)})
    invitation.meeting.starts_at = timezone.now() - dt.timedelta(days=2)
    invitation.meeting.ends_at = timezone.now() - dt.timedelta(days=2, hours=-2)
    invitation.meeting.save()
    response = client.get(url)
    assert response.status_code == 410 and "er holdt" in response.content.decode()
    client.post(url, {"action": "nyt-link"})
    assert not OutboxMessage.objects.filter(to=world.member.email).exists()


@pytest.mark.django_db
def test_a_forged_meeting_link_is_404(client, world):
    invitation = _invitation(world)
    token = meetings.answer_token(invitation)
    url = reverse("meetings:public_answer", kwargs={"token": token[:-2] + "xx"})
    assert client.get(url).status_code == 404


# Links people type --------------------------------------------------------------------------------

BAD_LINKS = [
    "javascript:alert(7)",
    "JavaScript:alert(7)",
    " javascript:alert(7)",
    "java\tscript:alert(7)",
    "data:text/html,<script>alert(7)</script>",
    "vbscript:msgbox(7)",
    "//evil.example/x",
    "/\\evil.example/x",
]
GOOD_LINKS = ["https://www.sst.dk/", "http://example.dk/a?b=c", "mailto:formand@example.dk", "/k/x/data/"]


@pytest.mark.django_db
def test_an_agenda_link_takes_only_web_and_mail_addresses_on_the_web_form(client, world):
    """Attack: an agenda item's link accepted javascript:alert(7) and rendered it as an href."""
    meeting = _invitation(world).meeting
    client.force_login(world.chair)
    url = f"/k/{world.cluster.slug}/moeder/{meeting.pk}/dagsorden/nyt/"
    for link in BAD_LINKS:
        response = client.post(url, {"title": "Punkt", "link_url": link, "link_label": "Klik"})
        assert response.status_code == 400, link
        assert "Et link skal begynde med https://" in response.content.decode()
    assert not meeting.agenda_items.filter(link_url__icontains="script").exists()
    assert not meeting.agenda_items.exclude(link_url="").exists()
    for link in GOOD_LINKS:
        assert client.post(url, {"title": f"Punkt {link}", "link_url": link}).status_code == 302, link
    page = client.get(f"/k/{world.cluster.slug}/moeder/{meeting.pk}/").content.decode()
    assert 'href="https://www.sst.dk/"' in page and "javascript:" not in page


@pytest.mark.django_db
def test_an_agenda_link_takes_only_web_and_mail_addresses_over_the_api(client, world):
    meeting = _invitation(world).meeting
    _, secret = services.api_token_create(person=world.chair, name="test")
    url = f"/api/v1/clusters/{world.cluster.slug}/meetings/{meeting.pk}/agenda"
    headers = {"Authorization": f"Bearer {secret}"}
    for link in BAD_LINKS:
        response = client.post(
            url, {"title": "Punkt", "link_url": link}, content_type="application/json", headers=headers
        )
        assert response.status_code == 400 and "https://" in response.json()["detail"], link
    response = client.post(
        url,
        {"title": "Punkt", "link_url": "https://www.sst.dk/"},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 201
    assert list(meeting.agenda_items.values_list("link_url", flat=True)) == ["https://www.sst.dk/"]
