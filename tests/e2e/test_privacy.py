"""/forgetme removes a person everywhere but keeps anonymous counts; retention prunes."""

import json
import time

from sqlalchemy import select

from groupbot.storage.tables import (
    AuditLog,
    Group,
    GroupActivity,
    Member,
    MemberActivity,
    Membership,
)
from tests.e2e.conftest import OWNER
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
    old = int(time.time()) - 400 * 86400
    await bot.push(message_update(WORK, OWNER, text="old", date=old),
                   message_update(WORK, OWNER, text="new"))
    bot.runtime.privacy.retention_days = 365
    await bot.runtime.privacy.prune()
    async with bot.runtime.engine.connect() as conn:
        days = list(await conn.execute(select(GroupActivity.day)))
    assert len(days) == 1
