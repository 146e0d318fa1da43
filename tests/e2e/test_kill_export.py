"""SIGKILL `groupbot import result.json` at random moments, then let it finish: every message
of a 200,000-message export counts exactly once, as in one clean import into a fresh database.
A file that breaks off after N messages fails with one line; the repaired file completes it."""

from __future__ import annotations

import asyncio
import os
import random
import time
from functools import partial

import pytest
from sqlalchemy import select

from groupbot.cli import main
from groupbot.storage.migrate import upgrade
from groupbot.storage.tables import BotState
from tests import killer
from tests.clocks import unix_now
from tests.db_helpers import fetch
from tests.e2e.test_kill_actions import integrity
from tests.export_files import totals, truncate, write_export

KILLS = {"sqlite": 5, "postgresql": 3}
MESSAGES = 200_000
REFUSED_EVERY = 9_973  # a message without a date now and then: reported, never counted


def rounds(db_url: str) -> int:
    return int(os.environ.get("GROUPBOT_KILL_ROUNDS") or KILLS[db_url.split(":")[0]])


@pytest.fixture(scope="module")
def export(tmp_path_factory):
    """The export, and the totals of one clean import of it into a fresh database."""
    folder = tmp_path_factory.mktemp("export")
    path = folder / "result.json"
    written = write_export(path, MESSAGES, unix_now() - 120 * 86400, refused_every=REFUSED_EVERY)
    reference = f"sqlite:///{folder / 'reference.db'}"
    upgrade(reference)
    started = time.monotonic()
    child = killer.spawn_import(path, reference, folder / "reference.log")
    child.join(120)
    assert child.exitcode == 0, (folder / "reference.log").read_text()
    return path, written, totals(reference), time.monotonic() - started


def marks(db_url: str) -> list[str]:
    """Every chat's high-water mark ("N", or "N open" while the chat is unfinished)."""
    rows = asyncio.run(fetch(db_url, select(BotState.value).where(
        BotState.key.like("export.%"))))
    return sorted(value for (value,) in rows)


def progressed(db_url: str, before: list[str], child) -> bool:
    """A batch was committed since `before`, or the child is done."""
    return marks(db_url) != before or not child.is_alive()


def test_sigkill_during_export_import(db_url, tmp_path, export):
    path, written, expected, duration = export
    seed = int(os.environ.get("GROUPBOT_TEST_SEED", time.time()))
    rng = random.Random(seed)
    log = tmp_path / "import.log"
    interrupted = 0
    for _ in range(rounds(db_url)):
        before = marks(db_url)
        child = killer.spawn_import(path, db_url, log)
        if rng.random() < 0.8:  # most kills after some progress, the others anywhere
            killer.wait_until(partial(progressed, db_url, before, child), 60, step=0.05)
            time.sleep(rng.uniform(0, 0.6))
        else:
            time.sleep(rng.uniform(0.1, duration))
        killer.kill(child)
        # Struck mid-import: what the kill left is not yet the whole file (a chat still open, or
        # a chat finished while the next had no batch committed yet).
        interrupted += totals(db_url) != expected
    final = killer.spawn_import(path, db_url, log)
    final.join(120)
    assert final.exitcode == 0, log.read_text()
    assert totals(db_url) == expected, f"seed {seed}"
    assert interrupted, f"no kill struck mid-import (seed {seed}, {duration:.1f} s)"
    assert not any(m.endswith(" open") for m in marks(db_url))
    text = log.read_text()
    assert "Traceback" not in text
    assert f"{written['refused']} messages skipped" in text.splitlines()[-2]
    integrity(db_url)


def test_broken_file_then_repaired_file(db_url, tmp_path, monkeypatch, capsys, export):
    path, _, expected, _ = export
    monkeypatch.setenv("GROUPBOT_DATABASE_URL", db_url)
    broken = tmp_path / "result.json"
    truncate(path, broken, 120_000)
    assert main(["import", "--no-progress", str(broken)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith(f"groupbot: cannot import {broken}: not a complete JSON file"), err
    assert "stopped after message" in err[-1] and "import the repaired file again" in err[-1]
    assert any(m.endswith(" open") for m in marks(db_url))
    assert main(["import", "--no-progress", str(path)]) == 0
    assert totals(db_url) == expected
