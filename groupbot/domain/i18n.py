"""Message catalogues: Chinese first, English when configured."""

from __future__ import annotations

DEFAULT_LANGUAGE = "zh"


def render(catalogue: dict[str, dict[str, str]], key: str, language: str, **values) -> str:
    """The catalogue's message `key` in `language` (Chinese if missing), values filled in."""
    entry = catalogue[key]
    return entry.get(language, entry[DEFAULT_LANGUAGE]).format(**values)
