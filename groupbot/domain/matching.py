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
from groupbot.domain.match_reasons import Phrase, pair_reasons, survivor_reason
from groupbot.domain.textnorm import DEFAULT_TEMPORARY_PATTERNS


@dataclass(frozen=True)
class MatchSettings:
    """Decision thresholds; defaults are the ones the quality benchmark reports."""

    min_function: float = 0.6
    # Groups whose sizes differ this much serve different scopes (a street vs a community);
    # a street group and one that names no street must be nearly the same size.
    max_size_ratio: float = 3.0
    max_street_size_ratio: float = 1.5
    # Purposes are short, loosely worded sentences: weaker evidence than titles and topics.
    purpose_weight: float = 0.8
    candidates: CandidateSettings = field(default_factory=CandidateSettings)
    temporary_patterns: tuple[str, ...] = DEFAULT_TEMPORARY_PATTERNS


@dataclass(frozen=True)
class Proposal:
    """Groups (corpus indices) that should become one, the survivor, and why (phrases the
    catalogue puts into words)."""

    groups: tuple[int, ...]
    survivor: int
    score: float
    reasons: tuple[Phrase, ...]


@dataclass
class Columns:
    """Function features as integer columns, so gates run on arrays, not pairs of objects."""

    level: np.ndarray
    street_code: int
    temporary: np.ndarray
    periods: np.ndarray
    topics: np.ndarray  # bitmask words per group, title and purpose
    title_topics: np.ndarray
    text: list[str]
    purpose: list[str]


def propose(corpus: Corpus, lexicon: Lexicon, settings: MatchSettings = MatchSettings()
            ) -> list[Proposal]:
    """All merge proposals for a corpus, best first."""
    functions = describe_all(corpus, lexicon, settings.temporary_patterns)
    return proposals_from_edges(corpus, functions,
                                find_edges(corpus, functions, lexicon, settings))


def find_edges(corpus: Corpus, functions: list[Function], lexicon: Lexicon,
               settings: MatchSettings) -> dict:
    """Every pair of groups that should merge: {(a, b): (member, function, shared)}, a < b."""
    columns = columns_of(functions, lexicon)
    cand = find_candidates(corpus, settings.candidates,
                           plausible=lambda a, b: gates(columns, corpus, a, b, settings))
    return scored_edges(corpus, functions, columns, cand.left, cand.right, cand.shared,
                        settings)


def scored_edges(corpus: Corpus, functions: list[Function], columns: Columns,
                 left: np.ndarray, right: np.ndarray, shared: np.ndarray,
                 settings: MatchSettings) -> dict:
    """The pairs (gated, with enough shared members) whose place and function agree."""
    ok = _same_place(functions, left, right)
    left, right, shared = left[ok], right[ok], shared[ok]
    func = _function_scores(columns, left, right, settings.purpose_weight)
    ok = func >= settings.min_function
    left, right, shared, func = left[ok], right[ok], shared[ok], func[ok]
    seen = corpus.seen()
    member = shared / np.minimum(seen[left], seen[right])
    return {(int(min(a, b)), int(max(a, b))): (float(m), float(f), int(s))
            for a, b, m, f, s in zip(left, right, member, func, shared, strict=True)}


def proposals_from_edges(corpus: Corpus, functions: list[Function], edges: dict
                         ) -> list[Proposal]:
    """Complete-link clusters of the edges as proposals, best first."""
    clusters = complete_link(corpus.size, edges)
    return sorted((proposal_of(c, edges, corpus, functions) for c in clusters),
                  key=lambda p: -p.score)


def columns_of(functions: list[Function], lexicon: Lexicon) -> Columns:
    names = {name: i for i, name in enumerate(sorted(lexicon.names))}
    levels, table = _codes([f.level or "" for f in functions])
    return Columns(
        level=levels, street_code=table.get("street", -1),
        temporary=np.fromiter((f.temporary for f in functions), dtype=bool),
        periods=_codes([",".join(sorted(f.periods)) for f in functions])[0],
        topics=_bitmasks([f.topics for f in functions], names),
        title_topics=_bitmasks([f.title_topics for f in functions], names),
        text=[f.text for f in functions], purpose=[f.purpose for f in functions],
    )


def _bitmasks(sets: list[frozenset[str]], names: dict[str, int]) -> np.ndarray:
    """Topic sets as rows of 64-bit words, so overlaps are bitwise ANDs."""
    masks = np.zeros((len(sets), max(1, (len(names) + 63) // 64)), dtype=np.uint64)
    for row, topics in enumerate(sets):
        for topic in topics:
            bit = names.get(topic)
            if bit is not None:
                masks[row, bit // 64] |= np.uint64(1) << np.uint64(bit % 64)
    return masks


def _codes(values: list[str]) -> tuple[np.ndarray, dict[str, int]]:
    """Integer code per value (0 is the empty value, 'unknown'), and the code table."""
    table = {"": 0}
    codes = np.fromiter((table.setdefault(v, len(table)) for v in values), dtype=np.int64)
    return codes, table


def gates(c: Columns, corpus: Corpus, left: np.ndarray, right: np.ndarray,
           settings: MatchSettings) -> np.ndarray:
    """False for pairs that must never merge, whatever their scores."""
    known = lambda col: (col[left] != 0) & (col[right] != 0)  # noqa: E731 - local shorthand
    differ = lambda col: known(col) & (col[left] != col[right])  # noqa: E731
    both_temp = c.temporary[left] & c.temporary[right]
    a, b = c.title_topics[left], c.title_topics[right]
    disjoint_topics = ~np.any(a & b, axis=1) & np.any(a, axis=1) & np.any(b, axis=1)
    size = np.where(corpus.member_count > 0, corpus.member_count, corpus.seen())
    ratio = np.maximum(size[left], size[right]) / np.maximum(
        np.minimum(size[left], size[right]), 1)
    street = c.level == c.street_code
    one_street = street[left] != street[right]
    scope = (ratio >= settings.max_size_ratio) | (
        one_street & (ratio >= settings.max_street_size_ratio))
    return ~(differ(c.level) | disjoint_topics | scope
             | (both_temp & differ(c.periods))
             | (both_temp & _apart(corpus, left, right)))


PLACE_SUFFIXES = ("社区居委会", "村委会", "居委会", "社区", "街道", "镇", "乡")


def place_key(place: str) -> str:
    """A place without its administrative suffix: "北林新村社区" and "北林新村" agree."""
    for suffix in PLACE_SUFFIXES:
        if place.endswith(suffix) and len(place) > len(suffix) + 1:
            return place[: -len(suffix)]
    return place


def _same_place(functions: list[Function], left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """False where both groups name a place and neither name ends the other ("凯旋枫关村")."""
    keys = [place_key(f.place) for f in functions]
    ok = np.ones(len(left), dtype=bool)
    for i, (a, b) in enumerate(zip(left.tolist(), right.tolist(), strict=True)):
        ka, kb = keys[a], keys[b]
        if ka and kb and ka != kb and not (ka.endswith(kb) or kb.endswith(ka)):
            ok[i] = False
    return ok


def _apart(corpus: Corpus, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Temporary groups whose lifetimes do not overlap are different tasks."""
    start_l, start_r = corpus.created[left], corpus.created[right]
    end_l, end_r = corpus.expires[left], corpus.expires[right]
    return (((end_l >= 0) & (start_r >= 0) & (end_l < start_r))
            | ((end_r >= 0) & (start_l >= 0) & (end_r < start_l)))


def _function_scores(c: Columns, left: np.ndarray, right: np.ndarray,
                     purpose_weight: float) -> np.ndarray:
    """How alike two groups' work is (0..1), from topics, title functions and purposes.

    Two temporary groups are judged by their task's name alone: a street runs many task
    forces with the same staff and the same boilerplate purpose.
    """
    title_topic = _overlap(c.title_topics, left, right, jaccard=False)
    # Purposes name side tasks ("…隐患排查") too, so all topics must agree as a whole.
    any_topic = _overlap(c.topics, left, right, jaccard=True) * purpose_weight
    text = _ratios(c.text, left, right)
    purpose = _ratios(c.purpose, left, right) * purpose_weight
    both_temp = c.temporary[left] & c.temporary[right]
    best = np.maximum.reduce([title_topic, text, any_topic, purpose])
    return np.where(both_temp, text, best)


def _overlap(masks: np.ndarray, left: np.ndarray, right: np.ndarray, *,
             jaccard: bool) -> np.ndarray:
    """Jaccard or overlap coefficient of topic sets; 0 when either is empty."""
    a, b = masks[left], masks[right]
    inter = np.bitwise_count(a & b).sum(axis=1)
    size_a, size_b = np.bitwise_count(a).sum(axis=1), np.bitwise_count(b).sum(axis=1)
    base = (size_a + size_b - inter) if jaccard else np.minimum(size_a, size_b)
    return np.where((size_a > 0) & (size_b > 0), inter / np.maximum(base, 1), 0.0)


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


def complete_link(n: int, edges: dict) -> list[list[int]]:
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
    linked = set(component)  # (smaller, larger) pairs
    owner: dict[int, list[int]] = {}
    ranked = sorted(component, key=lambda p: -(edges[p][0] + edges[p][1]))
    for a, b in ranked:
        ca, cb = owner.get(a, [a]), owner.get(b, [b])
        if ca is cb:
            continue
        if all(((x, y) if x < y else (y, x)) in linked for x in ca for y in cb):
            merged = ca + cb
            for g in merged:
                owner[g] = merged
    seen, clusters = set(), []
    for cluster in owner.values():
        if id(cluster) not in seen:
            seen.add(id(cluster))
            clusters.append(sorted(cluster))
    return clusters


def proposal_of(cluster: list[int], edges: dict, corpus: Corpus, functions: list[Function]
                ) -> Proposal:
    """One cluster (sorted) as a proposal: its survivor, score and reasons."""
    survivor = max(cluster, key=lambda g: survivor_rank(corpus, g))
    scored = [(edges[p], p) for p in _pairs(cluster) if p in edges]
    halves = [(m + f) / 2 for (m, f, _), _ in scored]
    score = sum(halves) / len(halves)
    reasons = [survivor_reason(survivor, cluster, corpus)]
    for (member, _, shared), (a, b) in scored:
        reasons.extend(pair_reasons(a, b, member, shared, corpus, functions))
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
