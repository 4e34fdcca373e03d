"""Danish counted nouns for messages and templates: "1 prik", "3 prikker"."""


def counted(n: int, singular: str, plural: str) -> str:
    """The number with the noun in the right form: counted(1, "projekt", "projekter") is "1 projekt"."""
    return f"{n} {singular if n == 1 else plural}"
