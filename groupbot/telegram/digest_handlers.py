"""The digest in Telegram: /digest now, the weekly one exactly once per ISO week."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update
from telegram.ext import ContextTypes

from groupbot.charts import digest_chart
from groupbot.domain.digest import iso_week
from groupbot.scheduling import cron_trigger
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
    cron: str
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

    async def weekly(self, context: ContextTypes.DEFAULT_TYPE | None = None) -> bool:
        """The scheduled digest; the week is claimed in the database first, so never twice."""
        if self.admin_chat_id is None:
            return False
        today = self.service.today()
        if not await self.service.claim(self.admin_chat_id, iso_week(today)):
            return False
        await self.send(self.admin_chat_id, today)
        return True

    def due_this_week(self, now: datetime) -> bool:
        """True when this ISO week's scheduled time has already passed."""
        local = now.astimezone(self.tz)
        monday = datetime.combine(local.date() - timedelta(days=local.weekday()), time(0),
                                  self.tz)
        fire = cron_trigger(self.cron, self.tz).get_next_fire_time(None, monday)
        return fire is not None and fire <= local

    async def catch_up(self, context: ContextTypes.DEFAULT_TYPE | None = None) -> None:
        """At start-up: a digest missed while the bot was down is sent now, once."""
        if self.due_this_week(datetime.now(self.tz)) and await self.weekly():
            log.info("sent this week's digest, missed while the bot was down")
