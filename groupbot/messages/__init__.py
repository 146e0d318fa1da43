"""One catalogue for every word a person reads: bot messages, buttons, CLI, reports.

Each area module holds a dict `key -> {"zh": ..., "en": ...}`; keys are namespaced by area
("lifecycle.warn_zombie"), and no key may be defined twice.
"""

from __future__ import annotations

from groupbot.messages import bot, cli, digest, lifecycle, merges, reports

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"
AREAS = (bot.TEXTS, lifecycle.TEXTS, merges.TEXTS, digest.TEXTS, reports.TEXTS, cli.TEXTS)


def _merge(areas) -> dict[str, dict[str, str]]:
    merged: dict[str, dict[str, str]] = {}
    for area in areas:
        twice = merged.keys() & area.keys()
        if twice:  # a later area would silently replace an earlier text
            raise ValueError(f"message keys defined twice: {sorted(twice)}")
        merged.update(area)
    return merged


TEXTS = _merge(AREAS)


def t(key: str, language: str, **values) -> str:
    """The message `key` in `language` (Chinese for an unknown language), values filled in."""
    entry = TEXTS[key]
    return entry.get(language, entry[DEFAULT_LANGUAGE]).format(**values)


def name_of(area: str, value: str, language: str) -> str:
    """A stored value (a status, a verdict) as people read it; the value itself if unnamed."""
    key = f"{area}.{value}"
    return t(key, language) if key in TEXTS else value


def section(area: str) -> dict[str, dict[str, str]]:
    """One area's entries keyed without the area prefix (e.g. refusals by reason)."""
    prefix = f"{area}."
    return {k.removeprefix(prefix): v for k, v in TEXTS.items() if k.startswith(prefix)}


REFUSALS = section("refusal")
