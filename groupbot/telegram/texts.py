"""Every message the bot sends, Chinese first, English when `language = "en"`."""

from __future__ import annotations

from groupbot.domain.i18n import render

TEXTS: dict[str, dict[str, str]] = {
    "welcome": {
        "zh": "👋 groupbot 已登记本群「{title}」。\n请群主或管理员发送 /purpose 群用途"
              "（例如：/purpose 消防检查台账报送），让大家知道这个群是做什么的。",
        "en": "👋 groupbot has registered this group, \"{title}\".\nA group admin, please state "
              "what it is for with /purpose <text> (e.g. /purpose fire-safety inspection reports).",
    },
    "welcome_no_rights": {
        "zh": "⚠️ 我目前不是本群管理员，看不到群消息，无法统计活跃度。请把我设为管理员"
              "（不需要任何额外权限）。",
        "en": "⚠️ I am not an admin here, so I cannot see messages and cannot measure activity. "
              "Please make me an admin (no extra rights are needed).",
    },
    "welcome_ok": {
        "zh": "✅ 我已能看到群内活动。我只记录消息数量和时间，从不保存消息内容。",
        "en": "✅ I can see activity here. I record message counts and times only, never content.",
    },
    "purpose_usage": {
        "zh": "用法：/purpose 群用途，例如 /purpose 垃圾分类督导",
        "en": "Usage: /purpose <what this group is for>, e.g. /purpose waste-sorting checks",
    },
    "purpose_too_long": {
        "zh": "群用途太长了（最多 {limit} 个字），请简要说明。",
        "en": "That purpose is too long (at most {limit} characters); please keep it short.",
    },
    "purpose_set": {
        "zh": "✅ 已记录本群用途：{purpose}",
        "en": "✅ Purpose recorded: {purpose}",
    },
    # Refusals, one per reason of groupbot.domain.authority; each starts with "Sorry".
    "not_group_admin": {
        "zh": "抱歉，只有本群群主、管理员或 groupbot 管理员可以这样做。",
        "en": "Sorry, only this group's owner, its admins or a groupbot admin can do that.",
    },
    "not_bot_admin": {
        "zh": "抱歉，只有 groupbot 管理员可以这样做。",
        "en": "Sorry, only groupbot admins can do that.",
    },
    "not_owner": {
        "zh": "抱歉，只有 groupbot 管理员或所涉各群的群主可以这样做。",
        "en": "Sorry, only groupbot admins or the owner of every group involved can do that.",
    },
    "admin_chat_only": {
        "zh": "抱歉，请在管理群中使用这个命令（未设置管理群时，请私聊我）。",
        "en": "Sorry, please use this command in the admin chat (or, when none is set, in a "
              "private chat with me).",
    },
    "group_only": {
        "zh": "抱歉，这个命令请在工作群里使用。",
        "en": "Sorry, please use this command in a work group.",
    },
    "private_only": {
        "zh": "抱歉，请私聊我发送这个命令，以免在群里公开。",
        "en": "Sorry, please send this command to me in a private chat.",
    },
    "unknown_group": {
        "zh": "本群尚未登记，请稍后再试。",
        "en": "This group is not registered yet; please try again shortly.",
    },
    "unavailable": {
        "zh": "⚠️ 数据库暂时不可用，你的命令已保存，恢复后会处理。",
        "en": "⚠️ The database is unavailable for a moment; your command is kept and will run "
              "when it is back.",
    },
    "unknown_command": {
        "zh": "不认识这个命令。可用命令：/purpose /status /similar /groups /help",
        "en": "Unknown command. Available: /purpose /status /similar /groups /help",
    },
    "help": {
        "zh": "groupbot 帮助基层减负：登记工作群、统计活跃度、发现重复群和僵尸群。\n"
              "把我拉进工作群并设为管理员，然后：\n"
              "/purpose 群用途 — 登记本群用途（群主/管理员）\n"
              "/status — 查看本群记录\n"
              "/groups — 工作群总览（管理群，groupbot 管理员）\n"
              "/similar — 本群的相似群\n"
              "/match /merges /unmerge 编号 — 合并建议（管理群，groupbot 管理员）",
        "en": "groupbot cuts overlapping work groups: it registers groups, measures activity and "
              "finds duplicates and zombies.\nAdd me to a work group as an admin, then:\n"
              "/purpose <text> — state the group's purpose (group admins)\n"
              "/status — this group's record\n"
              "/groups — inventory summary (admin chat, groupbot admins)\n"
              "/similar — groups similar to this one\n"
              "/match /merges /unmerge <id> — merge proposals (admin chat, groupbot admins)",
    },
    "status": {
        "zh": "📋 {title}\n用途：{purpose}\n状态：{status}\n负责人：{owner}\n"
              "成员：已见 {members_seen} / 共 {member_count}\n最近活跃：{last_active}\n"
              "近 30 天消息：{messages_30d}\n登记时间：{registered_at}",
        "en": "📋 {title}\nPurpose: {purpose}\nStatus: {status}\nOwner: {owner}\n"
              "Members: {members_seen} seen / {member_count} in all\nLast active: {last_active}\n"
              "Messages in the last 30 days: {messages_30d}\nRegistered: {registered_at}",
    },
    "summary": {
        "zh": "📊 工作群总览（共 {total} 个）\n按状态：{by_status}\n未登记用途：{without_purpose}\n"
              "30 天无人发言：{quiet}\n我不是管理员、看不到活动：{without_admin_rights}\n"
              "已见成员（按群累计）：{members_seen}\n近 30 天消息：{messages_30d}",
        "en": "📊 Work groups ({total} in all)\nBy status: {by_status}\nNo purpose stated: "
              "{without_purpose}\nNo human message in 30 days: {quiet}\nI am not admin, cannot "
              "see activity: {without_admin_rights}\nMembers seen (summed over groups): "
              "{members_seen}\nMessages in the last 30 days: {messages_30d}",
    },
    "none": {"zh": "（未填写）", "en": "(not set)"},
    "never": {"zh": "（从未）", "en": "(never)"},
    "unknown": {"zh": "未知", "en": "unknown"},
}

STATUS_NAMES = {
    "active": {"zh": "正常", "en": "active"},
    "warned": {"zh": "已提醒", "en": "warned"},
    "archived": {"zh": "已归档", "en": "archived"},
    "restored": {"zh": "已恢复", "en": "restored"},
    "exempt": {"zh": "豁免", "en": "exempt"},
    "merged": {"zh": "已合并", "en": "merged"},
    "bot_removed": {"zh": "机器人已移出", "en": "bot removed"},
}


def text(key: str, language: str, **values) -> str:
    """One message in the chosen language, with values filled in."""
    return render(TEXTS, key, language, **values)


def status_name(status: str, language: str) -> str:
    """A lifecycle status as people read it."""
    return STATUS_NAMES.get(status, {}).get(language, status)
