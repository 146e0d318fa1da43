"""Who is in each group, as matching reads it: kept between runs, re-read where it changed."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sqlalchemy.ext.asyncio import AsyncConnection

from groupbot.storage import match_input

# Past this share of groups to re-read, one pass over every membership is cheaper.
WHOLE_READ_SHARE = 0.2


class MemberLists:
    """Each group's members as person numbers that stay the same from run to run.

    A list is read again only when the group's `members_version` moved (every write that may
    change who is in a group moves it, in the same transaction).
    """

    def __init__(self) -> None:
        self._people: dict[tuple, int] = {}
        self._lists: dict[int, tuple[int, np.ndarray]] = {}
        self.reread = 0

    async def lists(self, conn: AsyncConnection, rows: Sequence) -> list[np.ndarray]:
        """The member lists of `rows` (groups with `id` and `members_version`), in order."""
        known, stale = self._lists, []
        for r in rows:
            entry = known.get(r.id)
            if entry is None or entry[0] != r.members_version:
                stale.append(r.id)
        if stale:
            whole = len(stale) > WHOLE_READ_SHARE * len(rows)
            identities = await match_input.member_identities(conn, None if whole else stale)
            self._take(identities, {r.id: r.members_version for r in rows}, set(stale))
        self.reread = len(stale)
        if len(self._lists) != len(rows):  # forget groups out of play
            self._lists = {r.id: self._lists[r.id] for r in rows}
        return [self._lists[r.id][1] for r in rows]

    def forget(self) -> None:
        """Read everything again next time."""
        self._lists.clear()

    def _take(self, identities: list[tuple], versions: dict[int, int], stale: set[int]) -> None:
        found: dict[int, list[int]] = {pk: [] for pk in stale}
        people = self._people
        for group_pk, user_id, name_key in identities:
            listed = found.get(group_pk)
            if listed is not None:
                # Telegram ids match exactly; census people by their normalised name.
                key = ("u", user_id) if user_id is not None else ("n", name_key)
                person = people.get(key)
                if person is None:
                    person = people[key] = len(people)
                listed.append(person)
        for pk, listed in found.items():
            self._lists[pk] = (versions[pk], np.array(listed, dtype=np.int32))
