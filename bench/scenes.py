"""The monthly data of the scaling scenes, shared by tests/quality/test_page_scaling.py (queries and rows)
and bench/scaling.py (time): three indicators (a share, a rate per 1,000 patients per year and DDD per
1,000 patients per day) for each practice, every scene ending in the same month."""

from __future__ import annotations

CODES = ("penicillin-v-andel", "antibiotika-recepter", "fluconazol")
LAST = 120  # months after January 2016


def _month(i: int) -> str:
    return f"{2016 + i // 12}-{i % 12 + 1:02d}"


def measurement_lines(provider_numbers: list[str], months: int) -> str:
    """A measurements file (the import's own format) with `months` months for each ydernummer."""
    lines = ["ydernummer;indikator;periode;tæller;nævner"]
    for p, number in enumerate(provider_numbers):
        listed = 1500 + 40 * p
        for i in range(LAST - months, LAST):
            lines.append(f"{number};{CODES[0]};{_month(i)};{30 + (i + p) % 9};{100 + p}")
            lines.append(f"{number};{CODES[1]};{_month(i)};{35 + (i * p) % 11};{listed}")
            lines.append(f"{number};{CODES[2]};{_month(i)};{200 + 3 * ((i + p) % 7)};{listed}")
    return "\n".join(lines) + "\n"
