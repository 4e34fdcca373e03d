"""The catalogue names each indicator's kind (which decides its funnel method) and whether it is seasonal."""

import pytest
import yaml

from klynge.core.services import ServiceError
from klynge.quality.catalogue import CatalogueError, read_catalogue
from klynge.quality.models import Indicator
from klynge.quality.services import indicator_create, indicators_load_catalogue

ENTRY = {
    "code": "test-indikator",
    "name_da": "Testindikator",
    "name_en": "Test indicator",
    "why": "Fordi.",
    "unit": "ddd_per_1000_day",
    "kind": "continuous",
    "numerator": {"atc": ["N02A"], "measure": "ddd"},
    "denominator": {"kind": "listed_patients"},
    "direction": "low",
    "source": "Kilde",
    "author": "Forfatter",
    "checked_by": "Kontrollant",
    "next_review": "2027-01-01",
}


def _read(tmp_path, **changes):
    entry = {**ENTRY, **changes}
    entry = {k: v for k, v in entry.items() if v is not None}
    (tmp_path / "test.yaml").write_text(yaml.safe_dump({"indicators": [entry]}), encoding="utf-8")
    return read_catalogue(tmp_path)


def test_every_catalogue_indicator_names_a_kind_that_fits_it():
    entries = {e["code"]: e for e in read_catalogue()}
    for entry in entries.values():
        assert entry["kind"] in ("proportion", "event_rate", "continuous")
        assert (entry["kind"] == "proportion") == (entry["unit"] == "percent")
        if entry["numerator_measure"] == "ddd":
            assert entry["kind"] == "continuous", entry["code"]
    assert {c for c, e in entries.items() if e["kind"] == "continuous"} == {
        "fluconazol",
        "statiner",
        "osteoporose",
        "opioider-ddd",
        "gabapentinoider",
    }
    assert entries["antibiotika-recepter"]["kind"] == "event_rate"
    assert entries["attester"]["kind"] == "event_rate"
    assert {c for c, e in entries.items() if e["seasonal"]} == {"antibiotika-recepter", "penicillin-v-andel"}


def test_the_loader_refuses_a_kind_that_does_not_fit(tmp_path):
    assert _read(tmp_path)[0]["kind"] == "continuous"
    assert _read(tmp_path)[0]["seasonal"] is False  # not seasonal unless the catalogue says so
    assert _read(tmp_path, seasonal=True)[0]["seasonal"] is True
    for changes, message in [
        ({"kind": None}, "mangler kind"),
        ({"kind": "ddd"}, "ukendt slags tal"),
        ({"kind": "event_rate"}, "DDD er ikke et antal hændelser"),
        ({"kind": "proportion"}, "en andel"),
        ({"unit": "percent", "kind": "event_rate"}, "en andel"),
        ({"unit": "per_1000_year", "kind": "event_rate"}, "en tæller i DDD"),
        ({"seasonal": "ja"}, "seasonal skal være true eller false"),
    ]:
        with pytest.raises(CatalogueError, match=message):
            _read(tmp_path, **changes)


def test_loading_stores_kind_and_season(db):
    indicators_load_catalogue()
    assert Indicator.objects.get(code="statiner").kind == "continuous"
    assert Indicator.objects.get(code="penicillin-v-andel").get_kind_display() == "andel"
    assert Indicator.objects.get(code="antibiotika-recepter").seasonal
    assert not Indicator.objects.get(code="opioider-ddd").seasonal


def test_a_clusters_own_indicator_gets_the_kind_of_its_unit(world):
    made = {
        unit: indicator_create(cluster=world.cluster, by=None, name_da=f"Egen {unit}", unit=unit).kind
        for unit in ("percent", "per_1000_year", "count")
    }
    assert made == {"percent": "proportion", "per_1000_year": "event_rate", "count": ""}


def test_an_own_indicator_in_ddd_is_refused_whoever_asks(world):
    """The service refuses it, not only the page and the API: the CLI and the demo builder call it too."""
    with pytest.raises(ServiceError) as refused:
        indicator_create(cluster=world.cluster, by=None, name_da="Sovemidler", unit="ddd_per_1000_day")
    assert refused.value.message_dict == {"unit": ["Vælg procent, pr. 1.000 tilmeldte pr. år eller antal."]}
    assert not Indicator.objects.filter(cluster=world.cluster).exists()
