"""Merge proposals in Telegram: decisions by button, /match, /merges, /similar, /unmerge."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import Update
from telegram.ext import ContextTypes

from groupbot.domain.authority import Action
from groupbot.messages import t
from groupbot.routines import Routines
from groupbot.services.matching import MatchingService
from groupbot.services.merges import MergeService, Outcome
from groupbot.storage.proposals import StoredProposal
from groupbot.telegram import callbacks
from groupbot.telegram.authority import Authority
from groupbot.telegram.courier import Courier, keyboard
from groupbot.telegram.merge_notices import MergeNotices
from groupbot.telegram.render import proposal_text
from groupbot.telegram.sender import Sender


@dataclass
class MergeHandlers:
    """Everything the admin chat and groups do with merge proposals."""

    matching: MatchingService
    merges: MergeService
    sender: Sender
    authority: Authority
    notices: MergeNotices
    routines: Routines
    language: str
    admin_chat_id: int | None
    courier: Courier

    def _t(self, key: str, **values) -> str:
        return t(f"merges.{key}", self.language, **values)

    @property
    def secret(self) -> bytes:
        """The key that signs this bot's buttons."""
        return self.notices.secret

    async def post(self, chat_id: int, proposals: list[StoredProposal]) -> None:
        """Send proposals with their buttons (a listing, not a decision: sent directly)."""
        for p in proposals:
            await self.sender.text(chat_id, proposal_text(p, self.language),
                                   reply_markup=keyboard(self.notices.buttons(p.id, chat_id)))

    async def match_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/match: run matching now (admins, admin chat)."""
        if not await self.authority.allows(update, Action.MATCH):
            return
        chat_id = update.effective_chat.id
        await self.sender.text(chat_id, self._t("matching"))
        # Without an admin chat, the asking (private) chat is where proposals go.
        run = await self.routines.match(None if self.admin_chat_id is not None else chat_id)
        await self.sender.text(chat_id, self._t("match_done", total=len(run.ids),
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
        if len(context.args or []) != 1 or not callbacks.ID.fullmatch(context.args[0]):
            await self.sender.text(chat_id, self._t("unmerge_usage"))
            return
        user = update.effective_user
        outcome = await self.merges.revert(int(context.args[0]), user.id if user else None)
        await self.courier.deliver(list(outcome.outbox))
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
                                           notices=self.notices.announcements)
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
