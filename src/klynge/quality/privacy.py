"""What one practice may see of another practice's figures: pseudonyms and small numbers.

The rules (docs/privacy.md and the suppression section of docs/statistics.md):

* **Pseudonyms** are drawn at random per cluster when a practice joins (never on a page view) and stored
  (`Pseudonym`), so they follow neither id, ydernummer, name, size nor joining order, stay the same over
  time and across indicators, and do not move when practices join or leave.
* **Beside a pseudonym** only the practice's value (rounded as on the page) and, in the funnel plot, its
  size rounded to two significant figures are shown: never its counts, its exact denominator or its list
  size. Members do not see other practices' list sizes in the register either.
* **Small numbers** (a count of 1-4, a denominator of 10 or less) are hidden from everyone but the
  practice itself, open data or not: open data opens names, not patients' numbers.
* **No total contains a hidden figure.** The cluster's figure (table, overview, front page, funnel
  target, before and after, API, exports) is pooled over the practices whose figures are shown, so no
  subtraction, however combined with bounds, own figures or other practices, reaches a hidden one.
  Hidden rows are listed by pseudonym (or name), never by value.
"""

from __future__ import annotations

import contextlib
import math
import secrets

from django.db import IntegrityError, transaction

from klynge.core.models import Cluster

from .models import Pseudonym, Unit
from .stats.pseudonyms import PREFIX, pseudonym_label

# Labels are drawn from the single letters while any is free, then from two letters, then three.
TIERS = (26, 26 + 26**2, 26 + 26**2 + 26**3)


def _letters(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    return pseudonym_label(index).removeprefix(PREFIX + " ")


def _draw(taken: set[str]) -> str:
    for size in TIERS:
        free = [code for code in (_letters(i) for i in range(size)) if code not in taken]
        if free:
            return secrets.choice(free)
    raise RuntimeError("no pseudonym left")


def pseudonym_labels(*, cluster: Cluster, practice_ids) -> dict[int, str]:
    """ "Praksis K" for each practice id. Pseudonyms are drawn when a practice joins (signals) and by a
    data migration for earlier members, so a page view only reads them; a practice that somehow has none
    (data for a practice that was never a member) gets one here as a last resort."""
    wanted = set(practice_ids)
    found = _stored(cluster.pk, wanted)
    if wanted - found.keys():
        pseudonyms_ensure(cluster_id=cluster.pk, practice_ids=wanted)
        found = _stored(cluster.pk, wanted)
    return {pid: f"{PREFIX} {code}" for pid, code in found.items()}


def _stored(cluster_id: int, practice_ids: set[int]) -> dict[int, str]:
    return dict(
        Pseudonym.objects.filter(cluster_id=cluster_id, practice_id__in=practice_ids).values_list(
            "practice_id", "letters"
        )
    )


def pseudonyms_ensure(*, cluster_id: int, practice_ids) -> None:
    """Draws a pseudonym in the cluster for each practice that has none (when it joins, on import)."""
    wanted = set(practice_ids)
    missing = wanted - _stored(cluster_id, wanted).keys()
    for _attempt in range(5):
        if not missing:
            return
        # Another transaction may draw the same letters or label the same practice at the same moment.
        with contextlib.suppress(IntegrityError):
            _assign(cluster_id, missing)
        missing = wanted - _stored(cluster_id, wanted).keys()
    if missing:
        raise RuntimeError("could not give the practices a pseudonym")


def _assign(cluster_id: int, practice_ids: set[int]) -> None:
    with transaction.atomic():
        # One writer per cluster at a time on PostgreSQL; SQLite serialises writers anyway.
        Cluster.objects.select_for_update().filter(pk=cluster_id).first()
        rows = Pseudonym.objects.filter(cluster_id=cluster_id).values_list("practice_id", "letters")
        labelled = {pid for pid, _ in rows}
        taken = {code for _, code in rows}
        new = []
        for pid in sorted(practice_ids - labelled):
            code = _draw(taken)
            taken.add(code)
            new.append(Pseudonym(cluster_id=cluster_id, practice_id=pid, letters=code))
        Pseudonym.objects.bulk_create(new)  # never audited: see Pseudonym


def label_sort_key(label: str) -> tuple:
    """Praksis B before Praksis AA; names alphabetically."""
    if label.startswith(PREFIX + " "):
        code = label[len(PREFIX) + 1 :]
        return (0, len(code), code)
    return (1, 0, label.casefold())


# Figures shown beside a pseudonym ----------------------------------------------------------------


def decimals(indicator) -> int:
    if indicator.unit == Unit.COUNT:
        return 0
    return 2 if indicator.unit == Unit.DDD_PER_1000_DAY else 1


def shown_value(indicator, value: float | None) -> float | None:
    """A value as the page shows it: the API, exports and charts give no more digits than the page."""
    if value is None:
        return None
    return round(value, decimals(indicator))


def size_band(size: float | None) -> float | None:
    """A funnel plot's x position for another practice: two significant figures (1,489 → 1,500), so it
    matches no exact list size or denominator anywhere."""
    if size is None or size <= 0:
        return size
    digits = 1 - math.floor(math.log10(size))
    return float(round(size, digits))
