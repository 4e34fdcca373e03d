"""Demo records of the quality capability (filled in by that capability)."""


def build_quality() -> None:
    return None
