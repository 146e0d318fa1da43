"""Telegram Desktop export import: messages per second and memory, against json.load.

Run: python -m tests.bench.bench_export [--messages 1000000]
Each measurement runs in its own process so that peak memory is its own.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHATS = 200


def write_export(path: Path, messages: int) -> None:
    """A full account export: CHATS supergroups, messages spread over them, written streaming."""
    per_chat = messages // CHATS
    start = 1_780_000_000
    with path.open("w", encoding="utf-8") as fh:
        fh.write('{"about": "export", "chats": {"about": "", "list": [')
        for c in range(CHATS):
            fh.write("," if c else "")
            fh.write(json.dumps({"name": f"第{c}网格工作群", "type": "private_supergroup",
                                 "id": 1_000_000 + c}, ensure_ascii=False)[:-1])
            fh.write(', "messages": [')
            for i in range(per_chat):
                user = 1000 + (c * 37 + i) % 50
                fh.write("," if i else "")
                fh.write(json.dumps({
                    "id": i + 1, "type": "message", "date": "2026-05-01T09:00:00",
                    "date_unixtime": str(start + i * 60), "from": f"网格员{user}",
                    "from_id": f"user{user}", "text": "收到，马上处理",
                    "text_entities": [{"type": "plain", "text": "收到，马上处理"}]},
                    ensure_ascii=False))
            fh.write("]}")
        fh.write("]}}")


def run_import(path: str) -> dict:
    import asyncio

    from groupbot.cli.inventory import import_files
    from groupbot.config import load_config

    config = load_config(None)
    started = time.perf_counter()
    asyncio.run(import_files(config, [Path(path)], show_progress=False))
    return {"seconds": time.perf_counter() - started,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024}


def run_json_load(path: str) -> dict:
    started = time.perf_counter()
    with open(path, encoding="utf-8") as fh:
        data = json.load(fh)
    count = sum(len(c["messages"]) for c in data["chats"]["list"])
    return {"seconds": time.perf_counter() - started, "messages": count,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024}


def child(what: str, path: str, env: dict | None = None) -> dict:
    done = subprocess.run([sys.executable, "-m", "tests.bench.bench_export", what, path],
                          capture_output=True, text=True, check=True, env=env)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", nargs="?", default="bench")
    parser.add_argument("path", nargs="?")
    parser.add_argument("--messages", type=int, default=1_000_000)
    args = parser.parse_args()
    if args.what == "import":
        print(json.dumps(run_import(args.path)))
        return
    if args.what == "json-load":
        print(json.dumps(run_json_load(args.path)))
        return
    import os

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "result.json"
        write_export(path, args.messages)
        env = {**os.environ, "GROUPBOT_DATABASE_URL": f"sqlite:///{Path(tmp) / 'g.db'}"}
        ours = child("import", str(path), env)
        naive = child("json-load", str(path))
        size = path.stat().st_size
    n = naive["messages"]
    print(json.dumps({
        "messages": n, "file_mb": round(size / 2**20),
        "import_seconds": round(ours["seconds"], 1),
        "import_messages_per_s": round(n / ours["seconds"]),
        "import_peak_rss_mb": ours["peak_rss_mb"],
        "json_load_seconds": round(naive["seconds"], 1),
        "json_load_peak_rss_mb": naive["peak_rss_mb"],
        "memory_ratio_vs_json_load": round(ours["peak_rss_mb"] / naive["peak_rss_mb"], 2),
    }, indent=2))


if __name__ == "__main__":
    main()
