"""Scheduled jobs: daily matching on the configured cron and time zone, misfire-safe."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from apscheduler.triggers.cron import CronTrigger

from groupbot.app import build_runtime, schedule_jobs
from groupbot.config import Config, DatabaseConfig, ScheduleConfig, TelegramConfig
from groupbot.scheduling import cron_trigger

TOKEN = "123456:TEST-token_abcdefghijklmnopqrstuv"


def test_matching_runs_daily_once_even_after_downtime(tmp_path):
    config = Config(telegram=TelegramConfig(token=TOKEN),
                    database=DatabaseConfig(url=f"sqlite:///{tmp_path / 'g.db'}"),
                    schedule=ScheduleConfig(timezone="Asia/Shanghai", match_cron="30 6 * * 1-5"))
    runtime = build_runtime(config)
    schedule_jobs(runtime)
    jobs = {job.name: job.job for job in runtime.application.job_queue.jobs()}
    matching = jobs["matching"]
    assert isinstance(matching.trigger, CronTrigger)
    assert str(matching.trigger.timezone) == "Asia/Shanghai"
    fields = {f.name: str(f) for f in matching.trigger.fields}
    assert (fields["hour"], fields["minute"], fields["day_of_week"]) == ("6", "30", "mon-fri")
    # A run missed during downtime still fires on restart (grace), but only once (coalesce).
    assert matching.misfire_grace_time >= 3600 and matching.coalesce
    assert jobs["read_only"].coalesce


@pytest.mark.parametrize(("expression", "weekday"), [
    ("0 9 * * 1", "Monday"), ("0 9 * * 0", "Sunday"), ("0 9 * * 7", "Sunday"),
    ("0 9 * * 6", "Saturday"), ("0 9 * * mon", "Monday"),
])
def test_cron_weekdays_count_from_sunday(expression, weekday):
    tz = ZoneInfo("Asia/Shanghai")
    after = datetime(2026, 11, 22, 10, tzinfo=tz)  # a Sunday, after 09:00
    fire = cron_trigger(expression, tz).get_next_fire_time(None, after)
    assert fire.strftime("%A") == weekday and fire.hour == 9 and fire.tzinfo is not None


def test_cron_ranges_and_steps():
    assert str(cron_trigger("0 9 * * 1-5", ZoneInfo("UTC")).fields[4]) == "mon-fri"
    assert str(cron_trigger("*/15 * * * *", ZoneInfo("UTC")).fields[6]) == "*/15"
