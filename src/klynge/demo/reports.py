"""Demo records of the reports capability (filled in by that capability)."""


def build_reports() -> None:
    return None
