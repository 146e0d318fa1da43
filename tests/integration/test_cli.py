"""The `groupbot` command on a real database: db upgrade, export, help, rejected token."""

import asyncio
import csv
import io
import json
import subprocess
import sys
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from groupbot.cli import main
from groupbot.domain.events import BotStatusChanged, ChatRef, MessageKind, MessageSeen, Person
from groupbot.domain.inventory import EXPORT_FIELDS
from groupbot.services.groups import GroupService
from groupbot.services.ingest import IngestService
from groupbot.storage.db import make_engine
from groupbot.storage.tables import OutboxMessage
from tests.clocks import now, suite_clock
from tests.db_helpers import fetch
from tests.fakebot import FakeBotApi
from tests.ingest_helpers import commit

TZ = ZoneInfo("Asia/Shanghai")


async def populate(url: str) -> None:
    engine = make_engine(url)
    clock = suite_clock(TZ)
    ingest, groups = IngestService(engine, clock), GroupService(engine, clock)
    at = now()
    chat = ChatRef(-1001234567890, "涌金门社区消防群", "supergroup")
    await commit(ingest, [BotStatusChanged(chat, at, "administrator", Person(1, "王轩")),
                         MessageSeen(chat, at, MessageKind.HUMAN, Person(1, "王轩")),
                         MessageSeen(chat, at, MessageKind.HUMAN, Person(2, "李娜"))])
    await groups.set_purpose(chat.chat_id, "消防台账报送", 1)
    await groups.set_facts(chat.chat_id, member_count=25, owner_name="王轩")
    await engine.dispose()


@pytest.fixture
def populated(db_url, monkeypatch):
    asyncio.run(populate(db_url))
    monkeypatch.setenv("GROUPBOT_DATABASE_URL", db_url)
    monkeypatch.chdir("/")  # no config.toml around: defaults plus environment
    return db_url


def test_export_json(populated, capsys):
    assert main(["export", "--format", "json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert tuple(row) == EXPORT_FIELDS
    assert row["chat_id"] == -1001234567890 and row["platform"] == "telegram"
    assert (row["purpose"], row["owner"], row["status"]) == ("消防台账报送", "王轩", "active")
    assert (row["members_seen"], row["member_count"], row["messages_30d"]) == (2, 25, 2)
    assert datetime.fromisoformat(row["last_active"]).tzinfo is not None
    assert datetime.fromisoformat(row["registered_at"]).tzinfo is not None


def test_config_before_the_subcommand_counts(populated, tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("GROUPBOT_DATABASE_URL")
    config = tmp_path / "config.toml"
    config.write_text(f'[database]\nurl = "{populated}"\n')
    assert main(["--config", str(config), "export"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 1


def test_export_csv(populated, capsys):
    assert main(["export", "--format", "csv"]) == 0
    (row,) = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert row["title"] == "涌金门社区消防群" and row["messages_30d"] == "2"


def test_export_on_an_unmigrated_database_explains(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("GROUPBOT_DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    assert main(["export"]) == 1
    assert "groupbot db upgrade" in capsys.readouterr().err


def test_db_upgrade(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("GROUPBOT_DATABASE_URL", f"sqlite:///{tmp_path / 'new.db'}")
    assert main(["db", "upgrade"]) == 0
    assert main(["export"]) == 0
    assert json.loads(capsys.readouterr().out.splitlines()[-1]) == []


@pytest.mark.parametrize("args", [[], ["run"], ["db"], ["db", "upgrade"], ["export"]])
def test_help_everywhere(args):
    result = subprocess.run([sys.executable, "-m", "groupbot", *args, "--help"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    assert "--config PATH" in result.stdout
    description = result.stdout.split("\n\n")[1]
    assert description.strip() and "\n" not in description.strip()


def test_run_with_a_rejected_token(tmp_path):
    with FakeBotApi() as api:
        other = "654321:WRONG-token_abcdefghijklmnopqrstu"
        config = tmp_path / "config.toml"
        config.write_text(f'[telegram]\ntoken = "{other}"\nbase_url = "{api.base_url}"\n'
                          f'[database]\nurl = "sqlite:///{tmp_path / "g.db"}"\n')
        result = subprocess.run([sys.executable, "-m", "groupbot", "run", "--config",
                                 str(config)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "rejected the bot token" in result.stderr
    assert other not in result.stderr + result.stdout


def test_digest_print_text_and_json(populated, capsys):
    assert main(["digest"]) == 0
    text = capsys.readouterr().out
    assert "工作群周报" in text and "在用工作群 1 个" in text
    assert main(["digest", "--format", "json", "--as-of", "2026-11-20"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["week"] == "2026-W47" and data["total"] == 1
    assert main(["digest", "--send"]) == 2  # no admin chat configured


def test_digest_send_claims_the_week_and_goes_through_the_outbox(populated, capsys,
                                                                    monkeypatch, tmp_path):
    with FakeBotApi() as api:
        monkeypatch.setenv("GROUPBOT_TELEGRAM_TOKEN", api.token)
        monkeypatch.setenv("GROUPBOT_CALLBACK_SECRET", "s" * 32)
        path = str(tmp_path / "config.toml")
        (tmp_path / "config.toml").write_text(
            f'[telegram]\nbase_url = "{api.base_url}"\nadmin_chat_id = -100900\n',
            encoding="utf-8")
        assert main(["digest", "--send", "--config", path]) == 0
        assert "sent" in capsys.readouterr().out
        sent = [c["method"].lower() for c in api.calls if c["method"].lower().startswith("send")]
        assert sent[0] == "sendphoto" and sent[-1] == "senddocument" and "sendmessage" in sent
        assert main(["digest", "--send", "--config", path]) == 1  # the week is taken
        assert "already sent" in capsys.readouterr().err
        assert len([c for c in api.calls if c["method"].lower() == "senddocument"]) == 1
    assert asyncio.run(fetch(populated, select(func.count()).select_from(OutboxMessage))) \
        == [(0,)]
