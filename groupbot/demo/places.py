"""Streets and communities, their people, and how titles name them."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from groupbot.demo.census import draw
from groupbot.demo.functions import (
    ALL_FNS,
    FN_WEIGHT,
    GENERIC,
    GENERIC_CDF,
    GRID_ROLE,
    N_NAMES,
    NF,
    RESIDENT_ROLES,
    ROLES,
    SOCIAL_ROLE,
    SPECIALIST_ROLES,
    STREET_FNS,
    STREET_ROLES,
)
from groupbot.demo.vocabulary import (
    COMMUNITY_NAMES,
    DISTRICT,
    GIVEN,
    PLACE_HEAD,
    PLACE_TAIL,
    PLATFORM_P,
    STREET,
    STREET_NAMES,
    SURNAME_P,
    SURNAMES,
)


@dataclass(slots=True, eq=False)
class Street:
    """A 街道 or 镇 with its cadres and the units' officers who serve it."""

    idx: int
    name: str
    short: str
    village: bool
    staff: np.ndarray
    reserve: np.ndarray                  # officers of issuing units, handed out per unit
    planned: int                         # communities it will get
    fns: np.ndarray                      # functions it runs street-level groups for
    defaults: dict[int, tuple[int, int]]  # fn -> (phrase, generic) the street told everyone to use
    communities: list[Community] = field(default_factory=list)
    units: dict[str, np.ndarray] = field(default_factory=dict)
    taken: set[str] = field(default_factory=set)  # names in use; emptied when the street closes


@dataclass(slots=True, eq=False)
class Community:
    """A 社区 or 村: staff, a pool of residents/volunteers and its groups by function."""

    idx: int
    street: Street
    name: str
    short: str
    staff: np.ndarray
    staff_roles: np.ndarray
    pool: np.ndarray
    liaison: np.ndarray
    platform: int
    loc_style: int
    groups: dict[int, int] = field(default_factory=dict)  # fn -> base group index



class Places:
    """District mixin: people, places and title parts."""

    def draw_names(self, k: int, taken: set[str]) -> list[str]:
        """k realistic names, unique within the street (`taken`)."""
        out: list[str] = []
        rng = self.rng
        while len(out) < k:
            m = k - len(out) + 8
            sur = rng.choice(len(SURNAMES), m, p=SURNAME_P).tolist()
            g1 = rng.integers(len(GIVEN), size=m).tolist()
            g2 = rng.integers(len(GIVEN), size=m).tolist()
            two = (rng.random(m) < 0.68).tolist()
            for s, a, b, t in zip(sur, g1, g2, two, strict=True):
                surname = SURNAMES[s]
                name = surname + GIVEN[a] + (GIVEN[b] if t and len(surname) == 1 else "")
                if name not in taken:
                    taken.add(name)
                    out.append(name)
                    if len(out) == k:
                        break
        return out

    def add_people(self, names: list[str], roles, home: int) -> np.ndarray:
        """Register people (one shared str per person) and return their ids."""
        start = len(self.names)
        self.names.extend(names)
        self.roles.extend(roles)
        self.home.extend([home] * len(names))
        return np.arange(start, len(self.names), dtype=np.int32)

    def tg_id(self, pid: int) -> str:
        """The person's Telegram user id as a string, created once."""
        s = self.tg_ids.get(pid)
        if s is None:
            # Multiplying by a prime coprime with the modulus keeps the ids unique.
            s = str(1_000_000_000 + (pid * 1_000_003) % 7_000_000_000)
            self.tg_ids[pid] = s
        return s

    def street_name(self) -> tuple[str, bool]:
        """A fresh street (or town) short name and whether it is a town of villages."""
        k = len(self.streets)
        if k < len(STREET_NAMES) and self.rng.random() < 0.9:
            name = STREET_NAMES[k]
        else:
            name = self.place_name(2 + int(self.rng.random() < 0.3))
        while name in self.street_names:
            name = self.place_name(3)
        self.street_names.add(name)
        return name, k >= 6 and self.rng.random() < 0.25

    def place_name(self, length: int) -> str:
        """A plausible place name such as 金桥 or 凤岭湾."""
        rng = self.rng
        head = "".join(PLACE_HEAD[i] for i in rng.integers(len(PLACE_HEAD), size=length - 1))
        return head + PLACE_TAIL[rng.integers(len(PLACE_TAIL))]

    def new_street(self) -> Street:
        """Open a street: cadres, unit officers, its street-level functions and naming rules."""
        rng = self.rng
        short, village = self.street_name()
        name = short + ("镇" if village else "街道")
        idx = len(self.streets)
        self.street_homes.append((short, name, name))
        taken: set[str] = set()
        n_staff = int(rng.integers(8, 21))
        roles = [STREET_ROLES[min(i, 5)] if i < 4 else STREET_ROLES[4 + (i % 2)]
                 for i in range(n_staff)]
        staff = self.add_people(self.draw_names(n_staff, taken), roles, -1 - idx)
        reserve = self.add_people(self.draw_names(40, taken), ["单位"] * 40, -1 - idx)
        fns = np.sort(rng.choice(STREET_FNS, int(rng.integers(8, 15)), replace=False,
                                 p=FN_WEIGHT[STREET_FNS] / FN_WEIGHT[STREET_FNS].sum()))
        phrases = self.phrases(np.arange(NF), 0.75).tolist()
        gens = draw(GENERIC_CDF, rng.random(NF)).tolist()
        defaults = dict(enumerate(zip(phrases, gens, strict=True)))
        street = Street(idx, name, short, village, staff, reserve, int(rng.integers(8, 16)), fns,
                         defaults, taken=taken)
        self.streets.append(street)
        return street

    def phrases(self, fns: np.ndarray, canonical_p: float) -> np.ndarray:
        """Indices into each function's names: canonical with canonical_p, else a synonym."""
        u = self.rng.random(len(fns))
        synonym = 1 + ((u - canonical_p) / (1 - canonical_p) * (N_NAMES[fns] - 1)).astype(int)
        return np.where(u < canonical_p, 0, synonym)

    def community_name(self, street: Street) -> tuple[str, str]:
        """(full, short) community or village name, unique within its street."""
        used = {c.short for c in street.communities}
        rng = self.rng
        while True:
            if not street.village and rng.random() < 0.3:
                short = COMMUNITY_NAMES[rng.integers(len(COMMUNITY_NAMES))]
            else:
                short = self.place_name(2 + int(rng.random() < 0.2))
                if not street.village and rng.random() < 0.1:
                    short += "新村"
            if short not in used:
                return short + ("村" if street.village else "社区"), short

    def staff_roles(self) -> np.ndarray:
        """Role indices of a community's 8–25 staff: leaders, specialists, grid workers."""
        rng = self.rng
        leaders = [0, 1, *rng.choice([2, 3, 3, 4, 4], int(rng.integers(1, 4)), replace=False)]
        specialists = rng.choice(SPECIALIST_ROLES, int(rng.integers(3, 9)), replace=False)
        roles = np.concatenate((leaders, specialists, [GRID_ROLE] * int(rng.integers(2, 11)),
                                [SOCIAL_ROLE] * int(rng.integers(0, 5))))
        return roles[:25].astype(np.int8)

    def new_community(self, street: Street) -> Community:
        """A community with its staff, resident pool and 包联 street cadres."""
        rng = self.rng
        full, short = self.community_name(street)
        idx = len(self.communities)
        self.homes.append((short, full, street.name))
        roles = self.staff_roles()
        names = self.draw_names(len(roles) + int(rng.integers(25, 71)), street.taken)
        role_names = [ROLES[r] for r in roles.tolist()]
        staff = self.add_people(names[:len(roles)], role_names, idx)
        pool_roles = [RESIDENT_ROLES[i] for i in
                      rng.integers(len(RESIDENT_ROLES), size=len(names) - len(roles)).tolist()]
        pool = self.add_people(names[len(roles):], pool_roles, idx)
        liaison = rng.choice(street.staff[4:], int(rng.integers(1, 3)), replace=False)
        platform = int(rng.choice(4, p=PLATFORM_P))
        loc_style = int(rng.choice(5, p=[0.30, 0.45, 0.12, 0.08, 0.05]))
        comm = Community(idx, street, full, short, staff, roles, pool, liaison.astype(np.int32),
                          platform, loc_style)
        street.communities.append(comm)
        self.communities.append(comm)
        return comm

    def community_loc(self, comm: Community, style: int) -> str:
        """Location prefix of a community group title in the given style."""
        if style == 0:
            return comm.street.name + comm.name
        if style == 1:
            return comm.name
        if style == 2:
            return comm.short
        if style == 3:
            return ""
        return comm.street.short + comm.name

    def street_loc(self, street: Street, style: int) -> str:
        """Location prefix of a street-level title in the given style."""
        if style == 1:
            return DISTRICT + street.name
        if style == 2:
            return street.short
        return street.name

    def title_parts(self, kind: int, home: int, fn: int, phrase: int, loc: int,
                    gen: int) -> list[str]:
        """[location, function phrase, generic word] of a title."""
        if kind == STREET:
            place = self.street_loc(self.streets[home], loc)
        else:
            place = self.community_loc(self.communities[home], loc)
        generic = "群" if fn >= NF - 3 and gen not in (1, 3) else GENERIC[gen]
        return [place, ALL_FNS[fn].names[phrase], generic]
