"""Config secrets: errors name the key but never the value; a file holding secrets that
others can read earns a one-line warning (like ssh), and the command still runs."""

import os

import pytest

from groupbot.cli import main
from groupbot.cli.config_file import readable_secrets
from groupbot.config import ConfigError, load_config

TOKEN = "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ_abc"


@pytest.mark.parametrize(("body", "key", "value"), [
    ("[telegram]\ncallback_secret = 1234567890\n", "telegram.callback_secret", "1234567890"),
    ("[telegram]\ntoken = 123\n", "telegram.token", "123"),
    ("[telegram]\ntoken = [\"987654:SECRETSECRETSECRETSECRET\"]\n", "telegram.token", "SECRET"),
    ("[telegram.webhook]\nsecret_token = 5\n", "telegram.webhook.secret_token", "5"),
    ("[telegram.webhook]\nsecret_token = 31337.5\n", "telegram.webhook.secret_token", "31337"),
    ("[database]\nurl = 4242\n", "database.url", "4242"),
    ('[telegram]\ntoken = "987654:short"\n', "telegram.token", "short"),
    ('[telegram.webhook]\nurl = "https://x.example/h"\nsecret_token = "bad secret!"\n',
     "telegram.webhook.secret_token", "bad secret"),
])
def test_errors_name_the_key_not_the_secret(tmp_path, body, key, value):
    path = tmp_path / "config.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert key in str(info.value) and value not in str(info.value)


def test_other_values_are_still_shown(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text("[telegram]\npoll_timeout = \"soon\"\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="'soon'"):
        load_config(path)


def write(tmp_path, body: str, mode: int):
    path = tmp_path / "config.toml"
    path.write_text(f"{body}[database]\nurl = \"sqlite:///{tmp_path / 'g.db'}\"\n",
                    encoding="utf-8")
    path.chmod(mode)
    return path


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
@pytest.mark.parametrize(("body", "keys"), [
    (f'[telegram]\ntoken = "{TOKEN}"\n', ("telegram.token",)),
    ('[telegram]\ncallback_secret = "s3cret-s3cret"\n', ("telegram.callback_secret",)),
    ('[telegram.webhook]\nsecret_token = "abc"\n', ("telegram.webhook.secret_token",)),
])
@pytest.mark.parametrize("mode", [0o644, 0o666, 0o640, 0o604])
def test_readable_secrets_are_found(tmp_path, body, keys, mode):
    assert readable_secrets(write(tmp_path, body, mode)) == keys


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_private_or_secret_free_files_are_fine(tmp_path):
    assert readable_secrets(write(tmp_path, f'[telegram]\ntoken = "{TOKEN}"\n', 0o600)) == ()
    assert readable_secrets(write(tmp_path, "language = \"en\"\n", 0o644)) == ()
    path = tmp_path / "pg.toml"
    path.write_text('[database]\nurl = "postgresql://u:pw@h/db"\n', encoding="utf-8")
    path.chmod(0o644)
    assert readable_secrets(path) == ("database.url",)
    path.write_text('[database]\nurl = "postgresql://u@h/db"\n', encoding="utf-8")
    assert readable_secrets(path) == ()


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_the_cli_warns_in_one_line_and_goes_on(tmp_path, capsys):
    path = write(tmp_path, f'[telegram]\ntoken = "{TOKEN}"\ncallback_secret = "cb-xyz-123"\n',
                 0o644)
    assert main(["db", "upgrade", "--config", str(path)]) == 0
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and "warning" in err[0] and "mode 0644" in err[0]
    assert "telegram.token, telegram.callback_secret" in err[0] and "chmod 600" in err[0]
    assert TOKEN not in err[0] and "cb-xyz-123" not in err[0]
    path.chmod(0o600)
    assert main(["db", "upgrade", "--config", str(path)]) == 0
    assert capsys.readouterr().err == ""


def test_an_unreadable_config_file_is_a_config_error(tmp_path, capsys):
    assert main(["export", "--config", str(tmp_path)]) == 2  # a directory
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and "cannot read config file" in err[0]
