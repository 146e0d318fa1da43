"""Start `groupbot run` or `groupbot import` in a child that can be SIGKILLed, fast enough to do
it 50 times.

Children fork from a server process that has already imported groupbot (multiprocessing's
forkserver), so one starts in a fraction of a second instead of re-importing everything.
"""

from __future__ import annotations

import contextlib
import faulthandler
import multiprocessing
import os
import signal
import time

FORK = multiprocessing.get_context("forkserver")
FORK.set_forkserver_preload(["groupbot.app", "groupbot.cli", "groupbot.cli.inventory",
                            "tests.killer"])


def _child(config_path: str, log_path: str, environment: dict[str, str]) -> None:
    # The forkserver's environment is from when it started: the test's clock comes explicitly.
    os.environ.update(environment)
    fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    # A child that will not stop prints where each thread is (see `terminate`).
    faulthandler.register(signal.SIGUSR1, all_threads=True)
    from groupbot.cli import main

    os._exit(main(["run", "--no-migrate", "--config", config_path]))


def spawn(config_path, log_path):
    """A running `groupbot run` child (a multiprocessing.Process)."""
    from tests.clocks import child_environment

    process = FORK.Process(target=_child, args=(str(config_path), str(log_path),
                                                child_environment()), daemon=True)
    process.start()
    return process


def _import_child(path: str, log_path: str, environment: dict[str, str]) -> None:
    os.environ.update(environment)
    fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    import sys

    from groupbot.cli import main

    code = main(["import", "--no-progress", path])
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def spawn_import(path, db_url: str, log_path):
    """A running `groupbot import PATH` child writing to `db_url` (a multiprocessing.Process)."""
    from tests.clocks import child_environment

    environment = {**child_environment(), "GROUPBOT_DATABASE_URL": db_url}
    process = FORK.Process(target=_import_child, args=(str(path), str(log_path), environment),
                           daemon=True)
    process.start()
    return process


def kill(process) -> None:
    """SIGKILL: no handler runs, nothing is flushed or released (a no-op once it has ended)."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(process.pid, signal.SIGKILL)
    process.join(10)


def terminate(process, timeout: float = 30.0) -> int | None:
    """SIGTERM and wait; returns the exit code (None, after a stack dump, if still running)."""
    os.kill(process.pid, signal.SIGTERM)
    process.join(timeout)
    if process.exitcode is None:  # the dump lands in the child's log, for the failure report
        with contextlib.suppress(ProcessLookupError):
            os.kill(process.pid, signal.SIGUSR1)
        time.sleep(1.0)
    return process.exitcode


def wait_until(predicate, timeout: float, step: float = 0.005) -> bool:
    """Poll `predicate` until it holds or `timeout` passes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return False
