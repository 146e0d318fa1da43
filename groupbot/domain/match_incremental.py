"""Matching again after some groups changed: the last run's work re-used, the same result.

A full run decides each pair from the two groups alone (shared members, sizes, function,
place, dates) but for two corpus-wide inputs: the affixes and places learnt from every title,
which shape each group's function, and the member blocking, which skips people who sit in
more than `hub_cap` groups. So a group whose inputs and final function are as before keeps
its edges to other such groups; only pairs with a changed group are scored again. While
anyone is (or last time was) such a hub, the candidates are found afresh.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
from scipy import sparse

from groupbot.domain.lexicon import Lexicon
from groupbot.domain.match_candidates import distinct, membership_matrix
from groupbot.domain.match_features import (
    Affixes,
    Corpus,
    Function,
    describe_each,
    shared_context,
    strip_shared_affixes,
    subset,
)
from groupbot.domain.matching import (
    MatchSettings,
    Proposal,
    columns_of,
    complete_link,
    find_edges,
    gates,
    proposal_of,
    scored_edges,
)


@dataclass
class MatchMemory:
    """What the last run learnt, by stable group key (a database id)."""

    raw: dict[tuple[str, str | None], Function] = field(default_factory=dict)
    context: Affixes | None = None
    final: dict[Function, Function] = field(default_factory=dict)  # raw → under `context`
    signatures: dict[Hashable, tuple] = field(default_factory=dict)
    edges: dict[tuple[Hashable, Hashable], tuple[float, float, int]] = field(
        default_factory=dict)
    hubs: bool = True  # nothing remembered: find every candidate afresh
    # A cluster's proposal, with everything it was made from (its stamp).
    proposals: dict[frozenset, tuple[tuple, Proposal]] = field(default_factory=dict)


@dataclass(frozen=True)
class Rematch:
    """A run's proposals, and how many groups it had to look at again."""

    proposals: list[Proposal]
    examined: int
    full: bool


def propose_again(corpus: Corpus, keys: Sequence[Hashable], lexicon: Lexicon,
                  settings: MatchSettings, memory: MatchMemory) -> Rematch:
    """The proposals a full run would make; `memory` is used, then updated.

    Member ids must name the same person in every run, and `keys` the same group.
    """
    functions = _functions(corpus, lexicon, settings, memory)
    matrix = membership_matrix(corpus)
    signatures = _signatures(corpus, functions, matrix)
    hubs = bool(len(matrix.indices)) and int(
        np.bincount(matrix.indices).max()) > settings.candidates.hub_cap
    changed = [i for i, key in enumerate(keys) if memory.signatures.get(key) != signatures[i]]
    full = hubs or memory.hubs
    if full:
        edges = find_edges(corpus, functions, lexicon, settings)
    else:
        edges = _kept(keys, memory.edges, changed)
        edges.update(_edges_of(changed, corpus, functions, matrix, lexicon, settings))
        edges = _in_run_order(edges, matrix)
    memory.signatures = dict(zip(keys, signatures, strict=True))
    memory.edges = {(keys[a], keys[b]): value for (a, b), value in edges.items()}
    memory.hubs = hubs
    return Rematch(_proposals(corpus, keys, functions, signatures, edges, memory),
                   corpus.size if full else len(changed), full)


def _proposals(corpus: Corpus, keys: Sequence[Hashable], functions: list[Function],
               signatures: list[tuple], edges: dict, memory: MatchMemory) -> list[Proposal]:
    """The clusters' proposals, best first; a cluster made of the same things as last time
    keeps last time's proposal (its survivor, score and reasons depend on nothing else)."""
    made, kept = [], {}
    for cluster in complete_link(corpus.size, edges):
        name = frozenset(keys[g] for g in cluster)
        stamp = _stamp(cluster, corpus, keys, signatures, edges)
        remembered = memory.proposals.get(name)
        if remembered is not None and remembered[0] == stamp:
            was = remembered[1]
            proposal = Proposal(tuple(cluster), cluster[was.survivor], was.score, was.reasons)
        else:
            proposal = proposal_of(cluster, edges, corpus, functions)
        position = replace(proposal, groups=(), survivor=cluster.index(proposal.survivor))
        kept[name] = (stamp, position)
        made.append(proposal)
    memory.proposals = kept
    return sorted(made, key=lambda p: -p.score)


def _stamp(cluster: list[int], corpus: Corpus, keys: Sequence[Hashable],
           signatures: list[tuple], edges: dict) -> tuple:
    """Everything a cluster's proposal is made from, in the cluster's order."""
    return (tuple((keys[g], signatures[g], corpus.titles[g], int(corpus.activity[g]))
                  for g in cluster),
            tuple(edges.get((a, b)) for i, a in enumerate(cluster) for b in cluster[i + 1:]))


def _functions(corpus: Corpus, lexicon: Lexicon, settings: MatchSettings,
               memory: MatchMemory) -> list[Function]:
    """Each group's final features, re-using last run's while the corpus-wide affixes hold."""
    raw = describe_each(corpus, lexicon, settings.temporary_patterns, memory.raw)
    memory.raw = dict(zip(zip(corpus.titles, corpus.purposes, strict=True), raw, strict=True))
    context = shared_context(raw, lexicon)
    if context != memory.context:
        memory.context, memory.final = context, {}
    # Many groups share one feature object: each distinct one is looked at once.
    distinct = list({id(f): f for f in raw}.values())
    finals = strip_shared_affixes(distinct, lexicon, context, memory.final)
    memory.final = dict(zip(distinct, finals, strict=True))
    final_of = {id(f): g for f, g in zip(distinct, finals, strict=True)}
    return [final_of[id(f)] for f in raw]


def _signatures(corpus: Corpus, functions: list[Function],
                matrix: sparse.csr_matrix) -> list[tuple]:
    """Everything a pair decision reads of each group (its member set as a 64-bit hash)."""
    mixed = _mix(matrix.indices.astype(np.uint64))
    sums = np.zeros(len(mixed) + 1, dtype=np.uint64)
    np.cumsum(mixed, out=sums[1:])
    hashes = (sums[matrix.indptr[1:]] - sums[matrix.indptr[:-1]]).tolist()
    return list(zip(functions, hashes, np.diff(matrix.indptr).tolist(),
                    corpus.seen().tolist(), corpus.member_count.tolist(),
                    corpus.created.tolist(), corpus.expires.tolist(), strict=True))


def _mix(values: np.ndarray) -> np.ndarray:
    """splitmix64: spreads member ids so that a sum of them identifies a set."""
    with np.errstate(over="ignore"):
        z = values + np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))


def _kept(keys: Sequence[Hashable], remembered: dict, changed: list[int]) -> dict:
    """Last run's edges between two groups that are still here and unchanged."""
    index = {key: i for i, key in enumerate(keys)}
    dirty = set(changed)
    kept = {}
    for (ka, kb), value in remembered.items():
        a, b = index.get(ka), index.get(kb)
        if a is not None and b is not None and a not in dirty and b not in dirty:
            kept[(min(a, b), max(a, b))] = value
    return kept


def _edges_of(changed: list[int], corpus: Corpus, functions: list[Function],
              matrix: sparse.csr_matrix, lexicon: Lexicon, settings: MatchSettings) -> dict:
    """Edges from each changed group to any other, decided as a full run decides them."""
    if not changed:
        return {}
    rows = np.asarray(changed, dtype=np.int64)
    product = (matrix[rows] @ matrix.T).tocoo()
    left, right = rows[product.row], product.col.astype(np.int64)
    shared = product.data.astype(np.int64)
    is_changed = np.zeros(corpus.size, dtype=bool)
    is_changed[rows] = True
    sizes = np.diff(matrix.indptr)
    c = settings.candidates
    keep = (left != right) & ~(is_changed[right] & (right < left))  # each pair once
    keep &= (shared >= c.min_shared) & (
        shared >= c.min_containment * np.minimum(sizes[left], sizes[right]))
    left, right, shared = left[keep], right[keep], shared[keep]
    involved = distinct(np.concatenate([left, right]))
    local_left, local_right = np.searchsorted(involved, left), np.searchsorted(involved, right)
    part = subset(corpus, involved)
    part_functions = [functions[i] for i in involved.tolist()]
    columns = columns_of(part_functions, lexicon)
    ok = gates(columns, part, local_left, local_right, settings)
    edges = scored_edges(part, part_functions, columns, local_left[ok], local_right[ok],
                         shared[ok], settings)
    return {(int(involved[a]), int(involved[b])): value for (a, b), value in edges.items()}


def _in_run_order(edges: dict, matrix: sparse.csr_matrix) -> dict:
    """The edges in the order a full run finds them (ties in clustering depend on it)."""
    if not edges:
        return {}
    n = matrix.shape[0]
    sizes = np.diff(matrix.indptr)
    pairs = np.array(list(edges), dtype=np.int64)
    a, b = pairs[:, 0], pairs[:, 1]
    # A full run pairs each group with larger ones (by member count, then position).
    a_first = (sizes[a] < sizes[b]) | ((sizes[a] == sizes[b]) & (a < b))
    order = np.argsort(np.where(a_first, a * n + b, b * n + a), kind="stable")
    items = list(edges.items())
    return dict(items[i] for i in order.tolist())
