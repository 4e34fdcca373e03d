import pytest

from .year import build_year


@pytest.fixture
def year(db):
    return build_year()


@pytest.fixture
def chair_client(client, year):
    client.force_login(year.world.chair)
    return client
