"""Callback data: short, signed per chat and proposal; anything altered is refused."""

from hypothesis import given
from hypothesis import strategies as st

from groupbot.telegram.callbacks import Button, derive_secret, sign, verify

SECRET = derive_secret("", "123456:TEST-token_abcdefghijklmnopqrstuv")
CHAT = -100900


def test_round_trip_and_size():
    data = sign(SECRET, "ok", 123456789, CHAT)
    assert len(data.encode()) <= 64
    assert verify(SECRET, data, CHAT) == Button("ok", 123456789)


def test_other_chat_other_proposal_other_key_fail():
    data = sign(SECRET, "ok", 7, CHAT)
    assert verify(SECRET, data, -100901) is None
    assert verify(SECRET, data.replace(":7:", ":8:"), CHAT) is None
    assert verify(SECRET, data.replace("m:ok", "m:no"), CHAT) is None
    assert verify(derive_secret("another", ""), data, CHAT) is None
    other_mac = sign(SECRET, "ok", 8, CHAT).rsplit(":", 1)[1]
    assert verify(SECRET, data.rsplit(":", 1)[0] + ":" + other_mac, CHAT) is None


def test_configured_secret_differs_from_derived():
    assert derive_secret("s3cret", "x") != derive_secret("", "x")


@given(st.text(max_size=80))
def test_arbitrary_data_never_verifies(data):
    assert verify(SECRET, data, CHAT) is None or data == sign(
        SECRET, data.split(":")[1], int(data.split(":")[2]), CHAT)


@given(st.sampled_from(["ok", "no", "info"]), st.integers(1, 10**12),
       st.integers(0, 15), st.sampled_from("AZaz09-_:"))
def test_any_single_change_is_refused(action, proposal_id, position, char):
    data = sign(SECRET, action, proposal_id, CHAT)
    position %= len(data)
    mutated = data[:position] + char + data[position + 1:]
    if mutated != data:
        assert verify(SECRET, mutated, CHAT) is None
    assert verify(SECRET, data[:position], CHAT) is None  # truncated


def test_only_ascii_ids_in_one_spelling():
    mac_of_7 = sign(SECRET, "ok", 7, CHAT).rsplit(":", 1)[1]
    for raw in ("²", "٧", "７", "07", "+7", " 7", "7 ", "-7", "9" * 19, "9" * 400, ""):
        # "²".isdigit() is true but int("²") raises: such data must be refused, not crash.
        assert verify(SECRET, f"m:ok:{raw}:{mac_of_7}", CHAT) is None, raw
        assert verify(SECRET, f"a:ok:{raw}:x", CHAT) is None, raw
    assert verify(SECRET, "m:ok:²:x", CHAT) is None
    assert verify(SECRET, f"m:ok:7:{mac_of_7}", CHAT) == Button("ok", 7)
