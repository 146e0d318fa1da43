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
    "cli.export_refused": {"zh": "已跳过 群 {chat} 的消息 {message}：{reason}",
                           "en": "skipped chat {chat}, message {message}: {reason}"},
    "cli.export_refused_chat": {"zh": "已跳过 群 {chat} 及其全部消息：{reason}",
                                "en": "skipped chat {chat} and its messages: {reason}"},
    "cli.export_refused_more": {"zh": "……另有 {n} 条被跳过的消息未列出",
                                "en": "… and {n} more skipped messages not listed"},
    "cli.export_skipped": {"zh": "{name}：跳过 {n} 条无法导入的消息",
                           "en": "{name}: {n} messages skipped"},
    "cli.export_stopped": {"zh": "{reason}；在群 {chat} 的消息 {message} 之后中断："
                                 "此前 {chats} 个群的 {messages} 条消息已导入，修好文件后再导入一次"
                                 "即可（不会重复计数）",
                           "en": "{reason}; stopped after message {message} of chat {chat}: "
                                 "{messages} messages of {chats} chats before it are imported; "
                                 "import the repaired file again (nothing is counted twice)"},
    "cli.export_stopped_nothing": {"zh": "{reason}；没有导入任何消息",
                                   "en": "{reason}; nothing was imported"},
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
    "cli.telegram_unreachable": {"zh": "groupbot：无法连接 Telegram（{host}）：{error}",
                                 "en": "groupbot: cannot reach Telegram at {host}: {error}"},
    "cli.telegram_timeout": {"zh": "groupbot：Telegram（{host}）未及时响应",
                             "en": "groupbot: Telegram at {host} did not answer in time"},
    "cli.telegram_refused": {"zh": "groupbot：Telegram（{host}）拒绝了请求：{error}",
                             "en": "groupbot: Telegram at {host} refused the request: {error}"},
    "cli.database_unavailable": {"zh": "groupbot：无法使用数据库 {url}：{error}",
                                 "en": "groupbot: cannot use the database {url}: {error}"},
    "cli.permission_denied": {"zh": "groupbot：没有权限：{path}",
                              "en": "groupbot: permission denied: {path}"},
    "cli.file_error": {"zh": "groupbot：{path}：{error}", "en": "groupbot: {path}: {error}"},
    "cli.os_error": {"zh": "groupbot：系统错误：{error}", "en": "groupbot: system error: {error}"},
    "cli.config_readable": {"zh": "groupbot：警告：{path} 含有 {keys}，但其他用户可读"
                                  "（权限 {mode}）；请运行 chmod 600 {path}",
                            "en": "groupbot: warning: {path} holds {keys} and is readable by "
                                  "others (mode {mode}); run chmod 600 {path}"},
    "cli.demo_not_empty": {"zh": "groupbot：{path} 不是空目录；用 --force 覆盖其中的示例文件",
                           "en": "groupbot: {path} is not empty; use --force to overwrite "
                                 "the demo files in it"},
    "cli.demo_not_a_directory": {"zh": "groupbot：{path} 不是目录",
                                 "en": "groupbot: {path} is not a directory"},
    "cli.refuse_symlink": {"zh": "groupbot：{path} 是符号链接，拒绝写入",
                           "en": "groupbot: {path} is a symbolic link; refusing to write "
                                 "through it"},
}
