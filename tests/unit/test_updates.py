"""Raw update dicts -> events, and what the inbox may keep (never plain message text)."""

import pytest

from groupbot.domain.events import (
    BotStatusChanged,
    ChatMigrated,
    MembershipChanged,
    MessageKind,
    MessageSeen,
)
from groupbot.telegram.updates import GROUP_ANONYMOUS_BOT_ID, translate

BOT_ID = 42
GROUP = {"id": -1001, "type": "supergroup", "title": "涌金门社区消防群"}
ALICE = {"id": 1, "is_bot": False, "first_name": "王", "last_name": "轩", "username": "wx"}


def msg(update_id=1, **fields):
    return {"update_id": update_id,
            "message": {"message_id": 5, "date": 1_770_000_000, "chat": GROUP, **fields}}


def test_plain_message_is_human_activity_and_keeps_no_text():
    result = translate(msg(**{"from": ALICE, "text": "明天检查"}), BOT_ID)
    (event,) = result.events
    assert isinstance(event, MessageSeen) and event.kind is MessageKind.HUMAN
    assert event.sender.display_name == "王 轩" and event.sender.username == "wx"
    assert result.handler_payload is None


def test_command_is_kept_without_reply_or_caption():
    update = msg(**{"from": ALICE, "text": "/purpose 消防台账",
                    "reply_to_message": {"text": "secret"}, "caption": "x",
                    "entities": [{"type": "bot_command", "offset": 0, "length": 8}]})
    result = translate(update, BOT_ID)
    kept = result.handler_payload["message"]
    assert kept["text"] == "/purpose 消防台账"
    assert "reply_to_message" not in kept and "caption" not in kept
    assert result.events[0].kind is MessageKind.HUMAN


@pytest.mark.parametrize(("fields", "kind"), [
    ({"from": {"id": 7, "is_bot": True, "first_name": "b"}, "text": "x"}, MessageKind.BOT),
    ({"from": {"id": GROUP_ANONYMOUS_BOT_ID, "is_bot": True, "first_name": "Group"},
      "sender_chat": GROUP, "text": "x"}, MessageKind.ANONYMOUS_ADMIN),
    ({"from": {"id": 777000, "is_bot": False, "first_name": "Telegram"},
      "sender_chat": {"id": -100999, "type": "channel"}, "is_automatic_forward": True,
      "text": "x"}, MessageKind.CHANNEL),
    ({"from": ALICE, "new_chat_title": "新名字"}, MessageKind.SERVICE),
    ({"from": ALICE, "photo": [{"file_id": "f", "file_unique_id": "u", "width": 1,
                                "height": 1}]}, MessageKind.HUMAN),
])
def test_message_kinds(fields, kind):
    (event, *_) = translate(msg(**fields), BOT_ID).events
    assert event.kind is kind
    if kind is not MessageKind.HUMAN:
        assert event.sender is None or kind in (MessageKind.BOT, MessageKind.SERVICE)


def test_anonymous_admin_is_not_a_person():
    update = msg(**{"from": {"id": GROUP_ANONYMOUS_BOT_ID, "is_bot": True, "first_name": "G"},
                    "sender_chat": GROUP, "text": "通知"})
    assert translate(update, BOT_ID).events[0].sender is None


def test_joins_leaves_and_migration():
    bob = {"id": 2, "is_bot": False, "first_name": "李娜"}
    joined = translate(msg(**{"from": ALICE, "new_chat_members": [
        bob, {"id": 9, "is_bot": True, "first_name": "otherbot"}]}), BOT_ID).events
    assert [type(e) for e in joined] == [MessageSeen, MembershipChanged]
    assert joined[1].status == "member" and joined[1].person.user_id == 2
    left = translate(msg(**{"from": bob, "left_chat_member": bob}), BOT_ID).events
    assert left[1].status == "left"
    moved = translate(msg(**{"chat": {"id": -5, "type": "group", "title": "g"},
                             "from": ALICE, "migrate_to_chat_id": -1005}), BOT_ID).events
    assert moved[1] == ChatMigrated(-5, -1005, moved[0].at)


def test_bot_membership_and_chat_member():
    change = {"chat": GROUP, "from": ALICE, "date": 1_770_000_000,
              "old_chat_member": {"status": "left", "user": {"id": BOT_ID}},
              "new_chat_member": {"status": "member", "user": {"id": BOT_ID}}}
    result = translate({"update_id": 3, "my_chat_member": change}, BOT_ID)
    assert isinstance(result.events[0], BotStatusChanged) and result.handler_payload
    member = {**change, "new_chat_member": {"status": "restricted", "is_member": False,
                                            "user": ALICE}}
    (event,) = translate({"update_id": 4, "chat_member": member}, BOT_ID).events
    assert event.status == "left"


def test_private_chat_and_unknown_updates_count_nothing():
    private = {"update_id": 1, "message": {"message_id": 1, "date": 1, "text": "/start",
                                           "chat": {"id": 1, "type": "private"}, "from": ALICE}}
    result = translate(private, BOT_ID)
    assert result.events == [] and result.handler_payload is not None
    assert translate({"update_id": 2, "poll": {}}, BOT_ID).events == []
    assert translate({"update_id": 3, "edited_message": msg()["message"]}, BOT_ID).events == []


@pytest.mark.parametrize("update", [
    {"update_id": 1, "message": {"date": 1}},
    {"update_id": 1, "message": {"chat": {"id": 1}, "date": 1}},
    {"update_id": 1, "message": {"chat": GROUP, "date": "soon", "text": "x"}},
    {"update_id": 1, "chat_member": {"chat": GROUP}},
])
def test_malformed_updates_raise_plain_errors(update):
    with pytest.raises((KeyError, TypeError, ValueError)):
        translate(update, BOT_ID)
