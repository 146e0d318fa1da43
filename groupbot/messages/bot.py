"""Bot messages in groups and private chats: registration, /status, /groups, help, refusals."""

TEXTS: dict[str, dict[str, str]] = {
    "bot.welcome": {
        "zh": "👋 groupbot 已登记本群「{title}」。\n请群主或管理员发送 /purpose 群用途"
              "（例如：/purpose 消防检查台账报送），让大家知道这个群是做什么的。",
        "en": "👋 groupbot has registered this group, \"{title}\".\nA group admin, please state "
              "what it is for with /purpose <text> (e.g. /purpose fire-safety inspection reports).",
    },
    "bot.welcome_no_rights": {
        "zh": "⚠️ 我目前不是本群管理员，看不到群消息，无法统计活跃度。请把我设为管理员"
              "（不需要任何额外权限）。",
        "en": "⚠️ I am not an admin here, so I cannot see messages and cannot measure activity. "
              "Please make me an admin (no extra rights are needed).",
    },
    "bot.welcome_ok": {
        "zh": "✅ 我已能看到群内活动。我只记录消息数量和时间，从不保存消息内容。",
        "en": "✅ I can see activity here. I record message counts and times only, never content.",
    },
    "bot.purpose_usage": {
        "zh": "用法：/purpose 群用途，例如 /purpose 垃圾分类督导",
        "en": "Usage: /purpose <what this group is for>, e.g. /purpose waste-sorting checks",
    },
    "bot.purpose_too_long": {
        "zh": "群用途太长了（最多 {limit} 个字），请简要说明。",
        "en": "That purpose is too long (at most {limit} characters); please keep it short.",
    },
    "bot.purpose_set": {
        "zh": "✅ 已记录本群用途：{purpose}",
        "en": "✅ Purpose recorded: {purpose}",
    },
    "bot.unknown_group": {
        "zh": "本群尚未登记，请稍后再试。",
        "en": "This group is not registered yet; please try again shortly.",
    },
    "bot.unavailable": {
        "zh": "⚠️ 数据库暂时不可用，你的命令已保存，恢复后会处理。",
        "en": "⚠️ The database is unavailable for a moment; your command is kept and will run "
              "when it is back.",
    },
    "bot.unknown_command": {
        "zh": "不认识这个命令。可用命令：/purpose /status /similar /groups /help",
        "en": "Unknown command. Available: /purpose /status /similar /groups /help",
    },
    "bot.help": {
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
    "bot.status": {
        "zh": "📋 {title}\n用途：{purpose}\n状态：{status}\n负责人：{owner}\n"
              "成员：已见 {members_seen} / 共 {member_count}\n最近活跃：{last_active}\n"
              "近 30 天消息：{messages_30d}\n登记时间：{registered_at}",
        "en": "📋 {title}\nPurpose: {purpose}\nStatus: {status}\nOwner: {owner}\n"
              "Members: {members_seen} seen / {member_count} in all\nLast active: {last_active}\n"
              "Messages in the last 30 days: {messages_30d}\nRegistered: {registered_at}",
    },
    "bot.summary": {
        "zh": "📊 工作群总览（共 {total} 个）\n按状态：{by_status}\n未登记用途：{without_purpose}\n"
              "30 天无人发言：{quiet}\n我不是管理员、看不到活动：{without_admin_rights}\n"
              "已见成员（按群累计）：{members_seen}\n近 30 天消息：{messages_30d}",
        "en": "📊 Work groups ({total} in all)\nBy status: {by_status}\nNo purpose stated: "
              "{without_purpose}\nNo human message in 30 days: {quiet}\nI am not admin, cannot "
              "see activity: {without_admin_rights}\nMembers seen (summed over groups): "
              "{members_seen}\nMessages in the last 30 days: {messages_30d}",
    },
    "bot.none": {"zh": "（未填写）", "en": "(not set)"},
    "bot.never": {"zh": "（从未）", "en": "(never)"},
    "bot.unknown": {"zh": "未知", "en": "unknown"},
    # Between the items of an inline list ("正常 3，已归档 1").
    "bot.list_separator": {"zh": "，", "en": ", "},
    "bot.forgotten": {"zh": "✅ 已删除你在所有群中的成员记录和昵称，只保留不具名的消息数量。",
                      "en": "✅ Your member records and names are deleted from every group; only "
                            "anonymous message counts remain."},
    # Refusals, one per reason of groupbot.domain.authority; each starts with "Sorry".
    "refusal.not_group_admin": {
        "zh": "抱歉，只有本群群主、管理员或 groupbot 管理员可以这样做。",
        "en": "Sorry, only this group's owner, its admins or a groupbot admin can do that.",
    },
    "refusal.not_bot_admin": {
        "zh": "抱歉，只有 groupbot 管理员可以这样做。",
        "en": "Sorry, only groupbot admins can do that.",
    },
    "refusal.not_owner": {
        "zh": "抱歉，只有 groupbot 管理员或所涉各群的群主可以这样做。",
        "en": "Sorry, only groupbot admins or the owner of every group involved can do that.",
    },
    "refusal.admin_chat_only": {
        "zh": "抱歉，请在管理群中使用这个命令（未设置管理群时，请私聊我）。",
        "en": "Sorry, please use this command in the admin chat (or, when none is set, in a "
              "private chat with me).",
    },
    "refusal.group_only": {
        "zh": "抱歉，这个命令请在工作群里使用。",
        "en": "Sorry, please use this command in a work group.",
    },
    "refusal.private_only": {
        "zh": "抱歉，请私聊我发送这个命令，以免在群里公开。",
        "en": "Sorry, please send this command to me in a private chat.",
    },
    # Lifecycle statuses as people read them (the stored value is the key's tail).
    "status.active": {"zh": "正常", "en": "active"},
    "status.warned": {"zh": "已提醒", "en": "warned"},
    "status.archived": {"zh": "已归档", "en": "archived"},
    "status.restored": {"zh": "已恢复", "en": "restored"},
    "status.exempt": {"zh": "豁免", "en": "exempt"},
    "status.merged": {"zh": "已合并", "en": "merged"},
    "status.bot_removed": {"zh": "机器人已移出", "en": "bot removed"},
}
