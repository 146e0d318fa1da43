"""The labelled district generator: size, determinism, labels that mean what they say, CSV."""

import csv
import re
from collections import defaultdict
from datetime import timedelta

import numpy as np
import pytest

from groupbot.demo.census import CSV_HEADER, MEMBER_SEPARATORS, write_census_csv
from groupbot.demo.district import generate_district
from groupbot.demo.functions import FUNCTIONS
from groupbot.demo.vocabulary import (
    DECOR_PREFIX,
    DECOR_SUFFIX,
    FULLWIDTH,
    PHENOMENA,
    S2T_TABLE,
    TODAY,
    to_traditional,
)
from tests.bench.labels import (
    HARD_NEGATIVES,
    hard_negative_pairs,
    pairs_by_phenomenon,
    person_ids,
    true_pairs,
)

N = 2000
SEED = 7
UNITS = {unit for fn in FUNCTIONS for unit in fn.units}


@pytest.fixture(scope="module")
def groups():
    return generate_district(N, seed=SEED)


@pytest.fixture(scope="module")
def by_id(groups):
    return {g.chat_id: g for g in groups}


def pairs_of(pairs, by_id):
    """The group objects of each chat_id pair, in a stable order."""
    return [tuple(by_id[c] for c in sorted(p)) for p in pairs]


def plain(g) -> bool:
    """Members are shown as bare names (not annotated, Traditional or Telegram ids)."""
    return (not {"annotated_names", "traditional"} & set(g.tags)
            and not (g.members and g.members[0].isdigit()))


def test_deterministic_for_a_seed(groups):
    again = generate_district(N, seed=SEED)
    assert again == groups
    assert all(np.array_equal(a._person_ids, b._person_ids) for a, b in zip(again, groups,
                                                                             strict=True))
    assert generate_district(500, seed=1) != generate_district(500, seed=2)


def test_size_within_five_percent(groups):
    assert abs(len(groups) - N) <= 0.05 * N
    for n in (400, 1000, 3000):
        assert abs(len(generate_district(n, seed=3)) - n) <= 0.05 * n


def test_chat_ids_unique_and_platform_shaped(groups):
    ids = [g.chat_id for g in groups]
    assert len(set(ids)) == len(ids)
    prefix = {"wechat": "wx-", "dingtalk": "dd-", "qq": "qq-", "telegram": "-100"}
    assert all(g.chat_id.startswith(prefix[g.platform]) for g in groups)
    assert {g.platform for g in groups} == set(prefix)


def test_records_are_consistent(groups):
    for g in groups:
        assert g.member_count >= len(g.members) >= 1
        assert len(g._person_ids) == len(g.members)
        assert g.created <= g.last_active <= TODAY
        assert g.title and g.purpose and g.owner
    assert sum(g.expires is not None for g in groups) >= 10


def test_about_ten_percent_in_clusters_mostly_pairs(groups):
    sizes = defaultdict(int)
    for g in groups:
        sizes[g.cluster] += 1
    in_clusters = sum(s for s in sizes.values() if s > 1)
    assert 0.07 * len(groups) <= in_clusters <= 0.13 * len(groups)
    shapes = [s for s in sizes.values() if s > 1]
    assert set(shapes) == {2, 3} and shapes.count(2) > shapes.count(3)


def test_every_tag_planted_a_few_times(groups):
    by_phenomenon = pairs_by_phenomenon(groups)
    for tag in PHENOMENA:
        assert len(by_phenomenon.get(tag, ())) >= 5, tag
    negatives = hard_negative_pairs(groups)
    for tag in HARD_NEGATIVES:
        assert len(negatives[tag]) >= 5, tag
    tags = {t for g in groups for t in g.tags}
    assert {"zombie", "tiny"} <= tags


def test_true_pairs_lie_within_clusters(groups, by_id):
    pairs = true_pairs(groups)
    assert pairs
    for a, b in pairs_of(pairs, by_id):
        assert a.cluster == b.cluster
        assert person_ids(a) & person_ids(b), "duplicates share people"
    assert set().union(*pairs_by_phenomenon(groups).values()) <= pairs


def test_hard_negatives_are_never_true_pairs(groups):
    truth = true_pairs(groups)
    for tag, pairs in hard_negative_pairs(groups).items():
        assert not pairs & truth, tag


def test_same_staff_pairs_share_most_people(groups, by_id):
    pairs = hard_negative_pairs(groups)["same_staff_diff_function"]
    for a, b in pairs_of(pairs, by_id):
        pa, pb = person_ids(a), person_ids(b)
        assert len(pa & pb) >= 0.6 * len(pa | pb)


def test_same_function_pairs_share_few_people(groups, by_id):
    pairs = hard_negative_pairs(groups)["same_function_diff_community"]
    for a, b in pairs_of(pairs, by_id):
        assert len(person_ids(a) & person_ids(b)) <= 3


def test_community_groups_mostly_inside_their_street_group(groups, by_id):
    pairs = hard_negative_pairs(groups)["street_vs_community"]
    for a, b in pairs_of(pairs, by_id):
        small, large = sorted((person_ids(a), person_ids(b)), key=len)
        assert len(small & large) >= 0.7 * len(small)


def test_temporary_pairs_differ_in_task_or_period(groups, by_id):
    pairs = hard_negative_pairs(groups)["temporary_tasks"]
    undated = re.compile(r"^\d{4}年\d{1,2}月")
    periods = 0
    for a, b in pairs_of(pairs, by_id):
        assert a.expires and b.expires
        if undated.sub("", a.title) == undated.sub("", b.title):
            periods += 1
            first, second = sorted((a, b), key=lambda g: g.created)
            assert first.expires < second.created
        else:
            assert a.title != b.title
    assert periods >= 2


def test_partial_visibility_lists_at_most_sixty_percent(groups):
    partial = [g for g in groups if "partial_visibility" in g.tags]
    assert len(partial) >= 10
    assert all(len(g.members) <= 0.6 * g.member_count for g in partial)


def test_each_person_has_one_shared_name_string(groups):
    seen: dict[int, str] = {}
    reused = 0
    for g in filter(plain, groups):
        for name, pid in zip(g.members, g._person_ids.tolist(), strict=True):
            if pid in seen:
                assert seen[pid] is name
                reused += 1
            seen[pid] = name
    assert reused > 1000
    assert all(2 <= len(name) <= 3 for name in seen.values())


def test_annotated_names_keep_the_person(groups):
    names = {pid: name for g in filter(plain, groups)
             for name, pid in zip(g.members, g._person_ids.tolist(), strict=True)}
    annotated = [g for g in groups if "annotated_names" in g.tags]
    changed = checked = 0
    for g in annotated:
        for shown, pid in zip(g.members, g._person_ids.tolist(), strict=True):
            if pid in names:
                base = names[pid]
                assert base in shown or to_traditional(base) in shown
                changed += shown not in (base, to_traditional(base))
                checked += 1
    assert checked >= 50 and changed >= 0.6 * checked


def test_traditional_copies_are_in_traditional_characters(groups):
    trad = [g for g in groups if "traditional" in g.tags]
    assert trad
    for g in trad:    # decorations such as 【勿删】 are typed later and may stay simplified
        names = g.owner + "".join(g.members)
        assert to_traditional(names) == names
    traditional_forms = set(S2T_TABLE.values())
    assert sum(any(ch in traditional_forms for ch in g.title) for g in trad) >= 0.8 * len(trad)
    assert to_traditional("湖滨街道涌金门社区网格员") == "湖濱街道湧金門社區網格員"


def test_decorated_titles_carry_decorations(groups):
    prefixes = tuple({p for d in DECOR_PREFIX for p in (d, d.translate(FULLWIDTH))})
    suffixes = tuple({s for d in DECOR_SUFFIX for s in (d, d.translate(FULLWIDTH))})
    decorated = [g for g in groups if "decorated" in g._own]
    assert decorated
    assert all(g.title.startswith(prefixes) or g.title.endswith(suffixes) for g in decorated)


def test_cross_department_copies_name_an_issuing_unit(groups):
    clusters = defaultdict(list)
    for g in groups:
        clusters[g.cluster].append(g)
    units = tuple(UNITS)
    copies = [g for g in groups if "cross_department" in g._own]
    assert copies
    for g in copies:
        assert any(unit in g.title or to_traditional(unit) in g.title for unit in units)
        assert len(clusters[g.cluster]) >= 2


def test_recreated_clusters_have_a_stale_group(groups):
    clusters = defaultdict(list)
    for g in groups:
        clusters[g.cluster].append(g)
    stale_before = TODAY - timedelta(days=80)
    recreated = [c for c in clusters.values() if any("recreated" in g._own for g in c)]
    assert recreated
    assert all(min(g.last_active for g in c) <= stale_before for c in recreated)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
def test_csv_round_trip(groups, tmp_path, encoding):
    path = tmp_path / f"census-{encoding}.csv"
    write_census_csv(groups, path, encoding=encoding)
    with open(path, newline="", encoding=encoding) as fh:
        rows = list(csv.reader(fh))
    assert tuple(rows[0]) == CSV_HEADER
    assert len(rows) == len(groups) + 1
    separators = re.compile("[" + "".join(MEMBER_SEPARATORS) + "]")
    alternative = 0
    for row, g in zip(rows[1:], groups, strict=True):
        expected = [g.platform, g.chat_id, g.title, g.purpose, g.owner, row[5],
                    str(g.member_count), g.last_active.isoformat(), g.created.isoformat(),
                    g.expires.isoformat() if g.expires else ""]
        assert row == expected
        assert separators.split(row[5]) == g.members
        alternative += ";" not in row[5] and len(g.members) > 1
    assert 0.04 * len(groups) <= alternative <= 0.2 * len(groups)


def test_csv_same_rows_in_both_encodings(groups, tmp_path):
    read = []
    for encoding in ("utf-8-sig", "gb18030"):
        path = tmp_path / f"both-{encoding}.csv"
        write_census_csv(groups, path, encoding=encoding)
        with open(path, newline="", encoding=encoding) as fh:
            read.append(list(csv.reader(fh)))
    assert read[0] == read[1]
