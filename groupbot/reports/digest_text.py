"""The digest as text (Chinese first)."""

from __future__ import annotations

from groupbot.domain.digest import Digest
from groupbot.domain.i18n import render
from groupbot.telegram.texts import status_name

TEXTS = {
    "title": {"zh": "📊 工作群周报 {week}（截至 {day}）",
              "en": "📊 Work groups weekly {week} (to {day})"},
    "totals": {"zh": "在用工作群 {in_play} 个（共登记 {total} 个）：{by_status}",
               "en": "{in_play} work groups in use ({total} registered): {by_status}"},
    "reduction": {"zh": "较基线 {baseline} 个减少 {pct}%",
                  "en": "{pct}% fewer than the baseline of {baseline}"},
    "no_baseline": {"zh": "尚无基线", "en": "no baseline yet"},
    "changes": {"zh": "本周变化：{changes}", "en": "This week: {changes}"},
    "no_changes": {"zh": "本周无变化", "en": "No changes this week"},
    "proposals": {"zh": "待处理合并建议（{n}）：", "en": "Pending merge proposals ({n}):"},
    "ending": {"zh": "即将结束的临时群：", "en": "Temporary groups ending soon:"},
    "expiring": {"zh": "即将到期的保留：", "en": "Exemptions expiring:"},
    "burden": {"zh": "每人所在工作群：中位数 {median}，90% 分位 {p90}，最多 {max}（{members} 人）",
               "en": "Groups per member: median {median}, p90 {p90}, max {max} "
                     "({members} people)"},
    "top": {"zh": "所在群最多：{people}", "en": "In the most groups: {people}"},
    "after_hours": {"zh": "近 7 天 {messages} 条消息，{pct}% 在工作时间外（白加黑、五加二）",
                    "en": "{messages} messages in 7 days, {pct}% outside working hours"},
    "photos": {"zh": "晒图打卡最多的群：{groups}", "en": "Most photo check-ins: {groups}"},
}
CHANGE_NAMES = {"registered": {"zh": "新登记", "en": "registered"}}


def _t(key: str, language: str, **values) -> str:
    return render(TEXTS, key, language, **values)


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.0f}"


def digest_text(d: Digest, language: str) -> str:
    """The whole digest as one text."""
    sep = "，" if language == "zh" else ", "
    lines = [_t("title", language, week=d.week, day=d.as_of.isoformat()),
             _t("totals", language, in_play=d.in_play, total=d.total, by_status=sep.join(
                 f"{status_name(s, language)} {n}" for s, n in sorted(d.by_status.items()))),
             _t("reduction", language, baseline=d.baseline, pct=_pct(d.reduction))
             if d.reduction is not None else _t("no_baseline", language)]
    changes = sep.join(f"{CHANGE_NAMES.get(k, {}).get(language) or status_name(k, language)} {n}"
                       for k, n in sorted(d.changes.items()))
    lines.append(_t("changes", language, changes=changes) if changes
                 else _t("no_changes", language))
    if d.proposals:
        lines.append(_t("proposals", language, n=len(d.proposals)))
        for p in d.proposals:
            lines.append(f"  #{p.id} {' / '.join(p.titles)}（{p.score:.2f}）")
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
