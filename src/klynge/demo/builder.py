"""Loads the demo step by step; a step that ran once never runs again.

Every step takes the day the demo is built (`today`, the local date unless a test gives one): the
seeds' stories keep their own dates, and what lies around that day (this year's meetings, an open
questionnaire, data up to last month) is dated from it.
"""

import datetime as dt
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from .alive import build_alive
from .decisions import build_decisions
from .meetings import build_meetings
from .models import DemoStep
from .projects import build_projects
from .quality import build_quality
from .register import build_register
from .reports import build_reports
from .surveys import build_surveys

# Later capabilities append their steps here, in order. »alive« comes last, so that a demo
# database built before it existed gains it on its next start.
STEPS: list[tuple[str, Callable[..., None]]] = [
    ("register", build_register),
    ("meetings", build_meetings),
    ("decisions", build_decisions),
    ("projects", build_projects),
    ("surveys", build_surveys),
    ("quality", build_quality),
    ("reports", build_reports),
    ("alive", build_alive),
]


def load_demo(today: dt.date | None = None) -> list[str]:
    """Runs the steps not yet run, each in its own transaction; returns their names."""
    today = today or timezone.localdate()
    ran = []
    for name, step in STEPS:
        with transaction.atomic():
            if DemoStep.objects.select_for_update().filter(name=name).exists():
                continue
            step(today=today)
            DemoStep.objects.create(name=name)
        ran.append(name)
    return ran
