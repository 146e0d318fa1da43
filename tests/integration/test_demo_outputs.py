"""`groupbot demo --out DIR`: never clobbers without --force, never writes through a link, and
replaces each file whole."""

import sqlite3

import pytest

from groupbot.cli import main

OUTPUTS = ("census.csv", "demo.db", "demo.html")


@pytest.fixture
def demo(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)

    def run(out, *extra: str) -> tuple[int, str]:
        code = main(["demo", "--groups", "120", "--out", str(out), *extra])
        return code, capsys.readouterr().err
    return run


def one_line(err: str) -> str:
    lines = [line for line in err.splitlines() if not line.startswith("generating")]
    assert len(lines) == 1, err
    return lines[0]


def test_a_non_empty_directory_needs_force(tmp_path, demo):
    out = tmp_path / "out"
    out.mkdir()
    (out / "census.csv").write_text("mine", encoding="utf-8")
    code, err = demo(out)
    assert code == 1 and "is not empty; use --force" in one_line(err)
    assert sorted(p.name for p in out.iterdir()) == ["census.csv"]
    assert (out / "census.csv").read_text(encoding="utf-8") == "mine"


def test_a_symlinked_directory_is_refused(tmp_path, demo):
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "link").symlink_to(real)
    for extra in ((), ("--force",)):
        code, err = demo(tmp_path / "link", *extra)
        assert code == 1 and "symbolic link" in one_line(err)
    assert list(real.iterdir()) == []


@pytest.mark.parametrize("name", OUTPUTS)
def test_a_symlinked_target_is_refused_even_with_force(tmp_path, demo, name):
    out, victim = tmp_path / "out", tmp_path / "victim"
    out.mkdir()
    victim.write_text("precious", encoding="utf-8")
    (out / name).symlink_to(victim)
    code, err = demo(out, "--force")
    assert code == 1 and f"{out / name} is a symbolic link" in one_line(err)
    assert victim.read_text(encoding="utf-8") == "precious"
    assert sorted(p.name for p in out.iterdir()) == [name]  # nothing else was left behind


def test_a_file_is_not_a_directory(tmp_path, demo):
    (tmp_path / "file").write_text("x", encoding="utf-8")
    code, err = demo(tmp_path / "file")
    assert code == 1 and "is not a directory" in one_line(err)


def test_force_replaces_each_file_whole(tmp_path, demo):
    out = tmp_path / "out"
    assert demo(out)[0] == 0  # created
    for name in OUTPUTS:
        (out / name).write_text("stale", encoding="utf-8")
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    assert demo(out, "--force")[0] == 0
    assert sorted(p.name for p in out.iterdir()) == sorted((*OUTPUTS, "notes.txt"))
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert (out / "demo.html").read_text(encoding="utf-8").startswith("<!doctype html>")
    assert (out / "census.csv").read_text(encoding="utf-8-sig").startswith("platform,")
    with sqlite3.connect(out / "demo.db") as db:  # a whole database, not a torn one
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert db.execute("SELECT count(*) FROM groups").fetchone()[0] > 50
