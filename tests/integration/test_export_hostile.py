"""Hostile and broken Telegram Desktop exports: a bad message is refused with its id and reason
and the rest imported; a bad file is one line, exit code 1, and changes nothing."""

from __future__ import annotations

import asyncio
import json

import pytest
from sqlalchemy import func, select

from groupbot.cli import main
from groupbot.storage.tables import Base, Member
from tests.db_helpers import fetch
from tests.integration.test_export_import import msg, service, write

NOW = 1_795_000_000


def chat(messages, **extra) -> dict:
    return {"name": "涌金门社区消防群", "type": "private_supergroup", "id": 1234567890,
            "messages": messages, **extra}


def row_counts(db_url: str) -> dict[str, int]:
    """Rows in every table."""
    return {t.name: asyncio.run(fetch(db_url, select(func.count()).select_from(t)))[0][0]
            for t in Base.metadata.sorted_tables}


def test_bad_messages_are_refused_with_id_and_reason(env, db_url, capsys):
    no_date = msg(3, 11, "王轩", NOW)
    del no_date["date"], no_date["date_unixtime"]
    messages = [
        msg(1, 11, "王\u202e轩\u200b", NOW - 500),  # bidi override and zero-width: cleaned
        msg(2, 12, "李娜", NOW - 400),
        no_date,
        msg(2**31, 12, "李娜", NOW - 300),
        {**msg(5, 12, "李娜", NOW), "date_unixtime": "99999999999"},
        {**msg(6, 12, "李娜", NOW), "date_unixtime": None, "date": "2026-13-45T99:00:00"},
        msg(7, 99999999999999999999, "谁", NOW - 200),
        msg(8, 13, "长" * 65, NOW - 200),
        service(9, 11, "王轩", "invite_members", NOW - 100, members=["张\x07伟", "赵" * 70]),
        17,
        msg(1, 12, "李娜", NOW - 50),  # ids go up through a chat
        {**msg(12, 12, "李娜", NOW - 40), "id": True},
        {**msg(13, 12, "李娜", NOW - 30), "from_id": "userabc"},
        service(14, 11, "王轩", "invite_members", NOW - 20, members=["张\x07伟"]),
        msg(15, 12, "李娜", NOW - 10),
    ]
    assert main(["import", write(env / "result.json", chat(messages))]) == 0
    out, err = capsys.readouterr()
    assert "1 chats, 4 messages imported" in out and "result.json: 11 messages skipped" in out
    chat_id = -1001234567890
    for where, reason in [("3", "no date"), ("2147483648", "id 2147483648 is out of range"),
                          ("5", "date_unixtime 99999999999 is out of range"),
                          ("6", "date '2026-13-45T99:00:00' is not a date"),
                          ("7", "user id 99999999999999999999 is out of range"),
                          ("8", "sender name is longer than 64 characters (65)"),
                          ("9", "member name is longer than 64 characters (70)"),
                          ("#10", "not an object"),
                          ("1", "id 1 is not above the previous message's (2)"),
                          ("#12", "id 'True' is not a whole number"),
                          ("13", "from_id 'userabc' is not a user id")]:
        assert f"skipped chat {chat_id}, message {where}: {reason}" in err, (where, err)
    assert "Traceback" not in out + err
    names = {n for (n,) in asyncio.run(fetch(db_url, select(Member.display_name)))}
    assert names == {"王 轩", "李娜", "张 伟"}


def test_refused_chat_and_report_bound(env, capsys):
    long_title = chat([msg(1, 11, "王轩", NOW)], name="群" * 256)
    bad_id = chat([msg(1, 11, "王轩", NOW)], id=10**30)
    many = chat([{"id": i, "type": "message"} for i in range(1, 251)], id=42)
    export = {"chats": {"list": [long_title, bad_id, many]}}
    assert main(["import", write(env / "result.json", export)]) == 0
    out, err = capsys.readouterr()
    assert "skipped chat 1234567890 and its messages: chat title is longer than 255" in err
    assert "skipped chat 1000000000000000000000000000000 and its messages: chat_id " in err
    assert "… and 152 more skipped messages not listed" in err  # 100 listed, 98 of them here
    assert "result.json: 252 messages skipped" in out


def deep(depth: int) -> str:
    return '{"messages": [{"id": 1, "text": ' + "[" * depth + "]" * depth + "}]}"


@pytest.mark.parametrize("content, reason", [
    ('{"messages": [{"id": 1,', "not a complete JSON file (parse error: premature EOF)"),
    ('{"name": "x"} trailing', "not a complete JSON file (parse error: trailing garbage)"),
    ('{"about": "export"}', "no chats or messages in it: not a Telegram Desktop export"),
    ('{"messages": 5}', '"messages" is not a list: not a Telegram Desktop export'),
    ('{"chats": []}', '"chats" is not an object: not a Telegram Desktop export'),
    ('{"chats": {"list": {}}}', '"list" is not a list: not a Telegram Desktop export'),
    (deep(100), "nested deeper than 64 levels"),
    (deep(300_000), "nested deeper than 64 levels"),
    ('{"messages": [{"id": 1, "text": "' + "x" * 2_000_000 + '"}]}',
     "a text longer than 1,000,000 bytes"),
    ('{"messages": [{"id": ' + "9" * 5000 + "}]}", "unreadable value"),
    ('{"messages": [{"id": 1, "from": "\udcff"}]}', "not a complete JSON file"),
])
def test_bad_files_are_one_line_and_change_nothing(env, db_url, capsys, content, reason):
    before = row_counts(db_url)
    path = env / "result.json"
    path.write_bytes(content.encode("utf-8", "surrogateescape"))
    assert main(["import", str(path)]) == 1
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"groupbot: cannot import {path}: {reason}")
    assert lines[0].endswith("nothing was imported"), lines
    assert row_counts(db_url) == before


def test_a_bad_file_after_good_chats_says_how_far(env, db_url, capsys):
    good = chat([msg(1, 11, "王轩", NOW - 60), msg(2, 12, "李娜", NOW - 30)])
    text = json.dumps({"chats": {"list": [good, chat([], id=77)]}}, ensure_ascii=False)
    path = env / "result.json"
    path.write_text(text[:-8], encoding="utf-8")
    assert main(["import", str(path)]) == 1
    err = capsys.readouterr().err.strip()
    assert "stopped after message 2 of chat -1001234567890: 2 messages of 1 chats before it" in err
