"""`groupbot demo`: a synthetic district end to end into one HTML report, no Telegram."""

from groupbot.cli import main


def test_demo_writes_a_report_and_prints_headlines(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["demo", "--groups", "400", "--out", str(tmp_path / "demo")]) == 0
    out = capsys.readouterr().out
    assert f"report: {tmp_path / 'demo' / 'demo.html'}" in out
    groups = int(out.split("groups: ")[1].split(",")[0])
    proposals = int(out.split("merge proposals: ")[1].split(",")[0])
    assert groups >= 300 and proposals >= 5
    html = (tmp_path / "demo" / "demo.html").read_text(encoding="utf-8")
    assert "data:image/png;base64," in html and "合并建议" in html and "生命周期预览" in html
    assert (tmp_path / "demo" / "demo.db").exists()
