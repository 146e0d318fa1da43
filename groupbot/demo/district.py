"""Labelled synthetic census of a district's grassroots work groups (合并同类项 benchmark).

Models 区 → 街道/镇 → 社区/村: each community's staff sit in most of its work groups, streets run
their own groups for the same functions, and temporary 专班 come and go. On top of that it plants
true duplicate clusters (tagged by phenomenon) and hard negatives (tagged by kind). It is written
without looking at the matcher it evaluates, so the labels are independent of its heuristics.

Labels and a command line for benchmarks: tests/bench/labels.py, tests/bench/district.py.
"""

from __future__ import annotations

import gc
from array import array
from collections import defaultdict

import numpy as np

from groupbot.demo.census import CensusGroup, make_chat_id
from groupbot.demo.duplicates import Duplicates
from groupbot.demo.groups import Groups
from groupbot.demo.places import Community, Places, Street
from groupbot.demo.streets import Streets
from groupbot.demo.vocabulary import DUP_SHARE, PLATFORMS, TRIPLE_SHARE


class District(Places, Groups, Streets, Duplicates):
    """Builds one district's census; all randomness comes from one seeded generator."""

    def __init__(self, n_groups: int, seed: int) -> None:
        self.rng = np.random.default_rng(seed)
        self.n = max(int(n_groups), 1)
        self.names: list[str] = []
        self.roles: list[str] = []
        self.home = array("i")            # community idx, or -1 - street idx for street staff
        self.homes: list[tuple[str, str, str]] = []   # community idx -> (short, full, street)
        self.street_homes: list[tuple[str, str, str]] = []
        self.tg_ids: dict[int, str] = {}
        self.groups: list[CensusGroup] = []
        # Side table per base group: kind, home, fn, phrase, loc style, generic word.
        self.meta: list[tuple[int, int, int, int, int, int]] = []
        self.streets: list[Street] = []
        self.communities: list[Community] = []
        self.negatives: list[tuple[str, int, int]] = []
        self.tag_cache: dict[tuple[str, ...], tuple[str, ...]] = {}
        self.street_names: set[str] = set()

    def build(self) -> list[CensusGroup]:
        """Generate base groups to size, plant duplicates and negatives, shuffle, number."""
        sizes = self.cluster_sizes()
        target = self.n - int((sizes - 1).sum())
        # At least one street with one community: tiny requests get ~30 groups.
        while not self.streets or len(self.groups) < target - 15:
            street = self.new_street()
            while len(street.communities) < street.planned:
                self.community_groups(self.new_community(street))
                # Closing the street still adds its street groups and about three 专班.
                if len(self.groups) + len(street.fns) + 3 >= target:
                    break
            self.close_street(street)
        copies = self.plant_duplicates(sizes)
        self.attach_negatives()
        return self.finalise(copies)

    def cluster_sizes(self) -> np.ndarray:
        """Sizes of the duplicate clusters: pairs, some triples, ~10% of all groups in total."""
        mean = 2 + TRIPLE_SHARE
        k = max(1, round(DUP_SHARE * self.n / mean))
        return 2 + (self.rng.random(k) < TRIPLE_SHARE).astype(int)

    def attach_negatives(self) -> None:
        """Store each planted negative on both groups and tag them."""
        partners: dict[int, list[tuple[str, CensusGroup]]] = defaultdict(list)
        for tag, a, b in dict.fromkeys((t, min(a, b), max(a, b)) for t, a, b in self.negatives):
            if a == b:
                continue
            partners[a].append((tag, self.groups[b]))
            partners[b].append((tag, self.groups[a]))
        for i, links in partners.items():
            g = self.groups[i]
            g._negatives = tuple(links)
            g.tags = self.tags(*g.tags, *(tag for tag, _ in links))

    def finalise(self, copies: list[tuple[int, CensusGroup]]) -> list[CensusGroup]:
        """Tag originals, shuffle everything, then assign chat ids and cluster ids."""
        base = len(self.groups)
        cluster_of = list(range(base))
        for orig, copy in copies:
            g = self.groups[orig]
            shared = [t for t in copy._own if t in ("recreated", "cross_department", "synonym",
                                                    "cross_platform")]
            g.tags = self.tags(*g.tags, "duplicate", *shared)
            copy.tags = self.tags(*copy.tags, "duplicate")
            self.groups.append(copy)
            cluster_of.append(orig)
        order = self.rng.permutation(len(self.groups)).tolist()
        out = [self.groups[i] for i in order]
        counters = dict.fromkeys(PLATFORMS, 0)
        renumber: dict[int, int] = {}
        for g, i in zip(out, order, strict=True):
            counters[g.platform] += 1
            g.chat_id = make_chat_id(g.platform, counters[g.platform])
            g.cluster = renumber.setdefault(cluster_of[i], len(renumber) + 1)
        return out


def generate_district(n_groups: int, seed: int = 0) -> list[CensusGroup]:
    """About n_groups labelled census groups of one district, deterministic for the seed."""
    # Millions of long-lived lists and records make every full cyclic-GC pass walk them all;
    # nothing here forms garbage cycles worth collecting, so pause it while building.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return District(n_groups, seed).build()
    finally:
        if was_enabled:
            gc.enable()

