"""Cron expressions as people write them, turned into APScheduler triggers.

APScheduler 3 counts weekdays from Monday = 0, while cron counts from Sunday = 0, so
`CronTrigger.from_crontab("0 9 * * 1")` fires on Tuesdays. Weekday numbers are therefore
rewritten as names first.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

CRON_DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat", "sun")  # 0 and 7 are Sunday


def cron_trigger(expression: str, timezone: ZoneInfo) -> CronTrigger:
    """A trigger for a standard 5-field cron expression in `timezone`."""
    fields = expression.split()
    if len(fields) != 5:
        raise ValueError("expected 5 fields: minute hour day month weekday")
    minute, hour, day, month, weekday = fields
    return CronTrigger(minute=minute, hour=hour, day=day, month=month,
                       day_of_week=_weekday_names(weekday), timezone=timezone)


def _weekday_names(field: str) -> str:
    # Only bare numbers are weekdays; a step ("*/2", "1-5/2") keeps its number.
    return ",".join(re.sub(r"(?<![/\d])\d+", lambda m: CRON_DAYS[int(m.group()) % 8], part)
                    for part in field.split(","))


def last_fire(trigger: CronTrigger, now: datetime, within: timedelta) -> datetime | None:
    """The latest fire time in (now - within, now], or None."""
    fire = trigger.get_next_fire_time(None, now - within)
    latest = None
    while fire is not None and fire <= now:
        latest = fire
        fire = trigger.get_next_fire_time(fire, fire + timedelta(microseconds=1))
    return latest
