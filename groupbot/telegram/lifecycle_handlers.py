"""The lifecycle in Telegram: warnings, archiving (read-only, farewell), approval buttons,
/scan, /keep, /temporary and /restore."""

from __future__ import annotations

import json
import logging
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date

from telegram import Bot, ChatPermissions, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from groupbot.domain.authority import Action
from groupbot.messages import name_of, t
from groupbot.services.groups import GroupService
from groupbot.services.lifecycle import LifecycleChanges, LifecycleService, NotArchived, ScanItem
from groupbot.telegram import callbacks
from groupbot.telegram.authority import Authority
from groupbot.telegram.sender import Sender

log = logging.getLogger(__name__)
# Scan actions by family: "warn_14" is a warning, "propose_archive" a proposal.
KINDS = {"warn": "warn", "propose": "propose"}
UNTIL = re.compile(r"\s+until\s+(\d{4}-\d{2}-\d{2})\s*$", re.IGNORECASE)


@dataclass
class LifecycleActions:
    """Carries out what a scan decided, in Telegram (census groups need nothing sent)."""

    bot: Bot
    sender: Sender
    groups: GroupService
    changes: LifecycleChanges
    language: str
    admin_chat_id: int | None
    secret: bytes
    inactive_days: int
    leave_on_archive: bool

    def _t(self, key: str, **values) -> str:
        return t(f"lifecycle.{key}", self.language, **values)

    async def carry_out(self, items: list[ScanItem], today: date) -> Counter:
        """Send warnings, archive, ask for approvals; then one summary to the admin chat."""
        counts: Counter = Counter()
        for item in items:
            kind = KINDS.get(item.action.split("_")[0], item.action)
            counts[kind] += 1
            if item.platform != "telegram":
                continue
            try:
                await self._one(item, kind)
            except TelegramError as exc:  # one unreachable group must not stop the others
                log.warning("lifecycle action %s on %s failed: %s", kind, item.chat_id, exc)
        if self.admin_chat_id is not None and any(counts.values()):
            await self.sender.text(self.admin_chat_id, self._t(
                "summary", day=today.isoformat(), warned=counts["warn"],
                archived=counts["archive"], proposed=counts["propose"],
                renewed=counts["renew"], review=counts["review"]))
        return counts

    async def _one(self, item: ScanItem, kind: str) -> None:
        if kind == "warn":
            key = "warn_expired_temporary" if item.verdict == "expired_temporary" \
                else "warn_zombie"
            await self.sender.text(item.chat_id, self._t(key, days=self.inactive_days,
                                                         due=item.due_on.isoformat()))
        elif kind == "archive":
            await self.archive(item)
        elif kind == "ask_end_date":
            await self.sender.text(item.chat_id, self._t("ask_end_date"))
        elif kind == "propose" and self.admin_chat_id is not None:
            verdict = name_of("verdict", item.verdict, self.language)
            await self.sender.text(self.admin_chat_id, self._t(
                "propose_archive", title=item.title, chat_id=item.chat_id, verdict=verdict),
                reply_markup=self._keyboard(item.pk))

    def _keyboard(self, group_pk: int) -> InlineKeyboardMarkup:
        def button(label: str, action: str) -> InlineKeyboardButton:
            return InlineKeyboardButton(label, callback_data=callbacks.sign(
                self.secret, action, group_pk, self.admin_chat_id, kind=callbacks.ARCHIVE))
        return InlineKeyboardMarkup([[button(self._t("approve"), "ok"),
                                      button(self._t("reject"), "no")]])

    async def archive(self, item: ScanItem) -> None:
        """Farewell with the group's figures, then read-only (permissions kept), maybe leave."""
        record = await self.groups.record(item.chat_id)
        last = record.last_active.date().isoformat() if record and record.last_active \
            else self._t("never")
        await self.sender.text(item.chat_id, self._t(
            "farewell", members=record.member_count or record.members_seen if record else 0,
            messages=record.messages_30d if record else 0, last=last))
        chat = await self.bot.get_chat(item.chat_id)
        before = chat.permissions.to_dict() if chat.permissions else {}
        await self.changes.remember_permissions(item.pk, json.dumps(before))
        await self.bot.set_chat_permissions(item.chat_id, ChatPermissions.no_permissions())
        if self.leave_on_archive:
            await self.bot.leave_chat(item.chat_id)


async def give_back_permissions(bot: Bot, chat_id: int, prior: str | None) -> None:
    """Restore exactly the permissions a group had before it was archived."""
    if prior is None:
        return
    await bot.set_chat_permissions(chat_id, ChatPermissions.de_json(json.loads(prior), bot))


@dataclass
class LifecycleHandlers:
    """Commands and buttons of the lifecycle."""

    scans: LifecycleService
    actions: LifecycleActions
    authority: Authority
    restore_days: int

    def _t(self, key: str, **values) -> str:
        return t(f"lifecycle.{key}", self.actions.language, **values)

    async def scan_now(self) -> Counter:
        """Scan and act: the daily job, /scan and approvals all come here."""
        today = self.scans.today()
        return await self.actions.carry_out(await self.scans.scan(today), today)

    async def scheduled_scan(self) -> None:
        """The daily job."""
        counts = await self.scan_now()
        log.info("daily lifecycle scan: %s", dict(counts))

    async def scan_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/scan in the admin chat: scan now."""
        if not await self.authority.allows(update, Action.SCAN):
            return
        counts = await self.scan_now()
        if not any(counts.values()):
            await self.actions.sender.text(update.effective_chat.id, self._t(
                "summary", day=self.scans.today().isoformat(), warned=0, archived=0,
                proposed=0, renewed=0, review=0))

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
            await self.actions.sender.text(message.chat.id, self._t("keep_usage"))
            return
        await self.actions.changes.keep(message.chat.id, reason, until, _actor(update))
        shown = self._t("kept_until", date=until.isoformat()) if until else ""
        await self.actions.sender.text(message.chat.id, self._t("kept", until=shown,
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
            await self.actions.sender.text(message.chat.id, self._t("temporary_usage"))
            return
        await self.actions.changes.declare_temporary(message.chat.id, until, _actor(update))
        await self.actions.sender.text(message.chat.id, self._t("temporary_set",
                                                                date=until.isoformat()))

    async def restore_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/restore in an archived group (group admins or configured admins)."""
        if not await self.authority.allows(update, Action.RESTORE):
            return
        message = update.effective_message
        try:
            _, prior = await self.actions.changes.restore(message.chat.id, _actor(update))
        except NotArchived:
            await self.actions.sender.text(message.chat.id, self._t("not_archived"))
            return
        await give_back_permissions(context.bot, message.chat.id, prior)
        await self.actions.sender.text(message.chat.id, self._t("restored",
                                                                days=self.restore_days))

    async def archive_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """✅/❌ on an archive proposal: admins only, acts once (the scan archives it)."""
        query = update.callback_query
        chat = query.message.chat if query.message else None
        pressed = callbacks.verify(self.actions.secret, query.data, chat.id) if chat else None
        if pressed is None or pressed.kind != callbacks.ARCHIVE:
            await query.answer(self._t("invalid_button"), show_alert=True)
            return
        if not await self.authority.allows(update, Action.DECIDE_ARCHIVE):
            return
        await query.answer(self._t("approve" if pressed.action == "ok" else "reject"))
        await query.edit_message_reply_markup(None)
        if pressed.action == "ok":
            await self.actions.changes.approve_archive(pressed.proposal_id)
            await self.scan_now()
        else:
            await self.actions.changes.reject_archive(pressed.proposal_id,
                                                      f"user:{query.from_user.id}")


def _actor(update: Update) -> str:
    user = update.effective_user
    if update.effective_message and update.effective_message.sender_chat:
        return "anonymous_admin"
    return f"user:{user.id}" if user else "system"
