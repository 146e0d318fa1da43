"""Telegram Desktop export import: both file shapes, older exports, idempotence, no text kept."""

import asyncio
import json

from sqlalchemy import select

from groupbot.cli import main
from groupbot.storage.db import make_engine
from groupbot.storage.tables import AuditLog, InboxUpdate, Member
from tests.clocks import now, suite_clock, unix_now

SECRET = "机密的会议内容"


def msg(i, sender, name, unix, text=SECRET, **extra):
    return {"id": i, "type": "message", "date": "2026-11-01T09:00:00",
            "date_unixtime": str(unix), "from": name, "from_id": f"user{sender}",
            "text": text, "text_entities": [{"type": "plain", "text": SECRET}], **extra}


def service(i, actor, name, action, unix, members=None, **extra):
    return {"id": i, "type": "service", "date": "2026-11-01T09:00:00",
            "date_unixtime": str(unix), "actor": name, "actor_id": f"user{actor}",
            "action": action, "members": members, "text": "", **extra}


NOW = 1_795_000_000  # late 2026


def single_chat() -> dict:
    return {"name": "涌金门社区消防群", "type": "private_supergroup", "id": 1234567890,
            "messages": [
                service(1, 11, "王轩", "create_group", NOW - 86400 * 5,
                        members=["王轩", "李娜-网格员", "张伟"], title="涌金门社区消防群"),
                msg(2, 11, "王轩", NOW - 86400 * 4),
                msg(3, 12, "李娜", NOW - 86400 * 3,
                    text=["请看", {"type": "bold", "text": SECRET}]),
                msg(4, 12, "李娜", NOW - 86400 * 2, photo="photos/p.jpg"),
                service(5, 11, "王轩", "remove_members", NOW - 86400, members=["张伟"]),
                {"id": 6, "type": "message", "date": "2026-11-01T09:00:00",
                 "date_unixtime": str(NOW - 3600), "from": "消防通知", "from_id": "channel99",
                 "text": "转发"},
            ]}


def full_export() -> dict:
    older = {"name": "老年协会群", "type": "private_group", "id": 555, "messages": [
        {"id": 1, "type": "message", "date": "2026-10-30T10:00:00", "from": "赵敏",
         "from_id": "user21", "text": "hi"},
        {"id": 2, "type": "message", "date": "2026-10-31T23:30:00", "from": "赵敏",
         "from_id": "user21", "text": "hi"},
    ]}
    personal = {"name": "王轩", "type": "personal_chat", "id": 11, "messages": [
        msg(1, 11, "王轩", NOW)]}
    return {"about": "export", "personal_information": {"user_id": 1, "first_name": "我"},
            "chats": {"about": "", "list": [single_chat(), personal]},
            "left_chats": {"about": "", "list": [older]}}


def export_rows(capsys) -> dict:
    capsys.readouterr()
    assert main(["export"]) == 0
    return {r["chat_id"]: r for r in json.loads(capsys.readouterr().out)}


def write(path, data):
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


async def dump(url: str) -> str:
    engine = make_engine(url)
    async with engine.connect() as conn:
        rows = [list(r) for t in (Member, AuditLog, InboxUpdate)
                for r in await conn.execute(select(t))]
    await engine.dispose()
    return json.dumps(rows, default=str, ensure_ascii=False)


def test_single_chat_export(env, db_url, capsys):
    assert main(["import", write(env / "result.json", single_chat())]) == 0
    assert "1 chats, 6 messages imported" in capsys.readouterr().out
    group = export_rows(capsys)[-1001234567890]
    assert group["title"] == "涌金门社区消防群" and group["platform"] == "telegram"
    assert group["messages_30d"] == 3  # two people's messages; the channel post is not human
    assert group["members_seen"] == 2  # 王轩 and 李娜 (matched by name), 张伟 removed
    assert SECRET not in asyncio.run(dump(db_url))


def test_full_export_older_variant_and_idempotence(env, capsys):
    path = write(env / "result.json", full_export())
    assert main(["import", path]) == 0
    assert "2 chats, 8 messages imported" in capsys.readouterr().out  # personal chat skipped
    first = export_rows(capsys)
    assert first[-555]["title"] == "老年协会群" and first[-555]["members_seen"] == 1
    assert main(["import", path]) == 0
    assert "0 messages imported, 8 already imported" in capsys.readouterr().out
    assert export_rows(capsys) == first


def test_live_activity_is_not_counted_twice(env, db_url, capsys):
    from zoneinfo import ZoneInfo

    from groupbot.domain.events import ChatRef, MessageKind, MessageSeen, Person
    from groupbot.services.ingest import IngestService
    from tests.ingest_helpers import commit

    async def bot_sees_it_live_from_now():
        engine = make_engine(db_url)
        ingest = IngestService(engine, suite_clock(ZoneInfo("Asia/Shanghai")))
        chat = ChatRef(-1001234567890, "涌金门社区消防群", "supergroup")
        await commit(ingest, [MessageSeen(chat, now(), MessageKind.HUMAN,
                                          Person(12, "李娜"))])
        await engine.dispose()

    asyncio.run(bot_sees_it_live_from_now())
    moment = unix_now()
    later_export = {"name": "涌金门社区消防群", "type": "private_supergroup", "id": 1234567890,
                    "messages": [msg(1, 11, "王轩", moment - 86400 * 3),
                                 msg(2, 12, "李娜", moment - 86400 * 2),
                                 msg(3, 12, "李娜", moment + 60),  # the bot already counted these
                                 msg(4, 11, "王轩", moment + 120)]}
    assert main(["import", write(env / "result.json", later_export)]) == 0
    out = capsys.readouterr().out
    assert "2 messages imported" in out and "2 seen live" in out
    assert export_rows(capsys)[-1001234567890]["messages_30d"] == 3  # 1 live + 2 imported
