import pytest


@pytest.fixture
def catalogue(db):
    from klynge.quality.services import indicators_load_catalogue

    indicators_load_catalogue()
