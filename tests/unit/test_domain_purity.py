"""The domain core imports nothing from Telegram, the database or the scheduler."""

import ast
from pathlib import Path

import groupbot.domain

FORBIDDEN = ("telegram", "sqlalchemy", "apscheduler", "alembic", "httpx", "groupbot.storage",
             "groupbot.telegram", "groupbot.services")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_domain_imports_are_pure():
    files = list(Path(groupbot.domain.__file__).parent.glob("*.py"))
    assert len(files) >= 4
    for path in files:
        bad = {m for m in imported_modules(path) if m.startswith(FORBIDDEN)}
        assert not bad, f"{path.name} imports {bad}"
