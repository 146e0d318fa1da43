"""What merge decisions say in Telegram, as outbox messages: new proposals with their buttons,
and the announcements to absorbed groups."""

from __future__ import annotations

from dataclasses import dataclass

from groupbot.messages import t
from groupbot.services.matching import ProposalNotices
from groupbot.services.merges import Outcome
from groupbot.storage.outbox_rows import Outgoing
from groupbot.storage.proposals import StoredProposal
from groupbot.telegram import callbacks
from groupbot.telegram.courier import LINK
from groupbot.telegram.render import proposal_text


@dataclass(frozen=True)
class MergeNotices:
    """Renders proposals and announcements in the configured language."""

    language: str
    secret: bytes

    def _t(self, key: str, **values) -> str:
        return t(f"merges.{key}", self.language, **values)

    def buttons(self, proposal_id: int, chat_id: int) -> list[list[list[str]]]:
        """Approve / Reject / Details, signed for this chat and proposal."""
        return [[[self._t(label), callbacks.sign(self.secret, action, proposal_id, chat_id)]
                 for label, action in (("approve", "ok"), ("reject", "no"),
                                       ("details", "info"))]]

    def proposals_to(self, chat_id: int | None) -> ProposalNotices:
        """New proposals, each with its buttons, to `chat_id` (nowhere when None)."""
        def render(fresh: list[StoredProposal]) -> list[Outgoing]:
            if chat_id is None:
                return []
            return [Outgoing(chat_id, "text", {"text": proposal_text(p, self.language),
                                               "buttons": self.buttons(p.id, chat_id)})
                    for p in fresh]
        return render

    def announcements(self, outcome: Outcome) -> list[Outgoing]:
        """Tell each absorbed Telegram group where its work moved, with an invite link."""
        survivor = outcome.survivor
        linkable = survivor.platform == "telegram" and survivor.bot_is_admin
        body = {"text": self._t("announce", title=survivor.title, link=LINK),
                "link_chat": survivor.chat_id if linkable else None,
                "link_name": self._t("link_name", id=outcome.proposal.id)}
        return [Outgoing(group.chat_id, "text", body) for group in outcome.absorbed
                if group.platform == "telegram"]
