"""Expected failures are one line naming the cause, exit code 1, no secret; --debug adds the
traceback. Each command runs as the user runs it: a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.fakebot import FakeBotApi

PASSWORD = "pw-Secret-4711"
NOBODY_LISTENS = f"postgresql://postgres:{PASSWORD}@127.0.0.1:1/x"
CLOSED_BOT_API = "http://127.0.0.1:9/bot"  # nothing listens on the discard port
TOKEN = "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ_abc"
DATABASE_COMMANDS = [["export"], ["export", "--format", "csv"], ["match"], ["db", "upgrade"],
                     ["scan", "--dry-run"], ["digest"], ["digest", "--format", "json"],
                     ["restore", "5"], ["unmerge", "3"]]


def groupbot(*args: str, database: str | None = None, cwd=None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GROUPBOT_")}
    env["GROUPBOT_TEST_NOW"] = os.environ.get("GROUPBOT_TEST_NOW", "2026-11-20T10:00:00+08:00")
    if database:
        env["GROUPBOT_DATABASE_URL"] = database
    return subprocess.run([sys.executable, "-m", "groupbot", *args], capture_output=True,
                          text=True, timeout=120, env=env, cwd=cwd or "/")


def assert_one_line(result: subprocess.CompletedProcess, *causes: str) -> str:
    assert result.returncode == 1, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert any(cause in lines[0] for cause in causes), lines[0]
    for secret in (PASSWORD, TOKEN):
        assert secret not in result.stderr
    return lines[0]


@pytest.mark.parametrize("command", DATABASE_COMMANDS, ids=" ".join)
def test_unreachable_postgresql(command):
    line = assert_one_line(groupbot(*command, database=NOBODY_LISTENS), "127.0.0.1:1")
    assert line.startswith("groupbot: cannot use the database postgresql://postgres:***@")


@pytest.mark.parametrize("where", ["before", "after"])
def test_debug_shows_the_traceback_without_the_password(where):
    args = ["--debug", "export"] if where == "before" else ["export", "--debug"]
    result = groupbot(*args, database=NOBODY_LISTENS)
    assert result.returncode == 1
    assert "Traceback" in result.stderr and "ConnectionRefusedError" in result.stderr
    assert result.stderr.rstrip().splitlines()[-1].startswith("groupbot: cannot use the database")
    assert PASSWORD not in result.stderr


@pytest.mark.parametrize("command", [["db", "upgrade"], ["export"], ["match"], ["digest"]],
                         ids=" ".join)
def test_sqlite_in_a_missing_directory(tmp_path, command):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    url = f"sqlite:///{blocker / 'g.db'}"  # its "directory" is a file
    assert_one_line(groupbot(*command, database=url), "unable to open database file")


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_sqlite_in_a_read_only_directory(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o555)
    url = f"sqlite:///{locked / 'g.db'}"
    assert_one_line(groupbot("db", "upgrade", database=url), "unable to open database file",
                    "readonly", "read-only")


@pytest.fixture
def bot_config(tmp_path):
    def write(base_url: str, token: str = TOKEN) -> str:
        path = tmp_path / "config.toml"
        path.write_text(f'[telegram]\ntoken = "{token}"\nbase_url = "{base_url}"\n'
                        f'admin_chat_id = -100900\ncallback_secret = "cb-{PASSWORD}"\n'
                        f'[database]\nurl = "sqlite:///{tmp_path / "g.db"}"\n',
                        encoding="utf-8")
        path.chmod(0o600)
        return str(path)
    return write


@pytest.mark.parametrize("command", [["scan"], ["digest", "--send"]], ids=" ".join)
def test_unreachable_bot_api(bot_config, command):
    config = bot_config(CLOSED_BOT_API)
    assert groupbot("db", "upgrade", "--config", config).returncode == 0
    debug = groupbot(*command, "--config", config, "--debug")
    assert debug.returncode == 1 and "Traceback" in debug.stderr and TOKEN not in debug.stderr
    assert "cannot reach Telegram at 127.0.0.1:9" in debug.stderr.splitlines()[-1]
    if command == ["scan"]:  # a digest, once claimed, waits in the outbox for the bot
        assert_one_line(groupbot(*command, "--config", config),
                        "cannot reach Telegram at 127.0.0.1:9")


def test_digest_send_to_an_unreachable_bot_api(bot_config):
    config = bot_config(CLOSED_BOT_API)
    assert_one_line(groupbot("digest", "--send", "--config", config),
                    "cannot reach Telegram at 127.0.0.1:9")


def test_a_token_telegram_refuses(bot_config):
    with FakeBotApi() as api:  # knows only its own token
        config = bot_config(api.base_url, token="654321:WRONG-token_abcdefghijklmnopqrstu")
        assert_one_line(groupbot("scan", "--config", config), "rejected the bot token")


def test_usage_and_config_errors_stay_exit_code_2(tmp_path):
    assert groupbot("export", "--format", "xml").returncode == 2
    config = tmp_path / "config.toml"
    config.write_text("[telegram]\ncallback_secret = 1234567890\n", encoding="utf-8")
    result = groupbot("export", "--config", str(config))
    assert result.returncode == 2 and "1234567890" not in result.stderr
    assert "telegram.callback_secret must be a string" in result.stderr


@pytest.mark.parametrize("chat_id", ["abc", "٣", "1" * 40])
def test_restore_of_a_chat_id_that_cannot_exist(tmp_path, chat_id):
    url = f"sqlite:///{tmp_path / 'g.db'}"
    line = assert_one_line(groupbot("restore", chat_id, database=url), "no such group")
    assert chat_id in line
