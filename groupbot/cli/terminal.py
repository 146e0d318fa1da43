"""Data shown on a terminal: no control sequences, no Rich markup.

A group title comes from whoever named the group. Printed raw, an ESC sequence in it could
rewrite the screen, set the window title or hide text; a bidi override could make a line read
differently from its bytes; printed through Rich, `[link=...]` would become markup.
"""

from __future__ import annotations

import json
import re

from rich.markup import escape

# C0 and C1 controls and DEL, plus the bidi overrides and isolates ("trojan source").
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_UNSAFE_IN_TEXT = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def plain(value: object) -> str:
    """One field for a line: every control character (newline and tab too) becomes `?`."""
    return _UNSAFE.sub("?", str(value))


def lines(text: str) -> str:
    """Multi-line text for the terminal: newlines kept, every other control becomes `?`."""
    return _UNSAFE_IN_TEXT.sub("?", text)


def markup(value: object) -> str:
    """A field for Rich: controls replaced, markup escaped."""
    return escape(plain(value))


# JSON already escapes C0 controls; these it would print raw.
_RAW_IN_JSON = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def json_text(value: object, **options) -> str:
    """JSON for stdout: like `json.dumps(ensure_ascii=False)`, with C1 and bidi escaped."""
    text = json.dumps(value, ensure_ascii=False, **options)
    return _RAW_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
