"""Indicators, measurements (aggregated counts per practice, indicator and period) and import logs.

No patient-level data is ever stored: a measurement is a numerator and a denominator for one practice
(or one cluster, region or the whole country as a reference value) in one period.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from klynge.core import dates
from klynge.core.models import Cluster, Person, Practice


class Unit(models.TextChoices):
    PERCENT = "percent", _("procent")
    PER_1000_YEAR = "per_1000_year", _("pr. 1.000 tilmeldte patienter pr. år")
    DDD_PER_1000_DAY = "ddd_per_1000_day", _("DDD pr. 1.000 tilmeldte patienter pr. dag")
    COUNT = "count", _("antal")


class IndicatorKind(models.TextChoices):
    """What the numerator counts, which decides how practices are compared in the funnel plot."""

    PROPORTION = "proportion", _("andel")
    EVENT_RATE = "event_rate", _("hændelsesrate")
    CONTINUOUS = "continuous", _("mængde pr. patient (fx DDD)")


def kind_for_unit(unit: str) -> str:
    """The kind an indicator has unless told otherwise: shares are proportions, counts per 1,000
    patients per year are event rates, DDD are a continuous quantity; a plain count has no funnel."""
    return {
        Unit.PERCENT: IndicatorKind.PROPORTION,
        Unit.PER_1000_YEAR: IndicatorKind.EVENT_RATE,
        Unit.DDD_PER_1000_DAY: IndicatorKind.CONTINUOUS,
    }.get(unit, "")


class Direction(models.TextChoices):
    LOW = "low", _("lavt er godt")
    HIGH = "high", _("højt er godt")
    NEITHER = "neither", _("hverken højt eller lavt er i sig selv godt")


class Source(models.TextChoices):
    PRESCRIPTIONS = "prescriptions", _("receptdata (ordinationer)")
    SELF_REPORTED = "self_reported", _("praksis' egne optællinger")
    IMPORTED = "imported", _("importeret færdigt tal")


class Measure(models.TextChoices):
    PRESCRIPTIONS = "recepter", _("recepter")
    PERSONS = "personer", _("personer")
    DDD = "ddd", _("DDD")


class DenominatorKind(models.TextChoices):
    LISTED_PATIENTS = "listed_patients", _("tilmeldte patienter")
    ATC = "atc", _("ATC-koder")
    COUNTED = "counted", _("optalt af praksis")
    NONE = "none", _("ingen (et antal)")


class Indicator(models.Model):
    """An indicator definition. National (from the catalogue files) when `cluster` is null."""

    cluster = models.ForeignKey(
        Cluster, null=True, blank=True, on_delete=models.CASCADE, related_name="indicators"
    )
    code = models.SlugField(_("kode"), max_length=60)
    name_da = models.CharField(_("navn"), max_length=200)
    name_en = models.CharField(_("navn på engelsk"), max_length=200, blank=True)
    why = models.TextField(_("hvorfor det er vigtigt"), blank=True)
    unit = models.CharField(_("enhed"), max_length=20, choices=Unit.choices)
    kind = models.CharField(_("slags tal"), max_length=20, choices=IndicatorKind.choices, blank=True)
    seasonal = models.BooleanField(
        _("varierer med årstiden"),
        default=False,
        help_text=_("Seriediagrammet sammenligner så hver måned med samme måned i de andre år."),
    )
    source_kind = models.CharField(_("datakilde"), max_length=20, choices=Source.choices)
    numerator_label = models.CharField(_("tæller"), max_length=300, blank=True)
    numerator_atc = models.CharField(_("tællerens ATC-koder"), max_length=200, blank=True)
    numerator_measure = models.CharField(
        _("tællerens mål"), max_length=10, choices=Measure.choices, blank=True
    )
    denominator_kind = models.CharField(
        _("nævner"), max_length=20, choices=DenominatorKind.choices, default=DenominatorKind.LISTED_PATIENTS
    )
    denominator_label = models.CharField(_("nævnerens beskrivelse"), max_length=300, blank=True)
    denominator_atc = models.CharField(_("nævnerens ATC-koder"), max_length=200, blank=True)
    denominator_measure = models.CharField(
        _("nævnerens mål"), max_length=10, choices=Measure.choices, blank=True
    )
    direction = models.CharField(_("retning"), max_length=10, choices=Direction.choices)
    target = models.FloatField(_("nationalt mål"), null=True, blank=True)
    target_text = models.CharField(_("målet i ord"), max_length=300, blank=True)
    source = models.TextField(_("kilde"), blank=True)
    author = models.CharField(_("forfatter"), max_length=200, blank=True)
    checked_by = models.CharField(_("kontrolleret af"), max_length=200, blank=True)
    next_review = models.DateField(_("næste gennemgang"), null=True, blank=True)
    topic = models.CharField(_("emne"), max_length=100, blank=True)
    sort_order = models.PositiveIntegerField(default=0)
    active = models.BooleanField(_("aktiv"), default=True)
    created_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["sort_order", "name_da"]
        verbose_name = _("indikator")
        verbose_name_plural = _("indikatorer")
        constraints = [
            models.UniqueConstraint(
                fields=["code"], condition=Q(cluster__isnull=True), name="quality_national_indicator_code"
            ),
            models.UniqueConstraint(fields=["cluster", "code"], name="quality_cluster_indicator_code"),
        ]

    def __str__(self) -> str:
        return self.name_da

    @property
    def is_national(self) -> bool:
        return self.cluster_id is None

    @property
    def is_proportion(self) -> bool:
        return self.unit == Unit.PERCENT

    @property
    def is_rate(self) -> bool:
        return self.unit in (Unit.PER_1000_YEAR, Unit.DDD_PER_1000_DAY)

    @property
    def unit_short(self) -> str:
        return {
            Unit.PERCENT: "%",
            Unit.PER_1000_YEAR: "pr. 1.000 pt. pr. år",
            Unit.DDD_PER_1000_DAY: "DDD pr. 1.000 pt. pr. dag",
            Unit.COUNT: "antal",
        }[self.unit]


class Granularity(models.TextChoices):
    YEAR = "year", _("år")
    QUARTER = "quarter", _("kvartal")
    MONTH = "month", _("måned")


class Level(models.TextChoices):
    PRACTICE = "practice", _("praksis")
    CLUSTER = "cluster", _("klynge")
    REGION = "region", _("region")
    NATIONAL = "national", _("hele landet")


def period_end(start: dt.date, granularity: str) -> dt.date:
    """The first day after the period."""
    if granularity == Granularity.YEAR:
        return start.replace(year=start.year + 1)
    months = 3 if granularity == Granularity.QUARTER else 1
    month = start.month - 1 + months
    return dt.date(start.year + month // 12, month % 12 + 1, 1)


def period_label(start: dt.date, granularity: str) -> str:
    if granularity == Granularity.YEAR:
        return f"{start.year}"
    if granularity == Granularity.QUARTER:
        return f"{start.year}-K{(start.month - 1) // 3 + 1}"
    return f"{start.year}-{start.month:02d}"


class ImportLog(models.Model):
    """One import that changed something: who, when, which file (and its digest), how many rows.

    `fingerprint` names everything the import's values were computed from (the files' bytes, the
    catalogue, the register, the importer's code): when the newest log carries the same fingerprint,
    importing the same files again would change nothing, and the import is skipped.
    """

    class Kind(models.TextChoices):
        MEASUREMENTS = "measurements", _("målinger (langt format)")
        PRESCRIPTIONS = "prescriptions", _("receptdata og tilmeldte patienter")
        ENTRY = "entry", _("indtastning")

    cluster = models.ForeignKey(
        Cluster, null=True, blank=True, on_delete=models.CASCADE, related_name="quality_imports"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    file_name = models.CharField(_("filnavn"), max_length=300, blank=True)
    digest = models.CharField(_("SHA-256"), max_length=64, blank=True)
    rows_read = models.PositiveBigIntegerField(_("rækker læst"), default=0)
    rows_written = models.PositiveIntegerField(_("værdier skrevet"), default=0)
    rows_created = models.PositiveIntegerField(_("nye værdier"), default=0)
    rows_replaced = models.PositiveIntegerField(_("erstattede værdier"), default=0)
    rows_unchanged = models.PositiveIntegerField(_("uændrede værdier"), default=0)
    replaced_values = models.JSONField(_("erstattede værdier (de første)"), default=list, blank=True)
    seconds = models.FloatField(default=0)
    file_bytes = models.PositiveBigIntegerField(_("filernes størrelse (bytes)"), default=0)
    fingerprint = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["cluster", "-at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.file_name} ({dates.stamp(self.at)})"

    @property
    def audit_hidden_fields(self) -> tuple[str, ...]:
        # A member's own entry: the audit log, which the board reads, says who entered which period,
        # not the figure it replaced (it may be a count of 1-4). Imports keep theirs in the log.
        return ("replaced_values",) if self.kind == self.Kind.ENTRY else ()


class Measurement(models.Model):
    """Numerator and denominator of one indicator in one period for one practice or reference unit.

    `scope` is the natural key of the unit ("p<practice id>", "c<cluster id>", "r<region>", "n"),
    so that a plain unique constraint (no NULLs) makes bulk upserts work on SQLite and PostgreSQL.
    """

    # No foreign-key constraints in the database: a national import writes a quarter of a million values,
    # and PostgreSQL checks a constraint with a query per row and key (four keys: seconds at commit).
    # The import checks every reference once, in set form, under a lock on the referenced rows
    # (quality/storing.py); Django's on_delete still deletes a deleted practice's or indicator's values.
    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="measurements", db_index=False, db_constraint=False
    )  # the unique key starts with it
    level = models.CharField(max_length=10, choices=Level.choices)
    scope = models.CharField(max_length=30)
    # Few indexes keep a national import fast: the unique key serves every page query (by scope),
    # and (practice, granularity, period_start) serves deletes of a practice; the FKs get none of their own.
    practice = models.ForeignKey(
        Practice,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="measurements",
        db_index=False,
        db_constraint=False,
    )
    cluster = models.ForeignKey(
        Cluster,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reference_measurements",
        db_index=False,
        db_constraint=False,
    )
    region = models.CharField(max_length=20, blank=True)
    period_start = models.DateField()
    granularity = models.CharField(max_length=10, choices=Granularity.choices)
    numerator = models.FloatField()
    denominator = models.FloatField(null=True, blank=True)
    import_log = models.ForeignKey(
        ImportLog,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )

    class Meta:
        ordering = ["indicator", "scope", "period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "scope", "period_start", "granularity"], name="quality_measurement_key"
            )
        ]
        indexes = [models.Index(fields=["practice", "granularity", "period_start"])]

    # The audit log records that a practice's figure was written, not the figure: it may be a count of
    # 1-4, hidden from everyone outside the practice, the board included (core.audit).
    audit_hidden_fields = ("numerator", "denominator")

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.scope} {period_label(self.period_start, self.granularity)}"


class Pseudonym(models.Model):
    """A practice's label in one cluster ("Praksis K"), drawn at random the first time the practice needs
    one and kept from then on: it says nothing about the practice's id, ydernummer, name, size or the
    order in which practices joined, and it never passes to another practice (the row stays, without the
    practice, if the practice is ever deleted). Never in the audit log (core.audit.NEVER_AUDITED): the
    log would hand the board the key."""

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="+")
    practice = models.ForeignKey(Practice, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    letters = models.CharField(max_length=8)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cluster", "letters"], name="quality_pseudonym_letters"),
            models.UniqueConstraint(
                fields=["cluster", "practice"],
                condition=Q(practice__isnull=False),
                name="quality_pseudonym_practice",
            ),
        ]

    def __str__(self) -> str:
        return f"Praksis {self.letters}"


class DataVersion(models.Model):
    """A token that changes, in the same transaction, with every write that can change the figures the
    quality pages show: "n" for everything that reaches every cluster (national imports, the catalogue,
    practices), "c<cluster id>" for one cluster's imports, entered counts, indicators, settings, members
    and pseudonyms. Cached page results are keyed by the tokens (klynge.quality.cache), so they are right
    the moment the data change, in every web process. A token is random, never a counter, so a key is
    never reused after the table is emptied."""

    key = models.CharField(max_length=30, primary_key=True)
    token = models.BigIntegerField()

    def __str__(self) -> str:
        return f"{self.key}: {self.token}"
