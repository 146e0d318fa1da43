"""The tests' view of time: the moment GROUPBOT_TEST_NOW names (ticking), or the wall clock.

Every process a test starts reads the same two variables, so the bot, the CLI and the fake
Bot API agree on what time it is.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo

from groupbot.clock import EPOCH_VARIABLE, NOW_VARIABLE, Clock, clock_from_environment, fixed_clock

SHANGHAI = ZoneInfo("Asia/Shanghai")


def suite_clock(tz: tzinfo = SHANGHAI) -> Clock:
    """The clock of a test that does not choose its own moment."""
    return clock_from_environment(tz)


def now() -> datetime:
    """The current test time, aware UTC."""
    return suite_clock(UTC).now()


def unix_now() -> int:
    """The current test time as Telegram writes dates (Unix seconds)."""
    return int(now().timestamp())


def at(moment: str, tz: tzinfo = SHANGHAI) -> Clock:
    """A clock standing still at an ISO 8601 moment with an offset."""
    return fixed_clock(tz, datetime.fromisoformat(moment))


def pin(monkeypatch, moment: datetime | str) -> None:
    """From now on this test, the bot, the CLI and the fake Bot API live at `moment`, ticking."""
    value = moment if isinstance(moment, str) else moment.isoformat()
    monkeypatch.setenv(NOW_VARIABLE, value)
    monkeypatch.setenv(EPOCH_VARIABLE, repr(time.time()))


def child_environment() -> dict[str, str]:
    """The clock variables a child process needs to share the test's time."""
    import os

    return {k: os.environ[k] for k in (NOW_VARIABLE, EPOCH_VARIABLE) if k in os.environ}
