"""Merge proposals: same people (member containment) AND same function (title, purpose, topics).

Hard negatives are refused by gates before any score: different administrative levels
(a street group vs a community group), different places at the same level, disjoint topics
(消防 vs 党建), and temporary task groups of different periods or tasks.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.process import cpdist
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from groupbot.domain.lexicon import Lexicon
from groupbot.domain.match_candidates import CandidateSettings, find_candidates
from groupbot.domain.match_features import Corpus, Function, describe_all
from groupbot.domain.match_reasons import pair_reasons, survivor_reason
from groupbot.domain.textnorm import DEFAULT_TEMPORARY_PATTERNS


@dataclass(frozen=True)
class MatchSettings:
    """Decision thresholds; defaults are the ones the quality benchmark reports."""

    min_function: float = 0.6
    candidates: CandidateSettings = field(default_factory=CandidateSettings)
    temporary_patterns: tuple[str, ...] = DEFAULT_TEMPORARY_PATTERNS
    language: str = "zh"


@dataclass(frozen=True)
class Proposal:
    """Groups (corpus indices) that should become one, the survivor, and why."""

    groups: tuple[int, ...]
    survivor: int
    score: float
    reasons: tuple[str, ...]


@dataclass
class _Columns:
    """Function features as integer columns, so gates run on arrays, not pairs of objects."""

    level: np.ndarray
    place: np.ndarray
    temporary: np.ndarray
    periods: np.ndarray
    topics: np.ndarray  # bitmask words per group
    text: list[str]
    purpose: list[str]


def propose(corpus: Corpus, lexicon: Lexicon, settings: MatchSettings = MatchSettings()
            ) -> list[Proposal]:
    """All merge proposals for a corpus, best first."""
    functions = describe_all(corpus, lexicon, settings.temporary_patterns)
    cand = find_candidates(corpus, settings.candidates)
    columns = _columns(functions, lexicon)
    left, right, shared = cand.left, cand.right, cand.shared
    ok = _gates(columns, corpus, left, right)
    left, right, shared = left[ok], right[ok], shared[ok]
    func = _function_scores(columns, left, right)
    ok = func >= settings.min_function
    left, right, shared, func = left[ok], right[ok], shared[ok], func[ok]
    seen = corpus.seen()
    member = shared / np.minimum(seen[left], seen[right])
    edges = {(int(min(a, b)), int(max(a, b))): (float(m), float(f), int(s))
             for a, b, m, f, s in zip(left, right, member, func, shared, strict=True)}
    clusters = _complete_link(corpus.size, edges)
    return sorted((_proposal(c, edges, corpus, functions, settings.language) for c in clusters),
                  key=lambda p: -p.score)


def _columns(functions: list[Function], lexicon: Lexicon) -> _Columns:
    names = {name: i for i, name in enumerate(sorted(lexicon.names))}
    words = max(1, (len(names) + 63) // 64)
    topics = np.zeros((len(functions), words), dtype=np.uint64)
    for row, f in enumerate(functions):
        for topic in f.topics:
            bit = names.get(topic)
            if bit is not None:
                topics[row, bit // 64] |= np.uint64(1) << np.uint64(bit % 64)
    return _Columns(
        level=_codes([f.level or "" for f in functions]),
        place=_codes([f.place for f in functions]),
        temporary=np.fromiter((f.temporary for f in functions), dtype=bool),
        periods=_codes([",".join(sorted(f.periods)) for f in functions]),
        topics=topics, text=[f.text for f in functions], purpose=[f.purpose for f in functions],
    )


def _codes(values: list[str]) -> np.ndarray:
    """Integer code per value; 0 is reserved for the empty value ('unknown')."""
    table = {"": 0}
    return np.fromiter((table.setdefault(v, len(table)) for v in values), dtype=np.int64)


def _gates(c: _Columns, corpus: Corpus, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """False for pairs that must never merge, whatever their scores."""
    known = lambda col: (col[left] != 0) & (col[right] != 0)  # noqa: E731 - local shorthand
    differ = lambda col: known(col) & (col[left] != col[right])  # noqa: E731
    both_temp = c.temporary[left] & c.temporary[right]
    disjoint_topics = (~np.any(c.topics[left] & c.topics[right], axis=1)
                       & np.any(c.topics[left], axis=1) & np.any(c.topics[right], axis=1))
    return ~(differ(c.level) | differ(c.place) | disjoint_topics
             | (both_temp & differ(c.periods))
             | (both_temp & _apart(corpus, left, right)))


def _apart(corpus: Corpus, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Temporary groups whose lifetimes do not overlap are different tasks."""
    start_l, start_r = corpus.created[left], corpus.created[right]
    end_l, end_r = corpus.expires[left], corpus.expires[right]
    return (((end_l >= 0) & (start_r >= 0) & (end_l < start_r))
            | ((end_r >= 0) & (start_l >= 0) & (end_r < start_l)))


def _function_scores(c: _Columns, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Best of topic overlap, title-function similarity and purpose similarity (0..1)."""
    inter = np.bitwise_count(c.topics[left] & c.topics[right]).sum(axis=1)
    union = np.bitwise_count(c.topics[left] | c.topics[right]).sum(axis=1)
    topic = np.where(union > 0, inter / np.maximum(union, 1), 0.0)
    text = _ratios(c.text, left, right)
    purpose = _ratios(c.purpose, left, right)
    return np.maximum.reduce([topic, text, purpose])


def _ratios(values: list[str], left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """fuzz.ratio of each pair (0..1); 0 where either side is empty."""
    if not len(left):
        return np.zeros(0)
    lhs = [values[i] for i in left]
    rhs = [values[i] for i in right]
    scores = cpdist(lhs, rhs, scorer=fuzz.ratio, workers=-1, dtype=np.float32) / 100.0
    empty = np.fromiter((not a or not b for a, b in zip(lhs, rhs, strict=True)), dtype=bool)
    scores[empty] = 0.0
    return scores


def _complete_link(n: int, edges: dict) -> list[list[int]]:
    """Clusters in which every two groups match: no chaining of unrelated groups."""
    if not edges:
        return []
    pairs = np.array(list(edges), dtype=np.int64)
    graph = coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    by_label: dict[int, list[tuple[int, int]]] = {}
    for a, b in edges:
        by_label.setdefault(int(labels[a]), []).append((a, b))
    clusters = []
    for component in by_label.values():
        clusters.extend(_link_component(component, edges))
    return clusters


def _link_component(component: list[tuple[int, int]], edges: dict) -> list[list[int]]:
    linked = {frozenset(p) for p in component}
    owner: dict[int, list[int]] = {}
    ranked = sorted(component, key=lambda p: -(edges[p][0] + edges[p][1]))
    for a, b in ranked:
        ca, cb = owner.get(a, [a]), owner.get(b, [b])
        if ca is cb:
            continue
        if all(frozenset((x, y)) in linked for x in ca for y in cb):
            merged = ca + cb
            for g in merged:
                owner[g] = merged
    seen, clusters = set(), []
    for cluster in owner.values():
        if id(cluster) not in seen:
            seen.add(id(cluster))
            clusters.append(sorted(cluster))
    return clusters


def _proposal(cluster: list[int], edges: dict, corpus: Corpus, functions: list[Function],
              language: str) -> Proposal:
    survivor = max(cluster, key=lambda g: survivor_rank(corpus, g))
    scored = [(edges[p], p) for p in _pairs(cluster) if p in edges]
    score = float(np.mean([(m + f) / 2 for (m, f, _), _ in scored]))
    reasons = [survivor_reason(survivor, cluster, corpus, language)]
    for (member, _, shared), (a, b) in scored:
        reasons.extend(pair_reasons(a, b, member, shared, corpus, functions, language))
    return Proposal(tuple(cluster), survivor, round(score, 3), tuple(reasons))


def survivor_rank(corpus: Corpus, g: int) -> tuple:
    """Most active, then largest, then oldest, then first registered."""
    created = corpus.created[g]
    return (corpus.activity[g], corpus.member_count[g],
            -created if created >= 0 else float("-inf"), -g)


def _pairs(cluster: list[int]):
    for i, a in enumerate(cluster):
        for b in cluster[i + 1:]:
            yield (a, b)
