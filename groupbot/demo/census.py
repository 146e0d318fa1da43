"""A census group record, its CSV export and the small helpers that shape it."""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from groupbot.demo.vocabulary import DECOR_PREFIX, DECOR_SUFFIX, FULLWIDTH
from groupbot.reports.csv_safe import SafeWriter, identifier

MEMBER_SEPARATORS = (";", "；", "、")
CHAT_PREFIX = {"wechat": "wx", "dingtalk": "dd", "qq": "qq"}
CSV_HEADER = ("platform", "chat_id", "title", "purpose", "owner", "members", "member_count",
              "last_active", "created", "expires")


@dataclass(slots=True)
class CensusGroup:
    """One work group as a census export lists it, with its ground-truth labels."""

    # tags: what the group itself shows (decorated, traditional, annotated_names,
    # partial_visibility, zombie, tiny), "duplicate" plus the pair-level phenomena (recreated,
    # cross_department, synonym, cross_platform) of clusters it is in, and the hard-negative tags
    # of planted pairs it is in. Per-pair phenomena: tests/bench/labels.py.
    platform: str
    chat_id: str
    title: str
    purpose: str
    owner: str
    members: list[str]
    member_count: int
    last_active: date
    created: date
    expires: date | None
    cluster: int
    tags: tuple[str, ...]
    # Ground truth the matcher must not see: person identity of members[i] (same person, same
    # id, whatever the display name), this group's own phenomena, planted negative partners.
    _person_ids: np.ndarray | None = field(default=None, repr=False, compare=False)
    _own: tuple[str, ...] = field(default=(), repr=False, compare=False)
    _negatives: tuple[tuple[str, CensusGroup], ...] = field(default=(), repr=False,
                                                            compare=False)


def member_separator(chat_id: str) -> str:
    """The separator the CSV uses for this row: ';' mostly, '；' or '、' for about 10%."""
    bucket = zlib.crc32(chat_id.encode()) % 20
    return MEMBER_SEPARATORS[bucket + 1] if bucket < 2 else MEMBER_SEPARATORS[0]


def write_census_csv(groups: list[CensusGroup], path, encoding: str = "utf-8-sig") -> None:
    """Write the census export (no labels) as CSV in the given encoding."""
    with open(path, "w", newline="", encoding=encoding) as fh:
        writer = SafeWriter(fh)  # a file people open in a spreadsheet: no formulas
        writer.writerow(CSV_HEADER)
        for g in groups:
            writer.writerow((g.platform, identifier(g.chat_id), g.title, g.purpose, g.owner,
                             member_separator(g.chat_id).join(g.members), g.member_count,
                             g.last_active.isoformat(), g.created.isoformat(),
                             g.expires.isoformat() if g.expires else ""))



def draw(cdf: np.ndarray, u):
    """Categorical draw(s) from a cumulative distribution and uniform variate(s)."""
    return np.minimum(np.searchsorted(cdf, u, side="right"), len(cdf) - 1)


def make_chat_id(platform: str, seq: int) -> str:
    """Platform-looking chat id: wx-/dd-/qq- sequences, Telegram supergroup ids."""
    if platform == "telegram":
        return f"-100{1_700_000_000 + seq * 7:010d}"
    return f"{CHAT_PREFIX[platform]}-{seq:07d}"


def decorate(parts: list[str], rng: np.random.Generator) -> str:
    """Emoji/bracket prefixes or suffixes, spaces between parts, full-width ASCII."""
    joiner = ("", " ", "\u3000", "")[int(rng.integers(4))]
    title = joiner.join(p for p in parts if p)
    mode = int(rng.integers(3))
    if mode != 1:
        title = DECOR_PREFIX[int(rng.integers(len(DECOR_PREFIX)))] + title
    if mode != 0:
        title += DECOR_SUFFIX[int(rng.integers(len(DECOR_SUFFIX)))]
    if rng.random() < 0.35:
        title = title.translate(FULLWIDTH)
    return title

