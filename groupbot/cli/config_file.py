"""Like ssh: a config file that holds secrets and that others can read earns a warning."""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path

from groupbot.config import SECRET_KEYS

# scheme://user:password@host — a URL without a password is no secret.
_URL_WITH_PASSWORD = re.compile(r"^[^:/]+://[^/@]*:[^/@]*@")


def readable_secrets(path: Path) -> tuple[str, ...]:
    """The secret keys `path` holds when group or others may read it (else none)."""
    try:
        if os.name != "posix" or not path.stat().st_mode & 0o044:
            return ()
        with path.open("rb") as fh:
            raw = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError):
        return ()  # loading the config reports an unreadable file; this is only a warning
    return tuple(key for key in SECRET_KEYS if _holds_secret(raw, key))


def _holds_secret(raw: dict, key: str) -> bool:
    value = raw
    for part in key.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    if key == "database.url":
        return isinstance(value, str) and bool(_URL_WITH_PASSWORD.match(value))
    return value not in (None, "")
