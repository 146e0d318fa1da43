"""Ground truth of a synthetic district, as benchmarks and tests read it."""

from __future__ import annotations

import itertools
from collections import defaultdict

from groupbot.demo.census import CensusGroup

HARD_NEGATIVES = ("same_staff_diff_function", "same_function_diff_community",
                  "street_vs_community", "temporary_tasks")


def person_ids(group: CensusGroup) -> frozenset[int]:
    """The identities of the listed members (annotated or Traditional names included)."""
    return frozenset(group._person_ids.tolist())


def true_pairs(groups: list[CensusGroup]) -> set[frozenset[str]]:
    """Every chat_id pair inside each duplicate cluster."""
    clusters: dict[int, list[str]] = defaultdict(list)
    for g in groups:
        clusters[g.cluster].append(g.chat_id)
    return {frozenset(p) for ids in clusters.values() if len(ids) > 1
            for p in itertools.combinations(ids, 2)}


def hard_negative_pairs(groups: list[CensusGroup]) -> dict[str, set[frozenset[str]]]:
    """Planted pairs that must not be merged, by hard-negative tag (both groups present)."""
    present = {id(g) for g in groups}
    out: dict[str, set[frozenset[str]]] = {tag: set() for tag in HARD_NEGATIVES}
    for g in groups:
        for tag, other in g._negatives:
            if id(other) in present:
                out[tag].add(frozenset((g.chat_id, other.chat_id)))
    return out


def pairs_by_phenomenon(groups: list[CensusGroup]) -> dict[str, set[frozenset[str]]]:
    """True pairs by the phenomena that separate their two groups (for per-phenomenon recall)."""
    clusters: dict[int, list[CensusGroup]] = defaultdict(list)
    for g in groups:
        clusters[g.cluster].append(g)
    out: dict[str, set[frozenset[str]]] = defaultdict(set)
    for members in clusters.values():
        for a, b in itertools.combinations(members, 2):
            for tag in set(a._own) | set(b._own):
                out[tag].add(frozenset((a.chat_id, b.chat_id)))
    return dict(out)

