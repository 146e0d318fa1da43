"""The one clock: fixed, pinned from the environment, and the only reader of the wall clock."""

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from groupbot.clock import Clock, ClockError, clock_from_environment, fixed_clock, parse_moment

SHANGHAI = ZoneInfo("Asia/Shanghai")
PACKAGE = Path(__file__).resolve().parents[2] / "groupbot"
WALL_CLOCK = re.compile(r"datetime\.now\(|utcnow\(|date\.today\(|time\.time\(")


def test_nothing_but_the_clock_module_reads_the_wall_clock():
    offenders = [f"{path.relative_to(PACKAGE)}:{number}"
                 for path in PACKAGE.rglob("*.py") if path.name != "clock.py"
                 or path.parent.name != "groupbot"
                 for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if WALL_CLOCK.search(line)]
    assert offenders == []


def test_a_fixed_clock_stands_still_and_moves_when_told():
    clock = fixed_clock(SHANGHAI, datetime(2026, 12, 31, 23, 59, tzinfo=SHANGHAI))
    assert clock.now() == datetime(2026, 12, 31, 15, 59, tzinfo=UTC) == clock.now()
    assert clock.today() == date(2026, 12, 31)
    clock.advance(timedelta(minutes=2))
    assert clock.today() == date(2027, 1, 1) and clock.now().tzinfo == UTC


def test_the_environment_pins_a_ticking_clock_shared_through_its_epoch():
    environ = {"GROUPBOT_TEST_NOW": "2026-11-29T23:59:00+08:00", "GROUPBOT_TEST_EPOCH": "100.0"}
    clock = clock_from_environment(SHANGHAI, environ)
    ticked = clock.now() - datetime(2026, 11, 29, 15, 59, tzinfo=UTC)
    assert ticked > timedelta(days=365)  # counted from the shared epoch, long ago
    fresh = clock_from_environment(SHANGHAI, {"GROUPBOT_TEST_NOW": environ["GROUPBOT_TEST_NOW"]})
    assert fresh.today() == date(2026, 11, 29)
    assert fresh.now() - datetime(2026, 11, 29, 15, 59, tzinfo=UTC) < timedelta(seconds=5)


def test_without_a_pinned_moment_it_is_the_wall_clock():
    clock = clock_from_environment(SHANGHAI, {})
    assert abs(clock.now() - datetime.now(UTC)) < timedelta(seconds=5)
    assert clock.local_now().tzinfo == SHANGHAI


@pytest.mark.parametrize("value", ["2026-11-29T23:59", "Sunday night", ""])
def test_a_moment_needs_a_date_time_with_an_offset(value):
    with pytest.raises(ClockError):
        parse_moment(value)
    with pytest.raises(ClockError):
        Clock(SHANGHAI).set(datetime(2026, 11, 29, 23, 59))


def test_a_mistyped_moment_is_a_one_line_config_error(capsys, monkeypatch):
    from groupbot.cli import main

    monkeypatch.setenv("GROUPBOT_TEST_NOW", "Friday night")
    assert main(["export", "--config", "/dev/null"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "GROUPBOT_TEST_NOW" in err and "Traceback" not in err
