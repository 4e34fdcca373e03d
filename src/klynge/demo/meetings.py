"""Demo records of the meetings capability (filled in by that capability)."""


def build_meetings() -> None:
    return None
