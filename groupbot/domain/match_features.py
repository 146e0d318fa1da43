"""Per-group features for matching: function, topics, place, level, temporariness, members."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from sys import intern

import numpy as np
from scipy import sparse

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
    _seen: np.ndarray | None = field(default=None, repr=False, compare=False)

    @property
    def size(self) -> int:
        """Number of groups."""
        return len(self.titles)

    def seen(self) -> np.ndarray:
        """How many members of each group are known."""
        if self._seen is None:  # asked for once per proposal: computed once
            self._seen = np.diff(self.indptr)
        return self._seen


def subset(corpus: Corpus, rows: np.ndarray) -> Corpus:
    """The corpus of the given groups only, in that order."""
    starts, stops = corpus.indptr[rows], corpus.indptr[rows + 1]
    indptr = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum(stops - starts, out=indptr[1:])
    members = (np.concatenate([corpus.members[a:b] for a, b in zip(starts, stops, strict=True)])
               if len(rows) else corpus.members[:0])
    pick = rows.tolist()
    return Corpus([corpus.chat_ids[i] for i in pick], [corpus.titles[i] for i in pick],
                  [corpus.purposes[i] for i in pick], indptr, members,
                  corpus.member_count[rows], corpus.activity[rows], corpus.created[rows],
                  corpus.expires[rows])


def build_corpus(chat_ids: Sequence, titles: Sequence[str], purposes: Sequence[str | None],
                 member_lists: Sequence[Sequence[int]], *, member_count=None, activity=None,
                 created: Sequence[date | None] | None = None,
                 expires: Sequence[date | None] | None = None) -> Corpus:
    """Assemble a Corpus from per-group lists (member ids are small non-negative ints)."""
    n = len(titles)
    sizes = np.fromiter((len(m) for m in member_lists), dtype=np.int64, count=n)
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(sizes, out=indptr[1:])
    if n and all(isinstance(m, np.ndarray) for m in member_lists):
        flat = np.concatenate(member_lists).astype(np.int32, copy=False)
    else:
        flat = np.fromiter((x for m in member_lists for x in m), dtype=np.int32,
                           count=int(indptr[-1]))
    indptr, flat = _distinct_members(indptr, flat)
    return Corpus(list(chat_ids), list(titles), list(purposes), indptr, flat,
                  _ints(member_count, n), _ints(activity, n), _days(created, n),
                  _days(expires, n))


def _distinct_members(indptr: np.ndarray, flat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each group's members sorted, a person listed twice counted once."""
    width = int(flat.max()) + 1 if len(flat) else 1
    matrix = sparse.csr_matrix((np.ones(len(flat), dtype=np.int8), flat, indptr),
                               shape=(len(indptr) - 1, width))
    matrix.sum_duplicates()
    return matrix.indptr.astype(np.int64), matrix.indices.astype(np.int32)


def _ints(values, n: int) -> np.ndarray:
    if values is None:
        return np.zeros(n, dtype=np.int64)
    return np.asarray([v or 0 for v in values], dtype=np.int64)


def _days(values, n: int) -> np.ndarray:
    if values is None:
        return np.full(n, NO_DAY, dtype=np.int64)
    return np.asarray([d.toordinal() if d else NO_DAY for d in values], dtype=np.int64)


@dataclass(frozen=True, slots=True, eq=True)
class Function:
    """What a group is for, as far as its title and purpose tell."""

    text: str  # canonicalised function words of the title
    purpose: str  # normalised purpose ("" when none)
    topics: frozenset[str]  # from the title and the purpose
    title_topics: frozenset[str]  # from the title alone: the stronger evidence
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
    # Synonyms are compared through topics; the texts stay as written, because
    # canonicalising them makes unrelated work look alike ("隐患排查" and "安全检查").
    title_topics = lexicon.topics(parts.function)
    topics = title_topics | (lexicon.topics(clean_purpose) if clean_purpose else frozenset())
    # Interned: the same few thousand words recur across a million groups.
    return Function(
        text=intern(parts.function), purpose=intern(clean_purpose),
        topics=_shared(topics), title_topics=_shared(title_topics),
        place=intern(parts.locations[-1] if parts.locations else ""), level=parts.level,
        temporary=parts.temporary, periods=_shared(frozenset(parts.periods)),
        shown=intern(clean_text(purpose or "") or parts.function or parts.cleaned),
    )


_SETS: dict[frozenset, frozenset] = {}


def _shared(values: frozenset) -> frozenset:
    """One object per distinct set."""
    return _SETS.setdefault(values, values)


def describe_all(corpus: Corpus, lexicon: Lexicon,
                 temporary_patterns=DEFAULT_TEMPORARY_PATTERNS) -> list[Function]:
    """Features of every group, with the corpus's shared place prefixes and boilerplate removed."""
    return strip_shared_affixes(describe_each(corpus, lexicon, temporary_patterns, {}), lexicon)


def describe_each(corpus: Corpus, lexicon: Lexicon, temporary_patterns,
                  known: dict[tuple[str, str | None], Function]) -> list[Function]:
    """Each group's own features (before the corpus-wide pass); `known` caches and learns."""
    out = []
    for title, purpose in zip(corpus.titles, corpus.purposes, strict=True):
        key = (title, purpose)
        found = known.get(key)
        if found is None:
            found = known[key] = describe(title, purpose, lexicon, temporary_patterns)
        out.append(found)
    return out


@dataclass(frozen=True)
class Affixes:
    """What the whole corpus shares: title prefixes, purpose suffixes, bare place names."""

    prefixes: frozenset[str]
    suffixes: frozenset[str]
    places: tuple[tuple[str, str], ...]


def shared_context(functions: list[Function], lexicon: Lexicon) -> Affixes:
    """The corpus-wide affixes and places of these groups."""
    return Affixes(
        frozenset(shared_affixes([f.text for f in functions], lexicon, from_start=True)),
        frozenset(shared_affixes([f.purpose for f in functions], lexicon, from_start=False)),
        tuple(sorted(known_places(functions).items())))


def strip_shared_affixes(functions: list[Function], lexicon: Lexicon,
                         context: Affixes | None = None,
                         done: dict[Function, Function] | None = None) -> list[Function]:
    """Remove what many groups share but is not their function.

    A community's groups often start with its bare name ("清波门反诈群", "清波门社工群"): a
    prefix that begins several different functions is a place, not work. Purposes often end
    in the same boilerplate ("…期间工作调度与信息报送"), which says nothing about the task.
    `done` (for this context) caches and learns the result per distinct function.
    """
    context = context or shared_context(functions, lexicon)
    places = dict(context.places)
    done = {} if done is None else done
    for f in functions:
        if f not in done:
            done[f] = _bare_place(_without_affixes(f, context.prefixes, context.suffixes,
                                                   lexicon), places, lexicon)
    return [done[f] for f in functions]


LEVEL_SUFFIXES = {"street": ("街道", "镇", "乡"), "community": ("社区", "村")}


def known_places(functions: list[Function]) -> dict[str, str]:
    """Bare place names the corpus also writes in full, with their level ("小营街道" → 小营)."""
    names: dict[str, str] = {}
    # Distinct places in order of first appearance: the first level found for a name wins.
    for place in dict.fromkeys(f.place for f in functions):
        for level, suffixes in LEVEL_SUFFIXES.items():
            for suffix in suffixes:
                bare = place[: -len(suffix)]
                if place.endswith(suffix) and len(bare) >= 2 and suffix != "村":
                    names.setdefault(bare, level)
    return names


def _bare_place(f: Function, places: dict[str, str], lexicon: Lexicon) -> Function:
    """A title opening with a known bare place name ("小营党建群") belongs to that place."""
    if f.level is not None and f.place:
        return f
    for k in range(min(5, len(f.text) - 1), 1, -1):
        level = places.get(f.text[:k])
        if level and lexicon.topics(f.text[k:]) >= lexicon.topics(f.text):
            return replace(f, text=intern(f.text[k:]), place=intern(f.text[:k]), level=level)
    level = places.get(f.place)
    return replace(f, level=level) if level and f.level is None else f


def _without_affixes(f: Function, prefixes: frozenset[str], suffixes: frozenset[str],
                     lexicon: Lexicon) -> Function:
    text, place, purpose = f.text, f.place, f.purpose
    for k in range(min(4, len(text) - 1), 1, -1):
        # Never cut into a topic word ("安全|生产"): the prefix must carry no work of its own.
        if text[:k] in prefixes and lexicon.topics(text[k:]) >= lexicon.topics(text):
            text, place = intern(text[k:]), place or intern(text[:k])
            break
    for k in range(min(MAX_AFFIX, len(purpose) - 2), 3, -1):
        if purpose[-k:] in suffixes:
            purpose = intern(purpose[:-k])
            break
    if (text, place, purpose) == (f.text, f.place, f.purpose):
        return f
    return replace(f, text=text, place=place, purpose=purpose)


MAX_AFFIX = 12
MIN_SHARING = 3


def shared_affixes(texts: list[str], lexicon: Lexicon, *, from_start: bool) -> set[str]:
    """Affixes that open (or close) at least MIN_SHARING distinct texts in varied ways."""
    followers: dict[str, set[str]] = {}
    lengths = range(2, 5) if from_start else range(4, MAX_AFFIX + 1)
    for text in set(texts):
        for k in lengths:
            if len(text) <= k + (0 if from_start else 1):
                break
            affix, rest = (text[:k], text[k]) if from_start else (text[-k:], text[-k - 1])
            followers.setdefault(affix, set()).add(rest)
    # Varied neighbours: "清波门" is followed by 反/社/消…; "垃圾" only by 分 (垃圾分类).
    return {a for a, nxt in followers.items()
            if len(nxt) >= MIN_SHARING and not lexicon.topics(a)}
