"""Folding events into counters: human vs bot vs service, local days, migrations."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from groupbot.domain.activity import summarise
from groupbot.domain.events import (
    BotStatusChanged,
    ChatMigrated,
    ChatRef,
    MembershipChanged,
    MessageKind,
    MessageSeen,
    Person,
)

TZ = ZoneInfo("Asia/Shanghai")
CHAT = ChatRef(-1001, "消防工作群", "supergroup")
ALICE = Person(1, "王轩")
BOB = Person(2, "李娜")


def at(hour: int, day: int = 1) -> datetime:
    return datetime(2026, 3, day, hour, 0, tzinfo=UTC)


def test_counts_by_kind_and_local_day():
    events = [
        MessageSeen(CHAT, at(15), MessageKind.HUMAN, ALICE),  # 23:00 in Shanghai, March 1
        MessageSeen(CHAT, at(17), MessageKind.HUMAN, ALICE),  # 01:00 March 2 locally
        MessageSeen(CHAT, at(17), MessageKind.HUMAN, BOB),
        MessageSeen(CHAT, at(18), MessageKind.BOT, Person(9, "bot", is_bot=True)),
        MessageSeen(CHAT, at(18), MessageKind.SERVICE, ALICE),
        MessageSeen(CHAT, at(19), MessageKind.ANONYMOUS_ADMIN, None),
        MessageSeen(CHAT, at(19), MessageKind.CHANNEL, None),
    ]
    batch = summarise(events, TZ)
    march1, march2 = datetime(2026, 3, 1).date(), datetime(2026, 3, 2).date()
    assert batch.group_days[(-1001, march1)].messages == 1
    day2 = batch.group_days[(-1001, march2)]
    assert (day2.messages, day2.bot_messages, day2.service_messages) == (3, 2, 1)
    assert batch.member_days == {(-1001, 1, march1): 1, (-1001, 1, march2): 1,
                                 (-1001, 2, march2): 1}
    assert batch.presence[(-1001, 1)].messages == 2
    assert batch.last_active[-1001] == at(19)  # the anonymous admin counts, the channel not
    assert set(batch.people) == {1, 2}  # the bot and service sender are not people seen


def test_latest_status_and_name_win():
    renamed = Person(1, "王轩-网格员")
    events = [
        MembershipChanged(CHAT, at(2), renamed, "left"),
        MembershipChanged(CHAT, at(1), ALICE, "member"),
    ]
    batch = summarise(events, TZ)
    assert batch.presence[(-1001, 1)].status == "left"
    assert batch.people[1].person.display_name == "王轩-网格员"
    assert batch.people[1].first_seen == at(1)


def test_migration_moves_counters_to_the_new_id():
    old = ChatRef(-5, "群", "group")
    events = [
        MessageSeen(old, at(1), MessageKind.HUMAN, ALICE),
        ChatMigrated(-5, -1005, at(2)),
        MessageSeen(ChatRef(-1005, "群", "supergroup"), at(3), MessageKind.HUMAN, ALICE),
        BotStatusChanged(old, at(4), "administrator"),
    ]
    batch = summarise(events, TZ)
    assert set(batch.chats) == {-1005}
    assert batch.presence[(-1005, 1)].messages == 2
    assert batch.structural[0] == ChatMigrated(-5, -1005, at(2))
    assert batch.structural[1].chat.chat_id == -1005


kinds = st.sampled_from(list(MessageKind))


@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3), kinds,
                          st.integers(0, 10**6)), max_size=60))
def test_every_message_is_counted_exactly_once(rows):
    events = [MessageSeen(ChatRef(-c - 1, "g", "group"), datetime.fromtimestamp(1.7e9 + t, UTC),
                          kind, Person(u + 1, "u") if kind is MessageKind.HUMAN else None)
              for c, u, kind, t in rows]
    batch = summarise(events, TZ)
    totals = [0, 0, 0]
    for counts in batch.group_days.values():
        totals[0] += counts.messages
        totals[1] += counts.bot_messages
        totals[2] += counts.service_messages
    human = sum(1 for *_, k, _ in rows if k.is_human)
    service = sum(1 for *_, k, _ in rows if k is MessageKind.SERVICE)
    assert totals == [human, len(rows) - human - service, service]
    assert sum(batch.member_days.values()) == sum(1 for *_, k, _ in rows if k is MessageKind.HUMAN)


def test_after_hours_and_photos_are_counted_for_people_only():
    from groupbot.domain.activity import WorkingHours

    hours = WorkingHours()
    tuesday = datetime(2026, 3, 3, tzinfo=TZ)
    events = [
        MessageSeen(CHAT, tuesday.replace(hour=10), MessageKind.HUMAN, ALICE),  # office hours
        MessageSeen(CHAT, tuesday.replace(hour=21), MessageKind.HUMAN, ALICE, photo=True),
        MessageSeen(CHAT, tuesday.replace(hour=8, minute=29), MessageKind.HUMAN, BOB),
        MessageSeen(CHAT, tuesday.replace(hour=22), MessageKind.BOT, None, photo=True),
        MessageSeen(CHAT, datetime(2026, 3, 7, 11, tzinfo=TZ), MessageKind.HUMAN, BOB),  # Sat
    ]
    batch = summarise(events, TZ, hours)
    tue = batch.group_days[(-1001, tuesday.date())]
    assert (tue.messages, tue.after_hours, tue.photos) == (3, 2, 1)
    assert batch.group_days[(-1001, datetime(2026, 3, 7).date())].after_hours == 1
    assert hours.outside(tuesday.replace(hour=17, minute=30))
    assert not hours.outside(tuesday.replace(hour=8, minute=30))
