"""The funnel method per kind of indicator, over-dispersion and seasonal run charts, as a member sees
them on the pages and over the API."""

import datetime as dt
import json
import math
import re

import pytest

from klynge.quality import stats
from klynge.quality.models import Indicator
from klynge.quality.services import measurements_import
from tests.factories import PASSWORD, make_practice

PATIENTS = [2300, 3100, 2500, 3500, 2800, 1700, 3300, 2900, 2400, 4100, 2600, 3000]
# Antibiotic prescriptions in a year: real differences of about 15 % between the practices.
RX = [1100, 1480, 940, 1830, 1210, 760, 1650, 1320, 990, 2100, 1270, 1405]
# Statins: each practice's DDD per patient-day relative to 0.12; real differences, as in any cluster.
STATIN_LEVEL = [1.0, 1.12, 0.85, 1.25, 0.95, 0.78, 1.18, 1.05, 0.9, 1.3, 0.98, 1.1]


def login(client, person):
    assert client.login(username=person.email, password=PASSWORD)


@pytest.fixture
def practices(world, catalogue):
    """Twelve practices in the cluster; the chair's practice first."""
    world.practices = [world.practice, world.other_practice] + [
        make_practice(world.cluster, f"Lægehus {i}") for i in range(10)
    ]
    return world


def import_rows(world, tmp_path, rows, name="data.csv"):
    lines = ["ydernummer;indikator;periode;tæller;nævner"]
    lines += [f"{p.provider_number};{code};{period};{num};{den}" for p, code, period, num, den in rows]
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = measurements_import(path=path, cluster=world.cluster)
    assert result.ok, result.errors


def funnel_column(html: str) -> list[str]:
    """The »I tragten« verdicts of the table, in the table's order."""
    return re.findall(r"</td><td>(Uden for [^<]*|Inden for grænserne)</td></tr>", html)


def statins(world, tmp_path, unit_factor=1.0):
    rows = [
        (p, "statiner", "2025", round(0.12 * level * n * 365 * unit_factor, 1), n)
        for p, level, n in zip(world.practices, STATIN_LEVEL, PATIENTS, strict=True)
    ]
    import_rows(world, tmp_path, rows)


def test_a_ddd_indicator_flags_the_same_practices_in_any_unit(client, practices, tmp_path):
    world = practices
    login(client, world.chair)
    statins(world, tmp_path)
    url = f"/k/{world.cluster.slug}/data/indikator/{Indicator.objects.get(code='statiner').pk}/"
    html = client.get(url).content.decode()
    in_ddd = funnel_column(html)
    assert len(in_ddd) == 12
    assert sum(v.startswith("Uden for 99,8") for v in in_ddd) < 12
    assert "Mængde pr. patient (fx DDD)" in html  # the kind, from the catalogue
    assert "normalfordelingsgrænser med spredningen estimeret fra praksissernes egne tal" in html
    assert "uanset hvilken enhed mængden måles i" in html
    # The same prescribing stated in 0.1-DDD units (every DDD figure times ten).
    statins(world, tmp_path, unit_factor=10)
    in_tenths = funnel_column(client.get(url).content.decode())
    assert in_tenths == in_ddd
    # Control: as Poisson counts, these DDD flag every practice, more so in smaller units.
    ddd = [0.12 * level * n * 365 for level, n in zip(STATIN_LEVEL, PATIENTS, strict=True)]
    days = [n * 365 for n in PATIENTS]
    poisson = stats.funnel_points(ddd, days, kind="rate", method="normal")
    assert sum(p.outside998 for p in poisson.points) >= 11
    api = client.get(
        f"/api/v1/clusters/{world.cluster.slug}/indicators/{Indicator.objects.get(code='statiner').pk}/measurements"
    ).json()
    assert api["indicator"]["kind"] == "continuous" and api["funnel"]["adjustment"] == "scale"
    assert [p["outside998"] for p in api["funnel"]["practices"]] == [
        v.startswith("Uden for 99,8") for v in in_ddd
    ]


def test_overdispersed_counts_get_wider_limits_and_the_page_says_so(client, practices, tmp_path):
    world = practices
    login(client, world.chair)
    rows = [
        (p, "antibiotika-recepter", "2025", rx, n)
        for p, rx, n in zip(world.practices, RX, PATIENTS, strict=True)
    ]
    import_rows(world, tmp_path, rows)
    indicator = Indicator.objects.get(code="antibiotika-recepter")
    html = client.get(f"/k/{world.cluster.slug}/data/indikator/{indicator.pk}/").content.decode()
    expected = stats.funnel_analysis(RX, PATIENTS, kind="event_rate")  # patient-years: one year each
    phi_text = f"{expected.phi:.1f}".replace(".", ",")
    assert f"φ = {phi_text} gange så meget, som tilfældet alene giver (p &lt; 0,001)" in html
    assert "Spiegelhalters additive model" in html
    tau = f"{math.sqrt(expected.tau2) * 1000:.1f}".replace(".", ",")
    assert f"τ = {tau} pr. 1.000 pt. pr. år" in html
    assert (
        f"Uden justeringen ville {expected.unadjusted_outside998} af 12 praksis ligge uden for "
        f"99,8 %-grænserne; med den er det {expected.n_outside998}." in html
    )
    assert expected.unadjusted_outside998 > expected.n_outside998
    assert sum(v.startswith("Uden for 99,8") for v in funnel_column(html)) == expected.n_outside998
    # The chart draws the adjusted limits, not the exact Poisson ones.
    spec = client.get(f"/k/{world.cluster.slug}/data/indikator/{indicator.pk}/graf/tragt.json").json()
    curve = next(layer for layer in spec["layer"] if layer.get("data", {}).get("values", [{}])[0].get("n"))
    point = curve["data"]["values"][20]
    exact = stats.funnel_limits_rate(expected.target, point["n"])
    assert point["upper998"] - exact.upper998 * 1000 > 10
    api = client.get(f"/api/v1/clusters/{world.cluster.slug}/indicators/{indicator.pk}/measurements").json()
    assert api["funnel"]["adjustment"] == "additive"
    assert api["funnel"]["phi"] == pytest.approx(expected.phi)
    assert api["funnel"]["tau"] == pytest.approx(math.sqrt(expected.tau2) * 1000)


def test_chance_variation_keeps_exact_limits_and_says_phi(client, practices, tmp_path):
    world = practices
    login(client, world.chair)
    counts = [276, 372, 300, 420, 336, 204, 396, 348, 288, 492, 312, 360]  # 0.12 per patient-year
    rows = [(p, "attester", "2025", c, n) for p, c, n in zip(world.practices, counts, PATIENTS, strict=True)]
    import_rows(world, tmp_path, rows)
    indicator = Indicator.objects.get(code="attester")
    html = client.get(f"/k/{world.cluster.slug}/data/indikator/{indicator.pk}/").content.decode()
    assert "eksakte Poisson-grænser" in html
    assert "det er ikke tydeligt mere end 1" in html and "uden justering for overdispersion" in html
    assert "(mid-p under 2,5 % eller 0,1 %)" in html


WINTER = [1.28, 1.24, 1.14, 0.99, 0.86, 0.76, 0.72, 0.76, 0.86, 0.99, 1.14, 1.24]


def monthly(world, code, months, level=lambda i: 1.0):
    """The chair's practice, 3,000 patients, about 450 prescriptions per 1,000 a year with a winter peak."""
    start = dt.date(2022, 1, 1)
    rows = []
    for i in range(months):
        period = f"{start.year + (start.month - 1 + i) // 12}-{(start.month - 1 + i) % 12 + 1:02d}"
        wobble = 1 + 0.02 * ((i * 7 + (i // 12) * 3) % 5 - 2)
        rows.append((world.practice, code, period, round(112 * WINTER[i % 12] * wobble * level(i)), 3000))
        rows.append((world.other_practice, code, period, 100, 2800))
    return rows


def overview(client, world):
    return client.get(f"/k/{world.cluster.slug}/data/").content.decode()


def verdict(html, name):
    row = html[html.index(name) :]
    return re.search(r"<td>([^<]*)</td>\s*</tr>", row).group(1)


def test_a_winter_is_compared_with_winters(client, world, catalogue, tmp_path):
    login(client, world.chair)
    # The same winter pattern in a seasonal indicator (antibiotics) and in one that is not (certificates).
    import_rows(world, tmp_path, monthly(world, "antibiotika-recepter", 36) + monthly(world, "attester", 36))
    html = overview(client, world)
    assert verdict(html, "Antibiotikarecepter pr. 1.000") == (
        "Ingen tegn på ikke-tilfældig variation i forhold til samme måned de andre år."
    )
    # Control: against the median of all months the same winters look like a real change.
    assert verdict(html, "Attester og erklæringer").endswith("tegn på en reel ændring.")
    indicator = Indicator.objects.get(code="antibiotika-recepter")
    page = client.get(f"/k/{world.cluster.slug}/data/indikator/{indicator.pk}/").content.decode()
    assert "sammenlignes med samme tid på året" in page
    spec = json.dumps(
        client.get(f"/k/{world.cluster.slug}/data/indikator/{indicator.pk}/graf/seriediagram.json").json(),
        ensure_ascii=False,
    )
    assert "Median for samme tid på året" in spec


def test_a_real_drop_shows_against_the_same_months(client, world, catalogue, tmp_path):
    login(client, world.chair)
    import_rows(
        world, tmp_path, monthly(world, "antibiotika-recepter", 48, level=lambda i: 0.75 if i >= 36 else 1.0)
    )
    text = verdict(overview(client, world), "Antibiotikarecepter pr. 1.000")
    assert "under medianen for samme måned" in text
    assert text.endswith("tegn på en reel ændring ud over den sædvanlige sæsonvariation.")
    # The front page counts it as a signal.
    home = client.get(f"/k/{world.cluster.slug}/").content.decode()
    assert "viser tegn på en reel ændring" in home


def test_less_than_two_years_says_the_season_is_not_accounted_for(client, world, catalogue, tmp_path):
    login(client, world.chair)
    import_rows(world, tmp_path, monthly(world, "antibiotika-recepter", 18))
    text = verdict(overview(client, world), "Antibiotikarecepter pr. 1.000")
    assert text.startswith("Indikatoren varierer med årstiden, men der er under to års data")
