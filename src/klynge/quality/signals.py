"""Every write that changes what the quality pages show changes the data version (klynge.quality.cache)
in its own transaction. Measurements are written in bulk by imports and entries that always create an
ImportLog in the same transaction, so the log's creation stands for them (a signal on Measurement itself
would make Django load every row of a bulk delete)."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save

from klynge.core.models import Cluster, Membership, MembershipPeriod, Practice

from . import cache
from .models import ImportLog, Indicator, Pseudonym
from .privacy import pseudonyms_ensure


def _cluster(sender, instance, **kwargs):
    cache.bump(instance.pk)


def _owned(sender, instance, **kwargs):
    cache.bump(instance.cluster_id)  # None (national) bumps everything


def _import(sender, instance, update_fields=None, **kwargs):
    if update_fields is not None and set(update_fields) <= {"seconds", "digest", "fingerprint"}:
        return  # the duration and the files' digests, noted after the rows: nothing a page shows
    cache.bump(instance.cluster_id)


def _membership(sender, instance, created=False, **kwargs):
    cache.bump(instance.cluster_id)
    if created and kwargs.get("signal") is post_save:
        pseudonyms_ensure(cluster_id=instance.cluster_id, practice_ids=[instance.practice_id])


def _period(sender, instance, **kwargs):
    cluster_id = (
        Membership.objects.filter(pk=instance.membership_id).values_list("cluster_id", flat=True).first()
    )
    if cluster_id is not None:
        cache.bump(cluster_id)


def _practice(sender, instance, **kwargs):
    cache.bump(None)


def connect() -> None:
    for signal in (post_save, post_delete):
        signal.connect(_cluster, sender=Cluster, dispatch_uid=f"quality-version-cluster-{signal}")
        signal.connect(_import, sender=ImportLog, dispatch_uid=f"quality-version-import-{signal}")
        signal.connect(_owned, sender=Indicator, dispatch_uid=f"quality-version-indicator-{signal}")
        signal.connect(_owned, sender=Pseudonym, dispatch_uid=f"quality-version-pseudonym-{signal}")
        signal.connect(_membership, sender=Membership, dispatch_uid=f"quality-version-membership-{signal}")
        signal.connect(_period, sender=MembershipPeriod, dispatch_uid=f"quality-version-period-{signal}")
        signal.connect(_practice, sender=Practice, dispatch_uid=f"quality-version-practice-{signal}")
