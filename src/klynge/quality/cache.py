"""Results of the quality pages, cached in the shared cache (the database: settings.CACHES) under the
data's version, so that every web process reuses them and none is stale the moment the data change.

A key holds everything the result depends on:

* the data tokens (`DataVersion`): "n" and "c<cluster id>", changed in the same transaction as every
  write that changes the figures (klynge.quality.signals lists them);
* the day (membership status, a suspension's end, is dated);
* the viewer, whole (`Viewer`: own practice, open data, staff with national figures only, manager), so a
  result computed for one practice is never handed to another, nor names to a viewer who may not see them;
* the format of what is cached, bumped when the cached structures change.

Without a token row (nothing was ever written) nothing is cached: the result is computed every time.
"""

from __future__ import annotations

import dataclasses
import hashlib
import secrets

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import DataVersion

FORMAT = 1
TIMEOUT = 24 * 3600
NATIONAL = "n"


def cluster_key(cluster_id: int) -> str:
    return f"c{cluster_id}"


def tokens(cluster_id: int) -> tuple[int, int] | None:
    """The national and the cluster's token, in one query; None when either was never set."""
    found = dict(
        DataVersion.objects.filter(key__in=(NATIONAL, cluster_key(cluster_id))).values_list("key", "token")
    )
    if len(found) < 2:
        return None
    return found[NATIONAL], found[cluster_key(cluster_id)]


def bump(cluster_id: int | None) -> None:
    """A new token for the cluster (None: for everything national), in the caller's transaction."""
    key = NATIONAL if cluster_id is None else cluster_key(cluster_id)
    token = secrets.randbits(62)
    if DataVersion.objects.filter(key=key).update(token=token):
        return
    try:
        with transaction.atomic():
            DataVersion.objects.create(key=key, token=token)
    except IntegrityError:  # created by another transaction meanwhile
        DataVersion.objects.filter(key=key).update(token=token)


def cached(name: str, *, cluster_id: int, viewer, parts: tuple, compute):
    """compute() once per data version, day, viewer and parts; shared by every web process."""
    versions = tokens(cluster_id)
    if versions is None:
        return compute()
    who = tuple(sorted(dataclasses.asdict(viewer).items()))
    raw = repr((FORMAT, name, cluster_id, versions, timezone.localdate().isoformat(), who, parts))
    key = "quality:" + hashlib.sha256(raw.encode()).hexdigest()
    result = cache.get(key)
    if result is None:
        result = compute()
        cache.set(key, result, TIMEOUT)
    return result
