"""What the CLI prints from data: no control sequences, no Rich markup, JSON still JSON."""

import io
import json

from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console

from groupbot.cli.terminal import json_text, lines, markup, plain

ESCAPES = "\x1b[2J\x1b]0;owned\x07\x9b31m\u202e"


def test_plain_replaces_every_control():
    assert plain(f"群{ESCAPES}\t\n") == "群?[2J?]0;owned??31m???"


def test_lines_keep_newlines_only():
    assert lines("a\x1b[1m\nb\tc") == "a?[1m\nb?c"


def test_markup_is_escaped_for_rich():
    out = io.StringIO()
    Console(file=out, force_terminal=True, color_system=None).print(
        markup("[link=http://evil.example]点我[/link] [bold red]x"))
    assert out.getvalue().strip() == "[link=http://evil.example]点我[/link] [bold red]x"


def test_json_is_lossless_and_escapes_what_json_would_print_raw():
    value = {"title": f"群{ESCAPES}\u2028"}
    text = json_text(value)
    assert json.loads(text) == value
    assert not any(0x7f <= ord(c) <= 0x9f or c in "\u202e\u2028\x1b" for c in text)


@given(st.text(max_size=50))
def test_no_control_survives(text):
    for shown in (plain(text), lines(text).replace("\n", "")):
        assert not any(ord(c) < 0x20 or 0x7f <= ord(c) <= 0x9f for c in shown)
    assert json.loads(json_text(text)) == text
