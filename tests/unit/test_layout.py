"""The package layout shows the architecture: a pure domain, importers that only parse, no layer
reaching back into the command line or the Telegram adapter, small modules."""

import ast
from pathlib import Path

import groupbot

PACKAGE = Path(groupbot.__file__).parent
FORBIDDEN = ("telegram", "sqlalchemy", "apscheduler", "alembic", "httpx")
MAX_LINES = 350
# Modules allowed over MAX_LINES, and why.
LONG_MODULES = {
    "domain/textnorm.py": "one hot-path normaliser: its word lists and compiled regexes are "
                          "read together",
}


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, lazily imported ones included."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def modules_in(package: str) -> list[Path]:
    """The package's source files (at least one, so a rule never passes vacuously)."""
    files = sorted((PACKAGE / package).rglob("*.py"))
    assert files, package
    return files


def offending(files: list[Path], bad) -> dict[str, set[str]]:
    """file -> the imports `bad` rejects, for files that have any."""
    found = {path.relative_to(PACKAGE).as_posix(): {m for m in imported_modules(path) if bad(m)}
             for path in files}
    return {name: mods for name, mods in found.items() if mods}


def outside_the_core(module: str) -> bool:
    """A module the pure core must not use: frameworks, or groupbot's own outer layers."""
    if module.startswith(FORBIDDEN):
        return True
    return module.startswith("groupbot.") and not module.startswith(("groupbot.domain",
                                                                      "groupbot.__"))


def test_domain_imports_are_pure():
    assert len(modules_in("domain")) >= 4
    assert not offending(modules_in("domain"), outside_the_core)


def test_importers_only_turn_files_into_domain_rows():
    # Applying rows is the services' job; an importer that imported them would close a cycle.
    assert not offending(modules_in("importers"), lambda m: m.startswith("groupbot.") and
                         not m.startswith(("groupbot.domain", "groupbot.importers")))


def test_inner_layers_never_reach_the_adapters():
    files = [p for layer in ("domain", "services", "storage", "importers")
             for p in modules_in(layer)]
    assert not offending(files, lambda m: m.startswith(("groupbot.telegram", "groupbot.cli",
                                                        "groupbot.app")))


def test_the_catalogue_is_plain_words():
    # Every layer but the domain may word things with it, so it must depend on nothing.
    assert not offending(modules_in("messages"), lambda m: m.startswith("groupbot.") and
                         not m.startswith("groupbot.messages"))
    assert not offending(modules_in("domain"), lambda m: m.startswith("groupbot.messages"))


def test_only_the_entry_points_import_the_command_line():
    files = [p for p in PACKAGE.rglob("*.py")
             if "cli" not in p.relative_to(PACKAGE).parts and p.name != "__main__.py"]
    assert PACKAGE / "app.py" in files
    assert not offending(files, lambda m: m.startswith("groupbot.cli"))


def test_modules_stay_small():
    sizes = {p.relative_to(PACKAGE).as_posix(): len(p.read_text(encoding="utf-8").splitlines())
             for p in PACKAGE.rglob("*.py")}
    too_long = {name: n for name, n in sizes.items() if n > MAX_LINES and name not in LONG_MODULES}
    assert not too_long, f"split these modules (or justify them in LONG_MODULES): {too_long}"
    stale = {name for name in LONG_MODULES if sizes.get(name, 0) <= MAX_LINES}
    assert not stale, f"no longer long, drop from LONG_MODULES: {stale}"
