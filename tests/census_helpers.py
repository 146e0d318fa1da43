"""Census files for tests, and `groupbot import` run with its output and database checksum."""

from __future__ import annotations

import asyncio
import csv
import io
from dataclasses import dataclass
from pathlib import Path

from groupbot.cli import main
from groupbot.domain.census import CENSUS_COLUMNS
from tests.db_helpers import checksum


def census_text(rows: list[list], header=CENSUS_COLUMNS) -> str:
    """A census as CSV text, quoted as a spreadsheet would."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def write_census(path: Path, rows: list[list], encoding: str = "utf-8") -> Path:
    """Write rows (with the census header) as CSV in `encoding`."""
    path.write_bytes(census_text(rows).encode(encoding))
    return path


def good_rows(n: int, prefix: str = "wx") -> list[list]:
    """n valid WeChat groups."""
    return [["wechat", f"{prefix}-{i:04d}", f"涌金门社区第{i}网格群", "网格管理", "王轩",
             "王轩;李娜", "3", "2026-10-01", "2025-01-01", ""] for i in range(n)]


@dataclass
class Run:
    """What one `groupbot import` printed and returned."""

    code: int
    out: str
    err: str


def run_import(capsys, *args) -> Run:
    """`groupbot import --no-progress ARGS…` with what it printed (files in the working
    directory are named as a person would type them)."""
    capsys.readouterr()
    names = [a.name if isinstance(a, Path) and a.parent == Path.cwd() else str(a) for a in args]
    code = main(["import", "--no-progress", *names])
    captured = capsys.readouterr()
    return Run(code, captured.out, captured.err)


def state(db_url: str) -> tuple[dict[str, int], str]:
    """Row counts and checksum of every table."""
    return asyncio.run(checksum(db_url))
