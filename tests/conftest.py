import os
import shutil

import pytest

from tests.e2e.person import AXE_JS

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
ON_CI = os.environ.get("CI") == "true"


def is_browser_test(item) -> bool:
    """A test that asks for Playwright's `page` (not one that merely has a parameter of that name)."""
    params = getattr(getattr(item, "callspec", None), "params", {})
    return "page" in getattr(item, "fixturenames", ()) and "page" not in params


def _shares_data_and_commits(item) -> bool:
    """True for a transactional test that also uses a module- or class-scoped database fixture."""
    names = set(getattr(item, "fixturenames", ()))
    if not names & {"transactional_db", "live_server", "django_db_reset_sequences"}:
        marker = item.get_closest_marker("django_db")
        if not (marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences"))):
            return False
    info = getattr(item, "_fixtureinfo", None)
    for definitions in info.name2fixturedefs.values() if info else ():
        used = definitions[-1]  # the definition in effect; a test module may override a conftest's
        ours = used.baseid != ""  # pytest-django's own class-scoped helpers have none
        if ours and used.scope in ("class", "module", "package") and "django_db_blocker" in used.argnames:
            return True
    return False


def pytest_collection_modifyitems(config, items):
    mixed = [item.nodeid for item in items if _shares_data_and_commits(item)]
    if mixed:
        raise pytest.UsageError(
            "A transactional test cannot use data shared by a module (tests/shared_data.py): "
            + ", ".join(mixed)
        )
    browser_items = [item for item in items if is_browser_test(item)]
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


def pytest_unconfigure(config):
    """The run's temporary var folder (klynge/settings_test.py) goes with the run, workers' folders included."""
    made = os.environ.get("KLYNGE_TEST_VAR_DIR")
    if made and not os.environ.get("PYTEST_XDIST_WORKER") and os.environ.get("KLYNGE_VAR_DIR") == made:
        shutil.rmtree(made, ignore_errors=True)


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


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker):
    """The demo (both clusters, all steps), built once for the test module and rolled back after it.

    For tests that read the demo through the test client; each test still runs in its own savepoint.
    Browser tests need committed data: they load the demo themselves with `transactional_db`.
    """
    from klynge.demo.builder import load_demo
    from tests.shared_data import shared_data

    with shared_data(django_db_blocker, load_demo):
        yield


@pytest.fixture
def world(db):
    from tests.factories import ClusterWorld

    return ClusterWorld("Klynge Nord")


@pytest.fixture
def other_world(db):
    from tests.factories import ClusterWorld

    return ClusterWorld("Klynge Syd")
