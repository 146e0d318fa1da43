"""The digest in Telegram: /digest now, the weekly one exactly once per ISO week."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from telegram import Update
from telegram.ext import ContextTypes

from groupbot.domain.authority import Action
from groupbot.domain.digest import iso_week
from groupbot.messages import t
from groupbot.reports.charts import digest_chart
from groupbot.reports.digest_csv import table_csv
from groupbot.reports.digest_text import digest_text
from groupbot.services.digest import DigestService
from groupbot.storage.outbox_rows import Outgoing
from groupbot.telegram import callbacks
from groupbot.telegram.authority import Authority
from groupbot.telegram.courier import Courier
from groupbot.telegram.render import split_message

log = logging.getLogger(__name__)
CAPTION_LIMIT = 1024


@dataclass
class DigestHandlers:
    """Sends digests: text under the size limit, then the full table as CSV."""

    service: DigestService
    authority: Authority
    admin_chat_id: int | None
    language: str
    tz: tzinfo
    secret: bytes
    courier: Courier

    async def compose(self, chat_id: int, as_of: date) -> list[Outgoing]:
        """The digest's messages: the chart, the text, review buttons, the CSV table."""
        digest = await self.service.build(as_of)
        text = digest_text(digest, self.language)
        # Drawing is CPU work: a worker thread keeps the bot answering meanwhile.
        chart = await asyncio.to_thread(digest_chart, digest, self.language)
        messages = [Outgoing(chat_id, "photo", {"filename": "digest.png",
                                                "caption": text.split("\n", 1)[0][:CAPTION_LIMIT]},
                             chart)]
        messages += [Outgoing(chat_id, "text", {"text": piece}) for piece in split_message(text)]
        if digest.proposals:
            # One tap per pending proposal opens its details (and Approve/Reject via /merges).
            messages.append(Outgoing(chat_id, "text", {
                "text": t("digest.review", self.language),
                "buttons": [[[f"#{p.id} " + " / ".join(p.titles)[:40],
                              callbacks.sign(self.secret, "info", p.id, chat_id)]]
                            for p in digest.proposals]}))
        table = table_csv(await self.service.table(as_of))
        messages.append(Outgoing(chat_id, "document", {"filename": f"groupbot-{digest.week}.csv",
                                                       "caption": digest.week}, table))
        return messages

    async def send(self, chat_id: int, as_of: date) -> None:
        """One digest to one chat, now."""
        await self.courier.send_now(await self.compose(chat_id, as_of))

    async def digest_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/digest: this week's digest now, to the asking chat (configured admins)."""
        if not await self.authority.allows(update, Action.DIGEST):
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
        messages = await self.compose(self.admin_chat_id, today)
        # The week's claim and its messages commit together: a crash before leaves the week
        # open for the next leader; after, whoever finds the messages sends the rest.
        ids = await self.service.claim(self.admin_chat_id, week, messages)
        if ids is None:
            return False
        await self.courier.deliver(ids)
        return True
