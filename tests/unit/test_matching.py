"""Merge matching on hand-made districts: true duplicates in, every hard negative out."""

from datetime import date
from itertools import combinations

from hypothesis import given, settings
from hypothesis import strategies as st

from groupbot.domain.lexicon import Lexicon
from groupbot.domain.match_candidates import CandidateSettings, find_candidates
from groupbot.domain.match_features import build_corpus
from groupbot.services.matching import propose

LEX = Lexicon.default()
STAFF = list(range(15))
OTHER = list(range(100, 115))
STREET = list(range(200, 210))


def run(groups, **kw):
    corpus = build_corpus([g[0] for g in groups], [g[1] for g in groups],
                          [g[2] for g in groups], [g[3] for g in groups], **kw)
    return corpus, propose(corpus, LEX)


def proposed(groups, **kw) -> set[frozenset]:
    corpus, proposals = run(groups, **kw)
    return {frozenset(corpus.chat_ids[i] for i in p.groups) for p in proposals}


FIRE = ("a1", "【重要】湖濱街道湧金門社區消防安全工作羣✨", "消防台账报送", STAFF)
FIRE_DUP = ("a2", "涌金门社区消防台账群(新)", "消防检查资料上报", [*STAFF[:12], 50])


def test_decorated_traditional_recreated_duplicate_is_proposed_with_reasons():
    corpus, (proposal,) = run([FIRE, FIRE_DUP], activity=[3, 40])
    assert corpus.chat_ids[proposal.survivor] == "a2"  # the most active group stays
    text = "\n".join(proposal.reasons)
    assert "92%（12/13）" in text and "消防台账报送 ≈ 消防检查资料上报" in text
    assert "最活跃" in text
    assert 0.8 <= proposal.score <= 1


def test_synonyms_and_issuing_units():
    groups = [("g1", "涌金门社区创文工作群", "", STAFF[:10]),
              ("g2", "消防大队涌金门社区文明创建对接群", "", [*STAFF[:9], 77])]
    assert proposed(groups) == {frozenset({"g1", "g2"})}


def test_partial_visibility_counts_what_is_seen():
    groups = [FIRE, ("p1", "涌金门社区消防安全群", "", STAFF[:6])]
    _corpus, (proposal,) = run(groups, member_count=[18, 20])
    assert "只看到 6/20" in "\n".join(proposal.reasons)


def test_hard_negatives_are_never_proposed():
    groups = [
        FIRE,
        ("b1", "湖滨街道涌金门社区党建工作群", "党建", STAFF),  # same staff, other function
        ("c1", "湖滨街道清波社区消防安全工作群", "消防", OTHER),  # same function, other place
        ("d1", "湖滨街道消防安全工作群", "消防", STREET + STAFF + OTHER),  # street vs community
        ("h1", "和阳物业服务工作群", "", STAFF),  # a bare community name…
        ("h2", "湖滨街道物业服务工作群", "", STAFF + OTHER + STREET),  # …vs its street
        ("h3", "和阳消防群", "", [300, 301]), ("h4", "和阳党建群", "", [302, 303]),
        ("h5", "和阳民政群", "", [304, 305]),  # the community's other groups name it too
    ]
    assert proposed(groups) == set()


def test_two_temporary_task_forces_of_a_street_stay_apart():
    tasks = [("e1", "湖滨街道迎国检临时工作群", "迎检", STREET),
             ("e2", "湖滨街道亚运保障专班", "亚运", STREET)]
    periods = [("f1", "2025年3月湖滨街道迎检专班", "", STREET),
               ("f2", "2026年9月湖滨街道迎检专班", "", STREET)]
    assert proposed(tasks) == set()
    assert proposed(periods) == set()


def test_shared_place_prefix_is_not_a_function():
    groups = [("q1", "清波门反诈对接群", "", STAFF), ("q2", "清波门社工群", "", STAFF),
              ("q3", "清波门消防群", "", STAFF), ("q4", "清波门民政群", "", STAFF)]
    assert proposed(groups) == set()


def test_temporary_groups_living_at_different_times_are_different_tasks():
    groups = [("t1", "湖滨街道迎检专班", "", STREET), ("t2", "湖滨街道迎检专班", "", STREET)]
    assert proposed(groups) == {frozenset({"t1", "t2"})}
    apart = dict(created=[date(2025, 1, 1), date(2026, 1, 1)],
                 expires=[date(2025, 3, 1), date(2026, 3, 1)])
    assert proposed(groups, **apart) == set()


def test_no_chaining_through_a_middle_group():
    a = ("x1", "涌金门社区垃圾分类群", "", list(range(0, 10)))
    b = ("x2", "涌金门社区垃分工作群", "", list(range(0, 20)))
    c = ("x3", "涌金门社区垃圾分类督导群", "", list(range(10, 20)))
    clusters = proposed([a, b, c])
    assert frozenset({"x1", "x3"}) not in clusters
    assert all(not ({"x1", "x3"} <= set(cl)) for cl in clusters)


member_sets = st.lists(st.sets(st.integers(0, 30), min_size=0, max_size=12), min_size=2,
                       max_size=25)


@settings(max_examples=150, deadline=None)
@given(member_sets, st.sampled_from([0.3, 0.5, 0.8]), st.integers(1, 3))
def test_blocking_finds_exactly_the_pairs_brute_force_finds(sets, threshold, min_shared):
    corpus = build_corpus(list(range(len(sets))), ["g"] * len(sets), [None] * len(sets),
                          [sorted(s) for s in sets])
    found = find_candidates(corpus, CandidateSettings(min_containment=threshold,
                                                      min_shared=min_shared, hub_cap=10**9))
    got = {frozenset((int(a), int(b))) for a, b in zip(found.left, found.right, strict=True)}
    expected = {frozenset((i, j)) for i, j in combinations(range(len(sets)), 2)
                if len(sets[i] & sets[j]) >= max(min_shared, threshold
                                                 * min(len(sets[i]), len(sets[j])))}
    assert got == expected


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["涌金门社区消防群", "涌金门社区党建群", "清波社区消防群",
                                           "湖滨街道消防群", "涌金门社区垃分群"]),
                          st.sets(st.integers(0, 12), min_size=2, max_size=8)),
                min_size=2, max_size=12))
def test_proposals_are_disjoint_and_well_formed(groups):
    corpus, proposals = run([(i, t, None, sorted(m)) for i, (t, m) in enumerate(groups)])
    seen = set()
    for p in proposals:
        assert len(p.groups) >= 2 and p.survivor in p.groups and 0 <= p.score <= 1
        assert not seen & set(p.groups)
        seen |= set(p.groups)
        titles = {corpus.titles[g] for g in p.groups}
        assert not ({"涌金门社区消防群", "涌金门社区党建群"} <= titles)
