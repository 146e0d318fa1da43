"""Per-member "fingertip burden": how many work groups each person has to follow."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Burden:
    """Groups per member across the district."""

    members: int
    median: float
    p90: float
    max: int
    top: tuple[tuple[str, int], ...]  # (display name or pseudonym, groups), most groups first
    distribution: tuple[tuple[int, int], ...]  # (groups, members with that many)


def burden(groups_of: Mapping[object, int], names: Mapping[object, str], *, top: int = 10,
           anonymise: bool = False, pseudonym: Callable[[str], str] = str) -> Burden:
    """Figures from each member's number of groups; names hidden when `anonymise`, each
    shown as `pseudonym(code)` (the adapters word it)."""
    if not groups_of:
        return Burden(0, 0.0, 0.0, 0, (), ())
    counts = np.fromiter(groups_of.values(), dtype=np.int64, count=len(groups_of))
    ranked = sorted(groups_of.items(), key=lambda kv: (-kv[1], str(names.get(kv[0], kv[0]))))
    shown = tuple((_label(key, names, anonymise, pseudonym), n) for key, n in ranked[:top])
    values, freq = np.unique(counts, return_counts=True)
    return Burden(
        members=len(counts), median=float(np.median(counts)),
        p90=float(np.percentile(counts, 90)), max=int(counts.max()), top=shown,
        distribution=tuple(zip(values.tolist(), freq.tolist(), strict=True)))


def _label(key: object, names: Mapping[object, str], anonymise: bool,
           pseudonym: Callable[[str], str]) -> str:
    if anonymise:
        # Stable across weeks, so a supervisor can follow one person without knowing who.
        return pseudonym(hashlib.sha256(str(key).encode()).hexdigest()[:6])
    return names.get(key) or str(key)


def reduction(baseline: int, now: int) -> float | None:
    """Share of work groups gone since the baseline (0.48 means 减少48%); None without one."""
    if baseline <= 0:
        return None
    return (baseline - now) / baseline
