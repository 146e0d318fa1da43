"""Merge proposals in Telegram: posting with signed buttons, decisions, /match, /merges,
/similar, /unmerge, and making absorbed groups read-only after the grace period."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import timedelta

from telegram import Bot, ChatPermissions, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from groupbot.domain.authority import Action
from groupbot.messages import t
from groupbot.services.matching import MatchingService, MatchRun
from groupbot.services.merges import MergeService, Outcome
from groupbot.storage.outbox_rows import Outgoing
from groupbot.storage.proposals import StoredProposal
from groupbot.telegram import callbacks
from groupbot.telegram.authority import Authority
from groupbot.telegram.courier import LINK, Courier
from groupbot.telegram.render import proposal_text
from groupbot.telegram.sender import Sender

log = logging.getLogger(__name__)


@dataclass
class MergeHandlers:
    """Everything the admin chat and groups do with merge proposals."""

    matching: MatchingService
    merges: MergeService
    sender: Sender
    authority: Authority
    secret: bytes
    language: str
    admin_chat_id: int | None
    read_only_after: timedelta
    courier: Courier

    def _t(self, key: str, **values) -> str:
        return t(f"merges.{key}", self.language, **values)

    def keyboard(self, proposal_id: int, chat_id: int) -> InlineKeyboardMarkup:
        """Approve / Reject / Details, signed for this chat and proposal."""
        def button(label: str, action: str) -> InlineKeyboardButton:
            return InlineKeyboardButton(self._t(label), callback_data=callbacks.sign(
                self.secret, action, proposal_id, chat_id))
        return InlineKeyboardMarkup([[button("approve", "ok"), button("reject", "no"),
                                      button("details", "info")]])

    async def post(self, chat_id: int, proposals: list[StoredProposal]) -> None:
        """Send proposals with their buttons."""
        for p in proposals:
            await self.sender.text(chat_id, proposal_text(p, self.language),
                                   reply_markup=self.keyboard(p.id, chat_id))

    async def run_matching(self) -> MatchRun:
        """Match now and post only the proposals admins have not seen."""
        run = await self.matching.run()
        fresh = [p for p in run.proposals if p.id in run.new_ids]
        if self.admin_chat_id is not None and fresh:
            await self.post(self.admin_chat_id, fresh)
        return run

    async def scheduled_matching(self) -> None:
        """The daily job."""
        run = await self.run_matching()
        log.info("daily matching: %d proposals, %d new", len(run.proposals), len(run.new_ids))

    async def match_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/match: run matching now (admins, admin chat)."""
        if not await self.authority.allows(update, Action.MATCH):
            return
        chat_id = update.effective_chat.id
        await self.sender.text(chat_id, self._t("matching"))
        run = await self.run_matching()
        if chat_id != self.admin_chat_id:
            await self.post(chat_id, [p for p in run.proposals if p.id in run.new_ids])
        await self.sender.text(chat_id, self._t("match_done", total=len(run.proposals),
                                                new=len(run.new_ids)))

    async def merges_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/merges: pending proposals with their buttons."""
        if not await self.authority.allows(update, Action.LIST_MERGES):
            return
        pending = await self.matching.pending()
        if not pending:
            await self.sender.text(update.effective_chat.id, self._t("no_pending"))
        await self.post(update.effective_chat.id, pending[:20])

    async def similar_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/similar in a group: the pending proposals it is part of."""
        if not await self.authority.allows(update, Action.SIMILAR):
            return
        chat_id = update.effective_chat.id
        mine = [p for p in await self.matching.pending() if chat_id in p.chat_ids]
        if not mine:
            await self.sender.text(chat_id, self._t("no_similar"))
            return
        lines = [self._t("similar")]
        for p in mine:
            lines += [f"• {title} ({cid})" for cid, title in zip(p.chat_ids, p.titles,
                                                                 strict=True) if cid != chat_id]
            lines += [f"  – {r}" for r in p.reasons[:2]]
        await self.sender.text(chat_id, "\n".join(lines)[:4000])

    async def unmerge_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/unmerge <id>: revert a merge (admins)."""
        if not await self.authority.allows(update, Action.UNMERGE):
            return
        chat_id = update.effective_chat.id
        if len(context.args or []) != 1 or not context.args[0].isdigit():
            await self.sender.text(chat_id, self._t("unmerge_usage"))
            return
        user = update.effective_user
        outcome = await self.merges.revert(int(context.args[0]), user.id if user else None)
        await restore_permissions(context.bot, outcome)
        await self.sender.text(chat_id, self._outcome_text(outcome, user.full_name if user
                                                           else ""))

    async def button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A tap on Approve / Reject / Details."""
        query = update.callback_query
        chat = query.message.chat if query.message else None
        pressed = callbacks.verify(self.secret, query.data, chat.id) if chat else None
        if pressed is None or pressed.kind != callbacks.PREFIX:
            await query.answer(self._t("invalid"), show_alert=True)
            return
        if pressed.action == "info":
            if not await self.authority.allows(update, Action.VIEW_PROPOSAL):
                return
            proposal = await self.merges.get(pressed.proposal_id)
            await query.answer()
            text = proposal_text(proposal, self.language, full=True) if proposal \
                else self._t("missing")
            await self.sender.text(chat.id, text)
            return
        if not await self.authority.allows(update, Action.DECIDE_MERGE, owners=lambda: (
                self.merges.owners(pressed.proposal_id))):
            return
        outcome = await self.merges.decide(pressed.proposal_id, query.from_user.id,
                                           approve=pressed.action == "ok",
                                           notices=self._announcements)
        text = self._outcome_text(outcome, query.from_user.full_name)
        await query.answer(text, show_alert=outcome.result in ("already", "missing"))
        if outcome.result in ("executed", "rejected"):
            await query.edit_message_text(
                f"{proposal_text(outcome.proposal, self.language)}\n\n{text}")
        await self.courier.deliver(list(outcome.outbox))

    def _outcome_text(self, outcome: Outcome, who: str) -> str:
        if outcome.result == "executed":
            return self._t("executed", who=who, title=outcome.survivor.title)
        if outcome.result == "reverted":
            return self._t("reverted", id=outcome.proposal.id)
        if outcome.result == "rejected":
            return self._t("rejected", who=who)
        return self._t(outcome.result)

    def _announcements(self, outcome: Outcome) -> list[Outgoing]:
        """Tell each absorbed Telegram group where its work moved, with an invite link."""
        survivor = outcome.survivor
        linkable = survivor.platform == "telegram" and survivor.bot_is_admin
        body = {"text": self._t("announce", title=survivor.title, link=LINK),
                "link_chat": survivor.chat_id if linkable else None,
                "link_name": self._t("link_name", id=outcome.proposal.id)}
        return [Outgoing(group.chat_id, "text", body) for group in outcome.absorbed
                if group.platform == "telegram"]

    async def read_only_job(self) -> None:
        """After the grace period, absorbed groups become read-only where the bot may do it."""
        for proposal_id, group_pk, chat_id in await self.merges.due_read_only(
                self.read_only_after):
            try:
                chat = await self.sender.bot.get_chat(int(chat_id))
                before = chat.permissions.to_dict() if chat.permissions else {}
                await self.sender.bot.set_chat_permissions(int(chat_id),
                                                       ChatPermissions.no_permissions())
            except TelegramError as exc:
                log.info("cannot make %s read-only: %s", chat_id, exc)
                continue
            await self.merges.made_read_only(proposal_id, group_pk, json.dumps(before))


async def restore_permissions(bot: Bot, outcome: Outcome) -> None:
    """Give reverted groups back the permissions they had before they were made read-only."""
    for chat_id, prior in outcome.restore:
        try:
            permissions = ChatPermissions.de_json(json.loads(prior or "{}"), bot)
            await bot.set_chat_permissions(chat_id, permissions)
        except TelegramError as exc:
            log.warning("could not restore permissions of %s: %s", chat_id, exc)
