"""Canonical grassroots-work topics and their synonyms, matched longest-first."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from functools import cache
from importlib.resources import files

from groupbot.domain.textnorm import clean_text


@cache
def _shipped_topics() -> dict[str, tuple[str, ...]]:
    """Topics from data/topics.toml, read once per process."""
    text = (files("groupbot.domain") / "data" / "topics.toml").read_text(encoding="utf-8")
    return {name: tuple(words) for name, words in tomllib.loads(text)["topics"].items()}


def _as_words(words: Iterable[str] | str) -> tuple[str, ...]:
    # A bare string in a config file means one synonym, not one synonym per character.
    return (words,) if isinstance(words, str) else tuple(words)


def _trie_pattern(words: Iterable[str]) -> str:
    """One regex for many literals, factored as a trie so matching costs per character."""
    trie: dict = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}
    return _node_pattern(trie)


def _node_pattern(node: dict) -> str:
    branches = [re.escape(char) + _node_pattern(child)
                for char, child in sorted(node.items()) if char]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    # Greedy optional tail: the longer word is tried first, the shorter one is the fallback.
    return f"(?:{body})?" if "" in node else body


class Lexicon:
    """Canonical grassroots-work topics and their synonyms."""

    __slots__ = ("_canonical", "_pattern", "names")

    def __init__(self, topics: Mapping[str, Iterable[str] | str]):
        canonical: dict[str, str] = {}
        names: dict[str, None] = {}
        for name, words in topics.items():
            name = clean_text(name)
            if not name:
                continue
            names[name] = None
            for word in map(clean_text, _as_words(words)):
                if word:
                    canonical[word] = name  # later entries (config) win a contested synonym
        canonical.update((name, name) for name in names)  # a topic's own name is never stolen
        self._canonical = canonical
        self._pattern = re.compile(_trie_pattern(canonical)) if canonical else None
        self.names: tuple[str, ...] = tuple(names)

    @classmethod
    def default(cls, extra: Mapping[str, Iterable[str] | str] | None = None) -> Lexicon:
        """Shipped topics, plus synonyms (or whole new topics) from configuration."""
        if not extra:
            return _default_lexicon()
        merged = {name: list(words) for name, words in _shipped_topics().items()}
        for name, words in extra.items():
            merged.setdefault(name, []).extend(_as_words(words))
        return cls(merged)

    def topics(self, text: str) -> frozenset[str]:
        """Canonical topics named in the text, longest match first."""
        if self._pattern is None or not text:
            return frozenset()
        return frozenset(map(self._canonical.__getitem__, self._pattern.findall(clean_text(text))))

    def canonicalise(self, text: str) -> str:
        """clean_text(text) with every synonym replaced by its canonical topic name."""
        cleaned = clean_text(text)
        if self._pattern is None or not cleaned:
            return cleaned
        return self._pattern.sub(lambda m: self._canonical[m.group()], cleaned)

    def __repr__(self) -> str:
        return f"Lexicon({len(self.names)} topics, {len(self._canonical)} words)"


@cache
def _default_lexicon() -> Lexicon:
    return Lexicon(_shipped_topics())
