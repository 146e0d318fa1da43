"""The export import in a child process of its own, so that its peak memory is its own: a
large export stays flat, and a hostile 1 MB file nested to any depth ends in bounded time."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.clocks import unix_now
from tests.export_files import write_export

# VmHWM, not ru_maxrss: Linux carries ru_maxrss over exec from the forking parent (pytest).
MEASURE = """
import re, sys, time
from groupbot.cli import main
started = time.perf_counter()
code = main(sys.argv[1:])
with open("/proc/self/status") as fh:
    peak = int(re.search(r"VmHWM:\\s+(\\d+) kB", fh.read()).group(1)) // 1024
print("MEASURED", code, time.perf_counter() - started, peak, file=sys.stderr)
"""


def measured_import(path, db_url: str) -> tuple[int, float, int, list[str]]:
    """(exit code, seconds, peak RSS in MB, other stderr lines) of `groupbot import path`."""
    env = {**os.environ, "GROUPBOT_DATABASE_URL": db_url}
    done = subprocess.run([sys.executable, "-c", MEASURE, "import", "--no-progress", str(path)],
                          capture_output=True, text=True, env=env, timeout=300)
    lines = done.stderr.strip().splitlines()
    _, code, seconds, peak = lines[-1].split()
    return int(code), float(seconds), int(peak), lines[:-1]


def test_memory_stays_flat_on_a_large_export(sqlite_url, tmp_path):
    path = tmp_path / "result.json"
    write_export(path, 200_000, unix_now() - 120 * 86400)
    code, seconds, peak, errors = measured_import(path, sqlite_url)
    assert code == 0, errors
    size_mb = path.stat().st_size // 2**20
    print(f"{size_mb} MB export: {seconds:.1f} s, peak {peak} MB")
    assert peak < 120, f"peak {peak} MB for a {size_mb} MB file"


def nested(kind: str, size: int = 1_000_000) -> str:
    """A 1 MB export whose message text nests as deep as the bytes allow."""
    opening, closing = {"lists": ("[", "]"), "objects": ('{"a":', "}"),
                        "mixed": ('[{"a":', "}]")}[kind]
    depth = (size - 60) // (len(opening) + len(closing))
    return ('{"name": "g", "type": "private_supergroup", "id": 5, "messages": [{"id": 1, '
            '"date_unixtime": "1795000000", "text": ' + opening * depth + "1"
            + closing * depth + "}]}")


@pytest.mark.parametrize("kind", ["lists", "objects", "mixed"])
def test_deep_nesting_is_refused_in_bounded_time_and_memory(sqlite_url, tmp_path, kind):
    path = tmp_path / "result.json"
    path.write_text(nested(kind), encoding="utf-8")
    code, seconds, peak, errors = measured_import(path, sqlite_url)
    print(f"1 MB of nested {kind}: {seconds:.2f} s, peak {peak} MB")
    assert code == 1 and len(errors) == 1
    assert errors[0].endswith("nested deeper than 64 levels; nothing was imported")
    assert seconds < 5 and peak < 200


def test_a_huge_text_is_refused_in_bounded_memory(sqlite_url, tmp_path):
    path = tmp_path / "result.json"
    text = json.dumps("长" * 20_000_000, ensure_ascii=False)  # 60 MB in one value
    path.write_text('{"messages": [{"id": 1, "text": ' + text + "}]}", encoding="utf-8")
    code, seconds, peak, errors = measured_import(path, sqlite_url)
    print(f"a 60 MB text: {seconds:.2f} s, peak {peak} MB")
    assert code == 1 and errors[0].endswith("a text longer than 1,000,000 bytes; "
                                            "nothing was imported")
    assert peak < 120
