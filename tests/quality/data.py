"""A small cluster with synthetic prescription files, for the browser tests of own data."""

from klynge.quality.generate import GeneratedFiles, generate
from klynge.quality.services import indicators_load_catalogue
from tests.factories import ClusterWorld, make_practice


def world_with_prescription_files(tmp_path) -> tuple[ClusterWorld, GeneratedFiles]:
    """Five practices, the indicator catalogue, and two years of prescriptions not yet imported;
    the other practice's penicillin V share rises halfway (a real change for the run chart)."""
    world = ClusterWorld("Klynge Nord")
    for name in ("Lægehuset Øst", "Lægerne ved Åen", "Lægehuset Syd"):
        make_practice(world.cluster, name)
    indicators_load_catalogue()
    numbers = list(world.cluster.memberships.values_list("practice__provider_number", flat=True))
    files = generate(
        out=tmp_path,
        months=24,
        seed=4,
        provider_numbers=numbers,
        n_atc=30,
        shifted=[world.other_practice.provider_number],
    )
    return world, files
