"""/forgetme: a person's right to be forgotten."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import Update
from telegram.ext import ContextTypes

from groupbot.domain.authority import Action
from groupbot.messages import t
from groupbot.services.privacy import PrivacyService
from groupbot.telegram.authority import Authority
from groupbot.telegram.sender import Sender


@dataclass
class PrivacyHandlers:
    """A person's right to be forgotten, and retention."""

    service: PrivacyService
    sender: Sender
    language: str
    authority: Authority

    async def forgetme(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/forgetme in a private chat: forget the sender everywhere."""
        if not await self.authority.allows(update, Action.FORGET_ME):
            return
        await self.service.forget(update.effective_user.id)
        await self.sender.text(update.effective_chat.id,
                               t("bot.forgotten", self.language))
