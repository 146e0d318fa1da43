"""The digest as outbox messages: the chart, the text, review buttons, the CSV table."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from groupbot.domain.digest import Digest
from groupbot.messages import t
from groupbot.reports.charts import digest_chart
from groupbot.reports.digest_csv import table_csv
from groupbot.reports.digest_text import digest_text
from groupbot.storage.outbox_rows import Outgoing
from groupbot.telegram import callbacks
from groupbot.telegram.render import split_message

CAPTION_LIMIT = 1024


@dataclass(frozen=True)
class DigestNotices:
    """Renders a digest for one chat, in the configured language."""

    language: str
    secret: bytes

    async def messages(self, chat_id: int, digest: Digest, table: list) -> list[Outgoing]:
        """Text under Telegram's size limit, after the chart and before the CSV table."""
        text = digest_text(digest, self.language)
        # Drawing is CPU work: a worker thread keeps the bot answering meanwhile.
        chart = await asyncio.to_thread(digest_chart, digest, self.language)
        caption = text.split("\n", 1)[0][:CAPTION_LIMIT]
        messages = [Outgoing(chat_id, "photo", {"filename": "digest.png", "caption": caption},
                             chart)]
        messages += [Outgoing(chat_id, "text", {"text": piece}) for piece in split_message(text)]
        if digest.proposals:
            # One tap per pending proposal opens its details (and Approve/Reject via /merges).
            messages.append(Outgoing(chat_id, "text", {
                "text": t("digest.review", self.language),
                "buttons": [[[f"#{p.id} " + " / ".join(p.titles)[:40],
                              callbacks.sign(self.secret, "info", p.id, chat_id)]]
                            for p in digest.proposals]}))
        messages.append(Outgoing(chat_id, "document", {"filename": f"groupbot-{digest.week}.csv",
                                                       "caption": digest.week}, table_csv(table)))
        return messages
