"""/healthz and a Prometheus /metrics endpoint, on a small asyncio HTTP server."""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)
HELP = {
    "groupbot_updates_processed_total": "Updates committed from getUpdates.",
    "groupbot_send_errors_total": "Bot API calls that failed after retries.",
    "groupbot_job_runs_total": "Scheduled job runs.",
    "groupbot_inbox_lag": "Updates committed but still waiting for their handler.",
}


class Metrics:
    """Counters, labelled, in memory (per worker, as Prometheus expects)."""

    def __init__(self):
        self._counts: Counter = Counter()

    def inc(self, name: str, amount: int = 1, **labels: str) -> None:
        """Add to a counter."""
        self._counts[(name, tuple(sorted(labels.items())))] += amount

    def render(self, gauges: dict[str, float]) -> str:
        """The Prometheus text format."""
        lines, seen = [], set()
        samples = [(n, lab, v) for (n, lab), v in sorted(self._counts.items())]
        samples += [(n, (), v) for n, v in gauges.items()]
        for name, labels, value in samples:
            if name not in seen:
                seen.add(name)
                kind = "gauge" if name in gauges else "counter"
                lines += [f"# HELP {name} {HELP.get(name, name)}", f"# TYPE {name} {kind}"]
            tag = ",".join(f'{k}="{v}"' for k, v in labels)
            lines.append(f"{name}{{{tag}}} {value}" if tag else f"{name} {value}")
        return "\n".join(lines) + "\n"


async def serve_http(host: str, port: int, metrics: Metrics,
                     gauges: Callable[[], Awaitable[dict[str, float]]],
                     healthy: Callable[[], Awaitable[bool]]) -> asyncio.Server:
    """Answer GET /healthz and GET /metrics; anything else is 404."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            request = (await asyncio.wait_for(reader.readline(), 5)).decode("latin-1").split()
            path = request[1] if len(request) > 1 else ""
            if path == "/healthz":
                ok = await healthy()
                status, body = ("200 OK", "ok\n") if ok else ("503 Service Unavailable",
                                                           "database unavailable\n")
            elif path == "/metrics":
                status, body = "200 OK", metrics.render(await gauges())
            else:
                status, body = "404 Not Found", "not found\n"
            data = body.encode()
            writer.write(f"HTTP/1.1 {status}\r\nContent-Type: text/plain; version=0.0.4\r\n"
                         f"Content-Length: {len(data)}\r\nConnection: close\r\n\r\n".encode()
                         + data)
            await writer.drain()
        except (TimeoutError, ConnectionError, OSError) as exc:
            log.debug("observability request failed: %s", exc)
        finally:
            writer.close()

    return await asyncio.start_server(handle, host, port)
