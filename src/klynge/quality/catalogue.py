"""The national indicator catalogue: reviewed YAML files in `catalogue/`, loaded into Indicator rows."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from .models import DenominatorKind, Direction, IndicatorKind, Measure, Source, Unit

CATALOGUE_DIR = Path(__file__).resolve().parent / "catalogue"
ATC_RE = re.compile(r"^[A-Z](\d{2}([A-Z]([A-Z](\d{2})?)?)?)?$")
REQUIRED = (
    "code",
    "name_da",
    "name_en",
    "why",
    "unit",
    "kind",
    "direction",
    "source",
    "author",
    "checked_by",
    "next_review",
    "numerator",
    "denominator",
)


class CatalogueError(ValueError):
    pass


@dataclass(frozen=True)
class Term:
    """One ATC prefix counted with one measure, in the numerator ("num") or denominator ("den")."""

    code: str
    role: str
    prefix: str
    measure: str


def _atc_list(value, where: str) -> list[str]:
    codes = [str(c).strip().upper() for c in (value or [])]
    for code in codes:
        if not ATC_RE.match(code):
            raise CatalogueError(f"{where}: »{code}« er ikke en ATC-kode")
    for a in codes:
        for b in codes:
            if a != b and b.startswith(a):
                raise CatalogueError(f"{where}: {a} og {b} overlapper (ville tælle dobbelt)")
    return codes


def parse_entry(entry: dict, *, topic: str, order: int, where: str) -> dict:
    """The Indicator fields of one catalogue entry, checked."""
    missing = [k for k in REQUIRED if entry.get(k) in (None, "")]
    if missing:
        raise CatalogueError(f"{where}: mangler {', '.join(missing)}")
    if entry["unit"] not in Unit.values:
        raise CatalogueError(f"{where}: ukendt enhed {entry['unit']}")
    kind = entry["kind"]
    if kind not in IndicatorKind.values:
        raise CatalogueError(f"{where}: ukendt slags tal {kind} (proportion, event_rate eller continuous)")
    # The kind decides the funnel method, so it must fit what is counted.
    if (kind == IndicatorKind.PROPORTION) != (entry["unit"] == Unit.PERCENT):
        raise CatalogueError(f"{where}: en andel (proportion) skal have enheden percent og omvendt")
    if entry["unit"] == Unit.DDD_PER_1000_DAY and kind != IndicatorKind.CONTINUOUS:
        raise CatalogueError(f"{where}: DDD er ikke et antal hændelser; brug kind: continuous")
    if entry["numerator"].get("measure") == Measure.DDD and kind != IndicatorKind.CONTINUOUS:
        raise CatalogueError(f"{where}: en tæller i DDD kræver kind: continuous")
    seasonal = entry.get("seasonal", False)
    if not isinstance(seasonal, bool):
        raise CatalogueError(f"{where}: seasonal skal være true eller false")
    if entry["direction"] not in Direction.values:
        raise CatalogueError(f"{where}: ukendt retning {entry['direction']}")
    num, den = entry["numerator"], entry["denominator"]
    source_kind = entry.get("source_kind") or (Source.PRESCRIPTIONS if num.get("atc") else Source.IMPORTED)
    if source_kind not in Source.values:
        raise CatalogueError(f"{where}: ukendt datakilde {source_kind}")
    num_atc = _atc_list(num.get("atc"), where)
    den_atc = _atc_list(den.get("atc"), where)
    den_kind = den.get("kind", DenominatorKind.LISTED_PATIENTS)
    if den_kind not in DenominatorKind.values:
        raise CatalogueError(f"{where}: ukendt nævner {den_kind}")
    if source_kind == Source.PRESCRIPTIONS:
        if not num_atc or num.get("measure") not in Measure.values:
            raise CatalogueError(f"{where}: receptbaseret indikator kræver ATC-koder og mål i tælleren")
        if den_kind == DenominatorKind.ATC and (not den_atc or den.get("measure") not in Measure.values):
            raise CatalogueError(f"{where}: nævner med ATC-koder kræver koder og mål")
        if den_kind not in (DenominatorKind.ATC, DenominatorKind.LISTED_PATIENTS):
            raise CatalogueError(
                f"{where}: receptbaseret nævner skal være ATC-koder eller tilmeldte patienter"
            )
    review = entry["next_review"]
    if isinstance(review, str):
        review = dt.date.fromisoformat(review)
    target = entry.get("target")
    return {
        "code": str(entry["code"]),
        "name_da": entry["name_da"],
        "name_en": entry["name_en"],
        "why": entry["why"],
        "unit": entry["unit"],
        "kind": kind,
        "seasonal": seasonal,
        "source_kind": source_kind,
        "numerator_label": num.get("label", ""),
        "numerator_atc": ",".join(num_atc),
        "numerator_measure": num.get("measure", "") if num_atc else "",
        "denominator_kind": den_kind,
        "denominator_label": den.get("label", ""),
        "denominator_atc": ",".join(den_atc),
        "denominator_measure": den.get("measure", "") if den_atc else "",
        "direction": entry["direction"],
        "target": float(target) if target is not None else None,
        "target_text": entry.get("target_text", ""),
        "source": entry["source"],
        "author": entry["author"],
        "checked_by": entry["checked_by"],
        "next_review": review,
        "topic": topic,
        "sort_order": order,
    }


def read_catalogue(directory: Path = CATALOGUE_DIR) -> list[dict]:
    """Every entry of every file, in file-name order; codes must be unique."""
    entries, seen = [], set()
    for path in sorted(directory.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for index, entry in enumerate(data.get("indicators") or []):
            fields = parse_entry(
                entry, topic=data.get("topic", ""), order=len(entries) * 10, where=f"{path.name}[{index}]"
            )
            if fields["code"] in seen:
                raise CatalogueError(f"{path.name}: koden {fields['code']} findes to gange")
            seen.add(fields["code"])
            entries.append(fields)
    return entries


def terms_of(indicators) -> list[Term]:
    """The ATC terms of prescription-based indicators (objects with the Indicator fields)."""
    terms = []
    for ind in indicators:
        if ind.source_kind != Source.PRESCRIPTIONS:
            continue
        for prefix in filter(None, ind.numerator_atc.split(",")):
            terms.append(Term(ind.code, "num", prefix, ind.numerator_measure))
        if ind.denominator_kind == DenominatorKind.ATC:
            for prefix in filter(None, ind.denominator_atc.split(",")):
                terms.append(Term(ind.code, "den", prefix, ind.denominator_measure))
    return terms
