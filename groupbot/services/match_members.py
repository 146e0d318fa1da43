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
            versions = {r.id: r.members_version for r in rows}
            found: dict[int, list[int]] = {pk: [] for pk in stale}
            async for batch in match_input.member_identities(
                    conn, [r.id for r in rows] if whole else stale, ranges=whole):
                # A batch holds whole groups: store them compactly before the next one.
                for pk in self._take(batch, found):
                    self._lists[pk] = (versions[pk], np.array(found.pop(pk), dtype=np.int32))
            for pk in found:  # nobody in them
                self._lists[pk] = (versions[pk], np.zeros(0, dtype=np.int32))
        self.reread = len(stale)
        if len(self._lists) != len(rows):  # forget groups out of play
            self._lists = {r.id: self._lists[r.id] for r in rows}
        return [self._lists[r.id][1] for r in rows]

    def forget(self) -> None:
        """Read everything again next time."""
        self._lists.clear()

    def _take(self, identities: list[tuple], found: dict[int, list[int]]) -> set[int]:
        """Add a batch of (group, user id, name key) to the lists being read; their groups."""
        people, groups = self._people, set()
        for group_pk, user_id, name_key in identities:
            listed = found.get(group_pk)
            if listed is not None:
                groups.add(group_pk)
                # Telegram ids match exactly; census people by their normalised name.
                key = ("u", user_id) if user_id is not None else ("n", name_key)
                person = people.get(key)
                if person is None:
                    person = people[key] = len(people)
                listed.append(person)
        return groups
