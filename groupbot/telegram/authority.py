"""Authority in Telegram: gather the facts of an update, ask the policy, answer any refusal."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace

from telegram import Update
from telegram.constants import ChatType

from groupbot.domain.authority import (
    Action,
    Actor,
    Allowed,
    ChatKind,
    Decision,
    Reason,
    Refused,
    Target,
    decide,
)
from groupbot.messages import t
from groupbot.telegram.permissions import AdminChecker
from groupbot.telegram.sender import Sender

KINDS = {ChatType.GROUP: ChatKind.GROUP, ChatType.SUPERGROUP: ChatKind.GROUP,
         ChatType.PRIVATE: ChatKind.PRIVATE}
Owners = Callable[[], Awaitable[tuple[int | None, ...]]]


@dataclass
class Authority:
    """The one door every command and button passes: facts in, verdict out, refusals answered."""

    admins: AdminChecker
    sender: Sender
    language: str
    admin_chat_id: int | None
    owners_decide: bool = False

    async def allows(self, update: Update, action: Action, owners: Owners | None = None) -> bool:
        """True if the policy allows `action` for this update; else answer politely, False.

        `owners` loads the owners of the groups a merge decision touches; it is called, like
        getChatMember, only when that fact could turn a refusal into an allowance.
        """
        actor, target = self.actor(update), Target(owners_decide=self.owners_decide)
        verdict = decide(actor, action, target)
        if _refused(verdict) and actor.user_id is not None and _allowed(
                decide(replace(actor, group_admin=True), action, target)):
            is_admin = await self.admins.is_group_admin(update.effective_chat.id, actor.user_id)
            actor = replace(actor, group_admin=is_admin)
            verdict = decide(actor, action, target)
        if _refused(verdict) and owners is not None and _allowed(
                decide(actor, action, replace(target, group_owners=(actor.user_id,)))):
            target = replace(target, group_owners=tuple(await owners()))
            verdict = decide(actor, action, target)
        if isinstance(verdict, Refused):
            await self.refuse(update, verdict.reason)
            return False
        return True

    def actor(self, update: Update) -> Actor:
        """The facts that cost no request: who, from which chat, configured or anonymous."""
        chat = update.effective_chat
        kind = KINDS.get(chat.type, ChatKind.OTHER) if chat else ChatKind.OTHER
        # A button's message is the bot's own; only a command's message speaks for its sender.
        message = update.effective_message if update.callback_query is None else None
        on_behalf = message.sender_chat if message else None
        user = update.effective_user
        user_id = user.id if user is not None and on_behalf is None else None
        return Actor(
            user_id=user_id, chat=kind,
            in_admin_chat=self._is_admin_chat(chat.id if chat else None, kind),
            configured_admin=self.admins.is_bot_admin(user_id),
            anonymous_admin=on_behalf is not None and chat is not None
            and on_behalf.id == chat.id)

    def _is_admin_chat(self, chat_id: int | None, kind: ChatKind) -> bool:
        if self.admin_chat_id is not None:
            return chat_id == self.admin_chat_id
        return kind is ChatKind.PRIVATE

    async def refuse(self, update: Update, reason: Reason) -> None:
        """Say why, in the configured language: an alert for a button, a message for a command."""
        body = t(f"refusal.{reason.value}", self.language)
        if update.callback_query is not None:
            await update.callback_query.answer(body, show_alert=True)
        else:
            await self.sender.text(update.effective_chat.id, body)


def _refused(verdict: Decision) -> bool:
    return isinstance(verdict, Refused)


def _allowed(verdict: Decision) -> bool:
    return isinstance(verdict, Allowed)
