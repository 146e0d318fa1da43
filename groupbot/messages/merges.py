"""Merge proposals: the admin chat's messages and buttons, and why groups look like one."""

TEXTS: dict[str, dict[str, str]] = {
    "merges.proposal": {"zh": "🔀 合并建议 #{id}（相似度 {score}）",
                        "en": "🔀 Merge proposal #{id} (score {score})"},
    "merges.keep": {"zh": "保留", "en": "keep"},
    "merges.approve": {"zh": "✅ 同意合并", "en": "✅ Approve"},
    "merges.reject": {"zh": "❌ 不合并", "en": "❌ Reject"},
    "merges.details": {"zh": "ℹ️ 详情", "en": "ℹ️ Details"},
    "merges.executed": {"zh": "✅ 已合并（{who}）：并入「{title}」",
                        "en": "✅ Merged by {who} into \"{title}\""},
    "merges.rejected": {"zh": "❌ 已否决（{who}）", "en": "❌ Rejected by {who}"},
    "merges.already": {"zh": "这条建议已经处理过了。",
                       "en": "This proposal has already been decided."},
    "merges.invalid": {"zh": "这个按钮已失效。", "en": "This button is no longer valid."},
    "merges.missing": {"zh": "找不到这条建议。", "en": "No such proposal."},
    "merges.announce": {"zh": "📢 本群工作已并入「{title}」，请到那里继续。{link}",
                        "en": "📢 This group's work has moved to \"{title}\"; "
                              "please continue there. {link}"},
    "merges.reverted": {"zh": "↩️ 合并 #{id} 已撤销，各群恢复原状。",
                        "en": "↩️ Merge #{id} reverted; groups restored."},
    "merges.unmerge_usage": {"zh": "用法：/unmerge 建议编号",
                             "en": "Usage: /unmerge <proposal id>"},
    "merges.no_pending": {"zh": "目前没有待处理的合并建议。",
                          "en": "No merge proposals are pending."},
    "merges.matching": {"zh": "正在查找可合并的群……", "en": "Looking for groups to merge…"},
    "merges.match_done": {"zh": "查找完成：{total} 条建议，其中 {new} 条是新的。",
                          "en": "Done: {total} proposal(s), {new} new."},
    "merges.no_similar": {"zh": "没有发现与本群相似的群。", "en": "No similar groups found."},
    "merges.similar": {"zh": "与本群相似的群：", "en": "Groups similar to this one:"},
    # The name of the invite link an absorbed group is sent (admins see it in the chat's links).
    "merges.link_name": {"zh": "merge #{id}", "en": "merge #{id}"},
    # Why a proposal groups chats together; stored with the proposal in the configured language.
    "matching.members": {
        "zh": "成员重合 {pct}%（{shared}/{smaller}）：{a} 与 {b}{partial}",
        "en": "{pct}% of members shared ({shared}/{smaller}): {a} and {b}{partial}",
    },
    "matching.partial": {
        "zh": "（其中一群只看到 {seen}/{count} 名成员）",
        "en": " (only {seen} of {count} members visible in one group)",
    },
    "matching.function": {"zh": "用途：{fa} ≈ {fb}", "en": "purpose: {fa} ≈ {fb}"},
    "matching.topics": {"zh": "同一工作领域：{topics}", "en": "same field of work: {topics}"},
    # Topic names are Chinese words in both languages, so the Chinese list mark fits both.
    "matching.topic_separator": {"zh": "、", "en": "、"},
    "matching.survivor": {"zh": "保留「{title}」：{why}", "en": "keep \"{title}\": {why}"},
    "matching.most_active": {"zh": "最活跃（近 30 天 {n} 条消息）",
                             "en": "most active ({n} messages in 30 days)"},
    "matching.largest": {"zh": "人数最多（{n} 人）", "en": "largest ({n} members)"},
    "matching.oldest": {"zh": "建立最早", "en": "oldest"},
    "matching.first": {"zh": "最先登记", "en": "registered first"},
}
