"""Shared fixtures: build small governance repos in a temporary folder and run the CLI on them."""

from __future__ import annotations

import json
import os
import shutil
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from hypothesis import settings

from oafctl.cli import cli

# Property tests: no deadline (a 2-core CI machine is slow and noisy); in CI (CI set) the examples are
# derandomized and no example database is kept, so that a run is reproducible.
settings.register_profile("dev", deadline=None)
settings.register_profile("ci", deadline=None, derandomize=True, database=None, print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
MINIMAL = EXAMPLES / "minimal"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def run_cli(*args: str, cwd: Path | None = None) -> Result:
    """Invoke the CLI in-process through click's runner, optionally from another folder."""
    import os

    old = Path.cwd()
    try:
        if cwd is not None:
            os.chdir(cwd)
        return CliRunner().invoke(cli, list(args), catch_exceptions=False)
    finally:
        os.chdir(old)


def validate_json(path: Path, *extra: str, cwd: Path | None = None) -> tuple[int, dict[str, Any]]:
    result = run_cli("validate", str(path), "--format", "json", *extra, cwd=cwd)
    assert "Traceback" not in result.output
    return result.exit_code, json.loads(result.output)


@pytest.fixture
def estate(tmp_path: Path) -> Callable[..., Path]:
    """Write files (name → YAML text, dedented) into a fresh repo folder, optionally starting from the
    minimal example; returns the folder."""

    def make(files: dict[str, str] | None = None, *, base: Path | None = MINIMAL, remove: tuple[str, ...] = ()) -> Path:
        repo = tmp_path / "repo"
        if repo.exists():
            shutil.rmtree(repo)
        if base is not None:
            shutil.copytree(base, repo)
        else:
            repo.mkdir()
        for name in remove:
            (repo / name).unlink()
        for name, text in (files or {}).items():
            target = repo / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return repo

    return make


def edit(repo: Path, name: str, old: str, new: str) -> None:
    """Replace one exact piece of a file in a test repo (it must be there exactly once)."""
    path = repo / name
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {name}"
    path.write_text(text.replace(old, new), encoding="utf-8")
