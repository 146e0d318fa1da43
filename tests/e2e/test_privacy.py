"""/forgetme removes a person everywhere but keeps anonymous counts; retention prunes."""

import json
from pathlib import Path

from sqlalchemy import select

from groupbot.storage.tables import (
    AuditLog,
    Group,
    GroupActivity,
    Member,
    MemberActivity,
    Membership,
)
from tests.clocks import unix_now
from tests.e2e.conftest import ADMIN_ID, OWNER
from tests.fakebot import command_update, group, message_update, user

WORK = group(-1041, "涌金门社区网格群")
PERSON = user(77, "欧阳", "娜娜", username="ouyang_nn")
NAME = "欧阳 娜娜"


async def database_text(bot) -> str:
    async with bot.runtime.engine.connect() as conn:
        rows = [list(r) for t in (Member, Membership, MemberActivity, AuditLog, Group)
                for r in await conn.execute(select(t))]
    return json.dumps(rows, ensure_ascii=False, default=str)


async def test_forgetme_in_private_removes_the_person_everywhere(bot):
    await bot.add_to_group(WORK)
    await bot.push(*[message_update(WORK, PERSON, text="x") for _ in range(3)],
                   message_update(WORK, OWNER, text="y"))
    assert NAME in await database_text(bot)
    await bot.push(command_update(WORK, PERSON, "/forgetme"))
    assert "私聊" in bot.api.sent_texts(-1041)[-1]  # not in a group
    assert NAME in await database_text(bot)
    private = {"id": 77, "type": "private", "first_name": "欧阳"}
    await bot.push(command_update(private, PERSON, "/forgetme"))
    assert "已删除" in bot.api.sent_texts(77)[-1]
    text = await database_text(bot)
    assert NAME not in text and "ouyang_nn" not in text and '"user:77"' not in text
    record = await bot.record(-1041)
    assert record.messages_30d == 5  # 3 + 1 + the group /forgetme: counts stay, anonymous
    assert record.members_seen == 1  # only the owner


async def test_retention_prunes_old_days(bot):
    await bot.add_to_group(WORK)
    old = unix_now() - 400 * 86400
    await bot.push(message_update(WORK, OWNER, text="old", date=old),
                   message_update(WORK, OWNER, text="new"))
    bot.runtime.routines.retention_days = 365
    await bot.runtime.routines.prune()
    async with bot.runtime.engine.connect() as conn:
        days = list(await conn.execute(select(GroupActivity.day)))
    assert len(days) == 1


MARK = "机密标记"  # appears in no name, title or purpose: only in what people wrote


async def every_table(bot) -> str:
    """The whole database as text, every table and column."""
    from groupbot.storage.tables import Base

    async with bot.runtime.engine.connect() as conn:
        rows = [list(r) for t in Base.metadata.sorted_tables
                for r in await conn.execute(select(t))]
    return json.dumps(rows, ensure_ascii=False, default=str)


async def test_no_message_text_anywhere_in_the_database(bot, db_url):
    from sqlalchemy.engine import make_url

    chat = {"id": ADMIN_ID, "type": "private", "first_name": "督"}
    await bot.add_to_group(WORK)
    await bot.push(message_update(WORK, PERSON, text=f"{MARK}-plain 明天检查"),
                   message_update(WORK, PERSON, text=None, caption=f"{MARK}-caption",
                                  photo=[{"file_id": "p", "file_unique_id": "u", "width": 1,
                                          "height": 1}]),
                   message_update(WORK, OWNER, text=f"{MARK}-reply",
                                  reply_to_message={"message_id": 1, "date": unix_now(),
                                                    "chat": WORK, "text": f"{MARK}-quoted"}),
                   command_update(WORK, OWNER, f"/status {MARK}-argument"),
                   command_update(WORK, OWNER, f"/nosuchcommand {MARK}-unknown"),
                   message_update(chat, user(ADMIN_ID, "督"), text=f"{MARK}-private"))
    assert (await bot.record(WORK["id"])).messages_30d == 5  # all were counted
    assert MARK not in await every_table(bot)
    if db_url.startswith("sqlite"):
        # Ordinary messages are never written at all: not even in the files' free pages.
        path = make_url(db_url).database
        raw = b"".join(Path(p).read_bytes() for p in (path, path + "-wal")
                       if Path(p).exists())
        for kind in ("plain", "caption", "reply", "quoted"):
            assert f"{MARK}-{kind}".encode() not in raw, kind
