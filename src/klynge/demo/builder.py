"""Loads the demo step by step; a step that ran once never runs again."""

from collections.abc import Callable

from django.db import transaction

from .decisions import build_decisions
from .meetings import build_meetings
from .models import DemoStep
from .projects import build_projects
from .quality import build_quality
from .register import build_register
from .reports import build_reports
from .surveys import build_surveys

# Later capabilities append their steps here, in order.
STEPS: list[tuple[str, Callable[[], None]]] = [
    ("register", build_register),
    ("meetings", build_meetings),
    ("decisions", build_decisions),
    ("projects", build_projects),
    ("surveys", build_surveys),
    ("quality", build_quality),
    ("reports", build_reports),
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
