"""The lifecycle in Telegram: warnings, archiving (read-only, farewell), approval buttons,
/scan, /keep, /temporary and /restore."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from telegram import Update
from telegram.ext import ContextTypes

from groupbot.domain.authority import Action
from groupbot.messages import t
from groupbot.routines import Routines
from groupbot.services.lifecycle_changes import LifecycleChanges, NotArchived
from groupbot.telegram import callbacks
from groupbot.telegram.authority import Authority
from groupbot.telegram.courier import Courier
from groupbot.telegram.lifecycle_notices import LifecycleNotices
from groupbot.telegram.sender import Sender

UNTIL = re.compile(r"\s+until\s+(\d{4}-\d{2}-\d{2})\s*$", re.IGNORECASE)


@dataclass
class LifecycleHandlers:
    """Commands and buttons of the lifecycle."""

    routines: Routines
    changes: LifecycleChanges
    notices: LifecycleNotices
    courier: Courier
    sender: Sender
    authority: Authority

    def _t(self, key: str, **values) -> str:
        return t(f"lifecycle.{key}", self.notices.language, **values)

    async def scan_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/scan in the admin chat: scan now."""
        if not await self.authority.allows(update, Action.SCAN):
            return
        counts = await self.routines.scan()
        if not counts:
            await self.sender.text(update.effective_chat.id,
                                   self.notices.summary(counts, self.routines.scans.today()))

    async def keep_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/keep <reason> [until YYYY-MM-DD]: exempt this group (group admins)."""
        if not await self.authority.allows(update, Action.KEEP):
            return
        message = update.effective_message
        text = (message.text or "").split(maxsplit=1)
        reason = text[1].strip() if len(text) > 1 else ""
        until = None
        found = UNTIL.search(reason)
        if found:
            until, reason = date.fromisoformat(found.group(1)), reason[:found.start()].strip()
        if not reason:
            await self.sender.text(message.chat.id, self._t("keep_usage"))
            return
        await self.changes.keep(message.chat.id, reason, until, _actor(update))
        shown = self._t("kept_until", date=until.isoformat()) if until else ""
        await self.sender.text(message.chat.id, self._t("kept", until=shown,
                                                                reason=reason))

    async def temporary_command(self, update: Update,
                                context: ContextTypes.DEFAULT_TYPE) -> None:
        """/temporary YYYY-MM-DD: declare this group temporary (group admins)."""
        if not await self.authority.allows(update, Action.DECLARE_TEMPORARY):
            return
        message = update.effective_message
        try:
            until = date.fromisoformat((context.args or [""])[0])
        except ValueError:
            await self.sender.text(message.chat.id, self._t("temporary_usage"))
            return
        await self.changes.declare_temporary(message.chat.id, until, _actor(update))
        await self.sender.text(message.chat.id, self._t("temporary_set",
                                                                date=until.isoformat()))

    async def restore_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/restore in an archived group (group admins or configured admins)."""
        if not await self.authority.allows(update, Action.RESTORE):
            return
        message = update.effective_message
        try:
            restored = await self.changes.restore(message.chat.id, _actor(update),
                                                  notices=self.notices.restored)
        except NotArchived:
            await self.sender.text(message.chat.id, self._t("not_archived"))
            return
        await self.courier.deliver(restored.outbox)

    async def archive_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """✅/❌ on an archive proposal: admins only, acts once (the scan archives it)."""
        query = update.callback_query
        chat = query.message.chat if query.message else None
        pressed = callbacks.verify(self.notices.secret, query.data, chat.id) if chat else None
        if pressed is None or pressed.kind != callbacks.ARCHIVE:
            await query.answer(self._t("invalid_button"), show_alert=True)
            return
        if not await self.authority.allows(update, Action.DECIDE_ARCHIVE):
            return
        await query.answer(self._t("approve" if pressed.action == "ok" else "reject"))
        await query.edit_message_reply_markup(None)
        if pressed.action == "ok":
            await self.changes.approve_archive(pressed.proposal_id)
            await self.routines.scan()
        else:
            await self.changes.reject_archive(pressed.proposal_id,
                                                      f"user:{query.from_user.id}")


def _actor(update: Update) -> str:
    user = update.effective_user
    if update.effective_message and update.effective_message.sender_chat:
        return "anonymous_admin"
    return f"user:{user.id}" if user else "system"
