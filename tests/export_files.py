"""Telegram Desktop exports for tests: generated fast, streamed to a file; and the totals an
import leaves in the database, to compare one import with another."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from groupbot.storage.tables import Group, GroupActivity, Member, MemberActivity, Membership
from tests.db_helpers import fetch

NAMES = ["王轩", "李娜-网格员", "张伟", "赵敏", "陈静", "刘洋", "杨帆", "黄磊", "周杰", "吴倩",
         "徐明", "孙丽"]
HOUR = 3600


def write_export(path: Path, messages: int, start: int, chats: int = 4,
                 refused_every: int = 0) -> dict[str, int]:
    """A full account export of `messages` messages over `chats` supergroups, several senders
    and service messages (joins by name, leaves, joins by link), photos and channel posts.

    With `refused_every`, every so many messages one has no date. Returns what was written.
    """
    per_chat = messages // chats
    written = {"messages": 0, "refused": 0}
    with path.open("w", encoding="utf-8") as fh:
        fh.write('{"about": "export", "personal_information": {"user_id": 1}, '
                 '"chats": {"about": "", "list": [')
        for c in range(chats):
            fh.write("," if c else "")
            fh.write(f'{{"name": "第{c}网格工作群", "type": "private_supergroup", '
                     f'"id": {7_000_000 + c}, "messages": [')
            fh.write(",".join(_message(c, i, start, refused_every, written)
                              for i in range(1, per_chat + 1)))
            fh.write("]}")
        fh.write("]}}")
    return written


def _message(chat: int, i: int, start: int, refused_every: int, written: dict) -> str:
    written["messages"] += 1
    unix = start + i * 97 + chat * 13  # about 5 days per 4,500 messages: many days, all hours
    user = 100 + (i * 7 + chat) % len(NAMES)
    name = NAMES[user - 100]
    date = f'"date": "2026-01-01T00:00:00", "date_unixtime": "{unix}"'
    if refused_every and i % refused_every == 0:
        written["refused"] += 1
        date = '"date": null'
    if i % 97 == 1:
        joined = json.dumps([NAMES[(i + k) % len(NAMES)] for k in range(3)] + [f"访客{i % 5}"],
                            ensure_ascii=False)
        return (f'{{"id": {i}, "type": "service", {date}, "actor": "{name}", '
                f'"actor_id": "user{user}", "action": "invite_members", "members": {joined}}}')
    if i % 211 == 0:
        return (f'{{"id": {i}, "type": "service", {date}, "actor": "{name}", '
                f'"actor_id": "user{user}", "action": "join_group_by_link", "text": ""}}')
    if i % 499 == 0:
        return (f'{{"id": {i}, "type": "service", {date}, "actor": "{name}", '
                f'"actor_id": "user{user}", "action": "remove_members", '
                f'"members": ["访客{i % 5}"]}}')
    if i % 53 == 0:
        return (f'{{"id": {i}, "type": "message", {date}, "from": "通知频道", '
                f'"from_id": "channel9", "text": "转发"}}')
    photo = ', "photo": "photos/p.jpg"' if i % 11 == 0 else ""
    return (f'{{"id": {i}, "type": "message", {date}, "from": "{name}", '
            f'"from_id": "user{user}", "text": ["收到", {{"type": "bold", "text": "好"}}], '
            f'"text_entities": [{{"type": "plain", "text": "收到"}}]{photo}}}')


def truncate(source: Path, target: Path, after_messages: int) -> None:
    """`source` cut off in the middle of the message after the first `after_messages`."""
    data = source.read_bytes()
    at, position = 0, 0
    for _ in range(after_messages + 1):
        position = data.index(b'{"id": ', at)
        at = position + 1
    target.write_bytes(data[:position + 20])


def totals(db_url: str) -> dict[str, list]:
    """What an import leaves: activity per chat per day, per member per day, memberships."""
    queries = {
        "group_days": select(Group.chat_id, GroupActivity.day, GroupActivity.messages,
                             GroupActivity.bot_messages, GroupActivity.service_messages,
                             GroupActivity.after_hours, GroupActivity.photos)
        .join(Group, Group.id == GroupActivity.group_id),
        "member_days": select(Group.chat_id, Member.user_id, Member.name_key,
                              MemberActivity.day, MemberActivity.messages)
        .join(Group, Group.id == MemberActivity.group_id)
        .join(Member, Member.id == MemberActivity.member_id),
        "memberships": select(Group.chat_id, Member.user_id, Member.name_key,
                              Member.display_name, Membership.status,
                              Membership.message_count, Membership.first_seen,
                              Membership.last_seen)
        .join(Group, Group.id == Membership.group_id)
        .join(Member, Member.id == Membership.member_id),
    }
    return {name: sorted(tuple(_plain(v) for v in row) for row in asyncio.run(fetch(db_url, q)))
            for name, q in queries.items()}


def _plain(value) -> str:
    """A value as text, moments in UTC whatever the database returns (naive or aware)."""
    if isinstance(value, datetime):
        value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return str(value)
