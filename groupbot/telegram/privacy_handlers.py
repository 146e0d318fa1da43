"""/forgetme, and the daily pruning of activity older than the retention period."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import ContextTypes

from groupbot.domain.i18n import render
from groupbot.services.privacy import PrivacyService
from groupbot.telegram.sender import Sender

log = logging.getLogger(__name__)
TEXTS = {
    "forgotten": {"zh": "✅ 已删除你在所有群中的成员记录和昵称，只保留不具名的消息数量。",
                  "en": "✅ Your member records and names are deleted from every group; only "
                        "anonymous message counts remain."},
    "private_only": {"zh": "请私聊我发送 /forgetme，以免在群里公开。",
                     "en": "Please send /forgetme to me in a private chat."},
}


@dataclass
class PrivacyHandlers:
    """A person's right to be forgotten, and retention."""

    service: PrivacyService
    sender: Sender
    language: str
    retention_days: int

    async def forgetme(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/forgetme in a private chat: forget the sender everywhere."""
        chat, user = update.effective_chat, update.effective_user
        if chat.type != ChatType.PRIVATE or user is None:
            await self.sender.text(chat.id, render(TEXTS, "private_only", self.language))
            return
        await self.service.forget(user.id)
        await self.sender.text(chat.id, render(TEXTS, "forgotten", self.language))

    async def prune(self) -> None:
        """The daily job."""
        days, handled = await self.service.prune(self.retention_days)
        if days or handled:
            log.info("pruned %d day rows and %d handled updates", days, handled)
