"""Demo records of the projects capability (filled in by that capability)."""


def build_projects() -> None:
    return None
