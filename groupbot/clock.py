"""The one clock: now in UTC, today in the configured zone.

The composition root makes one and hands it to every service, job and command; nothing else
reads the wall clock for domain time. `GROUPBOT_TEST_NOW` (ISO 8601 with an offset) starts the
clock at that moment instead, ticking from `GROUPBOT_TEST_EPOCH` (a Unix time, default: when the
clock is made), so a test run and every process it starts agree on what time it is.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta, tzinfo

NOW_VARIABLE = "GROUPBOT_TEST_NOW"
EPOCH_VARIABLE = "GROUPBOT_TEST_EPOCH"


class ClockError(ValueError):
    """The configured moment is not an ISO 8601 date-time with an offset."""


class Clock:
    """Wall time, or a chosen moment that stands still or ticks with the wall clock."""

    def __init__(self, tz: tzinfo, at: datetime | None = None, *, ticking: bool = True,
                 epoch: float | None = None):
        self.tz = tz
        self._ticking = ticking
        self._anchor: datetime | None = None
        self._epoch = 0.0
        if at is not None:
            self.set(at, epoch=epoch)

    def now(self) -> datetime:
        """The current time, timezone-aware UTC."""
        if self._anchor is None:
            return datetime.now(UTC)
        if not self._ticking:
            return self._anchor
        return self._anchor + timedelta(seconds=time.time() - self._epoch)

    def local_now(self) -> datetime:
        """The current time in the configured zone."""
        return self.now().astimezone(self.tz)

    def today(self) -> date:
        """Today's date in the configured zone."""
        return self.local_now().date()

    def set(self, at: datetime, *, epoch: float | None = None) -> None:
        """Move the clock to `at` (it keeps ticking from there if it ticks)."""
        if at.tzinfo is None:
            raise ClockError("a moment needs an offset")
        self._anchor = at.astimezone(UTC)
        self._epoch = time.time() if epoch is None else epoch

    def advance(self, delta: timedelta) -> None:
        """Move the clock forward by `delta`."""
        self.set(self.now() + delta)


def system_clock(tz: tzinfo) -> Clock:
    """The wall clock."""
    return Clock(tz)


def fixed_clock(tz: tzinfo, at: datetime) -> Clock:
    """A clock that stands at `at` until moved."""
    return Clock(tz, at, ticking=False)


def clock_from_environment(tz: tzinfo, environ: Mapping[str, str] | None = None) -> Clock:
    """The wall clock, or the moment named by GROUPBOT_TEST_NOW, ticking."""
    environ = os.environ if environ is None else environ
    pinned = environ.get(NOW_VARIABLE, "").strip()
    if not pinned:
        return system_clock(tz)
    raw_epoch = environ.get(EPOCH_VARIABLE, "").strip()
    try:
        epoch = float(raw_epoch) if raw_epoch else None
    except ValueError:
        raise ClockError(f"{EPOCH_VARIABLE} must be a Unix time, not {raw_epoch!r}") from None
    try:
        return Clock(tz, parse_moment(pinned), epoch=epoch)
    except ClockError as exc:
        raise ClockError(f"{NOW_VARIABLE}: {exc}") from None


def parse_moment(value: str) -> datetime:
    """An ISO 8601 date-time with an offset."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ClockError(f"{value!r} is not an ISO 8601 date-time") from None
    if moment.tzinfo is None:
        raise ClockError(f"{value!r} has no offset (e.g. +08:00)")
    return moment
