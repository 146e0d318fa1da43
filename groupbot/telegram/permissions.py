"""Facts for the authority adapter: configured groupbot admins, and group creators and
administrators (getChatMember, cached)."""

from __future__ import annotations

import time
from collections.abc import Callable

from telegram import Bot, ChatMember, Update

ADMIN_STATUSES = frozenset({ChatMember.OWNER, ChatMember.ADMINISTRATOR})


class AdminChecker:
    """Answers 'is this user an admin of this group?' with a short cache of getChatMember."""

    def __init__(self, bot: Bot, configured_admins: tuple[int, ...], ttl: float,
                 clock: Callable[[], float] = time.monotonic):
        self._bot = bot
        self._configured = frozenset(configured_admins)
        self._ttl = ttl
        self._clock = clock
        self._cache: dict[tuple[int, int], tuple[float, bool]] = {}

    def is_bot_admin(self, user_id: int | None) -> bool:
        """True for the groupbot admins named in the config."""
        return user_id is not None and user_id in self._configured

    def forget(self, chat_id: int, user_id: int) -> None:
        """Drop a cached answer: the person was just promoted or demoted."""
        self._cache.pop((chat_id, user_id), None)

    async def admin_status_changed(self, update: Update, context) -> None:
        """chat_member update that promoted or demoted someone: ask Telegram next time."""
        change = update.chat_member
        self.forget(change.chat.id, change.new_chat_member.user.id)

    async def is_group_admin(self, chat_id: int, user_id: int) -> bool:
        """getChatMember status is creator or administrator (cached for `ttl` seconds)."""
        now = self._clock()
        cached = self._cache.get((chat_id, user_id))
        if cached is not None and cached[0] > now:
            return cached[1]
        member = await self._bot.get_chat_member(chat_id, user_id)
        allowed = member.status in ADMIN_STATUSES
        self._cache[(chat_id, user_id)] = (now + self._ttl, allowed)
        return allowed
