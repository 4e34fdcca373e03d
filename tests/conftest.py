import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_JS = Path(__file__).resolve().parents[1] / "node_modules" / "axe-core" / "axe.min.js"
ON_CI = os.environ.get("CI") == "true"


def pytest_collection_modifyitems(config, items):
    browser_items = [item for item in items if "page" in getattr(item, "fixturenames", ())]
    for item in browser_items:
        item.add_marker(pytest.mark.e2e)
    if not browser_items:
        return
    problems = []
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        problems.append(f"Chromium is missing at {CHROMIUM} (apt-get install chromium)")
    if not AXE_JS.exists():
        problems.append(f"axe-core is missing at {AXE_JS} (npm ci)")
    if problems:
        if ON_CI:
            raise pytest.UsageError("CI cannot run the browser tests: " + "; ".join(problems))
        for item in browser_items:
            item.add_marker(pytest.mark.skip(reason="; ".join(problems)))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session", autouse=True)
def _database_backend_is_what_ci_asked_for(django_db_setup, django_db_blocker):
    """On CI with DATABASE_URL=postgres://..., make sure the run really is on PostgreSQL."""
    from django.db import connection

    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        assert connection.vendor == "postgresql"


@pytest.fixture
def axe(page):
    """Runs axe-core in the page; fails on serious or critical WCAG 2 A/AA violations."""
    script = AXE_JS.read_text()

    def check(context: str = "") -> None:
        page.evaluate(script)
        result = page.evaluate(
            "async () => await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']})"
        )
        bad = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
        details = [
            f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}" for v in bad
        ]
        assert not bad, f"axe on {context or page.url}:\n" + "\n".join(details)

    return check


@pytest.fixture
def world(db):
    from tests.factories import ClusterWorld

    return ClusterWorld("Klynge Nord")


@pytest.fixture
def other_world(db):
    from tests.factories import ClusterWorld

    return ClusterWorld("Klynge Syd")
