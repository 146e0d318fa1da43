"""Burden figures and the reduction against the baseline."""

from hypothesis import given
from hypothesis import strategies as st

from groupbot.domain.burden import burden, reduction


def test_burden_of_a_known_district():
    groups_of = {"a": 30, "b": 12, "c": 5, "d": 5, "e": 3}
    names = {"a": "王轩", "b": "李娜", "c": "张伟", "d": "赵敏", "e": "刘洋"}
    result = burden(groups_of, names, top=2)
    assert (result.members, result.median, result.max) == (5, 5.0, 30)
    assert result.p90 == 22.8  # numpy's linear interpolation between 12 and 30
    assert result.top == (("王轩", 30), ("李娜", 12))
    assert result.distribution == ((3, 1), (5, 2), (12, 1), (30, 1))


def test_anonymised_names_are_stable_and_hide_people():
    first = burden({"u1": 9, "u2": 2}, {"u1": "王轩", "u2": "李娜"}, anonymise=True)
    again = burden({"u1": 9, "u2": 2}, {"u1": "王轩", "u2": "李娜"}, anonymise=True)
    assert first.top == again.top
    assert all("王轩" not in name and "李娜" not in name for name, _ in first.top)


def test_empty_district():
    assert burden({}, {}).members == 0


def test_reduction():
    assert reduction(100, 52) == 0.48
    assert reduction(10, 12) == -0.2  # more groups than at the baseline
    assert reduction(0, 5) is None


@given(st.dictionaries(st.integers(0, 500), st.integers(1, 60), min_size=1, max_size=200))
def test_burden_bounds(groups_of):
    result = burden(groups_of, {})
    assert 1 <= result.median <= result.p90 <= result.max == max(groups_of.values())
    assert sum(n for _, n in result.distribution) == result.members == len(groups_of)
