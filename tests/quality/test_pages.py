"""Pages, exports, charts and API of own data: access, pseudonyms, suppression, tenancy."""

import io
import json
import re

import pytest
from openpyxl import load_workbook

from klynge.core.models import AuditEvent
from klynge.quality.models import Indicator
from klynge.quality.services import cluster_open_data_set, indicator_create, measurements_import
from tests.factories import PASSWORD, make_practice
from tests.rows import table_rows
from tests.tenancy import assert_routes_hidden, cluster_routes, fill

SUPPRESSED_VALUE_TEXTS = ["77,8", "77.8", "77.7", "0.777", "0,777"]


def _shows(secret: str, text: str) -> bool:
    """A ydernummer counts as shown standing alone, not as digits inside a decimal of a chart spec."""
    if secret.isdigit():
        return re.search(rf"(?<![\d.,]){secret}(?!\d)", text) is not None
    return secret in text


def test_the_ydernummer_matcher_sees_a_number_standing_alone_and_not_inside_a_decimal():
    assert _shows("123456", "Ydernummer 123456 ") and _shows("123456", '"provider": "123456"')
    assert _shows("123456", "<td>123456</td>") and _shows("Lille Lægehus", "om Lille Lægehus")
    assert not _shows("123456", "0.31234567") and not _shows("123456", '"y": 12,1234560')
    assert not _shows("123456", "1234567")


def login(client, person):
    assert client.login(username=person.email, password=PASSWORD)


@pytest.fixture
def data(world, catalogue, tmp_path):
    """Four practices with penicillin V shares; "Lille Lægehus" has 7 of 9 (a denominator of 10 or less)."""
    small = make_practice(world.cluster, "Lille Lægehus")
    fourth = make_practice(world.cluster, "Fjerde Lægehus")
    rows = [
        (world.practice.provider_number, 300, 1000),
        (world.other_practice.provider_number, 250, 900),
        (small.provider_number, 7, 9),
        (fourth.provider_number, 400, 1000),
    ]
    lines = ["ydernummer;indikator;periode;tæller;nævner"]
    for yd, num, den in rows:
        lines.append(f"{yd};penicillin-v-andel;2025-06;{num};{den}")
        lines.append(f"{yd};attester;2025-06;{num // 10};{den * 3}")
    path = tmp_path / "data.csv"
    path.write_text("\n".join(lines) + "\n")
    result = measurements_import(path=path, cluster=world.cluster)
    assert result.ok, result.errors
    world.small, world.fourth = small, fourth
    world.penv = Indicator.objects.get(code="penicillin-v-andel")
    return world


def outputs(client, world):
    """Everything a member can get about the indicator: HTML, API JSON, CSV, XLSX text, chart specs."""
    slug, ind = world.cluster.slug, world.penv.pk
    base = f"/k/{slug}/data/indikator/{ind}/"
    html = client.get(base).content.decode()
    own = client.get(f"/k/{slug}/data/").content.decode()
    # The front-page section (the rest of the front page is the register, where members see the board).
    home = client.get(f"/k/{slug}/").content.decode()
    start = home.find('<section aria-labelledby="egne-data-overskrift">')
    if start >= 0:
        own += home[start : home.index("</section>", start)]
    # Decoded and dumped again without \u escapes, so that a leaked "æ" would show up as itself.
    api = json.dumps(
        client.get(f"/api/v1/clusters/{slug}/indicators/{ind}/measurements").json(), ensure_ascii=False
    )
    csv_text = client.get(base + "eksport.csv").content.decode("utf-8-sig")
    book = load_workbook(io.BytesIO(client.get(base + "eksport.xlsx").content))
    xlsx_text = " ".join(str(c.value) for row in book.active.iter_rows() for c in row if c.value is not None)
    specs = " ".join(
        json.dumps(json.loads(client.get(base + f"graf/{name}.json").content or b"null"), ensure_ascii=False)
        for name in ("soejler", "tragt", "seriediagram")
        if client.get(base + f"graf/{name}.json").status_code == 200
    )
    specs += html.split("spec-", 1)[-1] if "spec-" in html else ""
    return {"html": html, "own": own, "api": api, "csv": csv_text, "xlsx": xlsx_text, "specs": specs}


def test_member_never_sees_other_practices_names_numbers_or_suppressed_values(client, data):
    world = data
    login(client, world.member)
    out = outputs(client, world)
    secrets = [
        world.practice.name,
        world.practice.provider_number,
        world.small.name,
        world.small.provider_number,
        world.fourth.name,
        world.fourth.provider_number,
    ]
    for where, text in out.items():
        for secret in secrets + SUPPRESSED_VALUE_TEXTS:
            assert not _shows(secret, text), f"{secret!r} leaked in {where}"
    # The member's own practice is named; others appear under stable pseudonyms.
    assert world.other_practice.name in out["html"]
    assert 'id="egne-data-overskrift"' in out["own"]
    rows = json.loads(out["api"])["practices"]
    labels = [r["label"] for r in rows if not r["is_own"]]
    assert len(labels) == 3 and all(re.fullmatch(r"Praksis [A-Z]", label) for label in labels)
    assert all(label in out["html"] and label in out["csv"] for label in labels)
    hidden = [r for r in rows if r["suppressed"]]
    # Only the small practice: it is left out of the cluster's figure, so nothing else needs hiding.
    assert len(hidden) == 1
    assert all(r["numerator"] is None and r["value"] is None and r["denominator"] is None for r in hidden)
    assert "uden 1 praksis med små tal" in out["html"]
    # Beside a pseudonym only the value as the page shows it; counts only for the member's own practice.
    others = [r for r in rows if not r["is_own"] and not r["suppressed"]]
    assert all(r["numerator"] is None and r["denominator"] is None for r in others)
    assert sorted(r["value"] for r in others) == [30.0, 40.0]
    own = next(r for r in rows if r["is_own"])
    assert own["label"] == world.other_practice.name and own["numerator"] == 250


def test_open_data_decision_names_everyone(client, data):
    world = data
    cluster_open_data_set(
        cluster=world.cluster, open_data=True, reason="Generalforsamlingen 2025, punkt 6", by=world.chair
    )
    login(client, world.member)
    out = outputs(client, world)
    assert (
        world.practice.name in out["html"]
        and world.small.name in out["api"]
        and world.fourth.name in out["specs"]
    )
    # Open data opens names, not patients' numbers: 7 of 9 stays hidden.
    for where, text in out.items():
        for secret in SUPPRESSED_VALUE_TEXTS:
            assert secret not in text, f"{secret!r} shown in {where} under open data"
    world.cluster.refresh_from_db()
    assert "punkt 6" in world.cluster.open_data_reason and world.chair.name in world.cluster.open_data_reason


def test_pseudonyms_are_the_same_for_every_member(client, data):
    world = data
    login(client, world.member)
    first = json.loads(
        client.get(f"/api/v1/clusters/{world.cluster.slug}/indicators/{world.penv.pk}/measurements").content
    )
    login(client, world.chair)
    second = json.loads(
        client.get(f"/api/v1/clusters/{world.cluster.slug}/indicators/{world.penv.pk}/measurements").content
    )
    labels_member = {r["label"] for r in first["practices"]}
    labels_chair = {r["label"] for r in second["practices"]}
    # The two practices neither of them belongs to have the same pseudonyms for both; each sees its own
    # practice by name, and the other one's under its pseudonym.
    shared = labels_member & labels_chair
    assert len(shared) == 2 and all(label.startswith("Praksis ") for label in shared)
    assert world.practice.name in labels_chair and world.practice.name not in labels_member
    assert world.other_practice.name in labels_member and world.other_practice.name not in labels_chair
    login(client, world.member)
    again = json.loads(
        client.get(f"/api/v1/clusters/{world.cluster.slug}/indicators/{world.penv.pk}/measurements").content
    )
    assert again["practices"] == first["practices"]


def test_own_data_page_shows_own_cluster_country_and_target(client, data, tmp_path):
    world = data
    ref = tmp_path / "ref.csv"
    ref.write_text(
        "ydernummer;indikator;periode;tæller;nævner\nhele landet;penicillin-v-andel;2025-06;30000;100000\n"
    )
    assert measurements_import(path=ref, national=True).ok
    login(client, world.member)
    html = client.get(f"/k/{world.cluster.slug}/data/").content.decode()
    assert "Andel penicillin V" in html
    assert "27,8 %" in html  # own 250/900
    assert "32,8 %" in html  # cluster 950/2900, without the practice with 7 of 9
    assert "30,0 %" in html  # country
    assert "mindst 36,0 %" in html and "Målet er ikke nået" in html


def test_staff_see_national_figures_only(client, data, django_user_model):
    world = data
    staff = django_user_model.objects.create_user("staff@example.dk", PASSWORD, name="Stab", is_staff=True)
    login(client, staff)
    out = outputs(client, world)
    for where in ("html", "api", "csv", "xlsx", "specs"):
        assert "Praksis A" not in out[where] and world.other_practice.name not in out[where], where
    assert json.loads(out["api"])["practices"] == []


def test_guest_and_other_cluster_get_404(client, data, other_world):
    world = data
    login(client, world.guest)
    assert client.get(f"/k/{world.cluster.slug}/data/").status_code == 404
    login(client, other_world.member)
    assert client.get(f"/k/{world.cluster.slug}/data/indikator/{world.penv.pk}/").status_code == 404
    assert client.get(f"/api/v1/clusters/{world.cluster.slug}/indicators").status_code == 404
    assert (
        client.get(
            f"/api/v1/clusters/{world.cluster.slug}/indicators/{world.penv.pk}/measurements"
        ).status_code
        == 404
    )
    assert client.get(f"/api/v1/clusters/{world.cluster.slug}/imports").status_code == 404


def test_tenancy_of_every_route(client, world, other_world, catalogue):
    mine = indicator_create(cluster=world.cluster, by=world.chair, name_da="Sårbehandling i praksis")
    theirs = indicator_create(cluster=other_world.cluster, by=other_world.chair, name_da="Deres indikator")
    login(client, world.chair)
    assert client.get(f"/k/{world.cluster.slug}/data/indikator/{mine.pk}/").status_code == 200
    assert_routes_hidden(
        client, namespace="quality", slug=other_world.cluster.slug, ids={"indicator_id": theirs.pk}
    )
    # My own slug with their ids: every route that takes an id (the routes without one rightly answer 200).
    routes = [(r, n) for r, n in cluster_routes("quality") if "_id>" in r]
    assert len(routes) >= 4
    for route, name in routes:
        target = fill(route, world.cluster.slug, {"indicator_id": theirs.pk})
        assert client.get(target).status_code == 404, f"GET {target} ({name})"
        assert client.post(target, {"name": "x"}).status_code == 404, f"POST {target} ({name})"
    assert (
        client.get(
            f"/api/v1/clusters/{other_world.cluster.slug}/indicators/{theirs.pk}/measurements"
        ).status_code
        == 404
    )
    assert (
        client.get(f"/api/v1/clusters/{world.cluster.slug}/indicators/{theirs.pk}/measurements").status_code
        == 404
    )
    assert client.post(f"/api/v1/clusters/{other_world.cluster.slug}/imports").status_code == 404


def test_board_uploads_file_with_error_report_then_valid_file(client, world, catalogue):
    login(client, world.chair)
    url = f"/k/{world.cluster.slug}/data/import/"
    yd = world.practice.provider_number
    bad = io.BytesIO(
        f"ydernummer;indikator;periode;tæller;nævner\n{yd};attester;2025-01;5;2000\n{yd};ukendt;2025-02;5;2000\n".encode(
            "cp1252"
        )
    )
    bad.name = "fejl.csv"
    response = client.post(url, {"kind": "measurements", "file": bad})
    assert response.status_code == 400, response.content.decode()[-3000:]
    assert "Linje 3" in response.content.decode() and "Ukendt indikator »ukendt«" in response.content.decode()
    good = io.BytesIO(f"ydernummer;indikator;periode;tæller;nævner\n{yd};attester;2025-01;5;2000\n".encode())
    good.name = "god.csv"
    response = client.post(url, {"kind": "measurements", "file": good})
    assert response.status_code == 200 and "1 ny værdi," in response.content.decode()
    assert "god.csv" in response.content.decode()
    login(client, world.member)
    assert client.get(url).status_code == 403


def test_api_import_and_logs(client, world, catalogue):
    login(client, world.chair)
    yd = world.practice.provider_number
    f = io.BytesIO(f"ydernummer;indikator;periode;tæller;nævner\n{yd};attester;2025-01;5;2000\n".encode())
    f.name = "api.csv"
    response = client.post(
        f"/api/v1/clusters/{world.cluster.slug}/imports", {"kind": "measurements", "file": f}
    )
    assert response.status_code == 201, response.content
    f.seek(0)
    again = client.post(f"/api/v1/clusters/{world.cluster.slug}/imports", {"kind": "measurements", "file": f})
    assert again.status_code == 200 and again.json()["created"] == 0
    logs = client.get(f"/api/v1/clusters/{world.cluster.slug}/imports").json()
    assert [log["file_name"] for log in logs] == ["api.csv"]
    indicators = client.get(f"/api/v1/clusters/{world.cluster.slug}/indicators").json()
    assert any(i["code"] == "penicillin-v-andel" and i["target"] == 36 for i in indicators)


def test_board_defines_indicator_and_member_enters_counts(client, world, catalogue):
    login(client, world.chair)
    response = client.post(
        f"/k/{world.cluster.slug}/data/indikatorer/ny/",
        {
            "name_da": "Hjemmebesøg",
            "unit": "per_1000_year",
            "numerator_label": "Antal hjemmebesøg",
            "denominator_label": "Tilmeldte patienter",
            "direction": "neither",
            "why": "",
            "target": "",
        },
    )
    assert response.status_code == 302
    indicator = Indicator.objects.get(cluster=world.cluster, code="hjemmebesoeg")
    login(client, world.member)
    url = f"/k/{world.cluster.slug}/data/indikator/{indicator.pk}/indtast/"
    bad = client.post(url, {"period": "2025-14", "numerator": "3", "denominator": "2000"})
    assert bad.status_code == 400 and "2024-Q1" in bad.content.decode()
    ok = client.post(url, {"period": "2025-Q1", "numerator": "30", "denominator": "2000"})
    assert ok.status_code == 302
    page = client.get(f"/k/{world.cluster.slug}/data/indikator/{indicator.pk}/").content.decode()
    assert world.other_practice.name in page and "60,0" in page  # 30 / (2000 × ¼ year) × 1000


def test_an_own_indicator_in_ddd_is_refused_on_the_page_as_over_the_api(client, world, catalogue):
    """Attack: a hand-made form posts a unit the page does not offer (DDD are read from the prescription
    data, never counted by a member). The page refuses with the API's message and creates nothing."""
    login(client, world.chair)
    url = f"/k/{world.cluster.slug}/data/indikatorer/ny/"
    assert 'value="ddd_per_1000_day"' not in client.get(url).content.decode()
    fields = {"name_da": "Sovemidler", "numerator_label": "DDD", "direction": "low", "why": "", "target": ""}
    message = "Vælg procent, pr. 1.000 tilmeldte pr. år eller antal."
    before = table_rows(Indicator, AuditEvent)
    for unit in ("ddd_per_1000_day", "furlongs"):
        refused = client.post(url, {**fields, "unit": unit})
        assert refused.status_code == 400
        assert refused.context["form"].errors == {"unit": [message]}
        assert message in refused.content.decode()
    assert table_rows(Indicator, AuditEvent) == before
    # Control: the same form with a unit a member can count creates the indicator.
    assert client.post(url, {**fields, "unit": "count"}).status_code == 302
    assert Indicator.objects.get(cluster=world.cluster, code="sovemidler").unit == "count"


def test_open_data_setting_needs_a_reason(client, world, catalogue):
    login(client, world.chair)
    url = f"/k/{world.cluster.slug}/data/aabne-data/"
    assert client.post(url, {"open_data": "on", "reason": ""}).status_code == 400
    assert client.post(url, {"open_data": "on", "reason": "Klyngemøde 3/3 2025"}).status_code == 302
    world.cluster.refresh_from_db()
    assert world.cluster.open_data


def test_svg_download(client, data):
    world = data
    login(client, world.member)
    response = client.get(f"/k/{world.cluster.slug}/data/indikator/{world.penv.pk}/graf/soejler.svg")
    assert response.status_code == 200 and response.content.startswith(b"<svg")
    assert world.practice.name.encode() not in response.content
    page = client.get(f"/k/{world.cluster.slug}/data/indikator/{world.penv.pk}/").content.decode()
    assert "Søjlediagram som SVG</a>" in page and "soejler som SVG" not in page


def test_a_meeting_shares_a_data_view_with_its_guests_only(client, data):
    """Linking an indicator from a meeting's agenda shares it with that meeting's guests, pseudonymised."""
    import datetime as dt

    from django.utils import timezone

    from klynge.meetings import services as meetings

    world = data
    meeting = meetings.meeting_create(
        cluster=world.cluster,
        kind="klyngemoede",
        title="Antibiotika",
        venue_name="Lægehuset",
        starts_at=timezone.now() + dt.timedelta(days=3),
        ends_at=timezone.now() + dt.timedelta(days=3, hours=2),
    )
    meetings.guest_add(meeting=meeting, name="Gæst Gunnar", email=world.guest.email, role="kommune")
    url = f"/k/{world.cluster.slug}/data/indikator/{world.penv.pk}/"
    login(client, world.guest)
    assert client.get(url).status_code == 404
    meetings.agenda_item_create(meeting=meeting, title="Vores data", link_url=url, link_label="Penicillin V")
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    for practice in (world.practice, world.other_practice, world.small, world.fourth):
        assert practice.name not in html and not _shows(practice.provider_number, html)
    assert "77,8" not in html
    cluster_open_data_set(cluster=world.cluster, open_data=True, reason="Besluttet", by=world.chair)
    html = client.get(url).content.decode()
    assert world.practice.name not in html and world.other_practice.name not in html
    other = Indicator.objects.exclude(pk=world.penv.pk).first()
    assert client.get(f"/k/{world.cluster.slug}/data/indikator/{other.pk}/").status_code == 404
    assert client.get(f"/k/{world.cluster.slug}/data/").status_code == 404
