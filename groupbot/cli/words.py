"""What the command line prints, from the message catalogue."""

from __future__ import annotations

from groupbot.messages import t

# Scripts and tests parse these lines, so the CLI prints the catalogue's English entries
# whatever `language` is configured; reports the CLI writes use the configured language.
CLI_LANGUAGE = "en"


def say(key: str, **values) -> str:
    """The CLI line `cli.<key>` with values filled in."""
    return t(f"cli.{key}", CLI_LANGUAGE, **values)
