"""/healthz and /metrics of a running bot."""

import socket
from datetime import datetime, time

import httpx

from groupbot.config import ObservabilityConfig
from tests.clocks import SHANGHAI, pin, suite_clock
from tests.fakebot import group, message_update, user

WORK = group(-1051, "涌金门社区网格群")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_health_and_metrics(start_bot, monkeypatch):
    # Just after the nightly prune's 03:00, whatever the hour the suite runs at.
    pin(monkeypatch, datetime.combine(suite_clock().today(), time(3, 0, 30), SHANGHAI))
    port = free_port()
    bot = await start_bot(observability=ObservabilityConfig(enabled=True, port=port))
    await bot.add_to_group(WORK)
    await bot.push(*[message_update(WORK, user(80 + i, f"成员{i}"), text="x") for i in range(7)])
    (prune,) = bot.runtime.application.job_queue.get_jobs_by_name("prune")
    assert await bot.runtime.coordinator.beat()  # the only worker leads
    await prune.run(bot.runtime.application)  # what the scheduler calls at 03:00
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
        health = await client.get("/healthz")
        metrics = (await client.get("/metrics")).text
        missing = await client.get("/nope")
    assert (health.status_code, health.text) == (200, "ok\n")
    assert missing.status_code == 404
    processed = next(line for line in metrics.splitlines()
                     if line.startswith("groupbot_updates_processed_total "))
    assert int(float(processed.split()[1])) >= 8  # the bot's own addition plus 7 messages
    assert "groupbot_inbox_lag 0" in metrics
    assert "groupbot_outbox_pending 0" in metrics and "groupbot_is_leader 1" in metrics
    assert "# TYPE groupbot_updates_processed_total counter" in metrics
    assert 'groupbot_job_runs_total{job="prune"} 1' in metrics


async def test_disabled_by_default(bot):
    assert bot.runtime.config.observability.enabled is False
