"""The data pages do the same work with 1 or 10 years of data, and on a small or a large cluster.

Three clusters are built through the real services: 2 practices with 12 months of data, 2 practices with
60 and with 120 months, and 12 practices with 12 months (three indicators: a share, a rate per 1,000 patients per year
and DDD per 1,000 patients per day). For each data page, as each cluster's chair, the test counts the
queries and the rows they return (each SELECT the page ran is run again and its rows counted), on the first
view after a data change (the cache's miss: the data version is changed as any write changes it) and on
the view after it (the cache's hit).

* Ten years against five: the same queries and at most 20 % more rows, cold or warm (sums and windows are
  in SQL, the run chart looks at five years at most). Ten years against one: the same queries, and on the
  first view no more rows than the run chart's extra points (at most five years' months per indicator);
  warm, at most 20 % more.
* Six times the practices: warm, the same queries and rows; cold, the same queries and one more row per
  practice and indicator at most (the pooled cluster figure needs each practice's sum to leave out small
  ones), never a row per month.
The in-process times are printed by bench/scaling.py; timing is not asserted here (the machine is shared).
"""

from __future__ import annotations

import pytest
from bench.scenes import CODES, measurement_lines
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from klynge.quality import cache, selectors
from klynge.quality.models import Indicator
from klynge.quality.services import measurements_import
from tests.factories import ClusterWorld, make_practice
from tests.shared_data import shared_data

PAGES = ("cluster front page", "practice's own data", "funnel (indicator)")


class Scene:
    def __init__(self, name: str, practices: int, months: int, tmp_path):
        self.world = ClusterWorld(name)
        cluster = self.world.cluster
        for _ in range(practices - 2):
            make_practice(cluster)
        numbers = list(cluster.memberships.values_list("practice__provider_number", flat=True))
        path = tmp_path / f"{name}.csv"
        path.write_text(measurement_lines(numbers, months))
        result = measurements_import(path=path, cluster=cluster)
        assert result.ok, result.errors[:3]
        self.indicator = Indicator.objects.get(code=CODES[1])

    def url(self, page: str) -> str:
        s = self.world.cluster.slug
        return {
            "cluster front page": reverse("core:cluster", args=[s]),
            "practice's own data": reverse("quality:own_data", args=[s]),
            "funnel (indicator)": reverse("quality:indicator_detail", args=[s, self.indicator.pk]),
        }[page]


@pytest.fixture(scope="module")
def scenes(django_db_setup, django_db_blocker, tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("scaling")

    def build():
        from klynge.quality.services import indicators_load_catalogue

        indicators_load_catalogue()
        return {
            "1 year": Scene("Et år", 2, 12, tmp_path),
            "5 years": Scene("Fem år", 2, 60, tmp_path),
            "10 years": Scene("Ti år", 2, 120, tmp_path),
            "large": Scene("Stor", 12, 12, tmp_path),
        }

    with shared_data(django_db_blocker, build) as value:
        yield value


def _rows(queries) -> int:
    """The rows the page's SELECTs returned, by running each again."""
    total = 0
    with connection.cursor() as cursor:
        for query in queries:
            sql = query["sql"]
            if sql.lstrip().upper().startswith("SELECT"):
                cursor.execute(sql)
                total += len(cursor.fetchall())
    return total


def measure(client, scene: Scene, page: str) -> dict[str, tuple[int, int]]:
    client.force_login(scene.world.chair)
    url = scene.url(page)
    client.get(url)  # sessions and permissions filled on the first request are not the page's
    out = {}
    cache.bump(scene.world.cluster.pk)  # what any write to the cluster's data does
    for state in ("cold", "warm"):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, (page, response.status_code)
        out[state] = (len(queries), _rows(queries.captured_queries))
    return out


@pytest.mark.parametrize("page", PAGES)
def test_ten_years_of_data_cost_what_five_years_cost(db, client, scenes, page):
    five = measure(client, scenes["5 years"], page)
    ten = measure(client, scenes["10 years"], page)
    for state in ("cold", "warm"):
        (q5, r5), (q10, r10) = five[state], ten[state]
        assert q10 == q5, f"{page} {state}: {q5} queries with 5 years, {q10} with 10"
        assert r10 <= r5 * 1.2 + 2, f"{page} {state}: {r5} rows with 5 years, {r10} with 10"


@pytest.mark.parametrize("page", PAGES)
def test_ten_years_of_data_cost_one_year_and_the_run_charts_points(db, client, scenes, page):
    one = measure(client, scenes["1 year"], page)
    ten = measure(client, scenes["10 years"], page)
    (q1, r1), (q10, r10) = one["cold"], ten["cold"]
    assert q10 == q1, f"{page} cold: {q1} queries with 1 year, {q10} with 10"
    run_chart_points = len(CODES) * (selectors.SERIES_MONTHS - 12)
    assert r10 - r1 <= run_chart_points + 2, f"{page} cold: {r1} rows with 1 year, {r10} with 10"
    (q1, r1), (q10, r10) = one["warm"], ten["warm"]
    assert q10 == q1 and r10 <= r1 * 1.2 + 2, f"{page} warm: {q1}/{r1} with 1 year, {q10}/{r10} with 10"


@pytest.mark.parametrize("page", PAGES)
def test_a_large_cluster_costs_what_a_small_one_costs(db, client, scenes, page):
    small = measure(client, scenes["1 year"], page)
    large = measure(client, scenes["large"], page)
    (qs, rs), (ql, rl) = small["warm"], large["warm"]
    assert ql == qs and rl <= rs * 1.2 + 2, f"{page} warm: {qs}/{rs} small, {ql}/{rl} large"
    (qs, rs), (ql, rl) = small["cold"], large["cold"]
    assert ql <= qs + 1, f"{page} cold: {qs} queries small, {ql} large"
    extra_practices = 10
    assert rl - rs <= extra_practices * (len(CODES) + 2), f"{page} cold: {rs} rows small, {rl} large"


def test_control_rows_are_counted(db, client, scenes):
    """The row count sees a page's data: the same page with the cache emptied fetches more than from it."""
    figures = measure(client, scenes["10 years"], "funnel (indicator)")
    assert figures["cold"][1] > figures["warm"][1] + 10
