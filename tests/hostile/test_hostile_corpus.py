"""The hostile corpus (hostile_cases.py) and the hostile situations that are not file contents: a 50 MB
file, a named pipe, unreadable files and folders, file names that are not UTF-8, links to devices and out of
the repo, and the usage errors (exit 2). Every case asserts the exact message, line, column and exit code,
and that the rest of the repo is still checked. Big files are written by the tests into tmp, not committed."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import MINIMAL, run_cli
from hostile_cases import CASES, REGION, Case

MINIMAL_FILES = sum(1 for _ in MINIMAL.rglob("*.yaml"))


def _repo(tmp_path: Path, name: str = "hostile.yaml", data: bytes | None = None) -> Path:
    repo = tmp_path / "repo"
    shutil.copytree(MINIMAL, repo, ignore=shutil.ignore_patterns(".oafctl-cache"))
    if data is not None:
        (repo / name).write_bytes(data)
    return repo


def _run(repo: Path, *extra: str, in_subprocess: bool = False) -> tuple[int, dict[str, Any]]:
    """`oafctl validate . --format json` from inside the repo: exit code and report; never a traceback."""
    args = ["validate", ".", "--format", "json", "--no-cache", *extra]
    if in_subprocess:
        proc = subprocess.run([sys.executable, "-m", "oafctl", *args], cwd=repo, capture_output=True, timeout=300,
                              check=False)
        stderr = proc.stderr.decode("utf-8", "replace")
        assert "Traceback" not in stderr, stderr[-3000:]
        return proc.returncode, json.loads(proc.stdout)
    result = run_cli(*args, cwd=repo)  # exceptions propagate: a traceback fails the test
    return result.exit_code, json.loads(result.output)


def _about(report: dict[str, Any], file: str) -> list[tuple[str, int, int, str]]:
    return [(f["rule"], f["line"], f["column"], f["message"]) for f in report["findings"] if f["file"] == file]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_corpus(tmp_path: Path, case: Case) -> None:
    repo = _repo(tmp_path, data=case.data)
    code, report = _run(repo, in_subprocess=case.subprocess)
    assert _about(report, "hostile.yaml") == list(case.findings)
    assert [f for f in report["findings"] if f["file"] != "hostile.yaml"] == [], "the other files are still checked"
    assert report["summary"]["files"] == MINIMAL_FILES + 1
    assert code == (1 if case.findings else 0)
    if not case.subprocess:
        text = run_cli("validate", ".", "--no-cache", cwd=repo).output  # the text reporter copes too
        assert ("✔ no findings" in text) == (not case.findings)


def test_a_50_mb_file_is_refused_unread(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    chunk = REGION + b"# " + b"x" * 1000 + b"\n"
    with (repo / "huge.yaml").open("wb") as stream:
        for _ in range(50_000_000 // len(chunk) + 1):
            stream.write(chunk)
    size = (repo / "huge.yaml").stat().st_size
    assert size >= 50_000_000
    code, report = _run(repo, in_subprocess=True)
    assert _about(report, "huge.yaml") == [
        ("OAF000", 1, 1, f"file is {size / 1048576:.1f} MiB, over the 10 MiB limit; it was not read")]
    assert code == 1


def test_a_50_mb_line_inside_the_limit_of_an_excluded_file_is_never_read(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    (repo / "vendor").mkdir()
    with (repo / "vendor" / "dump.yaml").open("wb") as stream:
        stream.write(b"a: ")
        stream.write(b"[" * 1000)
        stream.truncate(50_000_000)  # NUL bytes after the brackets: binary, and huge
    (repo / "oaf.yaml").write_text((MINIMAL / "oaf.yaml").read_text() + "exclude: [vendor/**]\n")
    code, report = _run(repo, in_subprocess=True)
    assert report["findings"] == [] and code == 0
    assert report["summary"]["files"] == MINIMAL_FILES


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_named_pipe_does_not_hang_the_run(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    os.mkfifo(repo / "pipe.yaml")
    code, report = _run(repo, in_subprocess=True)  # the subprocess timeout fails the test if it hangs
    assert _about(report, "pipe.yaml") == [
        ("OAF000", 1, 1, "not a regular file (a named pipe, socket or device); it was not read")]
    assert code == 1


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads any file; permissions are POSIX")
def test_unreadable_file_and_folder(tmp_path: Path) -> None:
    repo = _repo(tmp_path, "secret.yaml", REGION)
    (repo / "locked").mkdir()
    (repo / "locked" / "inside.yaml").write_bytes(REGION)
    os.chmod(repo / "secret.yaml", 0)
    os.chmod(repo / "locked", 0)
    try:
        code, report = _run(repo)
    finally:
        os.chmod(repo / "locked", 0o755)
        os.chmod(repo / "secret.yaml", 0o644)
    assert _about(report, "secret.yaml") == [("OAF000", 1, 1, "cannot read file: Permission denied")]
    assert _about(report, "locked") == [("OAF000", 1, 1, "cannot read folder: Permission denied")]
    assert code == 1


@pytest.mark.skipif(sys.platform != "linux", reason="Linux file names are bytes")
@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github", "junit", "markdown"])
def test_a_file_name_that_is_not_utf8(tmp_path: Path, fmt: str) -> None:
    repo = _repo(tmp_path)
    with open(os.path.join(os.fsencode(repo), b"caf\xe9.yaml"), "wb") as stream:
        stream.write(b"a: [\n")
    proc = subprocess.run([sys.executable, "-m", "oafctl", "validate", ".", "--no-cache", "--format", fmt],
                          cwd=repo, capture_output=True, timeout=120, check=False)
    assert proc.returncode == 1, proc.stderr.decode(errors="replace")[-2000:]
    assert proc.stderr == b""
    assert b"caf\\\\xe9.yaml" in proc.stdout or b"caf\\xe9.yaml" in proc.stdout


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_links_to_a_device_and_out_of_the_repo_are_not_followed(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    os.symlink("/dev/zero", repo / "zero.yaml")
    os.symlink("../../../../../../../../etc", repo / "etc")
    code, report = _run(repo, in_subprocess=True)
    message = "symbolic link leaves the repository; it was not followed"
    assert _about(report, "zero.yaml") == [("OAF000", 1, 1, message)]
    assert _about(report, "etc") == [("OAF000", 1, 1, message)]
    assert code == 1


@pytest.mark.parametrize(
    ("setup", "args", "message"),
    [
        ("missing", [], "oafctl: error: path does not exist: missing\n"),
        ("empty", [], "oafctl: error: no YAML files found under empty\n"),
        ("text-only", [], "oafctl: error: no YAML files found under text-only\n"),
        ("repo", ["--framework", "sof-2022-32"], "oafctl: error: unknown framework 'sof-2022-32'; did you mean "
         "'sof-2022-23'? (known: "),
        ("repo", ["--as-of", "2025-02-30"],
         "Error: Invalid value for '--as-of': '2025-02-30' is not a date written YYYY-MM-DD\n"),
        ("repo", ["--format", "yaml"], "Error: Invalid value for '--format': 'yaml' is not one of "),
    ],
)
def test_usage_errors_exit_2_with_one_line(tmp_path: Path, setup: str, args: list[str], message: str) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "text-only").mkdir()
    (tmp_path / "text-only" / "README.md").write_text("not YAML\n")
    shutil.copytree(MINIMAL, tmp_path / "repo")
    proc = subprocess.run([sys.executable, "-m", "oafctl", "validate", setup, *args], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert "Traceback" not in proc.stderr
    if message.startswith("oafctl: error:"):
        assert proc.stderr.startswith(message) and proc.stderr.count("\n") == 1  # one line
    else:  # click's own option errors come after its usage line
        assert message in proc.stderr
