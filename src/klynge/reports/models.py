"""The chair's annual report of a cluster for a year: the generated draft and the chair's own text."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from klynge.core.models import Cluster, Person


class AnnualReport(models.Model):
    """One per cluster and year.

    `generated_text` is the last draft Klynge wrote from the records, `fingerprint` and `snapshot` the
    records it was written from. `edited_text` is the chair's text; a new draft never replaces it
    unless the chair chooses so (see services.annual_report_regenerate).
    """

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="annual_reports")
    year = models.PositiveSmallIntegerField(_("år"))
    generated_text = models.TextField(_("udkast fra Klynge"))
    edited_text = models.TextField(_("beretningen"))
    fingerprint = models.CharField(max_length=64)
    snapshot = models.JSONField(default=dict, blank=True)
    generated_at = models.DateTimeField()
    edited_at = models.DateTimeField(null=True, blank=True)
    edited_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cluster", "-year"]
        verbose_name = _("formandsberetning")
        verbose_name_plural = _("formandsberetninger")
        constraints = [models.UniqueConstraint(fields=["cluster", "year"], name="one_annual_report_per_year")]

    def __str__(self) -> str:
        return f"Formandsberetning {self.year} ({self.cluster})"

    @property
    def is_edited(self) -> bool:
        return self.edited_text.strip() != self.generated_text.strip()
