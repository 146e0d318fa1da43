"""Street-level and temporary groups, and the hard negatives planted between groups."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import numpy as np

from groupbot.demo.census import CensusGroup, draw
from groupbot.demo.functions import (
    FUNCTIONS,
    GRID_ROLE,
    PERIODIC_TASKS,
    RESPONSIBLE,
    STREET_LOC_CDF,
    TEMP_TASKS,
)
from groupbot.demo.places import Community, Street
from groupbot.demo.vocabulary import DAYS, EPOCH, PLATFORMS, STREET, TEMPORARY, TODAY, T
from groupbot.domain.match_candidates import distinct


class Streets:
    """District mixin: street groups, temporary 专班 and planted negatives."""

    def unit_officers(self, street: Street, unit: str) -> np.ndarray:
        """The 2–4 officers an issuing unit sends to this street (drawn once per unit)."""
        officers = street.units.get(unit)
        if officers is None:
            start = (len(street.units) * 3) % (len(street.reserve) - 4)
            officers = street.reserve[start:start + int(self.rng.integers(2, 5))]
            for p in officers.tolist():
                self.roles[p] = unit
            street.units[unit] = officers
        return officers

    def close_street(self, street: Street) -> None:
        """Street-level groups, temporary task groups and the street's planted negatives."""
        for fn in street.fns.tolist():
            self.street_group(street, fn)
        self.temporary_groups(street)
        for comm in street.communities:
            self.plant_same_staff(comm)
        self.plant_same_function(street)
        street.taken = set()

    def street_group(self, street: Street, fn: int) -> None:
        """A street-level group: street cadres plus the matching staff of every community."""
        rng = self.rng
        parts = [street.staff[rng.random(len(street.staff)) < 0.5]]
        holders = [c for c in street.communities if fn in c.groups]
        folded = set(rng.choice(len(holders), min(len(holders), int(rng.integers(1, 3))),
                                replace=False).tolist()) if holders else set()
        for i, comm in enumerate(holders):
            if i in folded:     # the street pulled the whole community group in
                inner = self.groups[comm.groups[fn]]._person_ids
                parts.append(inner[rng.random(len(inner)) < 0.92])
            pick = RESPONSIBLE[comm.staff_roles, fn].copy()
            pick[0] |= rng.random() < 0.6
            pick[1] |= rng.random() < 0.4
            if FUNCTIONS[fn].grid:
                pick |= (comm.staff_roles == GRID_ROLE) & (rng.random(len(pick)) < 0.5)
            parts.append(comm.staff[pick])
        if FUNCTIONS[fn].units and rng.random() < 0.5:
            parts.append(self.unit_officers(street, FUNCTIONS[fn].units[0])[:2])
        pids = distinct(np.concatenate(parts)).astype(np.int32)
        pids = pids[rng.permutation(len(pids))]
        phrase, gen = street.defaults[fn]
        loc = int(draw(STREET_LOC_CDF, rng.random()))
        meta = (STREET, street.idx, fn, phrase, loc, gen)
        created = int(rng.integers(0, T - 60))
        bg = rng.random(12)
        bg[0] = max(bg[0], 0.2)      # street lists stay complete: the hard negative needs them
        platform = int(rng.random() < 0.4)      # street offices use WeChat or DingTalk
        parts = self.title_parts(*meta)
        group = CensusGroup(PLATFORMS[platform], "", "".join(parts),
                            FUNCTIONS[fn].purposes[int(bg[11] * len(FUNCTIONS[fn].purposes))],
                            self.names[int(street.staff[2 + int(bg[7] * 2)])], [], 0,
                            DAYS[self.last_active(created, bg[5], bg[6])], DAYS[created], None, 0,
                            ())
        self.finish_group(group, parts, pids, bg, False)
        index = self.add_group(meta, group)
        self.plant_street_vs_community(index, holders, fn)

    def plant_street_vs_community(self, street_idx: int, holders: list[Community],
                                  fn: int) -> None:
        """Tag community groups of the same function that the street group mostly contains."""
        inside = set(self.groups[street_idx]._person_ids.tolist())
        for comm in holders:
            ci = comm.groups[fn]
            members = self.groups[ci]._person_ids.tolist()
            if sum(p in inside for p in members) >= 0.7 * len(members):
                self.negatives.append(("street_vs_community", street_idx, ci))

    def temporary_groups(self, street: Street) -> None:
        """Temporary 专班 of the street: pairs with different tasks or different periods."""
        rng = self.rng
        pool = np.concatenate([street.staff] + [c.staff[:2] for c in street.communities])
        kinds = [int(rng.random() < 0.5)]
        if rng.random() < 0.5:
            kinds.append(1 - kinds[0])
        # Three distinct one-off tasks: two for a pair, one for an unpaired 专班; reusing a task
        # would make an unlabelled look-alike of a planted group.
        one_off = [TEMP_TASKS[i] for i in rng.choice(len(TEMP_TASKS), 3, replace=False).tolist()]
        for periodic in kinds:
            if periodic:
                task, month = PERIODIC_TASKS[rng.integers(len(PERIODIC_TASKS))]
                pair = [(task, day, True) for day in self.periods(month)]
            else:
                start = int(rng.integers(T - 1200, T - 30))
                pair = [(one_off[0], start, False),
                        (one_off[1], start + int(rng.integers(-60, 60)), False)]
            made = [self.temp_group(street, pool, *spec) for spec in pair]
            self.negatives.append(("temporary_tasks", made[0], made[1]))
        if rng.random() < 0.4:
            self.temp_group(street, pool, one_off[2], int(rng.integers(T - 900, T - 20)), False)

    def periods(self, month: int) -> tuple[int, int]:
        """Start days of the same recurring task in two different years (never overlapping)."""
        rng = self.rng
        last_year = TODAY.year - int(rng.integers(0, 3))
        years = (last_year - int(rng.integers(1, 3)), last_year)
        months = [month or int(rng.integers(1, 13)) for _ in years]
        days = [(date(y, m, int(rng.integers(1, 21))) - EPOCH).days
                for y, m in zip(years, months, strict=True)]
        if days[1] > T - 5:     # this year's round has not started yet: use the year before
            days = [days[0] - 365, days[1] - 365]
        if days[1] - days[0] < 150:    # December then January: keep the periods apart
            days[0] -= 365
        return days[0], days[1]

    def temp_group(self, street: Street, pool: np.ndarray, task: str, created: int,
                   dated: bool) -> int:
        """One temporary group with an expiry date; `dated` titles carry their year and month."""
        rng = self.rng
        created = min(created, T - 5)
        expires = created + int(rng.integers(25, 120))
        pids = pool[rng.random(len(pool)) < 0.88].astype(np.int32)
        day = DAYS[created]
        title = f"{day.year}年{day.month}月{street.name}{task}" if dated else street.name + task
        last = min(expires + int(rng.integers(0, 10)), T)
        group = CensusGroup(PLATFORMS[int(rng.random() < 0.4)], "", title,
                            f"{task.removesuffix('群')}期间工作调度与信息报送",
                            self.names[int(street.staff[2])], self.display(pids, False), len(pids),
                            DAYS[last], day, EPOCH + timedelta(days=expires), 0, (), pids)
        return self.add_group((TEMPORARY, street.idx, 0, 0, 0, 0), group)

    def plant_same_staff(self, comm: Community) -> None:
        """Tag up to two pairs of the community's groups whose people overlap ≥ 60% (Jaccard)."""
        rng = self.rng
        if rng.random() > 0.6 or len(comm.groups) < 2:
            return
        idx = list(comm.groups.values())
        sets = [set(self.groups[i]._person_ids.tolist()) for i in idx]
        first = rng.integers(len(idx), size=30)
        second = (first + rng.integers(1, len(idx), size=30)) % len(idx)
        found = 0
        for a, b in zip(first.tolist(), second.tolist(), strict=True):
            inter = len(sets[a] & sets[b])
            if inter >= 0.6 * len(sets[a] | sets[b]):
                self.negatives.append(("same_staff_diff_function", idx[a], idx[b]))
                found += 1
                if found == 2:
                    return

    def plant_same_function(self, street: Street) -> None:
        """Tag same-function groups of two communities (same street, or the previous one)."""
        rng = self.rng
        comms = street.communities
        candidates = list(itertools.combinations(comms, 2))
        if len(self.streets) > 1 and rng.random() < 0.3:
            previous = self.streets[-2].communities
            candidates += [(a, b) for a in previous[:3] for b in comms[:3]]
        if not candidates:
            return
        picks = rng.choice(len(candidates), min(len(candidates), max(1, len(comms) // 2)),
                           replace=False)
        for k in picks.tolist():
            a, b = candidates[k]
            common = sorted(set(a.groups) & set(b.groups))
            if common:
                fn = common[int(rng.integers(len(common)))]
                self.negatives.append(("same_function_diff_community", a.groups[fn],
                                       b.groups[fn]))
