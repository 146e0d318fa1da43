"""The digest in Telegram: /digest now, the weekly one exactly once per ISO week."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from telegram import Update
from telegram.ext import ContextTypes

from groupbot.domain.authority import Action
from groupbot.services.digest import DigestService
from groupbot.telegram.authority import Authority
from groupbot.telegram.courier import Courier
from groupbot.telegram.digest_notices import DigestNotices


@dataclass
class DigestHandlers:
    """/digest now, and the weekly digest exactly once per ISO week."""

    service: DigestService
    notices: DigestNotices
    authority: Authority
    admin_chat_id: int | None
    courier: Courier


    async def send(self, chat_id: int, as_of: date) -> None:
        """One digest to one chat, now (an extra copy: the week's claim is untouched)."""
        digest, table = await self.service.build(as_of), await self.service.table(as_of)
        await self.courier.send_now(await self.notices.messages(chat_id, digest, table))

    async def digest_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/digest: this week's digest now, to the asking chat (configured admins)."""
        if not await self.authority.allows(update, Action.DIGEST):
            return
        await self.send(update.effective_chat.id, self.service.today())
