"""Community work groups: members, titles and the background phenomena they show."""

from __future__ import annotations

import numpy as np

from groupbot.demo.census import CensusGroup, decorate, draw
from groupbot.demo.functions import (
    ALL_FNS,
    FN_HI,
    FN_INDEX,
    FN_LO,
    FN_STAFF_P,
    FN_WEIGHT,
    FUNCTIONS,
    GENERIC_CDF,
    LEADER_FN,
    N_LEADER_ROLES,
    NF,
    PLATFORM_CDF,
    RESPONSIBLE,
    TINY_FNS,
)
from groupbot.demo.places import Community
from groupbot.demo.vocabulary import (
    ANNOTATIONS,
    COMMUNITY,
    DAYS,
    PLATFORMS,
    TINY,
    ZOMBIE,
    T,
    to_traditional,
)


class Groups:
    """District mixin: base groups of a community, zombie and tiny ones included."""

    def display(self, pids: np.ndarray, ids: bool) -> list[str]:
        """Member display names: the shared name strings, or Telegram ids."""
        if ids:
            return [self.tg_id(p) for p in pids.tolist()]
        names = self.names
        return [names[p] for p in pids.tolist()]

    def annotate(self, pids: np.ndarray) -> list[str]:
        """Display names with annotations (role, community, street), one house style per group."""
        rng = self.rng
        main = int(rng.integers(len(ANNOTATIONS)))
        draws = rng.random(len(pids)).tolist()
        other = rng.integers(len(ANNOTATIONS), size=len(pids)).tolist()
        out = []
        for p, u, o in zip(pids.tolist(), draws, other, strict=True):
            name = self.names[p]
            if u < 0.12:
                out.append(name)
                continue
            h = self.home[p]
            cs, cf, s = self.homes[h] if h >= 0 else self.street_homes[-1 - h]
            style = ANNOTATIONS[main if u < 0.85 else o]
            out.append(style.format(n=name, r=self.roles[p], cs=cs, cf=cf, s=s))
        return out

    def tags(self, *tags: str) -> tuple[str, ...]:
        """A shared tuple for this tag combination (a million groups share a few dozen)."""
        key = tuple(dict.fromkeys(tags))
        return self.tag_cache.setdefault(key, key)

    def add_group(self, meta: tuple[int, int, int, int, int, int], group: CensusGroup) -> int:
        """Append a base group with its side-table row; returns its index."""
        self.groups.append(group)
        self.meta.append(meta)
        return len(self.groups) - 1

    def last_active(self, created: int, u: float, v: float) -> int:
        """Day index of last activity: mostly recent, some quiet for months or years."""
        if u < 0.80:
            day = T - int(v * 30)
        elif u < 0.95:
            day = T - 30 - int(v * 150)
        else:
            day = T - 180 - int(v * 520)
        return max(day, created)

    def finish_group(self, group: CensusGroup, parts: list[str], pids: np.ndarray,
                     bg: np.ndarray, ids: bool) -> None:
        """Apply background phenomena (partial view, annotations, decoration, Traditional)."""
        true_size = len(pids)
        extra = 1 + int(bg[10] * 10) % 3 if bg[10] < 0.3 else 0
        tags: list[str] = []
        partial_p = 0.30 if group.platform == "telegram" else 0.05
        if true_size >= 6 and bg[0] < partial_p:
            keep = max(1, int(true_size * (0.3 + 0.3 * bg[6])))
            pids = pids[self.rng.permutation(true_size)[:keep]]
            tags.append("partial_visibility")
            extra = 0
        group._person_ids = pids
        if not ids and bg[1] < (0.08 if group.platform == "dingtalk" else 0.03):
            group.members = self.annotate(pids)
            tags.append("annotated_names")
        else:
            group.members = self.display(pids, ids)
        if bg[2] < 0.03:
            group.title = decorate(parts, self.rng)
            tags.append("decorated")
        elif bg[3] < 0.004 and not ids:
            group.title = to_traditional(group.title)
            group.owner = to_traditional(group.owner)
            group.members = [to_traditional(m) for m in group.members]
            tags.append("traditional")
        group.member_count = true_size + extra
        group.tags = self.tags(*tags)
        group._own = group.tags

    def community_groups(self, comm: Community) -> None:
        """The community's 10–25 work groups, one per function, plus zombie/tiny ones."""
        rng = self.rng
        g = int(rng.integers(10, 26))
        fns = rng.choice(NF, g, replace=False, p=FN_WEIGHT / FN_WEIGHT.sum())
        n_staff = len(comm.staff)
        incl = rng.random((g, n_staff)) < FN_STAFF_P[fns][:, None]
        incl |= RESPONSIBLE[comm.staff_roles][:, fns].T
        incl[:, 0] |= rng.random(g) < 0.95
        incl[:, 1] |= rng.random(g) < 0.85
        incl[fns == LEADER_FN] = comm.staff_roles < N_LEADER_ROLES
        k_out = np.minimum(rng.integers(FN_LO[fns], FN_HI[fns] + 1), len(comm.pool))
        starts = rng.integers(0, len(comm.pool), g)
        lmask = rng.random((g, len(comm.liaison))) < 0.45
        created = rng.integers(0, T - 60, g)
        bg = rng.random((g, 12))
        # Own naming (phrase, generic word), location style and platform, used when a group
        # strays from the street's rule, the community's habit or its main platform.
        alt = np.stack((self.phrases(fns, 0.8), draw(GENERIC_CDF, rng.random(g)),
                        rng.integers(5, size=g), draw(PLATFORM_CDF, rng.random(g))), axis=1)
        for j, fn in enumerate(fns.tolist()):
            window = comm.pool.take(np.arange(starts[j], starts[j] + k_out[j]), mode="wrap")
            staff = comm.staff[incl[j]]
            pids = np.concatenate((staff, comm.liaison[lmask[j]], window))
            owner = int(staff[int(bg[j, 7] * len(staff))]) if len(staff) else int(pids[0])
            self.emit_community(comm, fn, pids, owner, int(created[j]), bg[j], alt[j].tolist())
        self.extra_groups(comm, fns)

    def emit_community(self, comm: Community, fn: int, pids: np.ndarray, owner: int,
                       created: int, bg: np.ndarray, alt: list[int]) -> int:
        """Create one community group from drawn members and background randomness."""
        phrase, gen = comm.street.defaults[fn] if bg[8] < 0.6 else alt[:2]
        loc = comm.loc_style if bg[9] < 0.75 else alt[2]
        meta = (COMMUNITY, comm.idx, fn, phrase, loc, gen)
        platform = comm.platform if bg[4] < 0.75 else alt[3]
        ids = platform == 3 and bg[4] < 0.4
        parts = self.title_parts(*meta)
        group = CensusGroup(
            PLATFORMS[platform], "", "".join(parts),
            FUNCTIONS[fn].purposes[int(bg[11] * len(FUNCTIONS[fn].purposes))],
            self.names[owner], [], 0, DAYS[self.last_active(created, bg[5], bg[6])],
            DAYS[created], None, 0, ())
        self.finish_group(group, parts, pids, bg, ids)
        index = self.add_group(meta, group)
        comm.groups[fn] = index
        return index

    def extra_groups(self, comm: Community, fns: np.ndarray) -> None:
        """Occasional zombie (long dead, near-empty) and tiny (2–4 people) groups."""
        rng = self.rng
        if rng.random() < 0.06:
            unused = np.setdiff1d(np.arange(NF), fns)
            if len(unused):
                self.zombie(comm, int(rng.choice(unused)))
        if rng.random() < 0.10:
            self.tiny(comm, FN_INDEX[TINY_FNS[int(rng.integers(len(TINY_FNS)))].names[0]])

    def zombie(self, comm: Community, fn: int) -> None:
        """A group nobody uses any more: 1–3 members, silent for 1–4 years."""
        rng = self.rng
        pids = rng.choice(comm.staff, int(rng.integers(1, 4)), replace=False)
        last = T - int(rng.integers(365, 1400))
        created = max(0, last - int(rng.integers(0, 400)))
        meta = (ZOMBIE, comm.idx, fn, 0, comm.loc_style, 1)
        group = CensusGroup(PLATFORMS[comm.platform], "", "".join(self.title_parts(*meta)),
                            FUNCTIONS[fn].purposes[0], self.names[int(pids[0])],
                            self.display(pids, False), len(pids), DAYS[last], DAYS[created], None,
                            0, self.tags("zombie"), pids.astype(np.int32))
        self.add_group(meta, group)

    def tiny(self, comm: Community, fn: int) -> None:
        """A small active group of two to four staff (碰头群, 值班群)."""
        rng = self.rng
        pids = comm.staff[:int(rng.integers(2, 5))]
        created = int(rng.integers(0, T - 30))
        meta = (TINY, comm.idx, fn, 0, comm.loc_style, 1)
        group = CensusGroup(PLATFORMS[comm.platform], "", "".join(self.title_parts(*meta)),
                            ALL_FNS[fn].purposes[0], self.names[int(pids[0])],
                            self.display(pids, False), len(pids),
                            DAYS[T - int(rng.integers(0, 20))], DAYS[created], None, 0,
                            self.tags("tiny"), pids.copy())
        self.add_group(meta, group)
