"""Candidate pairs by member overlap, without comparing all pairs.

Prefix filtering (AllPairs): order each group's members rarest-first. If the smaller group x
shares at least a = max(min_shared, ceil(t·|x|)) members with y, then the first |x| − a + 1
members of x include one of y's members. So probing each group's prefix against the inverted
index finds every pair whose containment |x∩y| / min(|x|,|y|) reaches t, exactly. People in
very many groups sort last and so rarely enter a prefix; their posting lists are skipped beyond
`hub_cap`, which can only miss groups made almost entirely of such people.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse

from groupbot.domain.match_features import Corpus


@dataclass(frozen=True)
class CandidateSettings:
    """Thresholds of the member blocking step."""

    min_containment: float = 0.5
    min_shared: int = 2
    hub_cap: int = 5000
    probe_budget: int = 4_000_000  # pair slots generated per chunk; bounds memory
    verify_chunk: int = 250_000


@dataclass
class Candidates:
    """Pairs of group indices (left < right by size order) with their shared member counts."""

    left: np.ndarray
    right: np.ndarray
    shared: np.ndarray

    def __len__(self) -> int:
        return len(self.left)


def membership_matrix(corpus: Corpus) -> sparse.csr_matrix:
    """Binary groups × members matrix (repeated members counted once)."""
    n = corpus.size
    width = int(corpus.members.max()) + 1 if len(corpus.members) else 1
    data = np.ones(len(corpus.members), dtype=np.int32)
    # Copies: canonicalising the matrix must not reorder the corpus's own arrays.
    matrix = sparse.csr_matrix((data, corpus.members.copy(), corpus.indptr.copy()),
                               shape=(n, width))
    matrix.sum_duplicates()
    matrix.data[:] = 1
    return matrix


def find_candidates(corpus: Corpus, settings: CandidateSettings = CandidateSettings(),
                    plausible=None) -> Candidates:
    """Every pair whose member containment reaches the threshold (and shares enough people).

    `plausible(left, right) -> bool mask`, when given, drops pairs early, chunk by chunk: a
    community's groups share their staff, so member overlap alone yields far more pairs than
    could be kept in memory at a million groups.
    """
    matrix, df = _by_rarity(membership_matrix(corpus))
    sizes = np.diff(matrix.indptr).astype(np.int64)
    probes_row, probes_tok = _prefix_probes(matrix, df, sizes, settings)
    postings = matrix.tocsc()
    n = np.int64(corpus.size)
    key_parts, shared_parts = [], []
    for rows, toks in _chunks(probes_row, probes_tok, df, settings.probe_budget):
        left, right = _expand(rows, toks, postings)
        keep = (right != left) & ((sizes[right] > sizes[left])
                                  | ((sizes[right] == sizes[left]) & (right > left)))
        left, right = left[keep], right[keep]
        if plausible is not None:
            keep = plausible(left, right)
            left, right = left[keep], right[keep]
        keys = distinct(left * n + right)
        left, right = keys // n, keys % n
        # Verified chunk by chunk: only true candidates are kept, however many pairs the
        # probes find (a province's recurring names make hundreds of millions).
        shared = _overlaps(matrix, left, right, settings.verify_chunk)
        keep = (shared >= settings.min_shared) & (
            shared >= settings.min_containment * np.minimum(sizes[left], sizes[right]))
        key_parts.append(keys[keep])
        shared_parts.append(shared[keep])
    del probes_row, probes_tok, postings
    keys, shared = _first_of_each(key_parts, shared_parts)
    return Candidates(keys // n, keys % n, shared)


def _first_of_each(key_parts: list, shared_parts: list) -> tuple[np.ndarray, np.ndarray]:
    """The pairs found by any chunk, once each, in key order, with their shared counts."""
    if not key_parts:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    keys, shared = np.concatenate(key_parts), np.concatenate(shared_parts)
    order = np.argsort(keys, kind="stable")
    keys, shared = keys[order], shared[order]
    first = np.ones(len(keys), dtype=bool)
    first[1:] = keys[1:] != keys[:-1]
    return keys[first], shared[first]


def _by_rarity(matrix: sparse.csr_matrix) -> tuple[sparse.csr_matrix, np.ndarray]:
    """Relabel members by rarity rank, rarest first within every row (sorted in place)."""
    df = np.bincount(matrix.indices, minlength=matrix.shape[1]).astype(np.int64)
    rank = np.empty(len(df), dtype=np.int32)
    rank[np.argsort(df, kind="stable")] = np.arange(len(df), dtype=np.int32)
    matrix.indices = rank[matrix.indices]
    matrix.has_sorted_indices = False
    matrix.sort_indices()
    return matrix, np.sort(df)


def _prefix_probes(matrix: sparse.csr_matrix, df: np.ndarray, sizes: np.ndarray,
                   settings: CandidateSettings) -> tuple[np.ndarray, np.ndarray]:
    """(row, member) for the members in each row's prefix that can lead to a partner."""
    needed = np.maximum(settings.min_shared,
                        np.ceil(settings.min_containment * sizes).astype(np.int64))
    prefix = np.clip(sizes - needed + 1, 0, None).astype(np.int32)
    rows = np.repeat(np.arange(matrix.shape[0], dtype=np.int32), sizes)
    position = np.arange(len(rows), dtype=np.int32)
    position -= np.repeat(matrix.indptr[:-1].astype(np.int32), sizes)
    tokens = matrix.indices
    counts = df[tokens]
    probe = (position < prefix[rows]) & (counts <= settings.hub_cap) & (counts > 1)
    return rows[probe], tokens[probe]


def _chunks(rows: np.ndarray, toks: np.ndarray, df: np.ndarray, budget: int):
    """Split probes so that each chunk expands to at most about `budget` pairs."""
    if not len(rows):
        return
    cost = np.cumsum(df[toks])
    start = 0
    while start < len(rows):
        limit = (cost[start - 1] if start else 0) + budget
        stop = max(int(np.searchsorted(cost, limit, side="right")), start + 1)
        yield rows[start:stop], toks[start:stop]
        start = stop


def _expand(rows: np.ndarray, toks: np.ndarray, postings: sparse.csc_matrix):
    """Pair each probing row with every group in its token's posting list."""
    starts = postings.indptr[toks].astype(np.int64)
    lengths = postings.indptr[toks.astype(np.int64) + 1].astype(np.int64) - starts
    total = int(lengths.sum())
    offsets = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
    right = postings.indices[offsets + np.arange(total, dtype=np.int64)].astype(np.int64)
    return np.repeat(rows.astype(np.int64), lengths), right


def distinct(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values: sort and drop repeats.

    np.unique's hash-based path (numpy 2.3+) is two orders of magnitude slower on millions of
    int64 keys than sorting them.
    """
    if len(values) < 2:
        return values.copy()
    ordered = np.sort(values)
    first = np.empty(len(ordered), dtype=bool)
    first[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    return ordered[first]


def _overlaps(matrix: sparse.csr_matrix, left: np.ndarray, right: np.ndarray,
              chunk: int) -> np.ndarray:
    """Exact shared-member counts of the given pairs."""
    out = np.empty(len(left), dtype=np.int64)
    for start in range(0, len(left), chunk):
        stop = start + chunk
        both = matrix[left[start:stop]].multiply(matrix[right[start:stop]])
        out[start:stop] = np.asarray(both.sum(axis=1)).ravel()
    return out
