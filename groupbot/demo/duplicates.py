"""True duplicates of base groups, each made hard to recognise by its phenomena."""

from __future__ import annotations

import numpy as np

from groupbot.demo.census import CensusGroup, decorate, draw
from groupbot.demo.functions import FUNCTIONS, GENERIC_CDF, UNIT_GENERIC
from groupbot.demo.vocabulary import (
    COMMUNITY,
    DAYS,
    EPOCH,
    PHENOMENA,
    PLATFORMS,
    RECREATED_MARKS,
    STREET,
    T,
    to_traditional,
)


class Duplicates:
    """District mixin: copies of base groups with their phenomena applied and tagged."""

    def plant_duplicates(self, sizes: np.ndarray) -> list[tuple[int, CensusGroup]]:
        """Copies of randomly chosen base groups; returns (original index, copy) pairs."""
        rng = self.rng
        eligible = [i for i, m in enumerate(self.meta) if m[0] in (COMMUNITY, STREET)]
        weights = np.array([1.0 if self.meta[i][0] == COMMUNITY else 0.6 for i in eligible])
        chosen = rng.choice(eligible, min(len(sizes), len(eligible)), replace=False,
                            p=weights / weights.sum())
        copies = []
        for orig, size in zip(chosen.tolist(), sizes.tolist(), strict=False):
            # Two partial views of one group could show nobody in common: allow one per cluster.
            partial_ok = self.groups[orig].member_count >= 12
            for _ in range(size - 1):
                copy = self.make_copy(orig, partial_ok)
                partial_ok &= "partial_visibility" not in copy._own
                copies.append((orig, copy))
        return copies

    def pick_phenomena(self, ids: bool, has_units: bool, partial_ok: bool) -> list[str]:
        """One to three phenomena that make this copy hard to recognise."""
        rng = self.rng
        weights = np.array([0.20, 0.10, 0.18, 0.14, 0.18, 0.14, 0.16])
        if ids:    # a Telegram id list cannot be annotated
            weights[5] = 0
        if not has_units:    # no issuing unit runs 两委班子 or 楼道长 groups
            weights[3] = 0
        if not partial_ok:   # in a small group everybody posts, so the bot sees everybody
            weights[6] = 0
        k = int(rng.choice([1, 2, 3], p=[0.6, 0.3, 0.1]))
        picks = rng.choice(len(PHENOMENA), k, replace=False, p=weights / weights.sum())
        return [PHENOMENA[i] for i in sorted(picks.tolist())]

    def copy_people(self, orig: CensusGroup, meta, keep_p: float, adds: int) -> np.ndarray:
        """Mostly the same people: a few left, a few joined."""
        rng = self.rng
        pids = orig._person_ids
        kept = pids[rng.random(len(pids)) < keep_p]
        if len(kept) < min(2, len(pids)):
            kept = pids[:2]
        if meta[0] == COMMUNITY:
            comm = self.communities[meta[1]]
            source = np.concatenate((comm.staff, comm.pool))
        else:
            street = self.streets[meta[1]]
            source = np.concatenate([street.staff] + [c.staff for c in street.communities])
        new = np.setdiff1d(rng.choice(source, adds), kept)
        # A different group lists its people in its own join order, not the original's.
        return rng.permutation(np.concatenate((kept, new))).astype(np.int32)

    def make_copy(self, orig_idx: int, partial_ok: bool) -> CensusGroup:
        """A true duplicate of a base group, with its phenomena applied and tagged."""
        rng = self.rng
        orig = self.groups[orig_idx]
        meta = self.meta[orig_idx]
        kind, home, fn, phrase, loc, gen = meta
        ids = bool(orig.members) and orig.platform == "telegram" and orig.members[0].isdigit()
        phen = self.pick_phenomena(ids, bool(FUNCTIONS[fn].units), partial_ok)
        if "recreated" in phen:
            pids = self.copy_people(orig, meta, 0.82, int(rng.integers(1, 5)))
        else:
            pids = self.copy_people(orig, meta, 0.92, int(rng.integers(0, 3)))
        if "synonym" in phen:
            phrase = self.other_index(phrase, len(FUNCTIONS[fn].names))
        if rng.random() < 0.5:
            loc = int(rng.integers(3 if kind == STREET else 5))
        if rng.random() < 0.6:
            gen = int(draw(GENERIC_CDF, rng.random()))
        parts = self.title_parts(kind, home, fn, phrase, loc, gen)
        owner = orig.owner if rng.random() < 0.5 else self.names[int(pids[0])]
        if "cross_department" in phen:
            parts, owner, pids = self.cross_department(kind, home, fn, pids)
        if "recreated" in phen:
            created = self.recreate(orig, parts)
        else:
            created = int(np.clip((orig.created - EPOCH).days + rng.integers(-200, 600), 0, T - 10))
        copy = CensusGroup(self.copy_platform(orig, ids), "", "".join(parts),
                           self.copy_purpose(orig, fn, phen), owner, [], 0,
                           DAYS[self.last_active(created, rng.random() * 0.9, rng.random())],
                           DAYS[created], None, 0, ())
        self.copy_people_display(copy, pids, ids, phen)
        if "traditional" in phen:
            parts = [to_traditional(p) for p in parts]
            copy.title = "".join(parts)
        if "decorated" in phen:
            copy.title = decorate(parts, rng)
        copy._own = self.tags(*phen, *(["cross_platform"] if copy.platform != orig.platform
                                        else []))
        copy.tags = copy._own
        return copy

    def other_index(self, current: int, k: int) -> int:
        """A different index in range(k) (a synonym for the current phrase)."""
        return (current + int(self.rng.integers(1, k))) % k

    def copy_platform(self, orig: CensusGroup, ids: bool) -> str:
        """Same platform mostly; sometimes the same work group was also opened elsewhere."""
        if ids or self.rng.random() < 0.55:
            return orig.platform
        others = [p for p in PLATFORMS if p != orig.platform]
        return others[int(self.rng.integers(len(others)))]

    def copy_purpose(self, orig: CensusGroup, fn: int, phen: list[str]) -> str:
        """The copy's purpose: reworded for synonyms / issuing units, else often the same."""
        purposes = FUNCTIONS[fn].purposes
        if "cross_department" in phen and self.rng.random() < 0.5:
            return f"{FUNCTIONS[fn].tasks[0]}工作对接及资料上报"
        if "synonym" in phen or self.rng.random() < 0.4:
            options = [p for p in purposes if p != orig.purpose] or list(purposes)
            return options[int(self.rng.integers(len(options)))]
        return orig.purpose

    def cross_department(self, kind: int, home: int, fn: int,
                         pids: np.ndarray) -> tuple[list[str], str, np.ndarray]:
        """Title parts, owner and members of the issuing unit's version of the group."""
        rng = self.rng
        spec = FUNCTIONS[fn]
        unit = spec.units[int(rng.integers(len(spec.units)))]
        if kind == STREET:
            street = self.streets[home]
            place = street.name
        else:
            comm = self.communities[home]
            street = comm.street
            place = comm.name if rng.random() < 0.6 else street.name + comm.name
        officers = self.unit_officers(street, unit)
        pids = np.concatenate((np.setdiff1d(pids, officers), officers)).astype(np.int32)
        task = spec.tasks[int(rng.integers(len(spec.tasks)))]
        parts = [unit, place, task, UNIT_GENERIC[int(rng.integers(len(UNIT_GENERIC)))]]
        return parts, self.names[int(officers[0])], pids

    def recreate(self, orig: CensusGroup, parts: list[str]) -> int:
        """Make the original stale and return the new group's creation day; marks the title."""
        rng = self.rng
        old_last = T - int(rng.integers(90, 540))
        orig_created = (orig.created - EPOCH).days
        if orig_created > old_last - 60:    # the old group must have lived before going quiet
            orig_created = max(0, old_last - int(rng.integers(60, 700)))
            orig.created = DAYS[orig_created]
        orig.last_active = DAYS[old_last]
        created = min(max(old_last - int(rng.integers(0, 25)), orig_created + 1), T - 1)
        mark = RECREATED_MARKS[int(rng.integers(len(RECREATED_MARKS)))]
        mark = mark.replace("YEAR", str(DAYS[created].year))
        if mark in ("新群", "2群", "二群"):
            parts[-1] = parts[-1].removesuffix("群") + mark
        elif mark.startswith("20") and rng.random() < 0.5:
            parts.insert(0, mark)
        else:
            parts.append(mark)
        return created

    def copy_people_display(self, copy: CensusGroup, pids: np.ndarray, ids: bool,
                            phen: list[str]) -> None:
        """Members as the copy's platform shows them: partial, annotated and/or Traditional."""
        rng = self.rng
        true_size = len(pids)
        copy.member_count = true_size + (int(rng.integers(0, 3)) if rng.random() < 0.3 else 0)
        if "partial_visibility" in phen:
            keep = max(1, int(true_size * rng.uniform(0.3, 0.6)))
            pids = pids[rng.permutation(true_size)[:keep]]
            copy.member_count = max(true_size, int(keep / 0.6) + 1)
        copy._person_ids = pids
        members = self.annotate(pids) if "annotated_names" in phen else self.display(pids, ids)
        if "traditional" in phen:
            copy.owner = to_traditional(copy.owner)
            if not ids:
                members = [to_traditional(m) for m in members]
        copy.members = members
