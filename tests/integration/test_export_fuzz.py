"""Fuzzing the export import: whatever the file holds, the outcome is a clean import, refused
messages, or a one-line file error; never a traceback. A file refused before any chat was
applied leaves every table as it was."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from groupbot.cli import main
from tests.integration.test_export_hostile import row_counts

FUZZ = settings(max_examples=50, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow, HealthCheck.data_too_large])
NASTY_TEXT = st.text(st.characters(codec="utf-8", categories=("L", "N", "Cc", "Cf", "Zs", "So")),
                     max_size=80)
NUMBERS = st.one_of(st.integers(-2**70, 2**70), st.sampled_from([0, -1, 2**31, 2**52, 2**63]),
                    st.floats(allow_nan=False, allow_infinity=False))
SCALARS = st.one_of(st.none(), st.booleans(), NUMBERS, NASTY_TEXT,
                    st.sampled_from(["user1", "user0", "user" + "9" * 30, "channel5", "",
                                     "2026-11-01T09:00:00", "1795000000", "service"]))
ANY_JSON = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(NASTY_TEXT, inner, max_size=4)), max_leaves=20)
FIELD = {"id": st.one_of(st.integers(1, 300), SCALARS),
         "type": st.sampled_from(["message", "service", "other"]) | SCALARS,
         "date": st.sampled_from(["2026-11-01T09:00:00", "2026-02-30T00:00:00"]) | SCALARS,
         "date_unixtime": st.integers(1_700_000_000, 1_800_000_000).map(str) | SCALARS,
         "from": NASTY_TEXT | SCALARS, "from_id": st.integers(1, 30).map("user{}".format)
         | SCALARS, "actor": NASTY_TEXT, "actor_id": SCALARS,
         "action": st.sampled_from(["invite_members", "remove_members", "join_group_by_link"]),
         "members": st.lists(NASTY_TEXT | SCALARS, max_size=4) | ANY_JSON,
         "text": ANY_JSON, "photo": SCALARS}
PLAUSIBLE = st.fixed_dictionaries(
    {"id": st.integers(1, 300), "type": st.sampled_from(["message", "service"]),
     "date_unixtime": st.integers(1_700_000_000, 1_800_000_000).map(str), "from": NASTY_TEXT,
     "from_id": st.integers(1, 30).map("user{}".format)},
    optional={"action": FIELD["action"], "actor": NASTY_TEXT,
              "actor_id": st.integers(1, 30).map("user{}".format),
              "members": st.lists(NASTY_TEXT, max_size=4), "text": ANY_JSON})


@st.composite
def damaged(draw) -> dict:
    """A plausible message with one field missing or of any type."""
    message = draw(PLAUSIBLE)
    key = draw(st.sampled_from(sorted(FIELD)))
    if draw(st.booleans()):
        message.pop(key, None)
    else:
        message[key] = draw(SCALARS | ANY_JSON)
    return message


MESSAGE = PLAUSIBLE | damaged() | st.fixed_dictionaries({}, optional=FIELD) | ANY_JSON
def messages_last(chat: dict) -> dict:
    """The chat's fields as Telegram writes them: its messages after its id and type."""
    rest = dict(chat)
    messages = rest.pop("messages")
    for number, message in enumerate(messages, 1):  # plausible ids go up, as Telegram's do
        if isinstance(message, dict) and message.get("id") in range(1, 301):
            message["id"] = number
    return {**rest, "messages": messages}


GOOD_CHAT = st.fixed_dictionaries(
    {"messages": st.lists(MESSAGE, max_size=8),
     "type": st.sampled_from(["private_supergroup", "private_group", "personal_chat"]),
     "id": st.integers(1, 10**6)}, optional={"name": NASTY_TEXT | SCALARS}).map(messages_last)
BAD_CHAT = st.fixed_dictionaries(
    {"messages": st.lists(MESSAGE, max_size=4) | ANY_JSON},
    optional={"name": SCALARS | st.text(min_size=250, max_size=300), "id": SCALARS,
              "type": st.sampled_from(["private_supergroup", "channel"]) | SCALARS})
CHAT = GOOD_CHAT | BAD_CHAT
EXPORT = st.one_of(
    GOOD_CHAT, st.fixed_dictionaries({"chats": st.fixed_dictionaries(
        {"list": st.lists(CHAT, max_size=3)})}), CHAT,
    st.fixed_dictionaries({"chats": ANY_JSON | st.fixed_dictionaries({"list": ANY_JSON})}),
    st.dictionaries(NASTY_TEXT, ANY_JSON, max_size=3))


def deep(depth: int, inside: str) -> str:
    return "[" * depth + inside + "]" * depth


@st.composite
def files(draw) -> bytes:
    """An export, often broken: cut short, bytes spliced in, or a value nested deep."""
    text = json.dumps(draw(EXPORT), ensure_ascii=draw(st.booleans()))
    damage = draw(st.sampled_from(["none", "none", "none", "cut", "splice", "deep"]))
    data = text.encode("utf-8", "surrogatepass")
    if damage == "cut":
        data = data[:draw(st.integers(1, max(1, len(data))))]
    elif damage == "splice":
        at = draw(st.integers(1, len(data)))
        data = data[:at] + draw(st.binary(max_size=12)) + data[at:]
    elif damage == "deep":
        depth = draw(st.integers(60, 5_000))
        data = ('{"messages": [{"id": 1, "text": ' + deep(depth, "1") + "}]}").encode()
    return b"{" + data[1:] if not data.startswith(b"{") else data


def check(db_url, tmp_path, capsys, data: bytes) -> None:
    before = row_counts(db_url)
    path = tmp_path / "result.json"
    path.write_bytes(data)
    capsys.readouterr()
    code = main(["import", "--no-progress", str(path)])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err and "unexpected error" not in out + err
    lines = err.strip().splitlines()
    event(f"exit {code}, imported: {' 0 messages imported' not in out and code == 0}, "
          f"refused: {'skipped' in err}")
    assert all(line.startswith(("skipped ", "… and ")) for line in lines[:-1 if code else None])
    if code == 0:
        assert "chats," in out
        return
    assert code == 1 and lines[-1].startswith(f"groupbot: cannot import {path}: "), err
    if lines[-1].endswith("nothing was imported"):
        assert row_counts(db_url) == before


@FUZZ
@given(data=files())
def test_fuzzed_exports(db_url, tmp_path, capsys, data):
    check(db_url, tmp_path, capsys, data)


@FUZZ
@given(data=st.binary(max_size=300).map(lambda b: b"{" + b))
def test_fuzzed_bytes(db_url, tmp_path, capsys, data):
    check(db_url, tmp_path, capsys, data)
