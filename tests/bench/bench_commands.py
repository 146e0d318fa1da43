"""The commands a city runs, end to end, beside the pure core on the same data in the same run.

Run:
  python -m tests.bench.bench_commands [--groups 50000] [--generators demo province]
                                        [--databases sqlite postgresql] [--pg-url URL]
                                        [--commands import reimport] [--baseline TREE]

For each generator (the project's own district, and tests/bench/province.py written apart from
it) and database, every command is a `groupbot …` subprocess on a database built beforehand:
import (new), import (unchanged re-run), match --json, scan --dry-run --json, digest --format
json, export --format csv. Wall time and peak memory (/usr/bin/time) per command; the core
columns time the domain work alone (parsing and validating the rows; matching an in-memory
corpus; deciding every group's lifecycle) in this process. `--baseline TREE` runs the same
commands from another checkout too (its "sqlite@baseline" entries), interleaved, so a change is
measured against the code before it under the same load.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

PG_URL = "postgresql://postgres@127.0.0.1:5432/groupbot_bench"
COMMANDS = [("import", ["import", "{csv}"]), ("reimport", ["import", "{csv}"]),
            ("match", ["match", "--json"]), ("scan", ["scan", "--dry-run", "--json"]),
            ("digest", ["digest", "--format", "json"]), ("export", ["export", "--format", "csv"])]


def write_census(generator: str, groups: int, path: Path) -> None:
    """The census CSV of one generator."""
    if generator == "province":
        from tests.bench.province import write_province

        write_province(path, groups)
        return
    from groupbot.demo.census import write_census_csv
    from groupbot.demo.district import generate_district

    write_census_csv(generate_district(groups, seed=0), path)


def fresh_database(kind: str, workdir: Path, pg_url: str) -> str:
    """An empty database URL, migrated by the first command."""
    if kind == "sqlite":
        path = workdir / "bench.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    name = pg_url.rsplit("/", 1)[1]
    admin = pg_url.rsplit("/", 1)[0] + "/postgres"
    for sql in (f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name}"):
        subprocess.run(["psql", admin, "-qc", sql], check=True, capture_output=True)
    return pg_url


def timed(args: list[str], url: str, clock: str, tree: str | None = None) -> dict:
    """Run `groupbot ARGS` (from `tree`, else as imported here); wall seconds and peak RSS."""
    env = {**os.environ, "GROUPBOT_DATABASE_URL": url, "GROUPBOT_TEST_NOW": clock}
    if tree:  # `-m` looks in the working directory first, so the run starts there too
        env["PYTHONPATH"] = tree
    started = time.perf_counter()
    result = subprocess.run(["/usr/bin/time", "-f", "%M", sys.executable, "-m", "groupbot",
                             *args], env=env, capture_output=True, text=True, cwd=tree)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"groupbot {' '.join(args)} failed: {result.stderr[-2000:]}")
    peak_kb = int(result.stderr.strip().splitlines()[-1])
    return {"seconds": round(seconds, 2), "peak_mb": peak_kb // 1024}


# A census file may be at most 50 MB: a province sends one file per 100,000 groups.
PART_ROWS = 100_000


def split_census(path: Path, rows: int) -> list[Path]:
    """The census as files of at most `rows` groups each (the file itself when it is small)."""
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        parts, writer, out = [], None, None
        for n, row in enumerate(reader):
            if n % rows == 0:
                if out is not None:
                    out.close()
                parts.append(path.with_name(f"{path.stem}-{len(parts) + 1:02d}.csv"))
                out = open(parts[-1], "w", encoding="utf-8-sig", newline="")  # noqa: SIM115
                writer = csv.writer(out)
                writer.writerow(header)
            writer.writerow(row)
        if out is not None:
            out.close()
    return parts


def _with_files(args: list[str], parts: list[Path]) -> list[str]:
    return [str(p) for a in args for p in (parts if a == "{csv}" else [a])]


def cores(paths: list[Path], match: bool = True) -> dict:
    """The domain's own time on the same rows: parse+validate, match (unless not timed),
    lifecycle decisions."""
    from groupbot.domain.census import parse_row
    from groupbot.domain.lexicon import Lexicon
    from groupbot.domain.lifecycle import GroupLife, LifecycleSettings, decide
    from groupbot.domain.match_features import build_corpus
    from groupbot.domain.matching import propose
    from groupbot.domain.textnorm import member_key
    from groupbot.importers.census_files import read_rows

    started = time.perf_counter()
    rows = [parse_row(raw, line) for path in paths for line, raw in read_rows(path)]
    parsed = time.perf_counter() - started

    started = time.perf_counter()
    people: dict[tuple, int] = {}
    lists = [[people.setdefault(("n", member_key(m.display_name)), len(people))
              for m in r.members] for r in rows]
    corpus = build_corpus([r.chat_id for r in rows], [r.title for r in rows],
                          [r.purpose for r in rows], lists,
                          member_count=[r.member_count for r in rows], activity=[0] * len(rows),
                          created=[r.created for r in rows], expires=[r.expires for r in rows])
    found = propose(corpus, Lexicon.default()) if match else []
    matched = time.perf_counter() - started

    started = time.perf_counter()
    today, settings = date(2026, 11, 20), LifecycleSettings()
    for r in rows:
        decide(GroupLife(status="active", last_active=r.last_active,
                         registered_on=r.created or today, expires_on=r.expires,
                         temporary=r.expires is not None), today, date(2026, 1, 1), settings)
    decided = time.perf_counter() - started
    return {"import": round(parsed, 2), "match": round(matched, 2), "scan": round(decided, 2),
            "proposals": len(found), "member_entries": sum(len(r.members) for r in rows)}


def bench(generator: str, groups: int, databases: list[str], pg_url: str,
          commands: list[str] | None = None, baseline: str | None = None) -> dict:
    """The commands (all by default) on every database for one generator's census."""
    chosen = [(name, args) for name, args in COMMANDS if not commands or name in commands]
    with tempfile.TemporaryDirectory(prefix="groupbot-bench-") as tmp:
        workdir = Path(tmp)
        csv_path = workdir / "census.csv"
        write_census(generator, groups, csv_path)
        parts = split_census(csv_path, PART_ROWS)
        out = {"generator": generator, "groups": groups, "files": len(parts),
               "core": cores(parts, match=any(name == "match" for name, _ in chosen))}
        # The census day of both generators, so scans and digests see a living district.
        clock = "2026-11-21T10:00:00+08:00"
        for kind in databases:
            trees = ([(f"{kind}@baseline", baseline)] if baseline else []) + [(kind, None)]
            for label, tree in trees:
                url = fresh_database(kind, workdir, pg_url)
                out[label] = {name: timed(_with_files(args, parts), url, clock, tree)
                              for name, args in chosen}
        return out


def bench_arguments(doc: str) -> argparse.ArgumentParser:
    """The options every end-to-end benchmark takes: size, generators, databases."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--groups", type=int, default=50_000)
    parser.add_argument("--generators", nargs="+", default=["demo", "province"])
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--pg-url", default=PG_URL)
    return parser


def main(argv: list[str] | None = None) -> None:
    """Print one JSON line per generator."""
    parser = bench_arguments(__doc__)
    parser.add_argument("--commands", nargs="+", choices=[name for name, _ in COMMANDS],
                        help="only these (the database starts empty: reimport needs import)")
    parser.add_argument("--baseline", help="another checkout to time the same commands from")
    args = parser.parse_args(argv)
    for generator in args.generators:
        print(json.dumps(bench(generator, args.groups, args.databases, args.pg_url,
                               args.commands, args.baseline)), flush=True)


if __name__ == "__main__":
    main()
