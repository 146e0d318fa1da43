"""The domain core imports nothing from Telegram, the database or the scheduler."""

import ast
from pathlib import Path

import groupbot.domain

FORBIDDEN = ("telegram", "sqlalchemy", "apscheduler", "alembic", "httpx")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def outside_the_core(module: str) -> bool:
    """A module the pure core must not use: frameworks, or groupbot's own outer layers."""
    if module.startswith(FORBIDDEN):
        return True
    return module.startswith("groupbot.") and not module.startswith(("groupbot.domain",
                                                                      "groupbot.__"))


def test_domain_imports_are_pure():
    files = list(Path(groupbot.domain.__file__).parent.glob("*.py"))
    assert len(files) >= 4
    for path in files:
        bad = {m for m in imported_modules(path)
               if outside_the_core(m) and not m.startswith("groupbot.domain")}
        assert not bad, f"{path.name} imports {bad}"
