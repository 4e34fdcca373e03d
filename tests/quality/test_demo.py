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
        Measurement.objects.filter(practice_id__in=practice_ids, indicator__cluster=None)
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
    # The funnel tells a GP something: no DDD indicator flags every practice (issue 17), and the
    # over-dispersed antibiotic indicators are judged against the real spread between practices.
    everyone = selectors.Viewer(practice_id=None, open_data=True, national_only=False)
    for slug in ("gentofte", "osterbro"):
        cluster = Cluster.objects.get(slug=slug)
        for indicator in Indicator.objects.filter(cluster=None, kind="continuous"):
            shown = selectors.indicator_figures(
                cluster=cluster, indicator=indicator, viewer=everyone, with_series=False
            )
            points = [row.funnel for row in shown.rows if row.funnel is not None]
            assert len(points) >= 12
            assert sum(p.outside998 for p in points) < len(points) / 2, (slug, indicator.code)
        volume = selectors.indicator_figures(
            cluster=cluster,
            indicator=Indicator.objects.get(code="antibiotika-recepter"),
            viewer=everyone,
            with_series=False,
        )
        assert volume.funnel.adjustment == "additive" and volume.funnel.phi > 5


def test_demo_shows_suppression_on_the_clusters_own_rare_indicator(db, client):
    """A member of Klynge Gentofte sees some practices as "–" on the smoking-cessation referrals, and the
    cluster's figure without them."""
    from tests.factories import PASSWORD

    build_register()
    build_quality()
    gentofte = Cluster.objects.get(slug="gentofte")
    member = Person.objects.get(email="medlem@gentofte.demo")
    member.set_password(PASSWORD)
    member.save()
    indicator = Indicator.objects.get(cluster=gentofte, code="rygestop-henvisninger")
    figures = selectors.indicator_figures(
        cluster=gentofte, indicator=indicator, viewer=selectors.viewer_for(member, gentofte)
    )
    hidden = [f for f in figures.rows if f.hidden]
    shown = [f for f in figures.rows if not f.hidden]
    print(f"demo: {len(hidden)} of {len(figures.rows)} practices hidden on {indicator.code}")
    assert len(hidden) >= 1 and len(shown) >= 4
    assert figures.cluster.left_out == sum(f.suppressed for f in figures.rows) and not figures.cluster.hidden
    client.login(username=member.email, password=PASSWORD)
    page = client.get(f"/k/gentofte/data/indikator/{indicator.pk}/").content.decode()
    assert "praksis med små tal" in page and page.count("<td>–</td>") >= len(hidden)
