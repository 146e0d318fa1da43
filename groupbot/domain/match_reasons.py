"""Human-readable reasons for a proposal, Chinese first."""

from __future__ import annotations

from groupbot.domain.i18n import render
from groupbot.domain.match_features import Corpus, Function

TEMPLATES = {
    "members": {
        "zh": "成员重合 {pct}%（{shared}/{smaller}）：{a} 与 {b}",
        "en": "{pct}% of members shared ({shared}/{smaller}): {a} and {b}",
    },
    "partial": {
        "zh": "（其中一群只看到 {seen}/{count} 名成员）",
        "en": " (only {seen} of {count} members visible in one group)",
    },
    "function": {"zh": "用途：{fa} ≈ {fb}", "en": "purpose: {fa} ≈ {fb}"},
    "topics": {"zh": "同一工作领域：{topics}", "en": "same field of work: {topics}"},
    "survivor": {
        "zh": "保留「{title}」：{why}",
        "en": "keep \"{title}\": {why}",
    },
    "most_active": {"zh": "最活跃（近 30 天 {n} 条消息）",
                    "en": "most active ({n} messages in 30 days)"},
    "largest": {"zh": "人数最多（{n} 人）", "en": "largest ({n} members)"},
    "oldest": {"zh": "建立最早", "en": "oldest"},
    "first": {"zh": "最先登记", "en": "registered first"},
}


def _t(key: str, language: str, **values) -> str:
    """One message in the chosen language, with values filled in."""
    return render(TEMPLATES, key, language, **values)


def pair_reasons(a: int, b: int, member: float, shared: int, corpus: Corpus,
                 functions: list[Function], language: str) -> list[str]:
    """Why two groups look like one: shared people, then shared function."""
    seen = corpus.seen()
    smaller = int(min(seen[a], seen[b]))
    line = _t("members", language, pct=round(member * 100), shared=shared, smaller=smaller,
              a=corpus.titles[a], b=corpus.titles[b])
    partial = [g for g in (a, b) if corpus.member_count[g] > seen[g] * 1.5]
    if partial:
        g = partial[0]
        line += _t("partial", language, seen=int(seen[g]), count=int(corpus.member_count[g]))
    fa, fb = functions[a], functions[b]
    reasons = [line, _t("function", language, fa=fa.shown, fb=fb.shown)]
    common = sorted(fa.topics & fb.topics)
    if common:
        reasons.append(_t("topics", language, topics="、".join(common)))
    return reasons


def survivor_reason(survivor: int, cluster: list[int], corpus: Corpus, language: str) -> str:
    """Why this group is the one kept."""
    others = [g for g in cluster if g != survivor]
    if all(corpus.activity[survivor] > corpus.activity[g] for g in others):
        why = _t("most_active", language, n=int(corpus.activity[survivor]))
    elif all(corpus.member_count[survivor] > corpus.member_count[g] for g in others):
        why = _t("largest", language, n=int(corpus.member_count[survivor]))
    elif all(0 <= corpus.created[survivor] < corpus.created[g] for g in others):
        why = _t("oldest", language)
    else:
        why = _t("first", language)
    return _t("survivor", language, title=corpus.titles[survivor], why=why)
