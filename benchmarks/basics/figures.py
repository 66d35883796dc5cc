"""Medians and ratios of the measurements, and how the tables write them."""

from __future__ import annotations

import statistics
from collections.abc import Iterable


def median(values: Iterable[float]) -> float | None:
    items = list(values)
    return statistics.median(items) if items else None


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    """`numerator / denominator`, or None when either is missing or the denominator is not positive."""
    if numerator is None or denominator is None or denominator <= 0:
        return None
    return numerator / denominator


def per_operation_growth(small: tuple[int, float], large: tuple[int, float]) -> float | None:
    """(time per operation at the large size) / (time per operation at the small size)."""
    (n_small, t_small), (n_large, t_large) = small, large
    if n_small <= 0 or n_large <= 0:
        return None
    return ratio(t_large / n_large, t_small / n_small)


def fmt_ratio(value: float | None, digits: int = 2) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}x"


def secs(value: float | None) -> str:
    if value is None:
        return "n/a"
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def count(value: int) -> str:
    return f"{value:,}"
