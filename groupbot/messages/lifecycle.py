"""Lifecycle messages: warnings, farewells, restores, keep and temporary answers, approvals."""

TEXTS: dict[str, dict[str, str]] = {
    "lifecycle.warn_zombie": {
        "zh": "⏰ 本群已 {days} 天没有人发言，将于 {due} 归档（设为只读，记录全部保留）。"
              "如仍需使用，在群里说句话即可；群主或管理员也可发送 /keep 原因 保留本群。",
        "en": "⏰ Nobody has written here for {days} days; this group will be archived on {due} "
              "(made read-only, every record kept). Say anything here to keep it, or an admin "
              "can send /keep <reason>.",
    },
    "lifecycle.warn_expired_temporary": {
        "zh": "⏰ 本临时群已过结束日期，将于 {due} 归档（设为只读，记录全部保留）。"
              "如需延期，请群主发送 /temporary 新结束日期 或 /keep 原因。",
        "en": "⏰ This temporary group is past its end date and will be archived on {due} "
              "(read-only, every record kept). To extend it, send /temporary <new end date> "
              "or /keep <reason>.",
    },
    "lifecycle.farewell": {
        "zh": "📦 本群已归档：共 {members} 人，近 30 天 {messages} 条消息，最后发言 {last}。"
              "群内容和记录全部保留；如需恢复，管理员可发送 /restore。",
        "en": "📦 This group is archived: {members} members, {messages} messages in 30 days, "
              "last message {last}. Nothing is deleted; an admin can send /restore.",
    },
    "lifecycle.restored": {"zh": "♻️ 本群已恢复，{days} 天内不会再被归档。",
                           "en": "♻️ This group is restored and will not be archived for "
                                 "{days} days."},
    "lifecycle.not_archived": {"zh": "本群没有被归档。", "en": "This group is not archived."},
    "lifecycle.kept": {"zh": "✅ 已保留本群{until}：{reason}",
                       "en": "✅ This group is kept{until}: {reason}"},
    "lifecycle.kept_until": {"zh": "（至 {date}）", "en": " until {date}"},
    "lifecycle.keep_usage": {"zh": "用法：/keep 原因 [until YYYY-MM-DD]",
                             "en": "Usage: /keep <reason> [until YYYY-MM-DD]"},
    "lifecycle.temporary_set": {"zh": "✅ 已登记为临时群，结束日期 {date}。",
                                "en": "✅ Registered as a temporary group ending on {date}."},
    "lifecycle.temporary_usage": {"zh": "用法：/temporary YYYY-MM-DD（结束日期）",
                                  "en": "Usage: /temporary YYYY-MM-DD (end date)"},
    "lifecycle.ask_end_date": {"zh": "这个群看起来是临时工作群，请群主发送 /temporary 结束日期（如 "
                                     "/temporary 2026-12-31），到期后我会提醒并归档。",
                               "en": "This looks like a temporary task group. Please send "
                                     "/temporary <end date> (e.g. /temporary 2026-12-31); I will "
                                     "warn before archiving it after that date."},
    "lifecycle.summary": {"zh": "🧹 生命周期检查 {day}：提醒 {warned} 个，归档 {archived} 个，"
                                "待批准 {proposed} 个，恢复活跃 {renewed} 个，"
                                "低活跃待复核 {review} 个。",
                          "en": "🧹 Lifecycle scan {day}: {warned} warned, {archived} archived, "
                                "{proposed} awaiting approval, {renewed} active again, "
                                "{review} low-activity to review."},
    "lifecycle.never": {"zh": "从未", "en": "never"},
    # An archive proposal in the admin chat, with its two buttons and their answers.
    "lifecycle.propose_archive": {"zh": "📦 {title} ({chat_id}) — {verdict}",
                                  "en": "📦 {title} ({chat_id}) — {verdict}"},
    "lifecycle.approve": {"zh": "✅", "en": "✅"},
    "lifecycle.reject": {"zh": "❌", "en": "❌"},
    "lifecycle.invalid_button": {"zh": "⛔", "en": "⛔"},
    # Scan verdicts as people read them (the stored value is the key's tail).
    "verdict.zombie": {"zh": "僵尸群", "en": "zombie"},
    "verdict.expired_temporary": {"zh": "临时群已到期", "en": "expired temporary group"},
    "verdict.low_activity": {"zh": "低活跃", "en": "low activity"},
}
