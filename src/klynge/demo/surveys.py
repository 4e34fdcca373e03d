"""Demo records of the surveys capability (filled in by that capability)."""


def build_surveys() -> None:
    return None
