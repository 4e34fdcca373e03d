"""Loads the demo step by step; a step that ran once never runs again."""

from collections.abc import Callable

from django.db import transaction

from .models import DemoStep
from .register import build_register

# Later capabilities append their steps here, in order.
STEPS: list[tuple[str, Callable[[], None]]] = [
    ("register", build_register),
]


def load_demo() -> list[str]:
    """Runs the steps not yet run, each in its own transaction; returns their names."""
    ran = []
    for name, step in STEPS:
        with transaction.atomic():
            if DemoStep.objects.select_for_update().filter(name=name).exists():
                continue
            step()
            DemoStep.objects.create(name=name)
        ran.append(name)
    return ran
