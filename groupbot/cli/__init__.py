"""The `groupbot` command: run, db upgrade, import, match, unmerge, scan, restore, digest,
export."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from datetime import date
from pathlib import Path

from groupbot import __version__
from groupbot.cli.config_file import readable_secrets
from groupbot.cli.failures import explain, quiet_late_worker_threads, secrets_of
from groupbot.cli.terminal import plain
from groupbot.cli.words import say
from groupbot.clock import ClockError, clock_from_environment
from groupbot.config import Config, ConfigError, load_config
from groupbot.logs import setup_logging

DEFAULT_CONFIG = "config.toml"


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    # SUPPRESS: a subcommand that is not given --config keeps the one given before it.
    common.add_argument("--config", metavar="PATH", default=argparse.SUPPRESS,
                        help=f"config file (default: {DEFAULT_CONFIG} if it exists)")
    common.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                        help="show the traceback when a command fails")
    parser = argparse.ArgumentParser(
        prog="groupbot", parents=[common],
        description="Keeps an inventory of work groups and cuts overlapping chats.")
    parser.add_argument("--version", action="version", version=f"groupbot {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser("run", parents=[common], help="run the bot (long polling)",
                         description="Run the bot with long polling until SIGINT/SIGTERM.")
    run.add_argument("--no-migrate", action="store_true",
                     help="do not apply pending database migrations first")
    run.set_defaults(handler=_run)

    db = sub.add_parser("db", parents=[common], help="database maintenance",
                        description="Database maintenance.")
    db_sub = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    upgrade = db_sub.add_parser("upgrade", parents=[common], help="apply database migrations",
                                description="Apply Alembic migrations up to the latest.")
    upgrade.set_defaults(handler=_db_upgrade)

    imp = sub.add_parser("import", parents=[common], help="import census files (CSV/XLSX)",
                         description="Import work groups from census CSV/XLSX files.")
    imp.add_argument("files", nargs="+", metavar="FILE", type=Path,
                     help="census CSV (UTF-8, UTF-16, GB18030 or Big5) or XLSX files")
    imp.add_argument("--encoding", metavar="ENC",
                     help="the CSV files' encoding when it is not recognised (e.g. big5)")
    imp.add_argument("--no-progress", action="store_true", help="never show a progress bar")
    imp.set_defaults(handler=_import)

    match = sub.add_parser("match", parents=[common], help="propose merges of duplicate groups",
                           description="Find groups with the same function and the same people "
                                       "and propose merging them.")
    match.add_argument("--json", action="store_true", help="print proposals as JSON")
    match.set_defaults(handler=_match)

    unmerge = sub.add_parser("unmerge", parents=[common], help="revert an executed merge",
                             description="Revert an executed merge: absorbed groups get their "
                                         "previous state (and permissions) back.")
    unmerge.add_argument("proposal_id", type=int, metavar="ID", help="the proposal's id")
    unmerge.set_defaults(handler=_unmerge)

    scan = sub.add_parser("scan", parents=[common],
                          help="find zombie and expired temporary groups; warn and archive",
                          description="Scan for zombie, expired temporary and low-activity "
                                      "groups; warn and archive as the policy says.")
    scan.add_argument("--as-of", type=date.fromisoformat, metavar="YYYY-MM-DD",
                      help="scan as if today were this date")
    scan.add_argument("--dry-run", action="store_true",
                      help="show what would be warned and archived; change nothing")
    scan.add_argument("--json", action="store_true", help="print the verdicts as JSON")
    scan.set_defaults(handler=_scan)

    restore = sub.add_parser("restore", parents=[common], help="restore an archived group",
                             description="Restore an archived group and its permissions.")
    restore.add_argument("chat_id", metavar="CHAT_ID")
    restore.add_argument("--platform", default="telegram", help="default: telegram")
    restore.set_defaults(handler=_restore)

    digest = sub.add_parser("digest", parents=[common], help="the weekly digest",
                            description="Build the weekly digest and print or send it.")
    digest.add_argument("--as-of", type=date.fromisoformat, metavar="YYYY-MM-DD",
                        help="the digest of the week containing this date")
    how = digest.add_mutually_exclusive_group()
    how.add_argument("--print", action="store_true", help="print it (the default)")
    how.add_argument("--send", action="store_true", help="send it to the admin chat")
    digest.add_argument("--format", choices=("text", "json", "html"), default="text",
                        help="printed format (default: text)")
    digest.set_defaults(handler=_digest)

    demo = sub.add_parser("demo", parents=[common], help="see groupbot work, without Telegram",
                          description="Build a synthetic district, import it, match, preview "
                                      "the lifecycle and write an HTML report.")
    demo.add_argument("--groups", type=int, default=2000, help="district size (default 2000)")
    demo.add_argument("--out", type=Path, metavar="DIR", help="where to write (default: temp)")
    demo.add_argument("--force", action="store_true",
                      help="write into a non-empty DIR, replacing earlier demo files")
    demo.set_defaults(handler=_demo)

    export = sub.add_parser("export", parents=[common], help="print the group inventory",
                            description="Print the group inventory to stdout.")
    export.add_argument("--format", choices=("json", "csv"), default="json",
                        help="output format (default: json)")
    export.set_defaults(handler=_export)
    return parser


def _config_path(args: argparse.Namespace) -> Path | None:
    given = getattr(args, "config", None)  # absent when no --config was given anywhere
    if given:
        return Path(given)
    default = Path(DEFAULT_CONFIG)
    return default if default.exists() else None


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the process exit code (0 ok, 1 failed, 2 usage or config)."""
    args = _parser().parse_args(argv)
    path = _config_path(args)
    try:
        config = load_config(path, require_token=args.handler is _run)
        clock_from_environment(config.tz)  # a mistyped moment fails here, not mid-command
    except (ConfigError, ClockError) as exc:
        print(say("config_error", error=plain(exc)), file=sys.stderr)
        return 2
    quiet_late_worker_threads()
    setup_logging(config.log_level, config.telegram.token, config.log_format,
                  secrets=secrets_of(config))
    _warn_if_exposed(path, as_json=config.log_format == "json")
    try:
        return args.handler(args, config) or 0
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        return _failed(exc, config, debug=getattr(args, "debug", False))


def _failed(exc: Exception, config: Config, *, debug: bool) -> int:
    """One line for an expected failure (and the traceback with --debug); a bug's traceback."""
    line = explain(exc, config)
    if line is None or debug:
        # Through the logger, so the traceback is redacted like every other line.
        logging.getLogger("groupbot").error(
            "groupbot stopped on an unexpected error" if line is None else "command failed",
            exc_info=exc)
    if line is not None:
        print(line, file=sys.stderr)
    return 1


def _warn_if_exposed(path: Path | None, *, as_json: bool) -> None:
    """Like ssh: a file holding secrets that others can read gets a warning, not a refusal."""
    if path is None:
        return
    exposed = readable_secrets(path)
    if exposed:
        line = plain(say("config_readable", path=path, keys=", ".join(exposed),
                         mode=f"{path.stat().st_mode & 0o777:04o}"))
        if as_json:  # a log collector reads every line as JSON
            logging.getLogger("groupbot").warning(line)
        else:
            print(line, file=sys.stderr)


def _run(args: argparse.Namespace, config: Config) -> int:
    from groupbot.cli.run import run

    return run(config, migrate=not args.no_migrate)


def _db_upgrade(args: argparse.Namespace, config: Config) -> int:
    from groupbot.cli.db import upgrade

    return upgrade(config)


def _import(args: argparse.Namespace, config: Config) -> int:
    from groupbot.cli.inventory import import_files

    return asyncio.run(import_files(config, args.files, show_progress=not args.no_progress,
                                    encoding=args.encoding))


def _match(args: argparse.Namespace, config: Config) -> int:
    from groupbot.cli.match import run_match

    return asyncio.run(run_match(config, as_json=args.json))


def _unmerge(args: argparse.Namespace, config: Config) -> int:
    from groupbot.cli.match import run_unmerge

    return asyncio.run(run_unmerge(config, args.proposal_id))


def _scan(args: argparse.Namespace, config: Config) -> int:
    from groupbot.cli.lifecycle import run_scan

    return asyncio.run(run_scan(config, as_of=args.as_of, dry_run=args.dry_run,
                                as_json=args.json))


def _restore(args: argparse.Namespace, config: Config) -> int:
    from groupbot.cli.lifecycle import run_restore

    return asyncio.run(run_restore(config, args.chat_id, args.platform))


def _digest(args: argparse.Namespace, config: Config) -> int:
    from groupbot.cli.digest import run_digest

    return asyncio.run(run_digest(config, as_of=args.as_of, send=args.send, fmt=args.format))


def _demo(args: argparse.Namespace, config: Config) -> int:
    from groupbot.cli.demo import run_demo

    return asyncio.run(run_demo(args.groups, args.out, config.language, force=args.force))


def _export(args: argparse.Namespace, config: Config) -> int:
    from groupbot.cli.inventory import export_inventory

    return export_inventory(config, args.format)
