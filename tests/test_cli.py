"""The CLI through click's runner: exit codes, choosing the pack, the report header, colour, explain, init,
schema --check. Usage errors are one line on stderr with exit 2, never a traceback."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import MINIMAL, ROOT, edit, run_cli, validate_json

from oafctl.cli import cli
from oafctl.packs import all_packs
from oafctl.rules import builtin_rules

CORE_RULES = [f"OAF00{n}" for n in range(9)]
COLOUR = re.compile(r"\x1b\[[0-9;]*(?:3[0-7]|9[0-7]|38;[0-9;]+)m")


def _usage_error(args: list[str], cwd: Path | None = None) -> str:
    """Run the CLI expecting exit 2; return its stderr, checked to be one line without a traceback."""
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 2, (args, result.output)
    assert "Traceback" not in result.output
    return result.stderr


def _oneline(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("oafctl: error: "), stderr
    return lines[0]


# --- exit codes ---------------------------------------------------------------------------------------------


def test_exit_0_when_clean() -> None:
    assert run_cli("validate", str(MINIMAL)).exit_code == 0


def test_exit_1_on_errors(estate: Callable[..., Path]) -> None:
    repo = estate()
    edit(repo, "mous/QHM.yaml", "review_date: 2024-10-01", "review_date: 2026-10-01")
    assert run_cli("validate", str(repo)).exit_code == 1


def test_fail_on_warning(estate: Callable[..., Path]) -> None:
    repo = estate()
    edit(repo, "mous/QHM.yaml", "review_date: 2024-10-01", "review_date: 2026-10-01")
    (repo / "oaf.yaml").write_text((repo / "oaf.yaml").read_text() + "rules:\n  OAF008: {severity: warning}\n")
    assert run_cli("validate", str(repo)).exit_code == 0
    assert run_cli("validate", str(repo), "--fail-on", "warning").exit_code == 1
    assert run_cli("validate", str(repo), "--fail-on", "error").exit_code == 0


def test_bad_option_is_a_usage_error() -> None:
    for args in (["validate", str(MINIMAL), "--format", "xml"], ["validate", str(MINIMAL), "--bogus"],
                 ["validate", str(MINIMAL), "--as-of", "2024-02-30"], ["validate", str(MINIMAL), "--fail-on", "x"]):
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 2, args
        assert "Traceback" not in result.output


def test_missing_path_is_a_one_line_error(tmp_path: Path) -> None:
    line = _oneline(_usage_error(["validate", str(tmp_path / "nowhere")]))
    assert "path does not exist" in line and "nowhere" in line


def test_empty_folder_is_a_one_line_error(tmp_path: Path) -> None:
    (tmp_path / "notes.md").write_text("no YAML here\n")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "x.yaml").write_text("a: 1\n")  # hidden folders are skipped
    line = _oneline(_usage_error(["validate", str(tmp_path)]))
    assert "no YAML files found" in line


def test_unknown_framework_is_a_usage_error() -> None:
    line = _oneline(_usage_error(["validate", str(MINIMAL), "--framework", "sof-2022-24"]))
    assert "unknown framework 'sof-2022-24'; did you mean 'sof-2022-23'?" in line


# --- choosing the pack and the date --------------------------------------------------------------------------


def _without_framework(estate: Callable[..., Path]) -> Path:
    repo = estate()
    edit(repo, "oaf.yaml", "framework: sof-2022-23\n", "")
    return repo


def test_framework_is_chosen_by_date(estate: Callable[..., Path]) -> None:
    repo = _without_framework(estate)
    assert validate_json(repo)[1]["framework"] == "sof-2022-23"  # as_of 2024-06-01 from oaf.yaml
    assert validate_json(repo, "--as-of", "2025-03-31")[1]["framework"] == "sof-2022-23"
    assert validate_json(repo, "--as-of", "2025-04-01")[1]["framework"] == "nof-2025-26"
    # A proposal (no in-force dates) is never chosen automatically, only by name.
    assert all(p.in_force is None for p in all_packs().values() if p.status == "proposal")
    assert validate_json(repo, "--framework", "nof-2025-26")[1]["framework"] == "nof-2025-26"


def test_framework_option_overrides_oaf_yaml() -> None:
    code, report = validate_json(MINIMAL, "--framework", "nof-2025-26")
    assert report["framework"] == "nof-2025-26"
    assert code == 1  # ICB segments are errors under nof-2025-26
    assert {f["rule"] for f in report["findings"]} >= {"OAF003", "OAF007"}


def test_no_pack_in_force_on_the_date(estate: Callable[..., Path]) -> None:
    repo = _without_framework(estate)
    line = _oneline(_usage_error(["validate", str(repo), "--as-of", "2021-01-01"]))
    assert "no framework is in force on 2021-01-01" in line and "--framework" in line


def test_unknown_framework_in_oaf_yaml_is_a_finding(estate: Callable[..., Path]) -> None:
    repo = estate()
    edit(repo, "oaf.yaml", "framework: sof-2022-23", "framework: sof-2022-32")
    code, report = validate_json(repo, cwd=repo)
    [finding] = report["findings"]
    assert (finding["rule"], finding["file"], finding["line"], finding["column"]) == ("OAF000", "oaf.yaml", 8, 12)
    assert "did you mean 'sof-2022-23'" in finding["message"]
    assert report["framework"] == "sof-2022-23" and code == 1  # the pack in force on as_of


def test_report_header_prints_as_of(estate: Callable[..., Path]) -> None:
    first = run_cli("validate", str(MINIMAL)).output.splitlines()[0]
    assert "framework sof-2022-23" in first
    assert f"as of 2024-06-01 ({Path(os.path.relpath(MINIMAL / 'oaf.yaml')).as_posix()})" in first
    first = run_cli("validate", str(MINIMAL), "--as-of", "2024-07-01").output.splitlines()[0]
    assert "as of 2024-07-01 (--as-of)" in first
    repo = _without_framework(estate)
    edit(repo, "oaf.yaml", "as_of: 2024-06-01\n", "")
    result = run_cli("validate", str(repo))
    assert re.search(r"as of \d{4}-\d{2}-\d{2} \(today \(UTC\)\)", result.output.splitlines()[0])
    assert validate_json(repo)[1]["as_of"] == re.search(r"as of (\S+)", result.output).group(1)  # type: ignore[union-attr]


def test_text_report_groups_by_file_and_shows_the_source_line() -> None:
    example = ROOT / "examples" / "rules" / "OAF003"
    result = run_cli("validate", ".", cwd=example)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0].startswith("oafctl ") and "as of 2024-06-01 (oaf.yaml)" in lines[0]
    assert lines[1:3] == ["", "mou.yaml"]  # one heading per file, relative to the working folder
    at = next(i for i, line in enumerate(lines) if line.startswith("  14:11   error   OAF003  "))
    source = (example / "mou.yaml").read_text().splitlines()[13]
    assert lines[at + 1] == f"    14 │ {source}"
    caret = lines[at + 2]
    assert caret.index("^") == lines[at + 1].index("QHM")  # the caret stands under column 11
    assert lines[at + 3].strip() == "hint: set `lead: Y63` in this arrangement"
    assert lines[-1] == "✖ 2 errors, 0 warnings in 1 file"


def test_caret_lines_up_after_a_tab(tmp_path: Path) -> None:
    (tmp_path / "icb.yaml").write_text("apiVersion: oaf/v1\nkind: ICB\ncode: QHM\nname: N\nregion: Y63\n"
                                       "peer_support: {offer: a,\tparters: [X24]}\n")
    lines = run_cli("validate", ".", "--as-of", "2024-06-01", cwd=tmp_path).output.splitlines()
    at = next(i for i, line in enumerate(lines) if "unknown field 'parters'" in line)
    assert lines[at + 2].index("^") == lines[at + 1].index("parters")


# --- colour ---------------------------------------------------------------------------------------------------


def _validate_subprocess(path: Path, env: dict[str, str]) -> str:
    clean = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "TERM")}
    proc = subprocess.run([sys.executable, "-m", "oafctl", "validate", str(path)], capture_output=True, text=True,
                          env={**clean, **env}, timeout=120, check=False)
    assert proc.returncode == 1, proc.stderr
    return proc.stdout


def test_colour_only_on_a_terminal_and_never_with_no_color() -> None:
    example = ROOT / "examples" / "rules" / "OAF004"
    assert not COLOUR.search(_validate_subprocess(example, {}))  # a pipe is not a terminal
    assert COLOUR.search(_validate_subprocess(example, {"FORCE_COLOR": "1"}))  # rich treats this as a terminal
    assert not COLOUR.search(_validate_subprocess(example, {"FORCE_COLOR": "1", "NO_COLOR": "1"}))


# --- explain ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("rule", builtin_rules(), ids=lambda r: r.id)
def test_explain_every_rule(rule: object) -> None:
    from oafctl.rules import Rule

    assert isinstance(rule, Rule)
    result = run_cli("explain", rule.id)
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.startswith(f"{rule.id} {rule.name}: {rule.title}")
    squashed = " ".join(out.split())
    assert " ".join(rule.what.split()) in squashed
    for example in (rule.passing, rule.failing):
        assert example.strip(), f"{rule.id} has no example"
        for line in example.strip().splitlines():
            assert line.rstrip() in out
    assert "Passing example" in out and "Failing example" in out
    for pack in all_packs().values():
        source = pack.sources.get(rule.id)
        if source is not None:
            assert f"[{pack.id}]" in out
            shown = source.quote or source.summary
            assert " ".join(shown.split()) in squashed
            assert " ".join(source.cite.split()) in squashed


@pytest.mark.parametrize("rule_id", CORE_RULES[1:])
def test_core_rules_rest_on_source_text_in_every_in_force_pack(rule_id: str) -> None:
    for pack in all_packs().values():
        if pack.status != "proposal":
            assert rule_id in pack.sources, (pack.id, rule_id)
    assert "Framework text" in run_cli("explain", rule_id).output


def test_explain_is_case_insensitive_and_suggests() -> None:
    assert run_cli("explain", "oaf003").output.startswith("OAF003 ")
    line = _oneline(_usage_error(["explain", "OAF03"]))
    assert "unknown rule 'OAF03'" in line and "did you mean" in line


def test_explain_list() -> None:
    result = run_cli("explain", "--list", "--framework", "sof-2022-23")
    assert result.exit_code == 0
    for rule in CORE_RULES:
        assert re.search(rf"^\s+{rule}\s", result.output, re.MULTILINE), rule
    assert "sof-2022-23" in result.output


# --- init -------------------------------------------------------------------------------------------------------


def test_init_scaffolds_a_repo_that_validates_clean(tmp_path: Path) -> None:
    target = tmp_path / "governance"
    result = run_cli("init", str(target))
    assert result.exit_code == 0, result.output
    assert (target / "oaf.yaml").is_file()
    code, report = validate_json(target)
    assert (code, report["findings"]) == (0, [])
    assert report["summary"]["organisations"] >= 4


def test_init_refuses_to_overwrite(tmp_path: Path) -> None:
    run_cli("init", str(tmp_path))
    (tmp_path / "oaf.yaml").write_text("# mine\n")
    line = _oneline(_usage_error(["init", str(tmp_path)]))
    assert "already holds YAML files" in line
    line = _oneline(_usage_error(["init", str(tmp_path), "--force"]))
    assert "would overwrite" in line
    assert (tmp_path / "oaf.yaml").read_text() == "# mine\n"


# --- schema -----------------------------------------------------------------------------------------------------


def test_schema_check_passes_on_the_committed_schemas() -> None:
    result = run_cli("schema", "--check")
    assert result.exit_code == 0, result.output
    assert "up to date" in result.output


def test_schema_check_fails_on_a_stale_folder(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["schema", "--check", "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert "out of date" in result.output and "oaf.schema.json" in result.output
    assert run_cli("schema", "--out", str(tmp_path)).exit_code == 0
    assert run_cli("schema", "--check", "--out", str(tmp_path)).exit_code == 0
    (tmp_path / "mou.schema.json").write_text("{}\n")
    result = CliRunner().invoke(cli, ["schema", "--check", "--out", str(tmp_path)])
    assert result.exit_code == 1 and "mou.schema.json" in result.output
