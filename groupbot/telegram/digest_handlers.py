"""The digest in Telegram: /digest now, the weekly one exactly once per ISO week."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update
from telegram.ext import ContextTypes

from groupbot.charts import digest_chart
from groupbot.domain.digest import iso_week
from groupbot.services.digest import DigestService
from groupbot.telegram import callbacks
from groupbot.telegram.digest_render import digest_text, split_message
from groupbot.telegram.permissions import AdminChecker
from groupbot.telegram.sender import Sender

log = logging.getLogger(__name__)
CAPTION_LIMIT = 1024
REVIEW = {"zh": "待处理的合并建议，点击查看：", "en": "Pending merge proposals, tap to review:"}


@dataclass
class DigestHandlers:
    """Sends digests: text under the size limit, then the full table as CSV."""

    service: DigestService
    sender: Sender
    bot: Bot
    admins: AdminChecker
    admin_chat_id: int | None
    language: str
    tz: tzinfo
    secret: bytes

    async def send(self, chat_id: int, as_of: date) -> None:
        """One digest to one chat."""
        digest = await self.service.build(as_of)
        text = digest_text(digest, self.language)
        # Drawing is CPU work: a worker thread keeps the bot answering meanwhile.
        chart = await asyncio.to_thread(digest_chart, digest, self.language)
        await self.bot.send_photo(chat_id, InputFile(chart, filename="digest.png"),
                                  caption=text.split("\n", 1)[0][:CAPTION_LIMIT])
        for piece in split_message(text):
            await self.sender.text(chat_id, piece)
        if digest.proposals:
            # One tap per pending proposal opens its details (and Approve/Reject via /merges).
            await self.sender.text(chat_id, REVIEW.get(self.language, REVIEW["zh"]),
                                   reply_markup=InlineKeyboardMarkup([
                                       [InlineKeyboardButton(
                                           f"#{p.id} " + " / ".join(p.titles)[:40],
                                           callback_data=callbacks.sign(self.secret, "info",
                                                                        p.id, chat_id))]
                                       for p in digest.proposals]))
        table = await self.service.table_csv(as_of)
        await self.bot.send_document(chat_id, InputFile(table,
                                                        filename=f"groupbot-{digest.week}.csv"),
                                     caption=digest.week)

    async def digest_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/digest: this week's digest now, to the asking chat (configured admins)."""
        user = update.effective_user
        if not self.admins.is_bot_admin(user.id if user else None):
            return
        await self.send(update.effective_chat.id, self.service.today())

    async def weekly(self, due: datetime | None = None) -> bool:
        """The scheduled digest for the week of `due`; the week is claimed first, so never twice.

        A run caught up after downtime is sent only while its week lasts.
        """
        if self.admin_chat_id is None:
            return False
        today = self.service.today()
        week = iso_week(due.astimezone(self.tz).date() if due else today)
        if week != iso_week(today):
            log.info("skipping the digest of %s: that week is over", week)
            return False
        if not await self.service.claim(self.admin_chat_id, week):
            return False
        await self.send(self.admin_chat_id, today)
        return True
