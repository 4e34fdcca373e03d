"""Data built once for a module (or class) of tests, and rolled back when the module is done.

Building the demo or two full clusters takes seconds; the tests that only read them share one build:

    @pytest.fixture(scope="module")
    def built(django_db_setup, django_db_blocker):
        with shared_data(django_db_blocker, lambda: load_demo()) as value:
            yield value

The build runs in an open transaction; every test of the module still runs in its own savepoint
inside it (pytest-django's `db`), so what one test writes is gone before the next, and the whole
build is rolled back when the module's last test is done: no later test, in any order and on any
xdist worker, sees it. Tests that share data this way cannot be transactional (`live_server`,
`transactional_db`): those commit and empty the tables; tests/conftest.py refuses the combination.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

T = TypeVar("T")


@contextmanager
def shared_data(django_db_blocker, build: Callable[[], T]) -> Iterator[T]:
    from django.db import connection, transaction

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            value = build()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    try:
        yield value
    finally:
        with django_db_blocker.unblock():
            assert connection.in_atomic_block, "a test closed the shared transaction"
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
