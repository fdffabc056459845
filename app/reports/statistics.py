"""Descriptive statistics as the authority publishes them: count, mean, median, quartiles,
min and max. Quartiles are the inclusive kind (as Excel's QUARTILE.INC), as in the reviewers'
comparison view."""

from dataclasses import dataclass
from decimal import Decimal
from statistics import mean, median, quantiles


@dataclass(frozen=True)
class Stats:
    count: int
    mean: Decimal
    median: Decimal
    q1: Decimal
    q3: Decimal
    min: Decimal
    max: Decimal

    def as_box(self, marker: Decimal | None = None) -> dict:
        box = {k: float(getattr(self, k)) for k in ("min", "q1", "median", "q3", "max")}
        if marker is not None:
            box["marker"] = float(marker)
        return box


def describe(values: list[Decimal]) -> Stats | None:
    values = sorted(v for v in values if v is not None)
    if not values:
        return None
    if len(values) == 1:
        q1 = q3 = values[0]
    else:
        q1, _, q3 = quantiles(values, n=4, method="inclusive")
    return Stats(len(values), mean(values), median(values), q1, q3, values[0], values[-1])
