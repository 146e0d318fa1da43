"""The bot token (and the other secrets) never appear in logs, tracebacks or CLI output."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.fakebot import FakeBotApi

# Anything shaped like a bot token, not only the configured one.
TOKEN_SHAPE = re.compile(r"\d{5,}:[A-Za-z0-9_-]{20,}")
WEBHOOK_SECRET = "webhook-secret-value_123"
CALLBACK_SECRET = "callback-secret-value-456"


def write_config(tmp_path, api: FakeBotApi, base_url: str | None = None) -> str:
    path = tmp_path / "config.toml"
    path.write_text(
        f'log_level = "DEBUG"\nlanguage = "en"\n'
        f'[telegram]\ntoken = "{api.token}"\nbase_url = "{base_url or api.base_url}"\n'
        f'admin_chat_id = -100900\npoll_timeout = 1\ncallback_secret = "{CALLBACK_SECRET}"\n'
        f'[database]\nurl = "sqlite:///{tmp_path / "g.db"}"\n', encoding="utf-8")
    return str(path)


def groupbot(*args: str, timeout: float = 60, env=None) -> str:
    result = subprocess.run([sys.executable, "-m", "groupbot", *args], capture_output=True,
                            text=True, timeout=timeout, env=env)
    return result.stdout + result.stderr


def run_for(config: str, seconds: float, env=None) -> str:
    """`groupbot run` for a while, then SIGTERM; everything it printed."""
    proc = subprocess.Popen([sys.executable, "-m", "groupbot", "run", "--config", config],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    time.sleep(seconds)
    proc.send_signal(signal.SIGTERM)
    out, _ = proc.communicate(timeout=60)
    return out


def assert_clean(output: str, api: FakeBotApi) -> None:
    assert output.strip(), "nothing was captured: the scan would prove nothing"
    assert api.token not in output
    assert not TOKEN_SHAPE.search(output), TOKEN_SHAPE.search(output).group()
    assert WEBHOOK_SECRET not in output and CALLBACK_SECRET not in output


def test_cli_commands_at_debug_level(tmp_path):
    with FakeBotApi() as api:
        config = write_config(tmp_path, api)
        outputs = [groupbot("db", "upgrade", "--config", config),
                   groupbot("scan", "--dry-run", "--config", config),
                   groupbot("scan", "--config", config),  # real: talks to the Bot API
                   groupbot("digest", "--config", config),
                   groupbot("match", "--config", config),
                   groupbot("export", "--config", config)]
        api.inject_error("sendMessage", status=500, times=100)
        outputs.append(groupbot("digest", "--send", "--config", config))
        outputs.append(run_for(config, 4))
    for output in outputs:
        assert_clean(output, api)
    assert "DEBUG" in outputs[-1]  # the run really logged at DEBUG, with URLs in play


def test_unreachable_telegram_and_a_crash(tmp_path):
    with FakeBotApi() as api:
        closed = "http://127.0.0.1:9/bot"  # nothing listens on the discard port
        config = write_config(tmp_path, api, base_url=closed)
        groupbot("db", "upgrade", "--config", config)
        outputs = [run_for(config, 4), groupbot("digest", "--send", "--config", config)]
    for output in outputs:
        assert_clean(output, api)
    assert "Traceback" in outputs[1] or "failed" in outputs[1].lower() or "error" in outputs[1]


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_webhook_mode_logs_no_secret(tmp_path, fmt):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with FakeBotApi() as api:
        config = write_config(tmp_path, api)
        path = Path(config)
        path.write_text(path.read_text(encoding="utf-8").replace(
            'log_level = "DEBUG"', f'log_level = "DEBUG"\nlog_format = "{fmt}"')
            + f'[telegram.webhook]\nurl = "https://bot.example.org/hook"\nport = {port}\n',
            encoding="utf-8")
        env = {**os.environ, "GROUPBOT_WEBHOOK_SECRET": WEBHOOK_SECRET}
        output = run_for(config, 6, env=env)
        calls = api.calls_to("setWebhook")
    assert calls, output
    (call,) = calls
    assert call["params"]["secret_token"] == WEBHOOK_SECRET  # it was in play
    assert_clean(output, api)
