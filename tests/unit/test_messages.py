"""The message catalogue: complete in both languages, no key twice, every key the code asks
for exists, and no user-facing Chinese left outside it."""

import ast
import io
import re
import string
import tokenize
from pathlib import Path

import pytest

import groupbot
from groupbot import messages
from groupbot.messages import LANGUAGES, TEXTS, name_of, section, t

PACKAGE = Path(groupbot.__file__).parent
CATALOGUE = PACKAGE / "messages"
CJK = re.compile(r"[\u4e00-\u9fff]")
# Modules whose Chinese string literals are data, not text people read, and why.
CJK_DATA = {
    "config.py": "default temporary-group title patterns, matched against titles",
    "demo/": "the synthetic district's titles, places and vocabulary",
    "domain/textnorm.py": "text normalisation tables (decorations, variants, suffixes)",
    "domain/match_features.py": "administrative level suffixes used to read titles",
    "domain/matching.py": "place suffixes stripped before comparing place names",
}
# The catalogue key prefix each helper call adds, by module (`_t("approve")` there means
# "merges.approve"); plain `t(...)` calls name the whole key.
PREFIXES = {
    "telegram/handlers.py": "bot.",
    "telegram/merge_handlers.py": "merges.",
    "telegram/lifecycle_handlers.py": "lifecycle.",
    "reports/digest_text.py": "digest.",
}
AREA_PREFIXES = {
    "bot": ("bot.", "refusal.", "status."),
    "lifecycle": ("lifecycle.", "verdict."),
    "merges": ("merges.", "matching."),
    "digest": ("digest.", "change."),
    "reports": ("report.", "chart.", "csv."),
    "cli": ("cli.",),
}


def placeholders(template: str) -> set[str]:
    """The names a template fills in."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def test_every_key_has_both_languages_with_the_same_placeholders():
    assert len(TEXTS) > 100
    for key, entry in TEXTS.items():
        assert set(entry) == set(LANGUAGES), key
        assert all(entry[lang].strip() for lang in LANGUAGES), key
        assert placeholders(entry["zh"]) == placeholders(entry["en"]), key


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_key_renders_with_dummy_values(language):
    for key, entry in TEXTS.items():
        values = dict.fromkeys(placeholders(entry[language]), "x")
        assert t(key, language, **values), key


def test_unknown_language_falls_back_to_chinese_and_unknown_key_raises():
    assert t("bot.none", "fr") == t("bot.none", "zh")
    with pytest.raises(KeyError):
        t("bot.no_such_key", "zh")


def test_names_and_sections():
    assert name_of("status", "archived", "zh") == "已归档"
    assert name_of("verdict", "zombie", "en") == "zombie"
    assert name_of("status", "something_new", "zh") == "something_new"
    assert set(section("refusal")) >= {"not_group_admin", "private_only"}


def literal_keys(path: Path) -> list[str]:
    """The keys of the TEXTS dict literal in a catalogue module, duplicates included."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        target = getattr(node, "target", None) or (getattr(node, "targets", None) or [None])[0]
        if isinstance(target, ast.Name) and target.id == "TEXTS":
            return [k.value for k in node.value.keys]
    raise AssertionError(f"no TEXTS in {path}")


def test_no_key_is_defined_twice_and_each_lives_in_its_area():
    seen: dict[str, str] = {}
    for path in sorted(CATALOGUE.glob("*.py")):
        if path.name == "__init__.py":
            continue
        keys = literal_keys(path)
        assert len(keys) == len(set(keys)), f"a key twice in {path.name}"
        for key in keys:
            assert key not in seen, f"{key} in {seen.get(key)} and {path.name}"
            assert key.startswith(AREA_PREFIXES[path.stem]), (path.name, key)
            seen[key] = path.name
    assert set(seen) == set(TEXTS)
    with pytest.raises(ValueError, match="twice"):
        messages._merge([{"bot.x": {}}, {"bot.x": {}}])


def test_catalogue_modules_stay_small():
    for path in CATALOGUE.glob("*.py"):
        assert len(path.read_text(encoding="utf-8").splitlines()) <= 300, path.name


def used_keys(path: Path) -> list[str]:
    """Keys named by literal arguments of t(), self._t(), _t(), say() and the domain's
    Phrase() in a module."""
    relative = path.relative_to(PACKAGE).as_posix()
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and node.args
                and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        if name in ("t", "Phrase"):
            found.append(node.args[0].value)
        elif name == "_t" and relative in PREFIXES:
            found.append(PREFIXES[relative] + node.args[0].value)
        elif name == "say":
            found.append("cli." + node.args[0].value)
    return found


def test_every_key_the_code_names_exists():
    used = [(p.relative_to(PACKAGE).as_posix(), key) for p in PACKAGE.rglob("*.py")
            if CATALOGUE not in p.parents for key in used_keys(p)]
    assert len(used) > 80  # the scan really finds the calls
    missing = [(where, key) for where, key in used if key not in TEXTS]
    assert not missing


def test_every_stored_value_people_see_has_a_name():
    from groupbot.domain.authority import Reason
    from groupbot.domain.events import GroupStatus
    from groupbot.domain.lifecycle import Verdict

    assert all(f"status.{status.value}" in TEXTS for status in GroupStatus)
    assert all(f"refusal.{reason.value}" in TEXTS for reason in Reason)
    assert all(f"verdict.{verdict.value}" in TEXTS for verdict in Verdict)


def cjk_literals(path: Path) -> list[tuple[int, str]]:
    """String literals with Chinese characters, docstrings left out (comments never count)."""
    source = path.read_text(encoding="utf-8")
    tokens = [tok for tok in tokenize.generate_tokens(io.StringIO(source).readline)
              if tok.type not in (tokenize.COMMENT, tokenize.NL)]
    found = []
    for i, tok in enumerate(tokens):
        if tok.type != tokenize.STRING or not CJK.search(tok.string):
            continue
        # A string standing alone as a statement is a docstring: it documents, it is not shown.
        alone = (i == 0 or tokens[i - 1].type in (tokenize.NEWLINE, tokenize.INDENT,
                                                   tokenize.DEDENT)) and \
            tokens[i + 1].type in (tokenize.NEWLINE, tokenize.ENDMARKER)
        if not alone:
            found.append((tok.start[0], tok.string[:40]))
    return found


def test_no_chinese_text_outside_the_catalogue():
    offenders = {}
    used_exceptions = set()
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        if CATALOGUE in path.parents:
            continue
        hits = cjk_literals(path)
        exception = next((e for e in CJK_DATA if relative.startswith(e)), None)
        if hits and exception:
            used_exceptions.add(exception)
        elif hits:
            offenders[relative] = hits
    assert not offenders, f"move these texts to groupbot/messages: {offenders}"
    assert used_exceptions == set(CJK_DATA), "drop exceptions that no longer apply"


def test_the_scan_sees_literals_but_not_docstrings_or_comments(tmp_path):
    module = tmp_path / "m.py"
    module.write_text('"""文档。"""\n\n\ndef f():\n    """说明。"""\n    # 注释\n'
                      '    return "你好" + x\n', encoding="utf-8")
    assert [line for line, _ in cjk_literals(module)] == [7]
