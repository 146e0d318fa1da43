"""Signed, short callback data for inline buttons: `m:<action>:<proposal id>:<mac>`.

The MAC binds action, proposal and the chat the button was posted in, so a button copied to
another chat, edited, or pointed at another proposal fails verification. Whether it may still
act (a decision happens once) is decided server-side from the proposal's stored state.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass

PREFIX = "m"
ACTIONS = ("ok", "no", "info")
MAC_BYTES = 12  # 16 base64 characters: data stays far below Telegram's 64-byte limit


@dataclass(frozen=True, slots=True)
class Button:
    """A verified button press."""

    action: str
    proposal_id: int


def derive_secret(configured: str, token: str) -> bytes:
    """The signing key: the configured secret, else one derived from the bot token."""
    if configured:
        return configured.encode()
    return hmac.new(token.encode(), b"groupbot callback signing key", hashlib.sha256).digest()


def sign(secret: bytes, action: str, proposal_id: int, chat_id: int) -> str:
    """Callback data for a button in `chat_id`."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    return f"{PREFIX}:{action}:{proposal_id}:{_mac(secret, action, proposal_id, chat_id)}"


def verify(secret: bytes, data: str | None, chat_id: int) -> Button | None:
    """The button if the data is well formed and signed for this chat; else None."""
    parts = (data or "").split(":")
    if len(parts) != 4 or parts[0] != PREFIX or parts[1] not in ACTIONS:
        return None
    action, raw_id, mac = parts[1], parts[2], parts[3]
    if not raw_id.isdigit() or len(raw_id) > 18:
        return None
    expected = _mac(secret, action, int(raw_id), chat_id)
    if not hmac.compare_digest(expected.encode(), mac.encode()):
        return None
    return Button(action, int(raw_id))


def _mac(secret: bytes, action: str, proposal_id: int, chat_id: int) -> str:
    message = f"{PREFIX}:{action}:{proposal_id}:{chat_id}".encode()
    digest = hmac.new(secret, message, hashlib.sha256).digest()[:MAC_BYTES]
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")
