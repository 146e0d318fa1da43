"""Files the command line writes: never through a symbolic link, never half-written.

Everything is built in a private staging directory (mode 0700, created fresh by `mkdtemp`)
inside the output directory, where no other user can plant a link, and then moved into place
with `os.replace`. That rename replaces a directory entry and never follows a link, so a
reader sees the old file or the new one, never a mixture, and a crash leaves at most a
staging directory behind.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from groupbot.cli.failures import Failure
from groupbot.cli.words import say


def prepare_directory(out: Path, names: tuple[str, ...], *, force: bool) -> Path:
    """Check (or create) `out` for writing `names`; raises Failure when it must not be used."""
    if out.is_symlink():
        raise Failure(say("refuse_symlink", path=out))
    if not out.exists():
        out.mkdir(parents=True)
        return out
    if not out.is_dir():
        raise Failure(say("demo_not_a_directory", path=out))
    if any(out.iterdir()) and not force:
        raise Failure(say("demo_not_empty", path=out))
    _refuse_links(out, names)
    return out


@contextlib.contextmanager
def staging(out: Path) -> Iterator[Path]:
    """A private directory inside `out` to build files in; removed afterwards."""
    staged = Path(tempfile.mkdtemp(prefix=".groupbot-", dir=out))
    try:
        yield staged
    finally:
        shutil.rmtree(staged, ignore_errors=True)


def publish(staged: Path, out: Path, names: tuple[str, ...]) -> None:
    """Move each built file from `staged` over its namesake in `out`, atomically."""
    _refuse_links(out, names)  # a link planted while we were building
    for name in names:
        os.replace(staged / name, out / name)


def _refuse_links(out: Path, names: tuple[str, ...]) -> None:
    for name in names:
        if (out / name).is_symlink():
            raise Failure(say("refuse_symlink", path=out / name))
