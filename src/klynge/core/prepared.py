"""Reads on the hottest paths, written with the ORM, whose SQL is compiled once per connection.

Django builds and compiles a query's SQL anew on every call: about 0.2 ms for a one-table read and
0.5 ms for one with joins, against some 0.03 ms to run it. Every API call reads its token, the cluster
and the caller's roles, and a vote reads its poll four more times: a general assembly voting at once
(bench/vote_load.py) spent a third of each vote compiling the same few queries.

A `Prepared` read is an ORM queryset built once with stand-ins for the values that change (the
cluster's slug, the poll's id, the day), compiled by the ORM for the connection in use, and then run
with the real values in the stand-ins' places and the ORM's own converters applied to the rows. The
SQL is the ORM's, so it is quoted and parameterised as any other query, and the values are always
passed as parameters. Only plain values fit: ints, strings and dates compared with `=`, `<` and the
like (not `__in` lists, whose SQL depends on the list's length); `Prepared` refuses a query whose
stand-ins it cannot find in the compiled parameters.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model, QuerySet
from django.db.transaction import TransactionManagementError

_numbers = itertools.count(1)
_KINDS = (int, str, dt.date)


def _stand_in(name: str, kind: type) -> Any:
    n = next(_numbers)
    if kind is int:
        return 8_675_309_000_000_000 + n  # larger than any id or count Klynge will hold
    if kind is str:
        return f"\ue000{name}:{n}\ue000"  # a private-use character: in no slug or digest
    if kind is dt.date:
        return dt.date(1000 + n % 800, 1 + n % 12, 1 + n % 28)
    raise ImproperlyConfigured(f"Prepared: {name} must be one of {_KINDS}, not {kind}")


class _Compiled:
    __slots__ = ("sql", "params", "slots", "compiler", "converters", "locks")

    def __init__(self, queryset: QuerySet, stand_ins: dict[str, Any], using: str):
        compiler = queryset.query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        self.sql, self.params = sql, list(params)
        self.slots: list[tuple[int, str, bool]] = []  # (position, name, as ISO text)
        for position, value in enumerate(self.params):
            for name, stand_in in stand_ins.items():
                if type(value) is type(stand_in) and value == stand_in:
                    self.slots.append((position, name, False))
                elif isinstance(stand_in, dt.date) and value == stand_in.isoformat():
                    self.slots.append((position, name, True))  # SQLite passes dates as text
        missing = set(stand_ins) - {name for _, name, _ in self.slots}
        inlined = [name for name, stand_in in stand_ins.items() if str(stand_in) in sql]
        if missing or inlined:
            raise ImproperlyConfigured(f"Prepared: {sorted(missing | set(inlined))} not passed as parameters")
        self.compiler = compiler
        columns = [column[0] for column in compiler.select[: compiler.col_count]]
        self.converters = compiler.get_converters(columns)
        self.locks = bool(queryset.query.select_for_update)


class Prepared:
    """`Prepared(lambda slug: Cluster.objects.filter(slug=slug).values_list(...), slug=str)`: the
    builder is called once per connection with stand-ins for its keyword arguments (of the kinds
    given); `rows(slug=...)` runs the compiled SQL and returns the rows as the queryset's
    `values_list` would (tuples, values converted by the ORM's converters)."""

    def __init__(self, build: Callable[..., QuerySet], **kinds: type):
        self.build = build
        self.kinds = kinds
        self.key = object()

    def _compiled(self, connection) -> _Compiled:
        cache = connection.__dict__.setdefault("_klynge_prepared", {})
        compiled = cache.get(self.key)
        if compiled is None:
            stand_ins = {name: _stand_in(name, kind) for name, kind in self.kinds.items()}
            compiled = cache[self.key] = _Compiled(self.build(**stand_ins), stand_ins, connection.alias)
        return compiled

    def rows(self, *, using: str = DEFAULT_DB_ALIAS, **values: Any) -> list[tuple]:
        connection = connections[using]
        compiled = self._compiled(connection)
        if compiled.locks and connection.get_autocommit():
            raise TransactionManagementError("select_for_update cannot be used outside of a transaction.")
        params = list(compiled.params)
        for position, name, as_text in compiled.slots:
            value = values[name]
            params[position] = value.isoformat() if as_text else value
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        if compiled.converters and rows:
            rows = list(compiled.compiler.apply_converters(rows, compiled.converters))
        return [tuple(row) for row in rows]

    def first(self, **values: Any) -> tuple | None:
        rows = self.rows(**values)
        return rows[0] if rows else None


def fields_of(model: type[Model], prefix: str = "") -> list[str]:
    """The model's concrete columns in `from_db` order, for a `values_list` that builds instances."""
    return [prefix + field.attname for field in model._meta.concrete_fields]


def instance(model: type[Model], row, *, using: str = DEFAULT_DB_ALIAS) -> Model:
    """A model instance from a row of `fields_of(model)` values, as the ORM would build it."""
    return model.from_db(using, [field.attname for field in model._meta.concrete_fields], row)
