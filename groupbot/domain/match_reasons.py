"""Why a proposal groups chats together, as phrases: a message key and its values.

The domain says what is true; the message catalogue (outside the domain) says it in words.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from groupbot.domain.match_features import Corpus, Function


@dataclass(frozen=True)
class Phrase:
    """A message key and the values it is filled with (a value may be a Phrase itself)."""

    key: str
    values: dict[str, object] = field(default_factory=dict, hash=False)


def pair_reasons(a: int, b: int, member: float, shared: int, corpus: Corpus,
                 functions: list[Function]) -> list[Phrase]:
    """Why two groups look like one: shared people, then shared function."""
    seen = corpus.seen()
    smaller = int(min(seen[a], seen[b]))
    partial = [g for g in (a, b) if corpus.member_count[g] > seen[g] * 1.5]
    note: Phrase | str = ""
    if partial:
        g = partial[0]
        note = Phrase("matching.partial", {"seen": int(seen[g]),
                                           "count": int(corpus.member_count[g])})
    fa, fb = functions[a], functions[b]
    reasons = [Phrase("matching.members", {"pct": round(member * 100), "shared": shared,
                                           "smaller": smaller, "a": corpus.titles[a],
                                           "b": corpus.titles[b], "partial": note}),
               Phrase("matching.function", {"fa": fa.shown, "fb": fb.shown})]
    common = sorted(fa.topics & fb.topics)
    if common:
        reasons.append(Phrase("matching.topics", {"topics": tuple(common)}))
    return reasons


def survivor_reason(survivor: int, cluster: list[int], corpus: Corpus) -> Phrase:
    """Why this group is the one kept."""
    others = [g for g in cluster if g != survivor]
    if all(corpus.activity[survivor] > corpus.activity[g] for g in others):
        why = Phrase("matching.most_active", {"n": int(corpus.activity[survivor])})
    elif all(corpus.member_count[survivor] > corpus.member_count[g] for g in others):
        why = Phrase("matching.largest", {"n": int(corpus.member_count[survivor])})
    elif all(0 <= corpus.created[survivor] < corpus.created[g] for g in others):
        why = Phrase("matching.oldest")
    else:
        why = Phrase("matching.first")
    return Phrase("matching.survivor", {"title": corpus.titles[survivor], "why": why})
