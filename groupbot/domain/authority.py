"""Who may do what, and where: one pure policy for every command and button.

Each action is one row of `RULES`: the place it may be asked from and the roles that may ask.
The adapter gathers the facts (`Actor`, `Target`); `decide` gives the verdict. A new action
(unit admins, say) is a new `Action` and a new row, perhaps a new `Role`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Action(Enum):
    """Everything a person can ask groupbot to do from Telegram."""

    SET_PURPOSE = "set_purpose"
    KEEP = "keep"
    DECLARE_TEMPORARY = "declare_temporary"
    RESTORE = "restore"
    STATUS = "status"
    SIMILAR = "similar"
    SCAN = "scan"
    MATCH = "match"
    LIST_MERGES = "list_merges"
    VIEW_PROPOSAL = "view_proposal"
    DECIDE_MERGE = "decide_merge"
    UNMERGE = "unmerge"
    DECIDE_ARCHIVE = "decide_archive"
    DIGEST = "digest"
    INVENTORY = "inventory"
    FORGET_ME = "forget_me"


class Reason(Enum):
    """Why an action was refused; each has one polite text in the catalogue."""

    NOT_GROUP_ADMIN = "not_group_admin"
    NOT_BOT_ADMIN = "not_bot_admin"
    NOT_OWNER = "not_owner"
    ADMIN_CHAT_ONLY = "admin_chat_only"
    GROUP_ONLY = "group_only"
    PRIVATE_ONLY = "private_only"


class ChatKind(Enum):
    """The kind of chat a request came from."""

    GROUP = "group"  # group or supergroup
    PRIVATE = "private"
    OTHER = "other"  # a channel, or no chat at all


class Place(Enum):
    """Where an action may be asked for."""

    ANYWHERE = "anywhere"
    GROUP = "group"
    PRIVATE = "private"
    ADMIN_CHAT = "admin_chat"


class Role(Enum):
    """Who may ask for an action."""

    ANYONE = "anyone"
    CONFIGURED_ADMIN = "configured_admin"
    GROUP_ADMIN = "group_admin"  # creator or administrator of this group, or its anonymous admin
    GROUP_OWNERS = "group_owners"  # owns every group involved, when `owners_decide` is on


@dataclass(frozen=True, slots=True)
class Actor:
    """Facts about who asks and from where."""

    user_id: int | None  # None when a message is sent on behalf of a chat
    chat: ChatKind
    in_admin_chat: bool = False  # `admin_chat_id`, or any private chat when none is set
    configured_admin: bool = False
    group_admin: bool = False  # getChatMember says creator or administrator
    anonymous_admin: bool = False  # posted as the group itself, which only its admins can do


@dataclass(frozen=True, slots=True)
class Target:
    """Facts about what is acted on; only merge decisions need any so far."""

    group_owners: tuple[int | None, ...] = ()  # owner of each group in the proposal
    owners_decide: bool = False  # `matching.owners_decide`


@dataclass(frozen=True, slots=True)
class Allowed:
    """The action may go ahead."""


@dataclass(frozen=True, slots=True)
class Refused:
    """The action may not go ahead, and why."""

    reason: Reason


@dataclass(frozen=True, slots=True)
class Rule:
    """Where an action may be asked for, and by whom."""

    place: Place
    roles: frozenset[Role]


Decision = Allowed | Refused
ALLOWED = Allowed()
NOTHING = Target()
EVERYONE = frozenset({Role.ANYONE})
ADMINS = frozenset({Role.CONFIGURED_ADMIN})
GROUP_MANAGERS = frozenset({Role.CONFIGURED_ADMIN, Role.GROUP_ADMIN})

RULES: dict[Action, Rule] = {
    Action.SET_PURPOSE: Rule(Place.GROUP, GROUP_MANAGERS),
    Action.KEEP: Rule(Place.GROUP, GROUP_MANAGERS),
    Action.DECLARE_TEMPORARY: Rule(Place.GROUP, GROUP_MANAGERS),
    Action.RESTORE: Rule(Place.GROUP, GROUP_MANAGERS),
    Action.STATUS: Rule(Place.GROUP, EVERYONE),
    Action.SIMILAR: Rule(Place.GROUP, EVERYONE),
    Action.SCAN: Rule(Place.ADMIN_CHAT, ADMINS),
    Action.MATCH: Rule(Place.ADMIN_CHAT, ADMINS),
    Action.LIST_MERGES: Rule(Place.ADMIN_CHAT, ADMINS),
    Action.UNMERGE: Rule(Place.ADMIN_CHAT, ADMINS),
    Action.INVENTORY: Rule(Place.ADMIN_CHAT, ADMINS),
    Action.DIGEST: Rule(Place.ANYWHERE, ADMINS),
    # Buttons are signed for the chat they were posted in, so their place is already fixed.
    Action.VIEW_PROPOSAL: Rule(Place.ANYWHERE, EVERYONE),
    Action.DECIDE_MERGE: Rule(Place.ANYWHERE, ADMINS | {Role.GROUP_OWNERS}),
    Action.DECIDE_ARCHIVE: Rule(Place.ANYWHERE, ADMINS),
    Action.FORGET_ME: Rule(Place.PRIVATE, EVERYONE),
}


def decide(actor: Actor, action: Action, target: Target = NOTHING) -> Decision:
    """May `actor` do `action` to `target`? Allowed, or Refused with the reason."""
    rule = RULES[action]
    if rule.place is Place.ADMIN_CHAT:
        # Who before where: a stranger is not told that an admin chat exists.
        return _who(actor, rule, target) or _where(actor, rule) or ALLOWED
    # Where before who: asking Telegram about a group admin makes sense only in a group.
    return _where(actor, rule) or _who(actor, rule, target) or ALLOWED


def _where(actor: Actor, rule: Rule) -> Refused | None:
    if rule.place is Place.GROUP and actor.chat is not ChatKind.GROUP:
        return Refused(Reason.GROUP_ONLY)
    if rule.place is Place.PRIVATE and (actor.chat is not ChatKind.PRIVATE
                                        or actor.user_id is None):
        return Refused(Reason.PRIVATE_ONLY)
    if rule.place is Place.ADMIN_CHAT and not actor.in_admin_chat:
        return Refused(Reason.ADMIN_CHAT_ONLY)
    return None


def _who(actor: Actor, rule: Rule, target: Target) -> Refused | None:
    if any(_holds(role, actor, target) for role in rule.roles):
        return None
    if Role.GROUP_ADMIN in rule.roles:
        return Refused(Reason.NOT_GROUP_ADMIN)
    if Role.GROUP_OWNERS in rule.roles and target.owners_decide:
        return Refused(Reason.NOT_OWNER)
    return Refused(Reason.NOT_BOT_ADMIN)


def _holds(role: Role, actor: Actor, target: Target) -> bool:
    if role is Role.ANYONE:
        return True
    if role is Role.CONFIGURED_ADMIN:
        return actor.configured_admin
    if role is Role.GROUP_ADMIN:
        return actor.group_admin or actor.anonymous_admin
    # GROUP_OWNERS: a proposal with no known owner belongs to nobody.
    owners = target.group_owners
    return (target.owners_decide and actor.user_id is not None and bool(owners)
            and all(owner == actor.user_id for owner in owners))
