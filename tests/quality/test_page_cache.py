"""Attacks on the shared cache of the data pages (klynge.quality.cache).

Promises: a change of the data shows on the very next page view, whichever write made it (an import, an
entered count, open data, a practice joining, leaving or being put on hold); and a cached result is never
handed to a viewer it was not computed for (another practice, a guest, staff, another cluster), so the
privacy rules hold for cached pages too. Pseudonyms are drawn when a practice joins, never on a page view.

The controls show the cache is really in play: a figure changed behind the services' back (a raw UPDATE
that bumps no data version) is not seen, so a test that sees a change after a service's write saw the
version at work, not a page computed afresh anyway.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from klynge.core import services as core_services
from klynge.core.models import MembershipStatus
from klynge.quality.models import Indicator, Measurement, Pseudonym
from klynge.quality.services import (
    cluster_open_data_set,
    indicator_create,
    measurement_enter,
    measurements_import,
)
from tests.factories import PASSWORD, make_person, make_practice

SHARE = "penicillin-v-andel"


def login(client, person):
    client.logout()
    assert client.login(username=person.email, password=PASSWORD)


def put(world, tmp_path, rows, name="data.csv", period="2025-06"):
    """rows: {practice: (numerator, denominator)} for the penicillin V share in one month."""
    lines = ["ydernummer;indikator;periode;tæller;nævner"]
    lines += [f"{p.provider_number};{SHARE};{period};{n};{d}" for p, (n, d) in rows.items()]
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n")
    result = measurements_import(path=path, cluster=world.cluster)
    assert result.ok, result.errors


@pytest.fixture
def scene(world, catalogue, tmp_path):
    """Four practices; "Lille Lægehus" has 7 of 9 (hidden from everyone but itself)."""
    world.small = make_practice(world.cluster, "Lille Lægehus")
    world.fourth = make_practice(world.cluster, "Fjerde Lægehus")
    world.small_member = make_person(world.cluster, practice=world.small, name="Lille Lis")
    world.rows = {
        world.practice: (300, 1000),
        world.other_practice: (250, 900),
        world.small: (7, 9),
        world.fourth: (400, 1000),
    }
    put(world, tmp_path, world.rows)
    world.penv = Indicator.objects.get(code=SHARE)
    return world


def pages(client, world) -> dict[str, str]:
    slug = world.cluster.slug
    home = client.get(f"/k/{slug}/").content.decode()
    start = home.find('<section aria-labelledby="egne-data-overskrift">')
    return {
        "front": home[start : home.index("</section>", start)] if start >= 0 else "",
        "own": client.get(f"/k/{slug}/data/").content.decode(),
        "indicator": client.get(f"/k/{slug}/data/indikator/{world.penv.pk}/").content.decode(),
        "spec": client.get(f"/k/{slug}/data/indikator/{world.penv.pk}/graf/soejler.json").content.decode(),
    }


def sneak(world, practice, numerator):
    """A figure changed behind the services' back: no data version changes."""
    Measurement.objects.filter(indicator=world.penv, scope=f"p{practice.pk}").update(numerator=numerator)


def test_control_a_change_behind_the_services_back_is_not_seen(client, scene):
    login(client, scene.chair)
    before = pages(client, scene)
    assert "30,0 %" in before["own"] and "30,0 %" in before["front"]
    sneak(scene, scene.practice, 500)  # 50,0 % if the page were computed afresh
    after = pages(client, scene)
    for name in ("front", "own", "indicator"):
        assert "50,0 %" not in after[name], name


def test_an_import_shows_on_the_very_next_view(client, scene, tmp_path):
    login(client, scene.chair)
    pages(client, scene)
    put(scene, tmp_path, {scene.practice: (510, 1000)}, name="again.csv")
    after = pages(client, scene)
    for name in ("front", "own", "indicator"):
        assert "51,0 %" in after[name], name
    assert '"værdi": 51.0' in after["spec"].replace('"v\\u00e6rdi"', '"værdi"') or "51.0" in after["spec"]


def test_an_entered_count_shows_on_the_very_next_view(client, scene):
    visits = indicator_create(
        cluster=scene.cluster,
        by=scene.chair,
        name_da="Hjemmebesøg",
        unit="per_1000_year",
        numerator_label="Antal hjemmebesøg",
        denominator_label="Tilmeldte patienter",
        direction="neither",
        why="",
        target=None,
    )
    url = f"/k/{scene.cluster.slug}/data/indikator/{visits.pk}/"
    for numerator, shown in ((30, "60,0"), (45, "90,0")):  # per 2,000 patients in a quarter
        measurement_enter(
            indicator=visits,
            practice=scene.practice,
            period="2025-Q1",
            numerator=numerator,
            denominator=2000,
            by=None,
        )
        login(client, scene.chair)
        assert shown in client.get(url).content.decode()


def test_open_data_shows_names_on_the_very_next_view(client, scene):
    login(client, scene.member)
    assert "Fjerde Lægehus" not in pages(client, scene)["indicator"]
    cluster_open_data_set(cluster=scene.cluster, open_data=True, reason="Generalforsamlingen 2025", by=None)
    assert "Fjerde Lægehus" in pages(client, scene)["indicator"]
    cluster_open_data_set(cluster=scene.cluster, open_data=False, reason="Ny beslutning", by=None)
    assert "Fjerde Lægehus" not in pages(client, scene)["indicator"]


def cluster_figure(html: str) -> str:
    return re.search(r"klyngen ([\d,]+ %|–)", html).group(1)


def test_membership_changes_show_on_the_very_next_view(client, scene, tmp_path):
    login(client, scene.chair)
    # The cluster: (300 + 250 + 400) / 2900, the small practice left out.
    assert cluster_figure(pages(client, scene)["front"]) == "32,8 %"
    membership = scene.cluster.memberships.get(practice=scene.fourth)
    core_services.membership_set_status(
        membership=membership, status=MembershipStatus.LEFT, starts_on=dt.date.today() - dt.timedelta(days=1)
    )
    assert cluster_figure(pages(client, scene)["front"]) == "28,9 %"  # (300 + 250) / 1900
    newcomer = make_practice(scene.cluster, "Nye Lægehus")
    put(scene, tmp_path, {newcomer: (100, 1000)}, name="new.csv")
    assert cluster_figure(pages(client, scene)["front"]) == "22,4 %"  # (300 + 250 + 100) / 2900


def test_another_practice_never_gets_a_cached_page(client, scene):
    """The chair's practice warms every page; a member of another practice, the small practice, a guest of
    a meeting-less cluster and staff then ask for the same pages under the same data version."""
    login(client, scene.chair)
    chair = pages(client, scene)
    assert scene.practice.name in chair["indicator"] and "30,0 %" in chair["own"]
    login(client, scene.member)
    member = pages(client, scene)
    assert scene.practice.name not in member["indicator"] + member["own"] + member["spec"]
    assert scene.other_practice.name in member["indicator"] and "27,8 %" in member["own"]
    # The small practice sees its own 77,8 %; no one else does, before or after it looked.
    login(client, scene.small_member)
    assert "77,8 %" in pages(client, scene)["own"]
    for person in (scene.chair, scene.member):
        login(client, person)
        seen = pages(client, scene)
        assert "77,8" not in " ".join(seen.values())
        assert scene.small.name not in seen["indicator"]
    login(client, scene.guest)
    assert client.get(f"/k/{scene.cluster.slug}/data/indikator/{scene.penv.pk}/").status_code == 404


def test_another_cluster_never_gets_a_cached_page(client, scene, other_world, tmp_path):
    login(client, scene.chair)
    pages(client, scene)
    other_fourth = make_practice(other_world.cluster, "Sydens Lægehus")
    put(other_world, tmp_path, {other_world.practice: (90, 1000), other_fourth: (110, 1000)}, name="syd.csv")
    login(client, other_world.chair)
    own = client.get(f"/k/{other_world.cluster.slug}/data/").content.decode()
    assert "9,0 %" in own and "30,0 %" not in own
    for practice in (scene.small, scene.fourth):  # the two worlds' first practices share their names
        assert practice.name not in own
    # And the first cluster's pages stay out of reach.
    assert client.get(f"/k/{scene.cluster.slug}/data/").status_code == 404


def test_staff_with_national_figures_only_never_get_a_cluster_page(client, scene, django_user_model):
    login(client, scene.chair)
    # Control: the cluster's figure and the practice's name are on the page the chair's visit cached.
    assert "30,0 %" in pages(client, scene)["indicator"]
    staff = django_user_model.objects.create_user(
        email="kiap@example.dk", name="KIAP", password=PASSWORD, is_staff=True
    )
    client.logout()
    client.force_login(staff)
    response = client.get(f"/k/{scene.cluster.slug}/data/indikator/{scene.penv.pk}/")
    assert response.status_code == 200  # the indicator with its national figures
    html = response.content.decode()
    assert "30,0 %" not in html and scene.practice.name not in html


def test_pseudonyms_are_drawn_when_a_practice_joins_not_on_a_page_view(client, scene):
    joined = Pseudonym.objects.filter(cluster=scene.cluster, practice=scene.fourth)
    assert joined.exists()
    login(client, scene.member)
    count = Pseudonym.objects.count()
    with CaptureQueriesContext(connection) as queries:
        pages(client, scene)
    assert Pseudonym.objects.count() == count
    writes = [q["sql"] for q in queries if "quality_pseudonym" in q["sql"] and "INSERT" in q["sql"].upper()]
    assert writes == []
    # Control: the capture sees the insert a joining practice's pseudonym makes.
    with CaptureQueriesContext(connection) as queries:
        make_practice(scene.cluster, "Endnu en praksis")
    assert any("quality_pseudonym" in q["sql"] and "INSERT" in q["sql"].upper() for q in queries)
