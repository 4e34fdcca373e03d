"""`model_update`: the one way a service changes fields of a record it was given (HackSoft style).

Each update service names the fields a caller may change (its allow-list). A name outside the list,
a misspelling included, raises at once instead of being set as a stray attribute and silently lost.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from django.core.exceptions import FieldDoesNotExist
from django.db import models

M = TypeVar("M", bound=models.Model)


class UnknownFieldError(TypeError):
    """A service was asked to change a field it does not allow: a programming error, never user input."""


def check_fields(instance: models.Model, *, fields: Iterable[str], data: Mapping[str, Any]) -> None:
    """Raises unless every key of `data` is in the allow-list `fields`, and each of those is a field
    of the model (so that an allow-list cannot itself hold a misspelling)."""
    allowed = set(fields)
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise UnknownFieldError(
            f"{type(instance).__name__} cannot be updated with {', '.join(unknown)}; "
            f"allowed: {', '.join(sorted(allowed))}"
        )
    for name in allowed:
        try:
            instance._meta.get_field(name)
        except FieldDoesNotExist as error:
            raise UnknownFieldError(f"{type(instance).__name__} has no field {name}") from error


def model_update(
    *, instance: M, fields: Iterable[str], data: Mapping[str, Any], save: bool = True
) -> tuple[M, list[str]]:
    """Sets the allowed fields from `data` on `instance`, validates the whole record and saves it.

    Returns the instance and the names of the fields whose value changed. With `save=False` the
    caller validates and saves (for services that check the combination of fields first).
    """
    check_fields(instance, fields=fields, data=data)
    changed = [name for name, value in data.items() if getattr(instance, name) != value]
    for name, value in data.items():
        setattr(instance, name, value)
    if save:
        instance.full_clean()
        instance.save()
    return instance, changed
