"""The weekly digest as text, and its messages in the admin chat."""

TEXTS: dict[str, dict[str, str]] = {
    "digest.title": {"zh": "📊 工作群周报 {week}（截至 {day}）",
                     "en": "📊 Work groups weekly {week} (to {day})"},
    "digest.totals": {"zh": "在用工作群 {in_play} 个（共登记 {total} 个）：{by_status}",
                      "en": "{in_play} work groups in use ({total} registered): {by_status}"},
    "digest.reduction": {"zh": "较基线 {baseline} 个减少 {pct}%",
                         "en": "{pct}% fewer than the baseline of {baseline}"},
    "digest.no_baseline": {"zh": "尚无基线", "en": "no baseline yet"},
    "digest.changes": {"zh": "本周变化：{changes}", "en": "This week: {changes}"},
    "digest.no_changes": {"zh": "本周无变化", "en": "No changes this week"},
    "digest.proposals": {"zh": "待处理合并建议（{n}）：", "en": "Pending merge proposals ({n}):"},
    "digest.proposal_line": {"zh": "  #{id} {titles}（{score}）",
                             "en": "  #{id} {titles}（{score}）"},
    "digest.ending": {"zh": "即将结束的临时群：", "en": "Temporary groups ending soon:"},
    "digest.expiring": {"zh": "即将到期的保留：", "en": "Exemptions expiring:"},
    "digest.burden": {"zh": "每人所在工作群：中位数 {median}，90% 分位 {p90}，"
                            "最多 {max}（{members} 人）",
                      "en": "Groups per member: median {median}, p90 {p90}, max {max} "
                            "({members} people)"},
    "digest.top": {"zh": "所在群最多：{people}", "en": "In the most groups: {people}"},
    "digest.after_hours": {"zh": "近 7 天 {messages} 条消息，"
                                 "{pct}% 在工作时间外（白加黑、五加二）",
                           "en": "{messages} messages in 7 days, {pct}% outside working hours"},
    "digest.photos": {"zh": "晒图打卡最多的群：{groups}", "en": "Most photo check-ins: {groups}"},
    # A hidden member's stable pseudonym; the same in both languages so weeks stay comparable.
    "digest.pseudonym": {"zh": "成员{code}", "en": "成员{code}"},
    "digest.review": {"zh": "待处理的合并建议，点击查看：",
                      "en": "Pending merge proposals, tap to review:"},
    # This week's changes that are not a status ("新登记 3").
    "change.registered": {"zh": "新登记", "en": "registered"},
}
