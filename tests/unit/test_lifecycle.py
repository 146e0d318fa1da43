"""Group lifecycle: zombie / expired temporary / low activity verdicts, warnings, archiving.

Table-driven tests pin each rule of ``decide`` (with its boundaries), ``apply`` and
``restore``; a reference model of the spec is compared with ``decide`` on generated
states; a Hypothesis state machine runs a group through months of scans with downtime,
activity, exemptions, restores and approvals and checks the safety invariants.
"""

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from groupbot.domain.lifecycle import (
    Action,
    Decision,
    GroupLife,
    LifecycleSettings,
    Verdict,
    apply,
    decide,
    restore,
)

TODAY = date(2026, 6, 15)
LONG_AGO = date(2026, 1, 1)  # policy start well in the past: rollout grace no longer matters
REGISTERED = date(2025, 1, 1)
DEFAULT = LifecycleSettings()
TERMINAL = ("archived", "merged", "bot_removed")
ARCHIVING = (Action.ARCHIVE, Action.PROPOSE_ARCHIVE)
ANY = object()  # "not asserted"


def days(n: int) -> timedelta:
    return timedelta(days=n)


def ago(n: int) -> date:
    return TODAY - days(n)


def later(n: int) -> date:
    return TODAY + days(n)


def group(**kw) -> GroupLife:
    """A healthy, busy, active group; override what a case needs."""
    base = dict(
        status="active",
        last_active=ago(1),
        registered_on=REGISTERED,
        messages_30d=50,
        posters_30d=6,
    )
    base.update(kw)
    return GroupLife(**base)


def zombie(**kw) -> GroupLife:
    """A group silent for 60 days (no messages in the last 30)."""
    base = dict(last_active=ago(60), messages_30d=0, posters_30d=0)
    base.update(kw)
    return group(**base)


def check(decision: Decision, verdict=ANY, action=ANY, due_on=ANY, lead_days=ANY) -> None:
    got = (decision.verdict, decision.action, decision.due_on, decision.lead_days)
    want = (verdict, action, due_on, lead_days)
    for g, w in zip(got, want, strict=True):
        if w is not ANY:
            assert g == w, f"got {got}, want {want}"


# --------------------------------------------------------------------------------------
# Reference model of the spec (used by the property tests)
# --------------------------------------------------------------------------------------


def ref_verdict(g: GroupLife, today: date, s: LifecycleSettings) -> Verdict | None:
    last = g.last_active or g.registered_on
    if last <= today - days(s.inactive_days):
        return Verdict.ZOMBIE
    if g.temporary and g.expires_on and today > g.expires_on + days(s.temporary_grace_days):
        return Verdict.EXPIRED_TEMPORARY
    if g.messages_30d <= s.low_activity_messages and g.posters_30d <= 1:
        return Verdict.LOW_ACTIVITY
    return None


def is_exempt(g: GroupLife, today: date) -> bool:
    return g.exempt and (g.exempt_until is None or today <= g.exempt_until)


def is_restore_protected(g: GroupLife, today: date) -> bool:
    return g.restored_until is not None and today <= g.restored_until


def ref_decide(g: GroupLife, today: date, start: date, s: LifecycleSettings):
    """(verdict, action, due_on, lead_days) with ANY where the spec leaves it open."""
    verdict = ref_verdict(g, today, s)
    if g.status in TERMINAL:
        return ANY, Action.NONE, g.due_on, ANY
    if is_exempt(g, today) or is_restore_protected(g, today):
        return ANY, Action.NONE, None, ANY
    if verdict not in (Verdict.ZOMBIE, Verdict.EXPIRED_TEMPORARY):
        if g.due_on is not None or g.status == "warned":
            return verdict, Action.RENEW, None, ANY
        if verdict is Verdict.LOW_ACTIVITY:
            return verdict, Action.REVIEW, None, ANY
        return verdict, Action.NONE, None, ANY
    due = g.due_on
    if due is None:
        due = max(today + days(max(s.warn_days)), start + days(s.rollout_grace_days))
    pending = [lead for lead in s.warn_days
               if lead not in g.warnings_sent and today >= due - days(lead)]
    if pending:
        lead = max(pending)
        return verdict, Action.WARN, max(due, today + days(lead)), lead
    if all(lead in g.warnings_sent for lead in s.warn_days) and today >= due:
        if s.require_approval and not g.approved:
            return verdict, Action.PROPOSE_ARCHIVE, due, ANY
        return verdict, Action.ARCHIVE, due, ANY
    return verdict, Action.NONE, due, ANY


# --------------------------------------------------------------------------------------
# Defaults and enums
# --------------------------------------------------------------------------------------


def test_default_settings():
    s = LifecycleSettings()
    assert s.inactive_days == 30
    assert s.low_activity_messages == 5
    assert s.warn_days == (14, 7, 1)
    assert s.temporary_grace_days == 7
    assert s.rollout_grace_days == 35
    assert s.restore_days == 30
    assert s.require_approval is False


def test_enum_values():
    assert [v.value for v in Verdict] == ["zombie", "expired_temporary", "low_activity"]
    assert {a.value for a in Action} == {
        "none", "review", "warn", "archive", "propose_archive", "renew"}


def test_group_life_defaults():
    g = GroupLife(status="active", last_active=None, registered_on=REGISTERED)
    assert (g.temporary, g.expires_on, g.exempt, g.exempt_until) == (False, None, False, None)
    assert (g.messages_30d, g.posters_30d, g.due_on) == (0, 0, None)
    assert g.warnings_sent == frozenset()
    assert (g.restored_until, g.approved) == (None, False)


# --------------------------------------------------------------------------------------
# Rule 3: verdicts (seen through unscheduled, non-exempt, active groups)
# --------------------------------------------------------------------------------------

VERDICT_CASES = [
    # id, group, settings, verdict
    ("inactive exactly 30 days", group(last_active=ago(30)), DEFAULT, Verdict.ZOMBIE),
    ("inactive 29 days, busy before", group(last_active=ago(29)), DEFAULT, None),
    ("inactive 29 days, quiet", group(last_active=ago(29), messages_30d=1, posters_30d=1),
     DEFAULT, Verdict.LOW_ACTIVITY),
    ("inactive 400 days", zombie(last_active=ago(400)), DEFAULT, Verdict.ZOMBIE),
    ("never active, registered 30 days ago",
     zombie(last_active=None, registered_on=ago(30)), DEFAULT, Verdict.ZOMBIE),
    ("never active, registered 29 days ago",
     zombie(last_active=None, registered_on=ago(29)), DEFAULT, Verdict.LOW_ACTIVITY),
    ("last_active wins over an old registration",
     group(last_active=ago(2), registered_on=ago(900)), DEFAULT, None),
    ("custom inactive_days, exactly", group(last_active=ago(10)),
     LifecycleSettings(inactive_days=10), Verdict.ZOMBIE),
    ("custom inactive_days, one short", group(last_active=ago(9)),
     LifecycleSettings(inactive_days=10), None),
    ("temporary, expired + grace exactly (today)",
     group(temporary=True, expires_on=ago(7)), DEFAULT, None),
    ("temporary, one day past expiry + grace",
     group(temporary=True, expires_on=ago(8)), DEFAULT, Verdict.EXPIRED_TEMPORARY),
    ("temporary, custom grace", group(temporary=True, expires_on=ago(1)),
     LifecycleSettings(temporary_grace_days=0), Verdict.EXPIRED_TEMPORARY),
    ("temporary, custom grace, expires today", group(temporary=True, expires_on=TODAY),
     LifecycleSettings(temporary_grace_days=0), None),
    ("temporary without end date", group(temporary=True, expires_on=None), DEFAULT, None),
    ("end date but not temporary", group(temporary=False, expires_on=ago(100)),
     DEFAULT, None),
    ("temporary and zombie: zombie first",
     zombie(temporary=True, expires_on=ago(100)), DEFAULT, Verdict.ZOMBIE),
    ("temporary expired and quiet: expired first",
     group(temporary=True, expires_on=ago(30), messages_30d=0, posters_30d=0),
     DEFAULT, Verdict.EXPIRED_TEMPORARY),
    ("5 messages by 1 person", group(messages_30d=5, posters_30d=1),
     DEFAULT, Verdict.LOW_ACTIVITY),
    ("6 messages by 1 person", group(messages_30d=6, posters_30d=1), DEFAULT, None),
    ("5 messages by 2 people", group(messages_30d=5, posters_30d=2), DEFAULT, None),
    ("0 messages", group(messages_30d=0, posters_30d=0), DEFAULT, Verdict.LOW_ACTIVITY),
    ("custom low threshold", group(messages_30d=9, posters_30d=1),
     LifecycleSettings(low_activity_messages=9), Verdict.LOW_ACTIVITY),
    ("custom low threshold, one above", group(messages_30d=10, posters_30d=1),
     LifecycleSettings(low_activity_messages=9), None),
    ("zombie with no messages is zombie, not low",
     zombie(messages_30d=0, posters_30d=0), DEFAULT, Verdict.ZOMBIE),
]


@pytest.mark.parametrize(("g", "s", "verdict"), [c[1:] for c in VERDICT_CASES],
                         ids=[c[0] for c in VERDICT_CASES])
def test_verdict(g, s, verdict):
    d = decide(g, TODAY, LONG_AGO, s)
    assert d.verdict == verdict
    if verdict is None:
        check(d, action=Action.NONE, due_on=None)
    elif verdict is Verdict.LOW_ACTIVITY:
        check(d, action=Action.REVIEW, due_on=None)
    else:  # a fresh archivable group: scheduled and warned with the longest lead at once
        lead = max(s.warn_days)
        check(d, action=Action.WARN, due_on=later(lead), lead_days=lead)


def test_default_settings_argument_is_used():
    d = decide(zombie(), TODAY, LONG_AGO)
    check(d, Verdict.ZOMBIE, Action.WARN, later(14), 14)


# --------------------------------------------------------------------------------------
# Rule 1: archived / merged / bot_removed groups are left alone
# --------------------------------------------------------------------------------------

@pytest.mark.parametrize("status", TERMINAL)
@pytest.mark.parametrize("due_on", [None, ago(3), later(5)])
@pytest.mark.parametrize("g", [
    zombie(),
    group(),
    group(messages_30d=0, posters_30d=0),
    group(temporary=True, expires_on=ago(50)),
    zombie(exempt=True),
    zombie(restored_until=later(3)),
    zombie(warnings_sent=frozenset({14, 7, 1}), approved=True),
], ids=["zombie", "busy", "low", "expired-temp", "exempt", "restored", "fully-warned"])
def test_terminal_status_does_nothing_and_keeps_due(status, due_on, g):
    g = replace(g, status=status, due_on=due_on)
    for s in (DEFAULT, LifecycleSettings(require_approval=True)):
        d = decide(g, TODAY, LONG_AGO, s)
        check(d, action=Action.NONE, due_on=due_on)


# --------------------------------------------------------------------------------------
# Rule 2: exemptions and restore protection
# --------------------------------------------------------------------------------------

EXEMPT_CASES = [
    ("exempt indefinitely", zombie(exempt=True)),
    ("exempt until today", zombie(exempt=True, exempt_until=TODAY)),
    ("exempt until next year", zombie(exempt=True, exempt_until=later(200))),
    ("exempt, already scheduled and warned", zombie(
        exempt=True, status="warned", due_on=later(1), warnings_sent=frozenset({14, 7}))),
    ("exempt, overdue", zombie(
        exempt=True, status="warned", due_on=ago(5), warnings_sent=frozenset({14, 7, 1}))),
    ("exempt, status exempt", zombie(exempt=True, status="exempt")),
    ("exempt expired temporary", group(exempt=True, temporary=True, expires_on=ago(90))),
    ("exempt busy group that was warned (no renew while exempt)", group(
        exempt=True, status="warned", due_on=later(3), warnings_sent=frozenset({14}))),
    ("exempt low activity (no review while exempt)",
     group(exempt=True, messages_30d=0, posters_30d=0)),
    ("restored until today", zombie(status="restored", restored_until=TODAY)),
    ("restored until later", zombie(status="restored", restored_until=later(29))),
    ("restored, scheduled", zombie(
        status="restored", restored_until=later(2), due_on=later(1),
        warnings_sent=frozenset({14, 7, 1}))),
    ("restored expired temporary", group(
        status="restored", restored_until=later(1), temporary=True, expires_on=ago(40))),
]


@pytest.mark.parametrize("g", [c[1] for c in EXEMPT_CASES], ids=[c[0] for c in EXEMPT_CASES])
@pytest.mark.parametrize("s", [DEFAULT, LifecycleSettings(require_approval=True)],
                         ids=["auto", "approval"])
def test_exempt_or_restored_group_is_not_scheduled(g, s):
    check(decide(g, TODAY, LONG_AGO, s), action=Action.NONE, due_on=None)
    check(decide(replace(g, approved=True), TODAY, LONG_AGO, s), action=Action.NONE,
          due_on=None)


@pytest.mark.parametrize("g", [
    zombie(exempt=True, exempt_until=ago(1)),
    zombie(exempt=False, exempt_until=later(30)),  # the flag is what exempts
    zombie(status="restored", restored_until=ago(1)),
], ids=["exemption ended yesterday", "not exempt despite a date", "restore ended yesterday"])
def test_exemption_or_protection_over(g):
    check(decide(g, TODAY, LONG_AGO), Verdict.ZOMBIE, Action.WARN, later(14), 14)


def test_exemption_over_for_busy_warned_group_renews():
    g = group(exempt=True, exempt_until=ago(1), status="warned", due_on=None,
              warnings_sent=frozenset({14}))
    check(decide(g, TODAY, LONG_AGO), None, Action.RENEW, None)


# --------------------------------------------------------------------------------------
# Rule 4: nothing archivable → renew / review / nothing
# --------------------------------------------------------------------------------------

NON_ARCHIVABLE_CASES = [
    # id, group, verdict, action
    ("busy active", group(), None, Action.NONE),
    ("low active", group(messages_30d=3, posters_30d=1), Verdict.LOW_ACTIVITY, Action.REVIEW),
    ("busy, warned and scheduled", group(
        status="warned", due_on=later(7), warnings_sent=frozenset({14})), None, Action.RENEW),
    ("busy, warned, all warnings, overdue", group(
        status="warned", due_on=ago(3), warnings_sent=frozenset({14, 7, 1}), approved=True),
     None, Action.RENEW),
    ("busy, warned, schedule cleared", group(
        status="warned", due_on=None, warnings_sent=frozenset({14})), None, Action.RENEW),
    ("busy, scheduled but not yet warned (rollout)", group(due_on=later(20)),
     None, Action.RENEW),
    ("low, warned", group(
        status="warned", due_on=later(7), warnings_sent=frozenset({14}), messages_30d=2,
        posters_30d=1), Verdict.LOW_ACTIVITY, Action.RENEW),
    ("low, scheduled", group(due_on=later(7), messages_30d=0, posters_30d=0),
     Verdict.LOW_ACTIVITY, Action.RENEW),
    ("restored, protection over, busy", group(status="restored", restored_until=ago(1)),
     None, Action.NONE),
    ("restored, protection over, low", group(
        status="restored", restored_until=ago(1), messages_30d=1, posters_30d=1),
     Verdict.LOW_ACTIVITY, Action.REVIEW),
    ("temporary within grace, warned", group(
        temporary=True, expires_on=ago(7), status="warned", due_on=later(3),
        warnings_sent=frozenset({14})), None, Action.RENEW),
]


@pytest.mark.parametrize(("g", "verdict", "action"), [c[1:] for c in NON_ARCHIVABLE_CASES],
                         ids=[c[0] for c in NON_ARCHIVABLE_CASES])
@pytest.mark.parametrize("s", [DEFAULT, LifecycleSettings(require_approval=True)],
                         ids=["auto", "approval"])
def test_non_archivable(g, verdict, action, s):
    check(decide(g, TODAY, LONG_AGO, s), verdict, action, None)


# --------------------------------------------------------------------------------------
# Rule 5: archivable → schedule, warn, archive
# --------------------------------------------------------------------------------------

S14 = frozenset({14})
S14_7 = frozenset({14, 7})
ALL = frozenset({14, 7, 1})

SCHEDULE_CASES = [
    # id, group, settings, action, due_on, lead_days
    ("fresh zombie: longest warning now", zombie(), DEFAULT, Action.WARN, later(14), 14),
    ("fresh expired temporary", group(temporary=True, expires_on=ago(8)), DEFAULT,
     Action.WARN, later(14), 14),
    ("14 sent, 8 days left: wait", zombie(status="warned", due_on=later(8), warnings_sent=S14),
     DEFAULT, Action.NONE, later(8), None),
    ("14 sent, 7 days left: warn 7", zombie(status="warned", due_on=later(7),
                                            warnings_sent=S14),
     DEFAULT, Action.WARN, later(7), 7),
    ("14+7 sent, 2 days left: wait", zombie(status="warned", due_on=later(2),
                                            warnings_sent=S14_7),
     DEFAULT, Action.NONE, later(2), None),
    ("14+7 sent, 1 day left: warn 1", zombie(status="warned", due_on=later(1),
                                             warnings_sent=S14_7),
     DEFAULT, Action.WARN, later(1), 1),
    ("all sent, 1 day left: wait", zombie(status="warned", due_on=later(1), warnings_sent=ALL),
     DEFAULT, Action.NONE, later(1), None),
    ("all sent, due today: archive", zombie(status="warned", due_on=TODAY, warnings_sent=ALL),
     DEFAULT, Action.ARCHIVE, TODAY, None),
    ("all sent, overdue (downtime): archive", zombie(status="warned", due_on=ago(6),
                                                     warnings_sent=ALL),
     DEFAULT, Action.ARCHIVE, ago(6), None),
    ("late: 14 sent, overdue: warn 7 with full lead",
     zombie(status="warned", due_on=ago(5), warnings_sent=S14),
     DEFAULT, Action.WARN, later(7), 7),
    ("late: 14 sent, 3 days left: warn 7, push due",
     zombie(status="warned", due_on=later(3), warnings_sent=S14),
     DEFAULT, Action.WARN, later(7), 7),
    ("late: 14+7 sent, due today: warn 1, push due",
     zombie(status="warned", due_on=TODAY, warnings_sent=S14_7),
     DEFAULT, Action.WARN, later(1), 1),
    ("late: nothing sent, scheduled in 3 days: warn 14",
     zombie(due_on=later(3)), DEFAULT, Action.WARN, later(14), 14),
    ("late: nothing sent, overdue: warn 14",
     zombie(due_on=ago(40)), DEFAULT, Action.WARN, later(14), 14),
    ("scheduled far ahead (rollout), nothing sent: wait",
     zombie(due_on=later(20)), DEFAULT, Action.NONE, later(20), None),
    ("scheduled, exactly 14 days ahead: warn 14",
     zombie(due_on=later(14)), DEFAULT, Action.WARN, later(14), 14),
    ("a skipped lead is still sent before archiving",
     zombie(status="warned", due_on=TODAY, warnings_sent=frozenset({14, 1})),
     DEFAULT, Action.WARN, later(7), 7),
    ("unrelated old leads do not count",
     zombie(status="warned", due_on=TODAY, warnings_sent=frozenset({14, 7, 3})),
     DEFAULT, Action.WARN, later(1), 1),
    ("extra old leads do not block archiving",
     zombie(status="warned", due_on=TODAY, warnings_sent=frozenset({30, 14, 7, 1})),
     DEFAULT, Action.ARCHIVE, TODAY, None),
    ("approval required: propose",
     zombie(status="warned", due_on=TODAY, warnings_sent=ALL),
     LifecycleSettings(require_approval=True), Action.PROPOSE_ARCHIVE, TODAY, None),
    ("approval required, overdue: propose keeps due",
     zombie(status="warned", due_on=ago(9), warnings_sent=ALL),
     LifecycleSettings(require_approval=True), Action.PROPOSE_ARCHIVE, ago(9), None),
    ("approval required and given: archive",
     zombie(status="warned", due_on=TODAY, warnings_sent=ALL, approved=True),
     LifecycleSettings(require_approval=True), Action.ARCHIVE, TODAY, None),
    ("approval given does not waive warnings",
     zombie(status="warned", due_on=TODAY, warnings_sent=S14, approved=True),
     LifecycleSettings(require_approval=True), Action.WARN, later(7), 7),
    ("approved, not yet due: wait",
     zombie(status="warned", due_on=later(1), warnings_sent=ALL, approved=True),
     LifecycleSettings(require_approval=True), Action.NONE, later(1), None),
    ("approval flag ignored when not required",
     zombie(status="warned", due_on=TODAY, warnings_sent=ALL, approved=False),
     DEFAULT, Action.ARCHIVE, TODAY, None),
    ("custom single warning",
     zombie(), LifecycleSettings(warn_days=(3,), rollout_grace_days=0),
     Action.WARN, later(3), 3),
    ("custom single warning, sent, due",
     zombie(status="warned", due_on=TODAY, warnings_sent=frozenset({3})),
     LifecycleSettings(warn_days=(3,)), Action.ARCHIVE, TODAY, None),
    ("unsorted warn_days: largest unsent first",
     zombie(due_on=TODAY), LifecycleSettings(warn_days=(2, 10, 5)),
     Action.WARN, later(10), 10),
    ("unsorted warn_days: schedule uses the max",
     zombie(), LifecycleSettings(warn_days=(2, 10, 5), rollout_grace_days=0),
     Action.WARN, later(10), 10),
]


@pytest.mark.parametrize(("g", "s", "action", "due_on", "lead"),
                         [c[1:] for c in SCHEDULE_CASES], ids=[c[0] for c in SCHEDULE_CASES])
def test_schedule_warn_archive(g, s, action, due_on, lead):
    d = decide(g, TODAY, LONG_AGO, s)
    verdict = Verdict.EXPIRED_TEMPORARY if g.temporary else Verdict.ZOMBIE
    check(d, verdict, action, due_on, lead if action is Action.WARN else ANY)


# --------------------------------------------------------------------------------------
# Rollout: the grace period when the lifecycle is first switched on
# --------------------------------------------------------------------------------------


def test_rollout_first_scan_schedules_without_warning():
    g = zombie(last_active=ago(400))
    check(decide(g, TODAY, TODAY), Verdict.ZOMBIE, Action.NONE, later(35))


def test_rollout_grace_shorter_than_warning_lead():
    g = zombie(last_active=ago(400))
    check(decide(g, TODAY, ago(30)), Verdict.ZOMBIE, Action.WARN, later(14), 14)
    check(decide(g, TODAY, ago(21)), Verdict.ZOMBIE, Action.WARN, later(14), 14)
    check(decide(g, TODAY, ago(20)), Verdict.ZOMBIE, Action.NONE, later(15))


def test_rollout_custom_grace():
    g = zombie(last_active=ago(400))
    s = LifecycleSettings(rollout_grace_days=60)
    check(decide(g, TODAY, TODAY, s), Verdict.ZOMBIE, Action.NONE, later(60))


def run_scans(g: GroupLife, start: date, scan_days, s: LifecycleSettings = DEFAULT):
    """Scan on each of `scan_days` (offsets from `start`), applying decisions."""
    log = []
    for offset in scan_days:
        today = start + days(offset)
        d = decide(g, today, start, s)
        g = apply(g, d, today)
        if d.action is not Action.NONE:
            log.append((offset, d.action, d.lead_days if d.action is Action.WARN else None))
    return g, log


def test_rollout_daily_scans_warn_every_lead_then_archive_on_day_35():
    start = TODAY
    g = zombie(last_active=start - days(400), registered_on=start - days(500))
    g, log = run_scans(g, start, range(0, 60))
    assert log == [
        (21, Action.WARN, 14),
        (28, Action.WARN, 7),
        (34, Action.WARN, 1),
        (35, Action.ARCHIVE, None),
    ]
    assert g.status == "archived"
    assert g.due_on == start + days(35)
    assert g.warnings_sent == ALL


def test_rollout_with_approval_proposes_until_approved():
    start = TODAY
    s = LifecycleSettings(require_approval=True)
    g = zombie(last_active=start - days(400))
    g, log = run_scans(g, start, range(0, 38), s)
    assert [e for e in log if e[1] is Action.WARN] == [
        (21, Action.WARN, 14), (28, Action.WARN, 7), (34, Action.WARN, 1)]
    assert [e[0] for e in log if e[1] is Action.PROPOSE_ARCHIVE] == [35, 36, 37]
    assert g.status == "warned"
    g = replace(g, approved=True)
    d = decide(g, start + days(38), start, s)
    check(d, Verdict.ZOMBIE, Action.ARCHIVE, start + days(35))


def test_downtime_gives_late_warnings_their_full_lead():
    start = TODAY
    g = zombie(last_active=start - days(400))
    g, log = run_scans(g, start, [0, 21, 36, 44, 45])
    assert log == [
        (21, Action.WARN, 14),   # due day 35
        (36, Action.WARN, 7),    # overdue: due pushed to 43
        (44, Action.WARN, 1),    # due pushed to 45
        (45, Action.ARCHIVE, None),
    ]
    assert g.due_on == start + days(45)


@settings(max_examples=150, deadline=None)
@given(
    gaps=st.lists(st.integers(1, 10), min_size=1, max_size=20),
    first=st.integers(0, 10),
    inactive_for=st.integers(30, 800),
)
def test_rollout_never_archives_early_whatever_the_scan_gaps(gaps, first, inactive_for):
    start = TODAY
    g = zombie(last_active=start - days(inactive_for))
    offsets = [first]
    for gap in gaps:
        offsets.append(offsets[-1] + gap)
    warned_on = {}
    for offset in offsets:
        today = start + days(offset)
        d = decide(g, today, start, DEFAULT)
        if d.action is Action.WARN:
            warned_on[d.lead_days] = offset
        if d.action in ARCHIVING:
            assert offset >= 35
            assert set(warned_on) == {14, 7, 1}
            assert all(offset - sent >= lead for lead, sent in warned_on.items())
        g = apply(g, d, today)
        if g.status == "archived":
            break


# --------------------------------------------------------------------------------------
# Low activity is only ever flagged for review
# --------------------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(
    quiet_for=st.integers(0, 29),
    messages=st.integers(0, 5),
    posters=st.integers(0, 1),
    status=st.sampled_from(["active", "restored"]),
    require_approval=st.booleans(),
    approved=st.booleans(),
)
def test_low_activity_is_review_only(quiet_for, messages, posters, status, require_approval,
                                     approved):
    g = group(last_active=ago(quiet_for), messages_30d=messages, posters_30d=posters,
              status=status, approved=approved)
    s = LifecycleSettings(require_approval=require_approval)
    d = decide(g, TODAY, LONG_AGO, s)
    check(d, Verdict.LOW_ACTIVITY, Action.REVIEW, None)


def test_low_activity_group_over_a_year_is_never_warned():
    """One person posts once every 20 days: reviewed on every scan, never warned."""
    start = TODAY
    g = group(last_active=start, messages_30d=1, posters_30d=1)
    for offset in range(0, 365):
        today = start + days(offset)
        if offset % 20 == 0:
            g = replace(g, last_active=today, messages_30d=2, posters_30d=1)
        d = decide(g, today, start, DEFAULT)
        check(d, Verdict.LOW_ACTIVITY, Action.REVIEW, None)
        g = apply(g, d, today)
        assert g.status == "active"
        assert g.due_on is None


# --------------------------------------------------------------------------------------
# apply and restore
# --------------------------------------------------------------------------------------

WARNED = zombie(status="warned", due_on=later(7), warnings_sent=S14, approved=True,
                exempt_until=ago(3), restored_until=ago(40), temporary=True,
                expires_on=ago(2))


def test_apply_warn():
    d = Decision(Verdict.ZOMBIE, Action.WARN, later(9), lead_days=7)
    g = apply(WARNED, d, TODAY)
    assert g == replace(WARNED, status="warned", due_on=later(9), warnings_sent=S14_7)


def test_apply_first_warn_sets_status():
    g0 = zombie()
    g = apply(g0, Decision(Verdict.ZOMBIE, Action.WARN, later(14), lead_days=14), TODAY)
    assert g == replace(g0, status="warned", due_on=later(14), warnings_sent=S14)


def test_apply_archive_keeps_schedule_and_warnings():
    g0 = replace(WARNED, due_on=TODAY, warnings_sent=ALL)
    g = apply(g0, Decision(Verdict.ZOMBIE, Action.ARCHIVE, TODAY), TODAY)
    assert g == replace(g0, status="archived")


def test_apply_renew():
    g = apply(WARNED, Decision(None, Action.RENEW, None), TODAY)
    assert g == replace(WARNED, status="active", due_on=None, warnings_sent=frozenset())


@pytest.mark.parametrize("action", [Action.NONE, Action.REVIEW, Action.PROPOSE_ARCHIVE])
@pytest.mark.parametrize("new_due", [None, later(3), ago(2)])
@pytest.mark.parametrize("status", ["active", "warned", "restored", "archived"])
def test_apply_other_actions_only_update_due(action, new_due, status):
    g0 = replace(WARNED, status=status)
    g = apply(g0, Decision(Verdict.ZOMBIE, action, new_due), TODAY)
    assert g == replace(g0, due_on=new_due)


@pytest.mark.parametrize("s", [DEFAULT, LifecycleSettings(restore_days=5)])
@pytest.mark.parametrize("status", ["archived", "warned", "active"])
def test_restore(s, status):
    g0 = replace(WARNED, status=status, due_on=ago(1), warnings_sent=ALL, approved=True)
    g = restore(g0, TODAY, s)
    assert g == replace(g0, status="restored", restored_until=TODAY + days(s.restore_days),
                        due_on=None, warnings_sent=frozenset(), approved=False)


def test_restored_group_is_protected_for_restore_days_then_warned_again():
    g = zombie(status="archived", due_on=ago(1), warnings_sent=ALL, approved=True)
    g = restore(g, TODAY, DEFAULT)
    for offset in range(0, 31):
        d = decide(g, later(offset), LONG_AGO, DEFAULT)
        check(d, action=Action.NONE, due_on=None)
        g = apply(g, d, later(offset))
    d = decide(g, later(31), LONG_AGO, DEFAULT)
    check(d, Verdict.ZOMBIE, Action.WARN, later(31 + 14), 14)


# --------------------------------------------------------------------------------------
# decide agrees with the reference model on generated states
# --------------------------------------------------------------------------------------

offsets = st.integers(-90, 60)
opt_date = st.none() | offsets.map(later)


@st.composite
def lifecycle_settings(draw):
    leads = draw(st.lists(st.integers(1, 20), min_size=1, max_size=4, unique=True))
    return LifecycleSettings(
        inactive_days=draw(st.integers(1, 60)),
        low_activity_messages=draw(st.integers(0, 8)),
        warn_days=tuple(leads),
        temporary_grace_days=draw(st.integers(0, 10)),
        rollout_grace_days=draw(st.integers(0, 40)),
        restore_days=draw(st.integers(0, 40)),
        require_approval=draw(st.booleans()),
    )


@st.composite
def states(draw, s: LifecycleSettings):
    registered = draw(st.integers(-400, 0).map(later))
    last = draw(st.none() | st.integers(0, 400).map(lambda n: max(registered, ago(n))))
    leads = sorted(set(s.warn_days) | {3, 30})
    return GroupLife(
        status=draw(st.sampled_from(
            ["active", "warned", "restored", "exempt", *TERMINAL])),
        last_active=last,
        registered_on=registered,
        temporary=draw(st.booleans()),
        expires_on=draw(opt_date),
        exempt=draw(st.booleans()),
        exempt_until=draw(opt_date),
        messages_30d=draw(st.integers(0, 12)),
        posters_30d=draw(st.integers(0, 3)),
        due_on=draw(opt_date),
        warnings_sent=frozenset(draw(st.sets(st.sampled_from(leads)))),
        restored_until=draw(opt_date),
        approved=draw(st.booleans()),
    )


@st.composite
def scenarios(draw):
    s = draw(lifecycle_settings())
    g = draw(states(s))
    start = later(draw(st.integers(-80, 0)))
    return g, start, s


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_decide_matches_reference_model(scenario):
    g, start, s = scenario
    d = decide(g, TODAY, start, s)
    verdict, action, due_on, lead = ref_decide(g, TODAY, start, s)
    check(d, verdict, action, due_on, lead)


@settings(max_examples=300, deadline=None)
@given(scenarios())
def test_decide_then_apply_is_a_fixed_point(scenario):
    """A scan replayed on the same day after applying the first one changes nothing."""
    g, start, s = scenario
    d1 = decide(g, TODAY, start, s)
    g1 = apply(g, d1, TODAY)
    d2 = decide(g1, TODAY, start, s)
    assert d2.action not in (Action.WARN, Action.ARCHIVE, Action.RENEW), (d1, d2)
    assert apply(g1, d2, TODAY) == g1


# --------------------------------------------------------------------------------------
# State machine: months of scans with downtime, activity, exemptions, restores
# --------------------------------------------------------------------------------------

WARN_CHOICES = [(14, 7, 1), (14, 7, 1), (3,), (10, 2), (5, 1)]


class LifecycleMachine(RuleBasedStateMachine):
    """One group, driven the way the bot would drive it; invariants (a)–(f) checked."""

    @initialize(
        registered_ago=st.integers(0, 500),
        last_active_ago=st.none() | st.integers(0, 500),
        start_in=st.integers(0, 20),
        temporary=st.booleans(),
        expires_in=st.integers(-40, 60),
        warn_days=st.sampled_from(WARN_CHOICES),
        inactive_days=st.sampled_from([30, 30, 10]),
        rollout=st.sampled_from([35, 35, 0]),
        restore_days=st.sampled_from([30, 30, 4]),
        require_approval=st.booleans(),
    )
    def setup(self, registered_ago, last_active_ago, start_in, temporary, expires_in,
              warn_days, inactive_days, rollout, restore_days, require_approval):
        self.policy_start = TODAY
        self.today = TODAY + days(start_in)
        self.settings = LifecycleSettings(
            warn_days=warn_days, inactive_days=inactive_days, rollout_grace_days=rollout,
            restore_days=restore_days, require_approval=require_approval)
        registered = self.today - days(registered_ago)
        self.log: list[tuple[date, int, int]] = []  # (day, messages, posters)
        if last_active_ago is not None:
            self.log.append((self.today - days(min(last_active_ago, registered_ago)), 2, 2))
        self.pending: list[tuple[int, int]] = []
        self.group = GroupLife(
            status="active", last_active=None, registered_on=registered,
            temporary=temporary,
            expires_on=self.today + days(expires_in) if temporary else None)
        self.cycle: dict[int, date] = {}  # lead → day warned, since the last renew/restore
        self.restored_on: date | None = None
        self.refresh()
        self.scan()

    # -- the world -----------------------------------------------------------------

    def refresh(self) -> None:
        window = [e for e in self.log if e[0] > self.today - days(30)]
        self.group = replace(
            self.group,
            last_active=max((e[0] for e in self.log), default=None),
            messages_30d=sum(e[1] for e in window),
            posters_30d=max((e[2] for e in window), default=0),
        )

    @rule(messages=st.integers(1, 8), posters=st.integers(1, 3))
    def human_activity(self, messages, posters):
        """Someone posts before the next scan (lands on the next simulated day)."""
        self.pending.append((messages, posters))

    @rule(step=st.integers(1, 10))
    def advance_and_scan(self, step):
        self.advance(step)

    @rule(step=st.integers(5, 10))
    def downtime(self, step):
        self.advance(step)

    @rule()
    def next_day(self):
        self.advance(1)

    def advance(self, step: int) -> None:
        previous = self.today
        self.today += days(step)
        for messages, posters in self.pending:
            self.log.append((previous + days(1), messages, posters))
        self.pending.clear()
        self.refresh()
        self.scan()

    @rule()
    def restart(self):
        """The bot restarts and the day's scan runs again."""
        self.scan()

    @rule(until=st.none() | st.integers(0, 20) | st.integers(0, 20))
    def grant_exemption(self, until):
        self.group = replace(self.group, exempt=True,
                             exempt_until=None if until is None else self.today + days(until))

    @rule()
    def end_exemption(self):
        self.group = replace(self.group, exempt=False, exempt_until=None)

    @precondition(lambda self: self.group.status in ("archived", "warned"))
    @rule()
    def restore_group(self):
        self.group = restore(self.group, self.today, self.settings)
        self.restored_on = self.today
        self.cycle.clear()
        assert self.group.status == "restored"
        assert self.group.restored_until == self.today + days(self.settings.restore_days)

    @rule()
    def toggle_require_approval(self):
        self.settings = replace(self.settings,
                                require_approval=not self.settings.require_approval)

    @rule(approved=st.booleans())
    def set_approved(self, approved):
        self.group = replace(self.group, approved=approved)

    # -- the scan and its checks ------------------------------------------------------

    def scan(self) -> None:
        g, today, s = self.group, self.today, self.settings
        d = decide(g, today, self.policy_start, s)
        terminal = g.status in TERMINAL

        # (f) exempt groups are never warned or archived (nor scheduled)
        if is_exempt(g, today) and not terminal:
            assert d.action is Action.NONE, d
            assert d.due_on is None, d

        # (d) no warning or archive within restore_days of a restore
        if self.restored_on is not None and today <= self.restored_on + days(s.restore_days):
            assert d.action not in (Action.WARN, *ARCHIVING), d

        # (c) activity after a warning renews the group
        if (self.cycle and not terminal and g.last_active is not None
                and g.last_active > max(self.cycle.values())
                and g.last_active > today - days(s.inactive_days)
                and not is_exempt(g, today) and not is_restore_protected(g, today)
                and ref_verdict(g, today, s) is not Verdict.EXPIRED_TEMPORARY):
            assert d.action is Action.RENEW, d

        # (a) every warning of the current cycle was sent; (b) each with its full lead;
        # and never before the rollout grace is over
        if d.action in ARCHIVING:
            assert set(s.warn_days) <= set(self.cycle), (d, self.cycle)
            for lead in s.warn_days:
                assert (today - self.cycle[lead]).days >= lead, (d, lead, self.cycle)
            assert today >= self.policy_start + days(s.rollout_grace_days)
            assert d.verdict in (Verdict.ZOMBIE, Verdict.EXPIRED_TEMPORARY)
        if d.action is Action.PROPOSE_ARCHIVE:
            assert s.require_approval and not g.approved
        if d.action is Action.ARCHIVE:
            assert not s.require_approval or g.approved

        if d.action is Action.WARN:
            assert d.lead_days in s.warn_days
            assert d.lead_days not in g.warnings_sent  # each warning once
            assert d.due_on >= today + days(d.lead_days)

        new = apply(g, d, today)
        if d.action is Action.WARN:
            self.cycle[d.lead_days] = today
            assert new.status == "warned"
        elif d.action is Action.RENEW:
            self.cycle.clear()
            assert new.status == "active"
            assert new.warnings_sent == frozenset()
            assert new.due_on is None
        elif d.action is Action.ARCHIVE:
            assert new.status == "archived"

        # (e) the same scan replayed after a restart repeats nothing
        again = decide(new, today, self.policy_start, s)
        assert again.action not in (Action.WARN, Action.ARCHIVE, Action.RENEW), (d, again)
        assert apply(new, again, today) == new

        self.group = new

    @invariant()
    def warnings_match_the_cycle(self):
        assert self.group.warnings_sent == frozenset(self.cycle)


LifecycleMachine.TestCase.settings = settings(
    max_examples=150, stateful_step_count=60, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
test_lifecycle_state_machine = LifecycleMachine.TestCase
