"""Matching again after changes gives exactly what a full run gives, re-using what it can."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from groupbot.domain.lexicon import Lexicon
from groupbot.domain.match_candidates import CandidateSettings
from groupbot.domain.match_features import build_corpus
from groupbot.domain.match_incremental import MatchMemory, propose_again
from groupbot.domain.matching import MatchSettings, propose

LEX = Lexicon.default()
PLACES = ["涌金门社区", "清波社区", "湖滨街道", "小营街道", "", "涌金门", "清波门"]
WORK = ["消防安全工作群", "消防台账群", "党建工作群", "垃圾分类群", "防汛值班群", "创文工作群",
        "疫苗接种专班群", "反诈宣传群"]
PURPOSES = ["", "消防台账报送", "党建学习", "防汛期间工作调度与信息报送", "垃圾分类督导"]

group = st.fixed_dictionaries({
    "title": st.builds(lambda p, w, tag: p + w + tag, st.sampled_from(PLACES),
                       st.sampled_from(WORK), st.sampled_from(["", "(新)", "2"])),
    "purpose": st.sampled_from(PURPOSES),
    "members": st.lists(st.integers(0, 24), min_size=0, max_size=14),
    "count": st.integers(0, 30),
    "created": st.sampled_from([None, date(2026, 1, 5), date(2026, 6, 1)]),
    "expires": st.sampled_from([None, date(2026, 3, 1), date(2026, 9, 1)]),
    "activity": st.integers(0, 50),
})
change = st.one_of(
    st.tuples(st.just("members"), st.integers(0, 99),
              st.lists(st.integers(0, 24), max_size=14)),
    st.tuples(st.just("title"), st.integers(0, 99),
              st.sampled_from(PLACES), st.sampled_from(WORK)),
    st.tuples(st.just("activity"), st.integers(0, 99), st.integers(0, 50)),
    st.tuples(st.just("remove"), st.integers(0, 99)),
    st.tuples(st.just("add"), group),
)


def corpus_of(groups: dict[int, dict]):
    """The corpus of groups keyed by a stable id, in id order (as loaded from the database)."""
    keys = sorted(groups)
    rows = [groups[k] for k in keys]
    return keys, build_corpus([f"c{k}" for k in keys], [g["title"] for g in rows],
                              [g["purpose"] for g in rows], [g["members"] for g in rows],
                              member_count=[g["count"] for g in rows],
                              activity=[g["activity"] for g in rows],
                              created=[g["created"] for g in rows],
                              expires=[g["expires"] for g in rows])


def changed(groups: dict[int, dict], changes) -> dict[int, dict]:
    """The groups after the changes (ids past the end are taken modulo the count)."""
    out = {k: dict(g) for k, g in groups.items()}
    next_key = max(out, default=-1) + 1
    for kind, *args in changes:
        if kind == "add":
            out[next_key] = dict(args[0])
            next_key += 1
            continue
        if not out:
            continue
        key = sorted(out)[args[0] % len(out)]
        if kind == "remove":
            del out[key]
        elif kind == "members":
            out[key]["members"] = args[1]
        elif kind == "title":
            out[key]["title"] = args[1] + args[2]
        else:
            out[key]["activity"] = args[1]
    return out


def check(before: dict, after: dict, match: MatchSettings):
    memory = MatchMemory()
    keys, corpus = corpus_of(before)
    first = propose_again(corpus, keys, LEX, match, memory)
    assert first.full and first.proposals == propose(corpus, LEX, match)
    keys, corpus = corpus_of(after)
    again = propose_again(corpus, keys, LEX, match, memory)
    assert again.proposals == propose(corpus, LEX, match)
    return again


@settings(max_examples=150, deadline=None)
@given(st.lists(group, min_size=2, max_size=40), st.lists(change, max_size=8))
def test_a_second_run_after_changes_equals_a_full_run(groups, changes):
    before = dict(enumerate(groups))
    after = changed(before, changes)
    again = check(before, after, MatchSettings())
    if not any(c[0] in ("members", "title", "remove", "add") for c in changes):
        assert again.examined == 0 and not again.full  # activity alone re-examines nothing


@settings(max_examples=40, deadline=None)
@given(st.lists(group, min_size=2, max_size=30), st.lists(change, max_size=6))
def test_with_people_in_very_many_groups_the_candidates_are_found_afresh(groups, changes):
    hubs = replace(MatchSettings(), candidates=CandidateSettings(hub_cap=2))
    before = dict(enumerate(groups))
    check(before, changed(before, changes), hubs)


def test_unchanged_groups_are_not_examined_again():
    staff = list(range(10))
    groups = {k: {"title": t, "purpose": "", "members": m, "count": 0, "created": None,
                  "expires": None, "activity": 0}
              for k, (t, m) in enumerate([("涌金门社区消防安全工作群", staff),
                                          ("涌金门社区消防台账群", [*staff[:9], 40]),
                                          ("清波社区党建工作群", list(range(20, 30))),
                                          ("清波社区党建学习群", list(range(20, 29)))])}
    after = changed(groups, [("members", 3, list(range(20, 27)))])
    again = check(groups, after, MatchSettings())
    assert again.examined == 1 and not again.full
    assert len(again.proposals) == 2
