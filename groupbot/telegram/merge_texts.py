"""Messages about merge proposals, Chinese first."""

from __future__ import annotations

from groupbot.domain.i18n import render
from groupbot.storage.proposals import StoredProposal

TEXTS = {
    "proposal": {"zh": "🔀 合并建议 #{id}（相似度 {score}）",
                 "en": "🔀 Merge proposal #{id} (score {score})"},
    "keep": {"zh": "保留", "en": "keep"},
    "approve": {"zh": "✅ 同意合并", "en": "✅ Approve"},
    "reject": {"zh": "❌ 不合并", "en": "❌ Reject"},
    "details": {"zh": "ℹ️ 详情", "en": "ℹ️ Details"},
    "executed": {"zh": "✅ 已合并（{who}）：并入「{title}」",
                 "en": "✅ Merged by {who} into \"{title}\""},
    "rejected": {"zh": "❌ 已否决（{who}）", "en": "❌ Rejected by {who}"},
    "already": {"zh": "这条建议已经处理过了。", "en": "This proposal has already been decided."},
    "invalid": {"zh": "这个按钮已失效。", "en": "This button is no longer valid."},
    "missing": {"zh": "找不到这条建议。", "en": "No such proposal."},
    "announce": {"zh": "📢 本群工作已并入「{title}」，请到那里继续。{link}",
                 "en": "📢 This group's work has moved to \"{title}\"; "
                       "please continue there. {link}"},
    "reverted": {"zh": "↩️ 合并 #{id} 已撤销，各群恢复原状。",
                 "en": "↩️ Merge #{id} reverted; groups restored."},
    "unmerge_usage": {"zh": "用法：/unmerge 建议编号", "en": "Usage: /unmerge <proposal id>"},
    "no_pending": {"zh": "目前没有待处理的合并建议。", "en": "No merge proposals are pending."},
    "matching": {"zh": "正在查找可合并的群……", "en": "Looking for groups to merge…"},
    "match_done": {"zh": "查找完成：{total} 条建议，其中 {new} 条是新的。",
                   "en": "Done: {total} proposal(s), {new} new."},
    "no_similar": {"zh": "没有发现与本群相似的群。", "en": "No similar groups found."},
    "similar": {"zh": "与本群相似的群：", "en": "Groups similar to this one:"},
}


def t(key: str, language: str, **values) -> str:
    """One message in the chosen language, with values filled in."""
    return render(TEXTS, key, language, **values)


def proposal_text(p: StoredProposal, language: str, *, full: bool = False) -> str:
    """A proposal as the admin chat shows it; `full` adds every reason."""
    lines = [t("proposal", language, id=p.id, score=f"{p.score:.2f}")]
    for pk, chat_id, title in zip(p.group_pks, p.chat_ids, p.titles, strict=True):
        mark = f"  ← {t('keep', language)}" if pk == p.survivor_pk else ""
        lines.append(f"• {title} ({chat_id}){mark}")
    reasons = p.reasons if full else p.reasons[:3]
    lines.extend(f"  – {r}" for r in reasons)
    return "\n".join(lines)[:4000]
