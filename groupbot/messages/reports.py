"""The HTML report, the chart's labels and the CSV table's headers."""

TEXTS: dict[str, dict[str, str]] = {
    "report.in_use": {"zh": "在用工作群", "en": "groups in use"},
    "report.reduction": {"zh": "较基线减少", "en": "fewer than baseline"},
    "report.median": {"zh": "每人所在群（中位数）", "en": "groups per member (median)"},
    "report.after_hours": {"zh": "工作时间外消息", "en": "messages out of hours"},
    "report.chart_alt": {"zh": "chart", "en": "chart"},
    # The demo page is shown to mixed audiences: its section titles carry both languages.
    "report.demo_proposals": {"zh": "合并建议 / merge proposals",
                              "en": "合并建议 / merge proposals"},
    "report.demo_scan": {"zh": "生命周期预览（不做任何改动）/ lifecycle dry run",
                         "en": "生命周期预览（不做任何改动）/ lifecycle dry run"},
    "report.demo_proposal": {"zh": "#{id} {titles} ({score}) — {reason}",
                             "en": "#{id} {titles} ({score}) — {reason}"},
    "chart.title": {"zh": "工作群数量（按周）", "en": "Work groups by week"},
    "chart.baseline": {"zh": "基线", "en": "baseline"},
    "chart.in_use": {"zh": "在用工作群", "en": "groups in use"},
    "chart.per_member": {"zh": "每人所在群数", "en": "groups per member"},
    "chart.members": {"zh": "人数", "en": "members"},
    "chart.week": {"zh": "周", "en": "week"},
    # CSV headers are a contract with people's spreadsheets: the same in every language.
    "csv.platform": {"zh": "platform", "en": "platform"},
    "csv.chat_id": {"zh": "chat_id", "en": "chat_id"},
    "csv.title": {"zh": "title", "en": "title"},
    "csv.status": {"zh": "status", "en": "status"},
    "csv.purpose": {"zh": "purpose", "en": "purpose"},
    "csv.member_count": {"zh": "member_count", "en": "member_count"},
    "csv.messages_7d": {"zh": "messages_7d", "en": "messages_7d"},
    "csv.after_hours_7d": {"zh": "after_hours_7d", "en": "after_hours_7d"},
    "csv.photos_7d": {"zh": "photos_7d", "en": "photos_7d"},
}
