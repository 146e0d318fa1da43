"""The authority policy as a table: who (facts) × what (action) × where (chat) → verdict."""

from __future__ import annotations

import pytest

from groupbot.domain.authority import (
    RULES,
    Action,
    Actor,
    Allowed,
    ChatKind,
    Reason,
    Refused,
    Target,
    decide,
)

GROUP, PRIVATE = ChatKind.GROUP, ChatKind.PRIVATE
ME, ADMIN = 1, 9

# The callers, each a set of facts the adapter would gather.
ACTORS = {
    "member": Actor(ME, GROUP),
    "group_admin": Actor(ME, GROUP, group_admin=True),
    "anonymous": Actor(None, GROUP, anonymous_admin=True),
    "channel": Actor(None, GROUP),  # posted as some other chat, e.g. a linked channel
    "configured": Actor(ADMIN, GROUP, configured_admin=True),
    "member@admin": Actor(ME, GROUP, in_admin_chat=True),
    "configured@admin": Actor(ADMIN, GROUP, in_admin_chat=True, configured_admin=True),
    "configured@dm-admin": Actor(ADMIN, PRIVATE, in_admin_chat=True, configured_admin=True),
    "person@dm": Actor(ME, PRIVATE),
    "configured@dm": Actor(ADMIN, PRIVATE, configured_admin=True),
}
SHORT = {"ok": Allowed(), "NGA": Refused(Reason.NOT_GROUP_ADMIN),
         "NBA": Refused(Reason.NOT_BOT_ADMIN), "ACO": Refused(Reason.ADMIN_CHAT_ONLY),
         "GO": Refused(Reason.GROUP_ONLY), "PO": Refused(Reason.PRIVATE_ONLY)}
GROUP_MANAGERS = "NGA ok  ok  NGA ok  NGA ok  GO  GO  GO"
ADMIN_CHAT = "NBA NBA NBA NBA ACO NBA ok  ok  NBA ACO"
CONFIGURED = "NBA NBA NBA NBA ok  NBA ok  ok  NBA ok"
EVERYONE = "ok  ok  ok  ok  ok  ok  ok  ok  ok  ok"
IN_GROUPS = "ok  ok  ok  ok  ok  ok  ok  GO  GO  GO"

# Columns in the order of ACTORS.
TABLE = {
    Action.SET_PURPOSE: GROUP_MANAGERS,
    Action.KEEP: GROUP_MANAGERS,
    Action.DECLARE_TEMPORARY: GROUP_MANAGERS,
    Action.RESTORE: GROUP_MANAGERS,
    Action.STATUS: IN_GROUPS,
    Action.SIMILAR: IN_GROUPS,
    Action.SCAN: ADMIN_CHAT,
    Action.MATCH: ADMIN_CHAT,
    Action.LIST_MERGES: ADMIN_CHAT,
    Action.UNMERGE: ADMIN_CHAT,
    Action.INVENTORY: ADMIN_CHAT,
    Action.DIGEST: CONFIGURED,
    Action.VIEW_PROPOSAL: EVERYONE,
    Action.DECIDE_MERGE: CONFIGURED,
    Action.DECIDE_ARCHIVE: CONFIGURED,
    Action.FORGET_ME: "PO  PO  PO  PO  PO  PO  PO  ok  ok  ok",
}
ROWS = [(action, who, SHORT[cell])
        for action, line in TABLE.items()
        for who, cell in zip(ACTORS, line.split(), strict=True)]


def test_every_action_has_a_rule_and_a_row():
    assert set(RULES) == set(Action) == set(TABLE)


@pytest.mark.parametrize(("action", "who", "expected"), ROWS,
                         ids=[f"{a.value}-{w}" for a, w, _ in ROWS])
def test_policy_table(action, who, expected):
    assert decide(ACTORS[who], action) == expected


OWNED = Target(group_owners=(ME, ME), owners_decide=True)
# Merge decisions with `matching.owners_decide`: the owner of every group involved may decide.
OWNER_ROWS = [
    ("owner of all", Actor(ME, GROUP, in_admin_chat=True), OWNED, "ok"),
    ("owner of all, setting off", Actor(ME, GROUP), Target(group_owners=(ME, ME)), "NBA"),
    ("owner of one", Actor(ME, GROUP), Target(group_owners=(ME, 2), owners_decide=True),
     "NOT_OWNER"),
    ("an owner unknown", Actor(ME, GROUP), Target(group_owners=(ME, None), owners_decide=True),
     "NOT_OWNER"),
    ("no proposal", Actor(ME, GROUP), Target(owners_decide=True), "NOT_OWNER"),
    ("nameless", Actor(None, GROUP), Target(group_owners=(None,), owners_decide=True),
     "NOT_OWNER"),
    ("configured, not owner", Actor(ADMIN, PRIVATE, configured_admin=True),
     Target(group_owners=(ME,), owners_decide=True), "ok"),
    ("group admin, not owner", Actor(2, GROUP, group_admin=True), OWNED, "NOT_OWNER"),
]


@pytest.mark.parametrize(("case", "actor", "target", "expected"), OWNER_ROWS,
                         ids=[row[0] for row in OWNER_ROWS])
def test_owners_decide_merges(case, actor, target, expected):
    verdict = decide(actor, Action.DECIDE_MERGE, target)
    wanted = Refused(Reason.NOT_OWNER) if expected == "NOT_OWNER" else SHORT[expected]
    assert verdict == wanted, case


@pytest.mark.parametrize("action", [a for a in Action if a is not Action.DECIDE_MERGE])
def test_owning_groups_grants_nothing_else(action):
    owner = Actor(ME, GROUP, in_admin_chat=True)
    assert decide(owner, action, OWNED) == decide(owner, action)


def test_every_reason_has_a_polite_text_in_both_languages():
    from groupbot.messages import REFUSALS as TEXTS

    for reason in Reason:
        assert TEXTS[reason.value]["zh"].startswith("抱歉"), reason
        assert TEXTS[reason.value]["en"].startswith("Sorry"), reason
