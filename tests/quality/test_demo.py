"""The demo step: five years of monthly data for both demo clusters, with a real shift in one practice."""

from klynge.core.models import Cluster, Person
from klynge.demo.quality import build_quality
from klynge.demo.register import build_register
from klynge.quality import selectors
from klynge.quality.models import Indicator, Measurement


def test_demo_builds_every_indicator_with_a_shift(db):
    build_register()
    build_quality()
    gentofte = Cluster.objects.get(slug="gentofte")
    chair = Person.objects.get(email="formand@gentofte.demo")
    codes = set(Indicator.objects.filter(cluster=None).values_list("code", flat=True))
    practice_ids = list(gentofte.memberships.values_list("practice_id", flat=True))
    present = set(
        Measurement.objects.filter(practice_id__in=practice_ids)
        .values_list("indicator__code", flat=True)
        .distinct()
    )
    assert present == codes
    months = Measurement.objects.filter(
        practice=chair.practice, indicator__code="penicillin-v-andel", granularity="month"
    ).count()
    assert months == 60
    assert Measurement.objects.filter(level="national", indicator__code="antibiotika-recepter").count() == 60
    viewer = selectors.viewer_for(chair, gentofte)
    figures = selectors.indicator_figures(
        cluster=gentofte, indicator=Indicator.objects.get(code="penicillin-v-andel"), viewer=viewer
    )
    assert figures.run.signal and "reel ændring" in figures.run_text
    assert (
        Cluster.objects.get(slug="osterbro").memberships.filter(practice__measurements__isnull=False).exists()
    )
