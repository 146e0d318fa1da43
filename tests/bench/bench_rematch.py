"""The daily match after 1% of the groups changed, beside a full run on the same data.

Run:
  python -m tests.bench.bench_rematch [--groups 50000] [--generators demo province]
                                      [--databases sqlite postgresql] [--changed 0.01]

For each generator and database: `groupbot import` builds the inventory; the bot's matching
service runs once (full: it has nothing to re-use); then 1% of the groups change through
`groupbot import` of an edited census (half lose a member, half are renamed); then the same
service runs again (incremental) and a fresh service runs in full, both end to end (reading
the database, matching, storing proposals). The core columns time the domain alone on the
same corpora: `propose` in full and `propose_again` after the change.
"""

from __future__ import annotations

import asyncio
import csv
import json
import random
import tempfile
import time
from pathlib import Path

from tests.bench.bench_commands import bench_arguments, fresh_database, timed, write_census

CLOCK = "2026-11-21T10:00:00+08:00"


def edit_census(source: Path, target: Path, share: float, seed: int = 7) -> int:
    """A copy of the census in which `share` of the rows changed; returns how many."""
    with open(source, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    header, body = rows[0], rows[1:]
    members, title = header.index("members"), header.index("title")
    picked = random.Random(seed).sample(range(len(body)), max(1, int(len(body) * share)))
    for n, i in enumerate(picked):
        if n % 2:
            body[i][title] += "（新）"
        else:
            for separator in (";", "；", "、"):
                if separator in body[i][members]:
                    body[i][members] = body[i][members].rsplit(separator, 1)[0]
                    break
    with open(target, "w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows([header, *body])
    return len(picked)


async def service_runs(url: str, edited: Path) -> dict:
    """Full run, the edit imported, incremental run, and a fresh full run, end to end."""
    from groupbot.clock import clock_from_environment
    from groupbot.config import load_config
    from groupbot.storage.db import make_engine
    from groupbot.wiring import matching_service

    config = load_config(None)
    engine = make_engine(url)
    clock = clock_from_environment(config.tz, {"GROUPBOT_TEST_NOW": CLOCK})
    daily = matching_service(config, engine, clock)
    out = {"full_first": await _timed_run(daily)}
    out["edit_import"] = timed(["import", "--no-progress", str(edited)], url, CLOCK)["seconds"]
    out["incremental"] = await _timed_run(daily)
    out["full"] = await _timed_run(matching_service(config, engine, clock))
    await engine.dispose()
    out["ratio"] = round(out["incremental"]["seconds"] / out["full"]["seconds"], 3)
    return out


async def _timed_run(service) -> dict:
    started = time.perf_counter()
    run = await service.run(details=False)  # as the daily job runs it
    return {"seconds": round(time.perf_counter() - started, 2), "examined": run.examined,
            "proposals": len(run.ids)}


def cores(before: Path, after: Path) -> dict:
    """The domain alone: a full run on the edited corpus, and a re-run after the first."""
    from groupbot.domain.lexicon import Lexicon
    from groupbot.domain.match_incremental import MatchMemory, propose_again
    from groupbot.domain.matching import MatchSettings, propose

    lexicon, match, memory, people = Lexicon.default(), MatchSettings(), MatchMemory(), {}
    first, keys = _corpus(before, people)
    propose_again(first, keys, lexicon, match, memory)
    second, keys = _corpus(after, people)
    started = time.perf_counter()
    again = propose_again(second, keys, lexicon, match, memory)
    incremental = time.perf_counter() - started
    started = time.perf_counter()
    full = propose(second, lexicon, match)
    whole = time.perf_counter() - started
    assert again.proposals == full
    return {"full": round(whole, 2), "incremental": round(incremental, 2),
            "ratio": round(incremental / whole, 3), "examined": again.examined}


def _corpus(path: Path, people: dict):
    from groupbot.domain.census import parse_row
    from groupbot.domain.match_features import build_corpus
    from groupbot.domain.textnorm import member_key
    from groupbot.importers.census_files import read_rows

    rows = [parse_row(raw, line) for line, raw in read_rows(path)]
    lists = [[people.setdefault(member_key(m.display_name), len(people)) for m in r.members]
             for r in rows]
    corpus = build_corpus([r.chat_id for r in rows], [r.title for r in rows],
                          [r.purpose for r in rows], lists,
                          member_count=[r.member_count for r in rows],
                          created=[r.created for r in rows], expires=[r.expires for r in rows])
    return corpus, [(r.platform, r.chat_id) for r in rows]


def bench(generator: str, groups: int, databases: list[str], pg_url: str,
          share: float) -> dict:
    """Every database for one generator's census."""
    with tempfile.TemporaryDirectory(prefix="groupbot-rematch-") as tmp:
        workdir = Path(tmp)
        census, edited = workdir / "census.csv", workdir / "edited.csv"
        write_census(generator, groups, census)
        out = {"generator": generator, "groups": groups,
               "changed": edit_census(census, edited, share), "core": cores(census, edited)}
        for kind in databases:
            url = fresh_database(kind, workdir, pg_url)
            timed(["import", "--no-progress", str(census)], url, CLOCK)
            out[kind] = asyncio.run(service_runs(url, edited))
        return out


def main(argv: list[str] | None = None) -> None:
    """Print one JSON line per generator."""
    parser = bench_arguments(__doc__)
    parser.add_argument("--changed", type=float, default=0.01)
    args = parser.parse_args(argv)
    for generator in args.generators:
        print(json.dumps(bench(generator, args.groups, args.databases, args.pg_url,
                               args.changed)), flush=True)


if __name__ == "__main__":
    main()
