"""The national data set at a tiny scale: the rules of the services hold."""

import io

import pytest
from django.core.management import call_command
from django.db.models import Count

from klynge.core.models import Cluster, Practice, Role, RoleAssignment, Title
from klynge.decisions.models import Ballot, BallotCount, Poll, PollStatus
from klynge.demo import national
from klynge.projects.models import Idea, IdeaRound, Project, ProjectStatus, RotationPlan
from klynge.quality.models import Measurement
from klynge.surveys.models import Response, Survey


def test_cluster_sizes_are_realistic():
    import random

    sizes = national.cluster_sizes(random.Random(7))
    assert len(sizes) == 116
    assert all(10 <= s <= 73 for s in sizes)
    assert 3000 <= sum(sizes) <= 4000


@pytest.mark.django_db(transaction=True)
def test_generate_national_tiny():
    out = io.StringIO()
    call_command("generate_national", seed=3, clusters=3, years_data=1, years_meetings=2, stdout=out)
    report = out.getvalue()
    for part in ("register", "meetings", "polls", "projects", "questionnaires", "monthly data", "total"):
        assert part in report
    clusters = Cluster.objects.filter(slug__startswith="national-")
    assert clusters.count() == 3
    for cluster in clusters:
        gps = RoleAssignment.objects.filter(cluster=cluster, role=Role.MEMBER, person__title=Title.GP).count()
        assert 10 <= gps <= 73
        assert RoleAssignment.objects.filter(cluster=cluster, role=Role.CHAIR).count() == 1
        assert IdeaRound.objects.filter(cluster=cluster).count() == 1
        assert Project.objects.filter(cluster=cluster).count() == 3
        assert Project.objects.filter(cluster=cluster, status=ProjectStatus.PLANNED).count() == 2
        assert RotationPlan.objects.filter(cluster=cluster).exclude(published_at=None).exists()
        assert Survey.objects.filter(cluster=cluster).count() == 2
    assert Idea.objects.exists()
    secret = Poll.objects.filter(secret=True, status=PollStatus.CLOSED)
    assert secret.exists()
    # Secret votes are counted, never kept as ballots.
    assert BallotCount.objects.filter(poll__in=secret, votes__gt=0).exists()
    assert not Ballot.objects.filter(poll__in=secret).exists()
    assert Poll.objects.filter(status=PollStatus.OPEN).count() == 3
    assert not Response.objects.filter(survey__anonymous=True, person__isnull=False).exists()
    practices = Practice.objects.filter(memberships__cluster__in=clusters)
    with_data = practices.annotate(n=Count("measurements")).filter(n__gt=0)
    assert with_data.count() == practices.count() > 0
    assert Measurement.objects.values("period_start").distinct().count() >= 12

    again = io.StringIO()
    with pytest.raises(Exception, match="already loaded"):
        call_command("generate_national", seed=3, clusters=3, stdout=again)
