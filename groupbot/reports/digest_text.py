"""The digest as text (Chinese first)."""

from __future__ import annotations

from groupbot.domain.digest import Digest
from groupbot.messages import TEXTS, name_of, t


def _t(key: str, language: str, **values) -> str:
    return t(f"digest.{key}", language, **values)


def _change(kind: str, language: str) -> str:
    """A week's change: its own name ("registered") or else the status it moved to."""
    key = f"change.{kind}"
    return t(key, language) if key in TEXTS else name_of("status", kind, language)


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.0f}"


def digest_text(d: Digest, language: str) -> str:
    """The whole digest as one text."""
    sep = t("bot.list_separator", language)
    lines = [_t("title", language, week=d.week, day=d.as_of.isoformat()),
             _t("totals", language, in_play=d.in_play, total=d.total, by_status=sep.join(
                 f"{name_of('status', s, language)} {n}" for s, n in sorted(d.by_status.items()))),
             _t("reduction", language, baseline=d.baseline, pct=_pct(d.reduction))
             if d.reduction is not None else _t("no_baseline", language)]
    changes = sep.join(f"{_change(k, language)} {n}" for k, n in sorted(d.changes.items()))
    lines.append(_t("changes", language, changes=changes) if changes
                 else _t("no_changes", language))
    if d.proposals:
        lines.append(_t("proposals", language, n=len(d.proposals)))
        for p in d.proposals:
            lines.append(_t("proposal_line", language, id=p.id, titles=" / ".join(p.titles),
                            score=f"{p.score:.2f}"))
            # reasons[0] names the survivor; the next one says why they are the same group.
            lines += [f"    {r}" for r in p.reasons[1:2]]
    for key, items in (("ending", d.temporary_ending), ("expiring", d.exemptions_expiring)):
        if items:
            lines.append(_t(key, language))
            lines += [f"  {title} — {day.isoformat()}" for title, day in items]
    b = d.burden
    lines.append(_t("burden", language, median=f"{b.median:g}", p90=f"{b.p90:g}", max=b.max,
                    members=b.members))
    if b.top:
        lines.append(_t("top", language, people=sep.join(f"{n} {c}" for n, c in b.top)))
    lines.append(_t("after_hours", language, messages=d.messages_7d,
                    pct=_pct(d.after_hours_share)))
    if d.photo_share:
        lines.append(_t("photos", language, groups=sep.join(
            f"{t} {s * 100:.0f}%" for t, s in d.photo_share)))
    return "\n".join(lines)
