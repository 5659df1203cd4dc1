from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

import generator.cli as cli
from generator.build import BuildOptions, build
from generator.cli import app
from tests.conftest import ROOT, VaultFactory

runner = CliRunner()

TWO_NOTES = {
    "index.md": "---\ntitle: Tiny course\n---\n# Tiny\n\n## 1. Start\n\n- [[Lesson]]\n",
    "Lesson.md": "# Lesson\n\nBack [[index|home]].\n",
}


def test_cli_help_lists_the_commands() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("build", "check", "dev"):
        assert command in result.output


def test_cli_python_dash_m_generator_is_the_same_command() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "generator", "--version"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0
    assert done.stdout.startswith("coursegen ")


def test_cli_build_two_note_vault_writes_index_html_and_summary(
    make_vault: VaultFactory, tmp_path: Path
) -> None:
    vault = make_vault(TWO_NOTES)
    out = tmp_path / "out"
    result = runner.invoke(app, ["build", str(vault), "-o", str(out), "--no-cache"])
    assert result.exit_code == 0, result.output
    assert (out / "index.html").is_file()
    assert (out / "lesson" / "index.html").is_file()
    index = json.loads((out / "content-index.json").read_text(encoding="utf-8"))
    assert index["notes"]["lesson"]["source"] == "Lesson.md"
    assert "Built " in result.output and "0 errors, 0 warnings" in result.output


def test_cli_build_warning_fails_only_with_strict(make_vault: VaultFactory, tmp_path: Path) -> None:
    vault = make_vault({**TWO_NOTES, "Lesson.md": "See [[Pydantc]].\n"})
    plain = runner.invoke(app, ["build", str(vault), "-o", str(tmp_path / "a"), "--no-cache"])
    strict = runner.invoke(
        app, ["build", str(vault), "-o", str(tmp_path / "b"), "--strict", "--no-cache"]
    )
    assert plain.exit_code == 0
    assert strict.exit_code == 1
    assert "Lesson.md:1: warning: link.unresolved: [[Pydantc]]" in plain.output


def test_cli_build_error_exits_1_and_still_writes_the_site(
    make_vault: VaultFactory, tmp_path: Path
) -> None:
    vault = make_vault({**TWO_NOTES, "index.md": "## 1. Start\n\n- [[Nowhere]]\n"})
    result = runner.invoke(app, ["build", str(vault), "-o", str(tmp_path / "o"), "--no-cache"])
    assert result.exit_code == 1
    assert "error: course.outline-unresolved" in result.output
    assert (tmp_path / "o" / "lesson" / "index.html").is_file()


def test_cli_bad_usage_exits_2(tmp_path: Path) -> None:
    assert runner.invoke(app, ["build", str(tmp_path / "missing")]).exit_code == 2
    assert runner.invoke(app, ["build", "--no-such-option"]).exit_code == 2


def test_cli_build_refuses_to_replace_a_folder_that_is_not_a_site(
    make_vault: VaultFactory, tmp_path: Path
) -> None:
    vault = make_vault(TWO_NOTES)
    precious = tmp_path / "documents"
    precious.mkdir()
    (precious / "thesis.txt").write_text("years of work", encoding="utf-8")
    result = runner.invoke(app, ["build", str(vault), "-o", str(precious), "--no-cache"])
    assert result.exit_code == 1
    assert "was not made by coursegen: it holds thesis.txt" in result.output
    assert (precious / "thesis.txt").read_text(encoding="utf-8") == "years of work"


def test_cli_check_json_lists_diagnostics_with_file_and_line(make_vault: VaultFactory) -> None:
    vault = make_vault({**TWO_NOTES, "Lesson.md": "ok\n\n[[Missing]]\n"})
    result = runner.invoke(app, ["check", str(vault), "--format", "json"])
    payload = json.loads(result.stdout)
    [problem] = payload["diagnostics"]
    assert (problem["file"], problem["line"], problem["code"]) == (
        "Lesson.md",
        3,
        "link.unresolved",
    )
    assert payload["summary"] == {"errors": 0, "warnings": 1, "info": 0, "notes": 2}


PRIVATE_ATTACHMENT = {
    **TWO_NOTES,
    "Answers.md": "---\ndraft: true\n---\n# Answers\n\n![[exam-answers.pdf]]\n",
    "private/exam-answers.pdf": b"%PDF-1.4 answers",
}


def test_cli_check_lists_an_unpublished_attachment_as_info(make_vault: VaultFactory) -> None:
    vault = make_vault(PRIVATE_ATTACHMENT)
    text = runner.invoke(app, ["check", str(vault), "--strict"])
    assert text.exit_code == 0, text.output  # info is not a warning, even with --strict
    assert (
        f"{vault.as_posix()}/private/exam-answers.pdf: info: attachment.unpublished: "
        "no published page links to or embeds this file" in text.output
    )
    assert "0 errors, 0 warnings, 1 info" in text.output
    payload = json.loads(runner.invoke(app, ["check", str(vault), "--format", "json"]).stdout)
    [item] = payload["diagnostics"]
    assert (item["file"], item["severity"], item["code"]) == (
        "private/exam-answers.pdf",
        "info",
        "attachment.unpublished",
    )
    assert payload["summary"] == {"errors": 0, "warnings": 0, "info": 1, "notes": 3}


def test_cli_build_counts_info_without_listing_it(
    make_vault: VaultFactory, tmp_path: Path
) -> None:
    vault = make_vault(PRIVATE_ATTACHMENT)
    out = tmp_path / "out"
    result = runner.invoke(app, ["build", str(vault), "-o", str(out), "--strict", "--no-cache"])
    assert result.exit_code == 0, result.output
    assert "attachment.unpublished" not in result.output
    assert "0 errors, 0 warnings, 1 info (coursegen check lists them)" in result.output
    assert not (out / "private").exists()


def test_cli_check_text_keeps_line_numbers_readable(make_vault: VaultFactory) -> None:
    lines = "\n" * 99 + "[[Missing]]\n"
    vault = make_vault({**TWO_NOTES, "Lesson.md": lines})
    result = runner.invoke(app, ["check", str(vault)])
    assert "Lesson.md:100: warning" in result.output


def test_build_reports_its_progress_stage_by_stage(
    make_vault: VaultFactory, tmp_path: Path
) -> None:
    seen: list[tuple[str, float]] = []
    vault = make_vault({"index.md": "# Home\n\n## One\n\n- [[A]]\n", "A.md": "# A\n"})
    build(BuildOptions(vault=vault, out=tmp_path / "site", cache_dir=None,
                       progress=lambda label, done: seen.append((label, done))))
    stages = [label.split()[0] for label, _ in seen]
    assert stages[0] == "Parsing" and stages[-1] == "Writing"
    assert {"Resolving", "Rendering", "Indexing"} <= set(stages)
    fractions = [done for _, done in seen]
    assert fractions == sorted(fractions) and 0 < fractions[-1] < 1


def test_a_slow_build_on_a_terminal_shows_a_progress_bar(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    screen = io.StringIO()
    monkeypatch.setattr(cli, "err", Console(file=screen, force_terminal=True, width=80))
    with cli._progress_after(0.0, "Building the site") as progress:
        assert progress._timer is not None
        progress._timer.join(10)  # the bar appears once the delay has passed
        progress.update("Rendering 40 pages", 0.5)
    assert "Rendering 40 pages" in screen.getvalue()
    assert "50%" in screen.getvalue() and "━" in screen.getvalue()


def test_no_progress_bar_when_not_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    screen = io.StringIO()
    monkeypatch.setattr(cli, "err", Console(file=screen, force_terminal=False))
    with cli._progress_after(0.0, "Building the site") as progress:
        progress.update("Rendering 40 pages", 0.5)
    assert screen.getvalue() == ""


def test_cli_build_where_no_folder_can_be_made_says_so_without_a_traceback(
    make_vault: VaultFactory, tmp_path: Path
) -> None:
    vault = make_vault(TWO_NOTES)
    (tmp_path / "file.txt").write_text("not a folder", encoding="utf-8")
    out = tmp_path / "file.txt" / "site"
    result = runner.invoke(app, ["build", str(vault), "-o", str(out), "--no-cache"])
    assert result.exit_code == 1
    assert f"Cannot write the site to '{out}'" in result.output
    assert "Traceback" not in result.output
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_cli_build_with_its_cache_folder_blocked_still_builds(
    make_vault: VaultFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault = make_vault(TWO_NOTES)
    monkeypatch.chdir(tmp_path)
    Path(".coursegen-cache").write_text("a file where the cache folder goes", encoding="utf-8")
    result = runner.invoke(app, ["build", str(vault), "-o", "out"])
    assert result.exit_code == 0, result.output
    assert "cannot save the build cache in '.coursegen-cache'" in result.output
    assert (tmp_path / "out" / "lesson" / "index.html").is_file()
    assert "0 errors, 0 warnings" in result.output


def test_cli_build_of_a_folder_without_notes_warns(tmp_path: Path) -> None:
    folder = tmp_path / "pictures"
    folder.mkdir()
    (folder / "cat.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    result = runner.invoke(app, ["build", str(folder), "-o", str(tmp_path / "out"), "--no-cache"])
    assert result.exit_code == 0
    expected = f"{folder.as_posix()}/: warning: vault.empty: this folder holds no notes"
    assert expected in result.output
    # no page shows the picture, so it is not published; check names it
    assert not (tmp_path / "out" / "cat.png").exists()
    assert "0 errors, 1 warning, 1 info (coursegen check lists them)" in result.output


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--base-url", "not a url"),
        ("--base-url", "http://[::1/"),
        ("--base-url", "https://example.org/my course/"),
        ("--base-url", "/course/"),
        ("--api-base", "localhost:8000"),
        ("--api-base", "http://127.0.0.1:port"),
    ],
)
def test_cli_build_refuses_an_address_it_cannot_use(
    make_vault: VaultFactory, tmp_path: Path, option: str, value: str
) -> None:
    vault = make_vault(TWO_NOTES)
    result = runner.invoke(app, ["build", str(vault), "-o", str(tmp_path / "o"), option, value])
    assert result.exit_code == 2
    said = " ".join(result.output.replace("│", " ").split())  # the words, out of their box
    assert "http:// or https:// address" in said and repr(value) in said
    assert "Traceback" not in result.output and not (tmp_path / "o").exists()


@pytest.mark.parametrize(
    ("option", "value"),
    [("--base-url", "https://example.org/course/"), ("--api-base", ""), ("--api-base", "/api")],
)
def test_cli_build_takes_the_addresses_it_can_use(
    make_vault: VaultFactory, tmp_path: Path, option: str, value: str
) -> None:
    vault = make_vault(TWO_NOTES)
    out = tmp_path / "o"
    result = runner.invoke(app, ["build", str(vault), "-o", str(out), "--no-cache", option, value])
    assert result.exit_code == 0, result.output
    assert (out / "index.html").is_file()
