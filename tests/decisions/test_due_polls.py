"""An online poll past its closing time: a page closes only what it shows, within its own cluster; the
daily `klynge sync-suspensions` closes the rest."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from klynge.decisions import services
from klynge.decisions.models import Poll, PollStatus
from tests.factories import PASSWORD

from .helpers import online_poll

pytestmark = pytest.mark.django_db


def due_poll(world, question):
    poll = services.poll_open(poll=online_poll(world, question=question))
    # Its closing time has passed (as if two days went by).
    Poll.objects.filter(pk=poll.pk).update(closes_at=timezone.now() - dt.timedelta(minutes=1))
    return poll


def status(poll):
    return Poll.objects.get(pk=poll.pk).status


def test_poll_page_closes_only_the_poll_it_shows(client, world, other_world):
    shown, other_here = due_poll(world, "Vises?"), due_poll(world, "Ikke vist?")
    elsewhere = due_poll(other_world, "I en anden klynge?")
    assert client.login(email=world.member.email, password=PASSWORD)
    page = client.get(reverse("decisions:poll_detail", args=[world.cluster.slug, shown.pk]))
    assert page.status_code == 200
    assert status(shown) == PollStatus.CLOSED
    assert status(other_here) == PollStatus.OPEN
    assert status(elsewhere) == PollStatus.OPEN


def test_poll_list_closes_its_own_clusters_due_polls_only(client, world, other_world):
    here = due_poll(world, "Her?")
    elsewhere = due_poll(other_world, "I en anden klynge?")
    assert client.login(email=world.member.email, password=PASSWORD)
    assert client.get(reverse("decisions:poll_list", args=[world.cluster.slug])).status_code == 200
    assert status(here) == PollStatus.CLOSED
    # Control: the other cluster's poll is due too, and the daily command does close it.
    assert status(elsewhere) == PollStatus.OPEN
    call_command("sync_suspensions")
    assert status(elsewhere) == PollStatus.CLOSED


def test_a_poll_not_yet_due_stays_open_when_viewed(client, world):
    poll = services.poll_open(poll=online_poll(world))
    assert client.login(email=world.member.email, password=PASSWORD)
    client.get(reverse("decisions:poll_detail", args=[world.cluster.slug, poll.pk]))
    client.get(reverse("decisions:poll_list", args=[world.cluster.slug]))
    assert status(poll) == PollStatus.OPEN
