"""Per-group features for matching: function, topics, place, level, temporariness, members."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from groupbot.domain.lexicon import Lexicon
from groupbot.domain.textnorm import (
    DEFAULT_TEMPORARY_PATTERNS,
    clean_text,
    normalise_purpose,
    parse_title,
)

NO_DAY = -1  # a missing date in the day-number arrays


@dataclass
class Corpus:
    """Groups to match, column-wise so a million of them fit in memory.

    Members are CSR arrays: the member ids of group i are members[indptr[i]:indptr[i+1]].
    """

    chat_ids: list
    titles: list[str]
    purposes: list[str | None]
    indptr: np.ndarray
    members: np.ndarray
    member_count: np.ndarray  # 0 when unknown
    activity: np.ndarray  # human messages in the last 30 days
    created: np.ndarray  # day numbers (date.toordinal), NO_DAY when unknown
    expires: np.ndarray

    @property
    def size(self) -> int:
        """Number of groups."""
        return len(self.titles)

    def seen(self) -> np.ndarray:
        """How many members of each group are known."""
        return np.diff(self.indptr)


def build_corpus(chat_ids: Sequence, titles: Sequence[str], purposes: Sequence[str | None],
                 member_lists: Sequence[Sequence[int]], *, member_count=None, activity=None,
                 created: Sequence[date | None] | None = None,
                 expires: Sequence[date | None] | None = None) -> Corpus:
    """Assemble a Corpus from per-group lists (member ids are small non-negative ints)."""
    n = len(titles)
    sizes = np.fromiter((len(m) for m in member_lists), dtype=np.int64, count=n)
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(sizes, out=indptr[1:])
    flat = np.fromiter((x for m in member_lists for x in m), dtype=np.int32,
                       count=int(indptr[-1]))
    return Corpus(list(chat_ids), list(titles), list(purposes), indptr, flat,
                  _ints(member_count, n), _ints(activity, n), _days(created, n),
                  _days(expires, n))


def _ints(values, n: int) -> np.ndarray:
    if values is None:
        return np.zeros(n, dtype=np.int64)
    return np.asarray([v or 0 for v in values], dtype=np.int64)


def _days(values, n: int) -> np.ndarray:
    if values is None:
        return np.full(n, NO_DAY, dtype=np.int64)
    return np.asarray([d.toordinal() if d else NO_DAY for d in values], dtype=np.int64)


@dataclass(frozen=True, slots=True)
class Function:
    """What a group is for, as far as its title and purpose tell."""

    text: str  # canonicalised function words of the title
    purpose: str  # canonicalised purpose ("" when none)
    topics: frozenset[str]
    place: str  # the most specific place named ("" when none)
    level: str | None
    temporary: bool
    periods: frozenset[str]
    shown: str  # what reasons quote: the purpose if stated, else the title's function


def describe(title: str, purpose: str | None, lexicon: Lexicon,
             temporary_patterns=DEFAULT_TEMPORARY_PATTERNS) -> Function:
    """Features of one group."""
    parts = parse_title(title, temporary_patterns)
    clean_purpose = normalise_purpose(purpose)
    text = lexicon.canonicalise(parts.function)
    canon_purpose = lexicon.canonicalise(clean_purpose) if clean_purpose else ""
    topics = lexicon.topics(parts.function) | (lexicon.topics(clean_purpose)
                                               if clean_purpose else frozenset())
    return Function(
        text=text, purpose=canon_purpose, topics=topics,
        place=parts.locations[-1] if parts.locations else "", level=parts.level,
        temporary=parts.temporary, periods=frozenset(parts.periods),
        shown=clean_text(purpose or "") or parts.function or parts.cleaned,
    )


def describe_all(corpus: Corpus, lexicon: Lexicon,
                 temporary_patterns=DEFAULT_TEMPORARY_PATTERNS) -> list[Function]:
    """Features of every group; identical titles and purposes are parsed once."""
    cache: dict[tuple[str, str | None], Function] = {}
    out = []
    for title, purpose in zip(corpus.titles, corpus.purposes, strict=True):
        key = (title, purpose)
        found = cache.get(key)
        if found is None:
            found = cache[key] = describe(title, purpose, lexicon, temporary_patterns)
        out.append(found)
    return out
