"""Signed, short callback data for inline buttons: `<kind>:<action>:<id>:<mac>`.

Kinds: `m` for merge proposals (id = proposal), `a` for archive approvals (id = group).

The MAC binds action, proposal and the chat the button was posted in, so a button copied to
another chat, edited, or pointed at another proposal fails verification. Whether it may still
act (a decision happens once) is decided server-side from the proposal's stored state.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass

PREFIX = "m"  # merge proposals
ARCHIVE = "a"  # archive approvals
KINDS = (PREFIX, ARCHIVE)
ACTIONS = ("ok", "no", "info")
MAC_BYTES = 12  # 16 base64 characters: data stays far below Telegram's 64-byte limit
# ASCII digits only (str.isdigit accepts "²" and other digits int() refuses), no leading zero
# (one id, one spelling), at most 18 digits (fits a 64-bit column).
ID = re.compile(r"(?:0|[1-9][0-9]{0,17})")


@dataclass(frozen=True, slots=True)
class Button:
    """A verified button press."""

    action: str
    proposal_id: int  # for archive buttons: the group's primary key
    kind: str = PREFIX


def derive_secret(configured: str, token: str) -> bytes:
    """The signing key: the configured secret, else one derived from the bot token."""
    if configured:
        return configured.encode()
    return hmac.new(token.encode(), b"groupbot callback signing key", hashlib.sha256).digest()


def sign(secret: bytes, action: str, proposal_id: int, chat_id: int, kind: str = PREFIX) -> str:
    """Callback data for a button in `chat_id`."""
    if action not in ACTIONS or kind not in KINDS:
        raise ValueError(f"unknown button {kind}:{action}")
    return f"{kind}:{action}:{proposal_id}:{_mac(secret, kind, action, proposal_id, chat_id)}"


def verify(secret: bytes, data: str | None, chat_id: int) -> Button | None:
    """The button if the data is well formed and signed for this chat; else None."""
    if not isinstance(data, str):  # a hostile client may send any JSON there
        return None
    parts = data.split(":")
    if len(parts) != 4 or parts[0] not in KINDS or parts[1] not in ACTIONS:
        return None
    kind, action, raw_id, mac = parts
    if not ID.fullmatch(raw_id):
        return None
    expected = _mac(secret, kind, action, int(raw_id), chat_id)
    if not hmac.compare_digest(expected.encode(), mac.encode()):
        return None
    return Button(action, int(raw_id), kind)


def _mac(secret: bytes, kind: str, action: str, proposal_id: int, chat_id: int) -> str:
    message = f"{kind}:{action}:{proposal_id}:{chat_id}".encode()
    digest = hmac.new(secret, message, hashlib.sha256).digest()[:MAC_BYTES]
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")
