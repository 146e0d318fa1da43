"""Thin handlers: parse the update, call one service, render the answer."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import tzinfo

from telegram import ChatMember, ChatMemberUpdated, Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from groupbot.domain.authority import Action
from groupbot.domain.events import PRESENT_STATUSES
from groupbot.domain.inventory import PURPOSE_MAX_CHARS, PurposeError
from groupbot.messages import t
from groupbot.services.groups import GroupService, UnknownGroup
from groupbot.telegram import callbacks, render
from groupbot.telegram.authority import Authority
from groupbot.telegram.digest_handlers import DigestHandlers
from groupbot.telegram.lifecycle_handlers import LifecycleHandlers
from groupbot.telegram.merge_handlers import MergeHandlers
from groupbot.telegram.privacy_handlers import PrivacyHandlers
from groupbot.telegram.sender import Sender

log = logging.getLogger(__name__)
GROUP_CHATS = (ChatType.GROUP, ChatType.SUPERGROUP)
PRESENT = PRESENT_STATUSES


@dataclass
class Handlers:
    """The bot's command and membership handlers with their dependencies."""

    groups: GroupService
    authority: Authority
    sender: Sender
    language: str
    tz: tzinfo

    def _t(self, key: str, **values) -> str:
        return t(f"bot.{key}", self.language, **values)

    async def _reply(self, update: Update, body: str) -> None:
        await self.sender.text(update.effective_chat.id, body)

    async def bot_membership(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Bot added, promoted or demoted: refresh facts and say what it can see."""
        change: ChatMemberUpdated = update.my_chat_member
        chat, new_status = change.chat, change.new_chat_member.status
        if chat.type not in GROUP_CHATS or new_status not in PRESENT:
            return  # removals were recorded by ingestion already
        was_present = change.old_chat_member.status in PRESENT
        could_see = change.old_chat_member.status == ChatMember.ADMINISTRATOR or (
            was_present and context.bot.can_read_all_group_messages)
        sees = new_status == ChatMember.ADMINISTRATOR or context.bot.can_read_all_group_messages
        lines = [] if was_present else [self._t("welcome", title=chat.title or chat.id)]
        if not was_present or could_see != sees:
            lines.append(self._t("welcome_ok" if sees else "welcome_no_rights"))
        if lines:  # a change that alters nothing for the group is not worth a message
            await self.sender.text(chat.id, "\n\n".join(lines))
        await self.refresh_facts(context, chat.id)

    async def refresh_facts(self, context: ContextTypes.DEFAULT_TYPE, chat_id: int) -> None:
        """Read owner and member count from Telegram into the record (best effort)."""
        try:
            count = await context.bot.get_chat_member_count(chat_id)
            admins = await context.bot.get_chat_administrators(chat_id)
        except TelegramError as exc:
            log.info("facts of %s unavailable: %s", chat_id, exc)
            return
        owner = next((a.user for a in admins if a.status == ChatMember.OWNER), None)
        await self.groups.set_facts(
            chat_id, member_count=count,
            owner_user_id=owner.id if owner else None,
            owner_name=owner.full_name if owner else None,
        )

    async def purpose(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/purpose <text> (alias /register): record what the group is for."""
        if not await self.authority.allows(update, Action.SET_PURPOSE):
            return
        message = update.effective_message
        parts = (message.text or "").split(maxsplit=1)
        try:
            user_id = message.from_user.id if message.sender_chat is None else None
            purpose = await self.groups.set_purpose(
                message.chat.id, parts[1] if len(parts) > 1 else None, user_id)
        except PurposeError as exc:
            key = "purpose_too_long" if exc.reason == "too_long" else "purpose_usage"
            return await self._reply(update, self._t(key, limit=PURPOSE_MAX_CHARS))
        except UnknownGroup:
            return await self._reply(update, self._t("unknown_group"))
        await self._reply(update, self._t("purpose_set", purpose=purpose))

    async def status(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/status: this group's record."""
        if not await self.authority.allows(update, Action.STATUS):
            return
        chat = update.effective_chat
        try:
            count = await context.bot.get_chat_member_count(chat.id)
            await self.groups.set_facts(chat.id, member_count=count)
        except TelegramError as exc:
            log.info("member count of %s unavailable: %s", chat.id, exc)
        record = await self.groups.record(chat.id)
        if record is None:
            return await self._reply(update, self._t("unknown_group"))
        await self._reply(update, render.group_status(record, self.tz, self.language))

    async def inventory(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/groups: inventory summary, configured admins in the admin chat only."""
        if not await self.authority.allows(update, Action.INVENTORY):
            return
        summary = await self.groups.summary()
        await self._reply(update, render.inventory_summary(summary, self.language))

    async def help(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/start and /help."""
        await self._reply(update, self._t("help"))

    async def unknown(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Commands we do not know: answer in private, or when addressed to us by name."""
        message = update.effective_message
        first = (message.text or "").split(maxsplit=1)[0]
        addressed = first.lower().endswith("@" + (context.bot.username or "").lower())
        if message.chat.type == ChatType.PRIVATE or addressed:
            await self._reply(update, self._t("unknown_command"))


def register_handlers(app: Application, handlers: Handlers, merges: MergeHandlers,
                      lifecycle: LifecycleHandlers, digests: DigestHandlers,
                      privacy: PrivacyHandlers) -> None:
    """Wire handlers; order matters only in that the catch-all unknown command comes last."""
    app.add_handler(ChatMemberHandler(handlers.bot_membership, ChatMemberHandler.MY_CHAT_MEMBER))
    app.add_handler(ChatMemberHandler(handlers.authority.admins.admin_status_changed,
                                      ChatMemberHandler.CHAT_MEMBER))
    app.add_handler(CommandHandler(["purpose", "register"], handlers.purpose))
    app.add_handler(CommandHandler("status", handlers.status))
    app.add_handler(CommandHandler("groups", handlers.inventory))
    app.add_handler(CommandHandler(["start", "help"], handlers.help))
    app.add_handler(CommandHandler("match", merges.match_command))
    app.add_handler(CommandHandler("merges", merges.merges_command))
    app.add_handler(CommandHandler("similar", merges.similar_command))
    app.add_handler(CommandHandler("unmerge", merges.unmerge_command))
    app.add_handler(CommandHandler("digest", digests.digest_command))
    app.add_handler(CommandHandler("forgetme", privacy.forgetme))
    app.add_handler(CommandHandler("scan", lifecycle.scan_command))
    app.add_handler(CommandHandler("keep", lifecycle.keep_command))
    app.add_handler(CommandHandler("temporary", lifecycle.temporary_command))
    app.add_handler(CommandHandler("restore", lifecycle.restore_command))
    app.add_handler(CallbackQueryHandler(lifecycle.archive_button,
                                         pattern=f"^{callbacks.ARCHIVE}:"))
    app.add_handler(CallbackQueryHandler(merges.button, pattern=f"^{callbacks.PREFIX}:"))
    # Any other tap (old or forged data) still gets an answer, so the client stops spinning.
    app.add_handler(CallbackQueryHandler(merges.button))
    app.add_handler(MessageHandler(filters.COMMAND, handlers.unknown))
