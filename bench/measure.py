"""Shared plumbing of the benchmarks: rounds that alternate a baseline with the thing measured, the spread
of each figure over the rounds, the machine's load, and goals that say why they are not met.

Rules the benchmarks keep (issue 18, item 5):

* a baseline does the same work as the thing measured (same input, same options), and is measured in
  the same rounds, alternating with it, so that a busy machine slows both alike;
* every figure is printed with its spread: min, median and max over the rounds;
* a ratio is taken per round (the thing measured / the baseline of the same round), and its spread is the
  spread of those ratios;
* the load average and the number of CPUs are printed at the start and the end: figures taken while the
  machine is busy with other work are not comparable with quiet ones, but the ratios mostly are.
"""

from __future__ import annotations

import os
import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile by nearest rank (no interpolation); nan for no values."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]


@dataclass
class Spread:
    """One figure measured in several rounds."""

    values: list[float] = field(default_factory=list)

    def add(self, value: float) -> None:
        self.values.append(value)

    @property
    def min(self) -> float:
        return min(self.values)

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    @property
    def max(self) -> float:
        return max(self.values)

    def show(self, unit: str = "s", digits: int = 2) -> str:
        """'2.31 s (min 2.20, max 2.45; 5 rounds)': the median first, then the spread."""
        if not self.values:
            return "not measured"
        suffix = f" {unit}" if unit and unit != "×" else unit
        rounds = len(self.values)
        return (
            f"{self.median:.{digits}f}{suffix} (min {self.min:.{digits}f}, max {self.max:.{digits}f}; "
            f"{rounds} round{'s' if rounds != 1 else ''})"
        )


def ratios(numerators: Spread, denominators: Spread) -> Spread:
    """Per-round ratios of two figures measured in the same rounds."""
    return Spread([a / b for a, b in zip(numerators.values, denominators.values, strict=True)])


def load() -> str:
    """The machine's load average (1, 5 and 15 minutes) and its CPUs, e.g. 'load 0.52 0.61 0.70 on 2 CPUs'."""
    one, five, fifteen = os.getloadavg()
    return f"load {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} CPUs"


def print_load(when: str) -> float:
    """Prints the load with a label ('start', 'end'); returns the one-minute load average."""
    print(f"Machine at the {when}: {load()}", flush=True)
    return os.getloadavg()[0]


def busy_warning(start: float, end: float) -> str:
    """A sentence for figures taken on a busy machine (load above the number of CPUs), else ''."""
    cpus = os.cpu_count() or 1
    worst = max(start, end)
    if worst <= cpus:
        return ""
    return (
        f"The machine was busy (load {worst:.1f} on {cpus} CPUs): times are longer than on a quiet "
        "machine and spread widely; the ratios, taken per round, are the figures to trust."
    )


@dataclass
class Goal:
    """A goal of the issue: met, or the exact reason it is not."""

    text: str
    met: bool
    figure: str
    reason: str = ""

    def line(self) -> str:
        verdict = "MET" if self.met else "NOT MET"
        why = f" - {self.reason}" if (self.reason and not self.met) else ""
        return f"  [{verdict}] {self.text}: {self.figure}{why}"


def print_goals(goals: Iterable[Goal]) -> list[Goal]:
    goals = list(goals)
    print("Goals:")
    for goal in goals:
        print(goal.line())
    return goals
