"""Invented Danish names for demo people: no real doctors."""

import random

FIRST_NAMES = [
    "Anne",
    "Mette",
    "Lars",
    "Henrik",
    "Sofie",
    "Jens",
    "Ida",
    "Mads",
    "Camilla",
    "Rasmus",
    "Louise",
    "Thomas",
    "Katrine",
    "Søren",
    "Maria",
    "Peter",
    "Line",
    "Anders",
    "Julie",
    "Morten",
    "Signe",
    "Jakob",
    "Helle",
    "Niels",
    "Birgitte",
    "Christian",
    "Trine",
    "Martin",
    "Hanne",
    "Frederik",
    "Astrid",
    "Kasper",
    "Dorthe",
    "Jonas",
    "Pernille",
    "Ulrik",
    "Marianne",
    "Emil",
    "Lene",
    "Bo",
]
LAST_NAMES = [
    "Holm",
    "Friis",
    "Bæk",
    "Lund",
    "Dahl",
    "Kjær",
    "Vestergaard",
    "Bech",
    "Krogh",
    "Skov",
    "Brandt",
    "Winther",
    "Lauridsen",
    "Mølgaard",
    "Thygesen",
    "Nørgaard",
    "Øster",
    "Kastrup",
    "Rønne",
    "Haugaard",
    "Damsgaard",
    "Ellegaard",
    "Fogh",
    "Grøn",
    "Høyer",
    "Juul",
    "Kirkegaard",
    "Lykke",
    "Munk",
    "Rosendahl",
]


class NameMaker:
    def __init__(self, seed: int):
        self.random = random.Random(seed)
        self.used: set[str] = set()

    def name(self) -> str:
        while True:
            first = self.random.choice(FIRST_NAMES)
            middle = self.random.choice(["", "", f" {self.random.choice(LAST_NAMES)}"])
            candidate = f"{first}{middle} {self.random.choice(LAST_NAMES)}"
            if candidate not in self.used:
                self.used.add(candidate)
                return candidate
