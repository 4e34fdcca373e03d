"""Demo records of the decisions capability (filled in by that capability)."""


def build_decisions() -> None:
    return None
