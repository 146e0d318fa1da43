"""Webhook ingest throughput with 1, 2 and 4 workers on one PostgreSQL database.

Each worker is a real `groupbot run` process; all listen on one port (SO_REUSEPORT) and a
separate load process posts updates over many keep-alive connections, as Telegram does.
Afterwards every update must be counted exactly once.

Run: python -m tests.bench.bench_webhook [--workers 1 2 4] [--updates 20000] [--connections 40]
     (PostgreSQL from GROUPBOT_BENCH_DATABASE_URL, default postgresql://postgres@127.0.0.1/...)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, select

from groupbot.storage.db import make_engine
from groupbot.storage.migrate import upgrade
from groupbot.storage.tables import GroupActivity, UpdateReceipt
from tests.bench.bench_ingest import traffic
from tests.fakebot import FakeBotApi

SECRET = "bench-secret"
PATH = "/hook"
DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/groupbot_bench"
TIME_LIMIT = 180.0


def ensure_database(url: str) -> None:
    """A fresh, migrated bench database (dropped and created again)."""
    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    for sql in (f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name}"):
        subprocess.run(["psql", admin, "-qc", sql], capture_output=True, check=True)
    upgrade(url)


async def counted(url: str) -> tuple[int, int]:
    """(messages counted, update receipts) in the database."""
    engine = make_engine(url)
    async with engine.connect() as conn:
        messages = (await conn.execute(select(func.sum(GroupActivity.messages)))).scalar()
        receipts = (await conn.execute(select(func.count()).select_from(UpdateReceipt))).scalar()
    await engine.dispose()
    return int(messages or 0), int(receipts)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_config(workdir: Path, api: FakeBotApi, url: str, port: int) -> Path:
    path = workdir / "config.toml"
    path.write_text(
        f'log_level = "WARNING"\n[telegram]\ntoken = "{api.token}"\n'
        f'base_url = "{api.base_url}"\n'
        f'[telegram.webhook]\nurl = "https://bench.example.org{PATH}"\nport = {port}\n'
        f'secret_token = "{SECRET}"\n[database]\nurl = "{url}"\n', encoding="utf-8")
    return path


# --- the load process: a minimal keep-alive HTTP/1.1 client, so the client is not the limit ---

async def _connection(port: int, bodies: list[bytes], results: list[int]) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    head = (f"POST {PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"X-Telegram-Bot-Api-Secret-Token: {SECRET}\r\n")
    for body in bodies:
        writer.write(f"{head}Content-Length: {len(body)}\r\n\r\n".encode() + body)
        status_line = await reader.readline()
        length = 0
        while (line := await reader.readline()) not in (b"\r\n", b""):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        if length:
            await reader.readexactly(length)
        results.append(int(status_line.split()[1]))
    writer.close()


def load(port: int, updates: list[dict], connections: int, queue) -> None:
    """Post every update once (split over `connections`); report seconds and statuses."""
    bodies = [json.dumps(u, ensure_ascii=False).encode() for u in updates]
    shares = [bodies[i::connections] for i in range(connections)]
    results: list[int] = []

    async def main() -> float:
        started = time.perf_counter()
        await asyncio.gather(*(_connection(port, share, results) for share in shares))
        return time.perf_counter() - started

    seconds = asyncio.run(main())
    usage = resource.getrusage(resource.RUSAGE_SELF)
    queue.put((seconds, sorted(set(results)), len(results), usage.ru_utime + usage.ru_stime))


# --- one measurement ---

def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time used so far by these processes (Linux /proc)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def postgres_pids() -> list[int]:
    """Every PostgreSQL server process on this machine."""
    out = subprocess.run(["pgrep", "-x", "postgres"], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def wait_listening(port: int, deadline: float) -> None:
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise TimeoutError("no worker is listening")


def measure(workers: int, updates: list[dict], connections: int, url: str) -> dict:
    ensure_database(url)
    port = free_port()
    with FakeBotApi() as api, tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        config = write_config(workdir, api, url, port)
        logs = [workdir / f"w{i}.log" for i in range(workers)]
        procs = []
        for log in logs:
            with open(log, "wb") as out:
                procs.append(subprocess.Popen(
                    [sys.executable, "-m", "groupbot", "run", "--config", str(config)],
                    stdout=out, stderr=subprocess.STDOUT))
        try:
            wait_listening(port, time.monotonic() + 60)
            time.sleep(2.0)  # every worker up and listening, not just the first
            queue = multiprocessing.get_context("spawn").Queue()
            loader = multiprocessing.get_context("spawn").Process(
                target=load, args=(port, updates, connections, queue))
            worker_pids = [p.pid for p in procs]
            before = cpu_seconds(worker_pids), cpu_seconds(postgres_pids())
            loader.start()
            seconds, statuses, answered, loader_cpu = queue.get(timeout=TIME_LIMIT)
            after = cpu_seconds(worker_pids), cpu_seconds(postgres_pids())
            loader.join()
        finally:
            for proc in procs:
                proc.send_signal(signal.SIGTERM)
            for proc in procs:
                proc.wait(timeout=60)
    messages, receipts = asyncio.run(counted(url))
    return {"workers": workers, "updates": len(updates), "seconds": round(seconds, 2),
            "updates_per_s": round(len(updates) / seconds), "statuses": statuses,
            "answered": answered, "counted": messages, "receipts": receipts,
            "worker_cpu_s": round(after[0] - before[0], 1),
            "postgres_cpu_s": round(after[1] - before[1], 1),
            "load_cpu_s": round(loader_cpu, 1),
            # Share of the whole machine busy during the run: near 1.0, more workers cannot help.
            "machine_busy": round((after[0] - before[0] + after[1] - before[1] + loader_cpu)
                                  / (seconds * os.cpu_count()), 2),
            "exact": messages == len(updates) == receipts and statuses == [200]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--updates", type=int, default=20_000)
    parser.add_argument("--connections", type=int, default=40)
    parser.add_argument("--groups", type=int, default=200)
    args = parser.parse_args()
    url = os.environ.get("GROUPBOT_BENCH_DATABASE_URL", DEFAULT_URL)
    updates = [{"update_id": 1_000_000 + i, **u}
               for i, u in enumerate(traffic(args.groups, 50, args.updates))]
    results = [measure(n, updates, args.connections, url) for n in args.workers]
    base = results[0]["updates_per_s"]
    for r in results:
        r["scaling"] = round(r["updates_per_s"] / base, 2)
        print(json.dumps(r, ensure_ascii=False))


if __name__ == "__main__":
    main()
