"""Command-line output. The CLI prints the English entries (see groupbot.cli.words): scripts
and tests parse these lines, so they stay byte-stable whatever `language` is configured."""

TEXTS: dict[str, dict[str, str]] = {
    "cli.config_error": {"zh": "groupbot：配置错误：{error}",
                         "en": "groupbot: config error: {error}"},
    "cli.bad_token": {"zh": "groupbot：Telegram 拒绝了机器人令牌（请检查 telegram.token）",
                      "en": "groupbot: Telegram rejected the bot token (check telegram.token)"},
    "cli.db_up_to_date": {"zh": "数据库已是最新", "en": "database is up to date"},
    "cli.cannot_read_db": {"zh": "groupbot：无法读取数据库（{error}）；"
                                 "请运行 `groupbot db upgrade`",
                           "en": "groupbot: cannot read the database ({error}); "
                                 "run `groupbot db upgrade`"},
    "cli.cannot_import": {"zh": "groupbot：无法导入 {path}：{error}",
                          "en": "groupbot: cannot import {path}: {error}"},
    "cli.nothing_imported": {"zh": "groupbot：{path} 未导入任何内容：{error}",
                             "en": "groupbot: nothing imported from {path}: {error}"},
    "cli.database_failed": {"zh": "数据库出错（{error}），已全部撤回",
                            "en": "database error ({error}), every row rolled back"},
    "cli.bad_encoding": {"zh": "groupbot：--encoding：{error}",
                         "en": "groupbot: --encoding: {error}"},
    "cli.skipped": {"zh": "已跳过 {error}", "en": "skipped {error}"},
    "cli.import_report": {"zh": "{name}：新增 {new}，更新 {updated}，未变 {unchanged}，"
                                "跳过 {skipped}",
                          "en": "{name}: {new} new, {updated} updated, {unchanged} unchanged, "
                                "{skipped} skipped"},
    "cli.export_report": {"zh": "{name}：导入 {chats} 个群、{messages} 条消息，"
                                "{already} 条已导入过，{live} 条已实时记录，"
                                "{unresolved} 个昵称没有用户编号",
                          "en": "{name}: {chats} chats, {messages} messages imported, {already} "
                                "already imported, {live} seen live, {unresolved} names kept "
                                "without a user id"},
    "cli.scan_needs_token": {"zh": "groupbot：正式检查会发送提醒，需要 telegram.token；"
                                   "预览请用 --dry-run",
                             "en": "groupbot: a real scan sends warnings and needs "
                                   "telegram.token; use --dry-run to preview"},
    "cli.scan_total": {"zh": "共 {n} 个群{dry_run}", "en": "{n} group(s){dry_run}"},
    "cli.scan_dry_run": {"zh": "（预览：未做任何改动）", "en": " (dry run: nothing changed)"},
    "cli.not_archived": {"zh": "groupbot：{chat_id} 没有被归档",
                         "en": "groupbot: {chat_id} is not archived"},
    "cli.no_such_group": {"zh": "groupbot：没有这个群：{chat_id}",
                          "en": "groupbot: no such group: {chat_id}"},
    "cli.restored": {"zh": "{chat_id} 已恢复", "en": "{chat_id} restored"},
    "cli.match_line": {"zh": "#{id}{flag} 相似度 {score}：{chats} → {survivor}",
                       "en": "#{id}{flag} score {score}: {chats} → {survivor}"},
    "cli.match_new": {"zh": " [新]", "en": " [new]"},
    "cli.match_total": {"zh": "{total} 条建议，其中 {new} 条是新的",
                        "en": "{total} proposal(s), {new} new"},
    "cli.cannot_revert": {"zh": "groupbot：建议 {id} 无法撤销（{result}）",
                          "en": "groupbot: proposal {id} cannot be reverted ({result})"},
    "cli.permissions_left_to_bot": {"zh": "groupbot：未配置机器人令牌，"
                                          "群权限将由运行中的机器人恢复",
                                    "en": "groupbot: no bot token configured; the running bot "
                                          "gives the groups their permissions back"},
    "cli.reverted": {"zh": "合并 #{id} 已撤销", "en": "merge #{id} reverted"},
    "cli.digest_needs_chat": {"zh": "groupbot：--send 需要 telegram.token 和 "
                                    "telegram.admin_chat_id",
                              "en": "groupbot: --send needs telegram.token and "
                                    "telegram.admin_chat_id"},
    "cli.digest_sent": {"zh": "周报 {week} 已发送", "en": "digest {week} sent"},
    "cli.digest_already_sent": {"zh": "groupbot：{week} 的周报已经发到 {chat}",
                                "en": "groupbot: the digest of {week} was already sent to {chat}"},
    "cli.demo_generating": {"zh": "正在生成约 {groups} 个群的示例辖区……",
                            "en": "generating a district of about {groups} groups…"},
    "cli.demo_report": {"zh": "报告：{path}", "en": "report: {path}"},
    "cli.demo_headline": {"zh": "群：{groups}，合并建议：{proposals}，僵尸群：{zombie}，"
                                "到期临时群：{expired}，每人所在群（中位数）：{median}",
                          "en": "groups: {groups}, merge proposals: {proposals}, zombie: "
                                "{zombie}, expired temporary: {expired}, groups per member "
                                "(median): {median}"},
}
