"""The digest through the real bot: /digest, exactly once per week, catch-up after downtime."""

from groupbot.config import ScheduleConfig
from tests.e2e.conftest import ADMIN_CHAT, ADMIN_ID
from tests.fakebot import command_update, group, message_update, user

ADMIN_GROUP = group(ADMIN_CHAT, "groupbot 管理")
WORK = group(-1021, "涌金门社区网格群")


async def active_district(bot):
    await bot.add_to_group(WORK)
    await bot.push(*[message_update(WORK, user(40 + i, f"网格员{i}"), text="收到")
                     for i in range(4)])


async def test_digest_command_sends_text_and_csv(bot):
    await active_district(bot)
    await bot.push(command_update(ADMIN_GROUP, user(ADMIN_ID, "督导"), "/digest"))
    text = bot.api.sent_texts(ADMIN_CHAT)[-1]
    assert "工作群周报" in text and "近 7 天 5 条消息" in text  # 4 + the /digest command
    (document,) = bot.api.calls_to("sendDocument", chat_id=ADMIN_CHAT)
    assert document["params"]["document"]["filename"].endswith(".csv")
    assert document["params"]["document"]["size"] > 50
    await bot.push(command_update(ADMIN_GROUP, user(5, "路人"), "/digest"))
    assert len(bot.api.calls_to("sendDocument")) == 1  # not for non-admins


async def test_exactly_one_weekly_digest_across_restarts(start_bot, api):
    first = await start_bot()
    await active_district(first)
    assert await first.runtime.routines.digest()
    assert not await first.runtime.routines.digest()  # the same week again: nothing
    first.stop.set()
    await first.task
    second = await start_bot()
    assert not await second.runtime.routines.digest()
    assert len(api.calls_to("sendDocument", chat_id=ADMIN_CHAT)) == 1


async def test_a_digest_missed_while_down_is_sent_once_on_restart(start_bot, api):
    from datetime import timedelta

    bot = await start_bot(schedule=ScheduleConfig(digest_cron="0 0 * * 1"))  # Monday 00:00
    await active_district(bot)
    routines, jobs = bot.runtime.routines, bot.runtime.jobs
    last_week = bot.runtime.clock.local_now() - timedelta(days=7)
    assert not await routines.digest(last_week)  # a missed digest whose week is over stays unsent
    for _ in range(2):
        assert await bot.runtime.coordinator.beat()  # a heartbeat that finds it leading…
        await jobs.catch_up()  # …is followed by this
        await jobs.wait_idle(30)
    assert len(api.calls_to("sendDocument", chat_id=ADMIN_CHAT)) == 1


async def test_chart_is_sent_as_a_photo_with_a_short_caption(bot):
    await active_district(bot)
    await bot.push(command_update(ADMIN_GROUP, user(ADMIN_ID, "督导"), "/digest"))
    (photo,) = bot.api.calls_to("sendPhoto", chat_id=ADMIN_CHAT)
    assert photo["params"]["photo"]["size"] > 10_000
    assert 0 < len(photo["params"]["caption"]) <= 1024


async def test_weekly_job_fires_through_the_scheduler_once(start_bot):
    from datetime import datetime

    # Monday 00:00, so that the run is due whenever this test runs (it starts the week).
    bot = await start_bot(schedule=ScheduleConfig(digest_cron="0 0 * * 1"))
    await active_district(bot)
    (job,) = bot.runtime.application.job_queue.get_jobs_by_name("digest")
    tz = bot.runtime.clock.tz
    fixed_now = datetime(2026, 11, 25, 15, 0, tzinfo=tz)  # a Wednesday afternoon
    fire = job.job.trigger.get_next_fire_time(None, fixed_now)
    assert (fire.strftime("%A %H:%M"), fire.date().isoformat()) == ("Monday 00:00",
                                                                     "2026-11-30")
    assert await bot.runtime.coordinator.beat()  # the only worker leads
    await job.run(bot.runtime.application)  # what the scheduler calls at that moment
    await job.run(bot.runtime.application)  # a retried or doubled firing
    assert len(bot.api.calls_to("sendPhoto", chat_id=ADMIN_CHAT)) == 1


async def test_pending_proposals_come_with_review_buttons(bot):
    from groupbot.telegram import callbacks

    titles = ((-1031, "涌金门社区消防安全工作群"), (-1032, "涌金门社区消防台账群(新)"))
    for chat_id, title in titles:
        chat = group(chat_id, title)
        await bot.add_to_group(chat)
        await bot.push(*[message_update(chat, user(60 + i, f"网格员{i}"), text="收到")
                         for i in range(5)])
    await bot.runtime.merges.matching.run()
    await bot.push(command_update(ADMIN_GROUP, user(ADMIN_ID, "督导"), "/digest"))
    (review,) = [c for c in bot.api.calls_to("sendMessage", chat_id=ADMIN_CHAT)
                 if c["params"].get("reply_markup")]
    (row,) = review["params"]["reply_markup"]["inline_keyboard"]
    pressed = callbacks.verify(bot.runtime.merges.secret, row[0]["callback_data"], ADMIN_CHAT)
    assert pressed is not None and pressed.action == "info"
