"""A per-user limit on commands and button taps, checked before any handler runs."""

from __future__ import annotations

import time
from collections import defaultdict, deque
from collections.abc import Callable

from telegram import Update
from telegram.ext import ApplicationHandlerStop, ContextTypes

WINDOW_SECONDS = 60.0


class UserRateLimit:
    """At most `per_minute` commands or taps per user in any sliding minute.

    Configured groupbot admins are trusted and never limited: after downtime their queued
    approvals arrive all at once and must not be dropped.
    """

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic,
                 exempt: tuple[int, ...] = ()):
        self._limit = per_minute
        self._exempt = frozenset(exempt)
        self._clock = clock
        self._seen: dict[int, deque[float]] = defaultdict(deque)

    def allow(self, user_id: int) -> bool:
        """Record one action; False when the user is over the limit."""
        now = self._clock()
        recent = self._seen[user_id]
        while recent and now - recent[0] >= WINDOW_SECONDS:
            recent.popleft()
        if len(recent) >= self._limit:
            return False
        recent.append(now)
        return True

    async def check(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Group -1 handler: stop an over-limit user's update before any other handler."""
        user = update.effective_user
        message = update.message
        is_command = bool(message and (message.text or "").startswith("/"))
        if not (is_command or update.callback_query) or self._limit <= 0 or user is None:
            return  # the bot being added to many groups at once is not abuse
        if user.id in self._exempt:
            return
        if self.allow(user.id):
            return
        if update.callback_query is not None:
            await update.callback_query.answer("⏳", show_alert=False)
        raise ApplicationHandlerStop
