"""What a lifecycle decision implies for Telegram, as outbox messages (rendered, not sent)."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import date

from groupbot.messages import name_of, t
from groupbot.services.lifecycle import ScanItem
from groupbot.storage.group_rows import reachable
from groupbot.storage.outbox_rows import PERMISSIONS, RESTRICT, Outgoing
from groupbot.telegram import callbacks

# Scan actions by family: "warn_14" is a warning, "propose_archive" a proposal.
KINDS = {"warn": "warn", "propose": "propose"}


def action_kind(item: ScanItem) -> str:
    """warn, archive, propose, renew, review, ask_end_date or none."""
    return KINDS.get(item.action.split("_")[0], item.action)


def tally(items: list[ScanItem]) -> Counter:
    """How many groups each kind of action touched."""
    return Counter(action_kind(item) for item in items)


@dataclass(frozen=True)
class LifecycleNotices:
    """Renders warnings, farewells, archiving, approvals and the admin summary."""

    language: str
    admin_chat_id: int | None
    secret: bytes
    inactive_days: int
    leave_on_archive: bool
    restore_days: int

    def _t(self, key: str, **values) -> str:
        return t(f"lifecycle.{key}", self.language, **values)

    def scan(self, items: list[ScanItem], today: date) -> list[Outgoing]:
        """Every group's messages in scan order, then one summary to the admin chat."""
        messages = []
        for item in items:
            if reachable(item.platform, item.chat_id):  # census groups need nothing sent
                messages += self._for_group(item, action_kind(item))
        # A scan that changed nothing (one resumed after a crash, say) says nothing.
        if self.admin_chat_id is not None and any(action_kind(i) != "none" for i in items):
            messages.append(Outgoing(self.admin_chat_id, "text", {
                "text": self.summary(tally(items), today)}))
        return messages

    def summary(self, counts: Counter, today: date) -> str:
        """One line for the admin chat about a scan."""
        return self._t("summary", day=today.isoformat(), warned=counts["warn"],
                       archived=counts["archive"], proposed=counts["propose"],
                       renewed=counts["renew"], review=counts["review"])

    def restored(self, chat_id: int | str, platform: str, prior: str | None) -> list[Outgoing]:
        """Give the group back its permissions, then tell it."""
        if not reachable(platform, chat_id):
            return []
        messages = []
        if prior is not None:
            messages.append(Outgoing(chat_id, PERMISSIONS, {"permissions": json.loads(prior)}))
        messages.append(Outgoing(chat_id, "text", {
            "text": self._t("restored", days=self.restore_days)}))
        return messages

    def _for_group(self, item: ScanItem, kind: str) -> list[Outgoing]:
        chat_id = item.chat_id
        if kind == "warn":
            key = "warn_expired_temporary" if item.verdict == "expired_temporary" \
                else "warn_zombie"
            return [Outgoing(chat_id, "text", {"text": self._t(
                key, days=self.inactive_days, due=item.due_on.isoformat())})]
        if kind == "archive":
            return self._archive(item, chat_id)
        if kind == "ask_end_date":
            return [Outgoing(chat_id, "text", {"text": self._t("ask_end_date")})]
        if kind == "propose" and self.admin_chat_id is not None:
            verdict = name_of("verdict", item.verdict, self.language)
            return [Outgoing(self.admin_chat_id, "text", {
                "text": self._t("propose_archive", title=item.title, chat_id=item.chat_id,
                                verdict=verdict),
                "buttons": [[self._button(self._t("approve"), "ok", item.pk),
                             self._button(self._t("reject"), "no", item.pk)]]})]
        return []

    def _archive(self, item: ScanItem, chat_id: int) -> list[Outgoing]:
        """A farewell with the group's figures, then read-only (permissions kept)."""
        last = item.last_active.isoformat() if item.last_active else self._t("never")
        farewell = self._t("farewell", members=item.members, messages=item.messages_30d,
                           last=last)
        return [Outgoing(chat_id, "text", {"text": farewell}),
                Outgoing(chat_id, RESTRICT, {"group_pk": item.pk,
                                             "leave": self.leave_on_archive})]

    def _button(self, label: str, action: str, group_pk: int) -> list[str]:
        return [label, callbacks.sign(self.secret, action, group_pk, self.admin_chat_id,
                                      kind=callbacks.ARCHIVE)]
