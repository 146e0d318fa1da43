"""Config loading: defaults, environment overrides, and one clear line per mistake."""

import subprocess
import sys

import pytest

from groupbot.config import DEFAULT_BASE_URL, ConfigError, load_config

TOKEN = "123456:TEST-token_abcdefghijklmnopqrstuv"


def write(tmp_path, body: str):
    path = tmp_path / "config.toml"
    path.write_text(body, encoding="utf-8")
    return path


def test_defaults_without_a_file():
    config = load_config(None)
    assert config.telegram.base_url == DEFAULT_BASE_URL
    assert config.database.url == "sqlite:///groupbot.db"
    assert config.schedule.timezone == "Asia/Shanghai"
    assert config.language == "zh"


def test_example_config_loads():
    config = load_config("config.example.toml")
    assert config.telegram.admins == ()


def test_values_and_env_overrides(tmp_path, monkeypatch):
    path = write(tmp_path, f'language = "en"\n[telegram]\ntoken = "{TOKEN}"\nadmins = [1, 2]\n'
                           'admin_chat_id = -1001\n[database]\nurl = "sqlite:///a.db"\n')
    monkeypatch.setenv("GROUPBOT_DATABASE_URL", "postgresql://u@h/db")
    monkeypatch.setenv("GROUPBOT_TELEGRAM_TOKEN", "999999:OTHER-token_abcdefghijklmnopq")
    config = load_config(path, require_token=True)
    assert config.language == "en"
    assert config.telegram.admins == (1, 2)
    assert config.telegram.admin_chat_id == -1001
    assert config.database.url == "postgresql://u@h/db"
    assert config.telegram.token.startswith("999999:")


@pytest.mark.parametrize(("body", "names"), [
    ('[telegram]\ntokn = "x"\n', "telegram.tokn"),
    ('[telegram]\nadmins = "1"\n', "telegram.admins"),
    ('[telegram]\nadmin_chat_id = "chat"\n', "telegram.admin_chat_id"),
    ('[telegram]\npoll_timeout = true\n', "telegram.poll_timeout"),
    ('[database]\nurl = 5\n', "database.url"),
    ('[schedule]\ntimezone = "Mars/Base"\n', "schedule.timezone"),
    ('language = "fr"\n', "language"),
    ('[telegram]\ntoken = "not-a-token"\n', "telegram.token"),
    ('[nosuch]\nkey = 1\n', "nosuch"),
    ('[schedule]\nmatch_cron = "61 * * * *"\n', "schedule.match_cron"),
    ('[schedule]\nmatch_cron = "daily"\n', "schedule.match_cron"),
    ('[matching]\nmin_function = 2\n', "matching.min_containment and min_function"),
    ('[matching.topics]\n"消防" = "x"\n', "matching.topics.消防"),
    ('[telegram\n', "not valid TOML"),
])
def test_bad_config_names_the_key(tmp_path, body, names):
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, body))
    assert names in str(info.value)
    assert "\n" not in str(info.value)


def test_missing_token_only_matters_for_run(tmp_path):
    path = write(tmp_path, "[telegram]\nadmins = [1]\n")
    assert load_config(path).telegram.token == ""
    with pytest.raises(ConfigError, match=r"telegram\.token is missing"):
        load_config(path, require_token=True)


def test_token_not_in_repr(tmp_path):
    config = load_config(write(tmp_path, f'[telegram]\ntoken = "{TOKEN}"\n'))
    assert TOKEN not in repr(config)


def test_cli_reports_bad_config_in_one_line(tmp_path):
    path = write(tmp_path, '[telegram]\nadmins = "me"\n')
    result = subprocess.run([sys.executable, "-m", "groupbot", "export", "--config", str(path)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr.strip() == ("groupbot: config error: telegram.admins must be a list "
                                     "of int")
    assert "Traceback" not in result.stderr


def test_webhook_needs_a_secret_which_may_come_from_the_environment(tmp_path, monkeypatch):
    path = write(tmp_path, '[telegram.webhook]\nurl = "https://bot.example.org/hook"\n')
    with pytest.raises(ConfigError, match=r"telegram\.webhook\.secret_token"):
        load_config(path)
    monkeypatch.setenv("GROUPBOT_WEBHOOK_SECRET", "abc_DEF-123")
    hook = load_config(path).telegram.webhook
    assert (hook.url, hook.secret_token, hook.port) == ("https://bot.example.org/hook",
                                                        "abc_DEF-123", 8443)
    assert "abc_DEF-123" not in repr(load_config(path))


@pytest.mark.parametrize(("body", "key"), [
    ('[telegram.webhook]\nurl = "ftp://x"\nsecret_token = "s"\n', "telegram.webhook.url"),
    ('[telegram.webhook]\nurl = "https://x/h"\nsecret_token = "has space"\n',
     "telegram.webhook.secret_token"),
    ('[telegram.webhook]\nurl = "https://x/h"\nsecret_token = "s"\nport = 0\n',
     "telegram.webhook.port"),
    ('[cluster]\nheartbeat_seconds = 0\n', "cluster.heartbeat_seconds"),
    ('log_format = "xml"\n', "log_format"),
    ('[telegram.webhook]\nbogus = 1\n', "telegram.webhook.bogus"),
])
def test_bad_webhook_cluster_and_log_settings_are_named(tmp_path, body, key):
    with pytest.raises(ConfigError, match=key.replace(".", r"\.")):
        load_config(write(tmp_path, body))
