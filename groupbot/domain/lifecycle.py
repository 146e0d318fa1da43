"""Zombie and expired temporary groups: warn first, renew on activity, archive reversibly."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum

FINAL_STATUSES = frozenset({"archived", "merged", "bot_removed"})


@dataclass(frozen=True)
class LifecycleSettings:
    """Thresholds of the lifecycle policy (all in days unless named otherwise)."""

    inactive_days: int = 30
    low_activity_messages: int = 5
    warn_days: tuple[int, ...] = (14, 7, 1)
    temporary_grace_days: int = 7
    rollout_grace_days: int = 35
    restore_days: int = 30
    require_approval: bool = False


class Verdict(StrEnum):
    """What is wrong with a group."""

    ZOMBIE = "zombie"
    EXPIRED_TEMPORARY = "expired_temporary"
    LOW_ACTIVITY = "low_activity"


class Action(StrEnum):
    """What a scan does about it."""

    NONE = "none"
    REVIEW = "review"
    WARN = "warn"
    ARCHIVE = "archive"
    PROPOSE_ARCHIVE = "propose_archive"
    RENEW = "renew"


@dataclass(frozen=True)
class GroupLife:
    """A group's lifecycle state, as of the last scan."""

    status: str
    last_active: date | None
    registered_on: date
    temporary: bool = False
    expires_on: date | None = None
    exempt: bool = False
    exempt_until: date | None = None
    messages_30d: int = 0
    posters_30d: int = 0
    due_on: date | None = None
    warnings_sent: frozenset[int] = frozenset()
    restored_until: date | None = None
    approved: bool = False


@dataclass(frozen=True)
class Decision:
    """A scan's verdict on one group and the action it takes."""

    verdict: Verdict | None
    action: Action
    due_on: date | None
    lead_days: int | None = None


def verdict(group: GroupLife, today: date, settings: LifecycleSettings) -> Verdict | None:
    """Zombie, expired temporary, low activity, or nothing."""
    alive_on = group.last_active or group.registered_on
    if alive_on <= today - timedelta(days=settings.inactive_days):
        return Verdict.ZOMBIE
    if (group.temporary and group.expires_on is not None
            and today > group.expires_on + timedelta(days=settings.temporary_grace_days)):
        return Verdict.EXPIRED_TEMPORARY
    if group.messages_30d <= settings.low_activity_messages and group.posters_30d <= 1:
        return Verdict.LOW_ACTIVITY
    return None


def protected(group: GroupLife, today: date) -> bool:
    """An exemption or a recent restore holds."""
    exempt = group.exempt and (group.exempt_until is None or today <= group.exempt_until)
    restored = group.restored_until is not None and today <= group.restored_until
    return exempt or restored


def decide(group: GroupLife, today: date, policy_start: date,
           settings: LifecycleSettings = LifecycleSettings()) -> Decision:
    """What today's scan does with a group."""
    found = verdict(group, today, settings)
    if group.status in FINAL_STATUSES:
        return Decision(found, Action.NONE, group.due_on)
    if protected(group, today):
        return Decision(found, Action.NONE, None)
    if found in (None, Verdict.LOW_ACTIVITY):
        if group.due_on is not None or group.status == "warned":
            return Decision(found, Action.RENEW, None)
        return Decision(found, Action.REVIEW if found else Action.NONE, None)
    return _countdown(group, found, today, policy_start, settings)


def _countdown(group: GroupLife, found: Verdict, today: date, policy_start: date,
               settings: LifecycleSettings) -> Decision:
    """Warn at each lead time, largest first; archive only after every warning."""
    due = group.due_on or max(today + timedelta(days=max(settings.warn_days)),
                              policy_start + timedelta(days=settings.rollout_grace_days))
    pending = [lead for lead in settings.warn_days
               if lead not in group.warnings_sent and today >= due - timedelta(days=lead)]
    if pending:
        lead = max(pending)
        # A late warning (after downtime) still gets its full lead time before the archive.
        return Decision(found, Action.WARN, max(due, today + timedelta(days=lead)), lead)
    all_warned = set(settings.warn_days) <= group.warnings_sent
    if all_warned and today >= due:
        needs_approval = settings.require_approval and not group.approved
        return Decision(found, Action.PROPOSE_ARCHIVE if needs_approval else Action.ARCHIVE, due)
    return Decision(found, Action.NONE, due)


def apply(group: GroupLife, decision: Decision, today: date) -> GroupLife:
    """The state after a decision's action has been carried out."""
    if decision.action is Action.WARN:
        return replace(group, status="warned", due_on=decision.due_on,
                       warnings_sent=group.warnings_sent | {decision.lead_days})
    if decision.action is Action.ARCHIVE:
        return replace(group, status="archived")
    if decision.action is Action.RENEW:
        return replace(group, status="active", due_on=None, warnings_sent=frozenset())
    return replace(group, due_on=decision.due_on)


def restore(group: GroupLife, today: date, settings: LifecycleSettings) -> GroupLife:
    """Bring an archived group back, protected for `restore_days`."""
    return replace(group, status="restored", due_on=None, warnings_sent=frozenset(),
                   approved=False,
                   restored_until=today + timedelta(days=settings.restore_days))
