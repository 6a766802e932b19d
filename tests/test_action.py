"""The composite action's shell steps, run for real with bash: validate writes annotations, the job summary
and its exit code; on a pull request the diff comment is posted once, then updated (identified by a hidden
marker). `gh` is replaced by a recording stub; oafctl and git are the real ones."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ROOT
from tests_support_git import commit_all, init_repo

ACTION = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
STEPS = {step.get("name"): step for step in ACTION["runs"]["steps"]}
FROZEN = ROOT / "tests" / "data" / "pr-estate"

pytestmark = pytest.mark.skipif(shutil.which("git") is None or shutil.which("bash") is None,
                                reason="needs git and bash")

GH_STUB = """#!/bin/sh
echo "$@" >> "$GH_LOG"
case "$*" in
  *--paginate*) cat "$GH_EXISTING" 2>/dev/null ;;
  *) for a in "$@"; do case "$a" in body=@*) cp "${a#body=@}" "$GH_BODY" ;; esac; done ;;
esac
"""


def run_step(name: str, cwd: Path, env: dict[str, str], tmp: Path) -> subprocess.CompletedProcess[str]:
    step: dict[str, Any] = STEPS[name]
    script = step["run"]
    full_env = {**os.environ, **env, "RUNNER_TEMP": str(tmp),
                "PATH": f"{tmp / 'bin'}{os.pathsep}{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    return subprocess.run(["bash", "-e", "-o", "pipefail", "-c", script], cwd=cwd, env=full_env,
                          capture_output=True, text=True, check=False)


@pytest.fixture
def runner_env(tmp_path: Path) -> dict[str, str]:
    (tmp_path / "bin").mkdir()
    stub = tmp_path / "bin" / "gh"
    stub.write_text(GH_STUB, encoding="utf-8")
    stub.chmod(0o755)
    return {"GITHUB_OUTPUT": str(tmp_path / "output"), "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
            "GH_LOG": str(tmp_path / "gh.log"), "GH_BODY": str(tmp_path / "posted.md"),
            "GH_EXISTING": str(tmp_path / "existing")}


def test_every_script_is_valid_bash() -> None:
    for name, step in STEPS.items():
        if "run" in step:
            done = subprocess.run(["bash", "-n", "-c", step["run"]], capture_output=True, text=True, check=False)
            assert done.returncode == 0, f"{name}: {done.stderr}"


def test_validate_step(tmp_path: Path, runner_env: dict[str, str]) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(FROZEN, repo)
    providers = repo / "organisations" / "providers.yaml"
    providers.write_text(providers.read_text(encoding="utf-8").replace("icb: QHM\nsegment: 2\n",
                                                                       "icb: QHM\nsegment: 3\n"), encoding="utf-8")
    env = {**runner_env, "OAF_PATH": ".", "OAF_FRAMEWORK": "", "OAF_AS_OF": "", "OAF_FAIL_ON": "error",
           "OAF_BASELINE": "", "OAF_SARIF": "out.sarif"}
    done = run_step("oafctl validate", repo, env, tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("::error file=mous/QHM.yaml,line=18,col=5,title=OAF003::")
    assert Path(runner_env["GITHUB_OUTPUT"]).read_text(encoding="utf-8") == "exit-code=1\n"
    assert "| error | OAF003 |" in Path(runner_env["GITHUB_STEP_SUMMARY"]).read_text(encoding="utf-8")
    assert '"version": "2.1.0"' in (repo / "out.sarif").read_text(encoding="utf-8")
    result = run_step("Result", repo, {"STATUS": "1"}, tmp_path)
    assert result.returncode == 1


def test_diff_comment_posted_then_updated(tmp_path: Path, runner_env: dict[str, str]) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    init_repo(repo)
    shutil.copytree(FROZEN, repo / "gov")
    base = commit_all(repo, "base")
    providers = repo / "gov" / "organisations" / "providers.yaml"
    providers.write_text(providers.read_text(encoding="utf-8").replace("icb: QHM\nsegment: 2\n",
                                                                       "icb: QHM\nsegment: 3\n"), encoding="utf-8")
    commit_all(repo, "head")
    env = {**runner_env, "OAF_PATH": "gov", "OAF_FRAMEWORK": "", "OAF_AS_OF": "", "BASE_SHA": base,
           "PR_NUMBER": "7", "REPO": "nhs/estate", "GH_TOKEN": "x"}
    done = run_step("oafctl diff (pull-request comment)", repo, env, tmp_path)
    assert done.returncode == 0, done.stderr
    calls = Path(runner_env["GH_LOG"]).read_text(encoding="utf-8").splitlines()
    assert calls[0].startswith("api repos/nhs/estate/issues/7/comments --paginate")
    assert calls[1].startswith("api --method POST repos/nhs/estate/issues/7/comments -F body=@")
    body = Path(runner_env["GH_BODY"]).read_text(encoding="utf-8")
    assert body.startswith("<!-- oafctl-diff -->\n## oafctl diff: 1 change, 1 finding introduced, 0 resolved\n")
    assert "RR7 moves from segment 2 to 3; its lead stays QHM but Y63 must now be named as support" in body
    # the second run finds the comment by its marker and updates it
    Path(runner_env["GH_EXISTING"]).write_text("4242\n", encoding="utf-8")
    Path(runner_env["GH_LOG"]).unlink()
    done = run_step("oafctl diff (pull-request comment)", repo, env, tmp_path)
    assert done.returncode == 0, done.stderr
    calls = Path(runner_env["GH_LOG"]).read_text(encoding="utf-8").splitlines()
    assert calls[1].startswith("api --method PATCH repos/nhs/estate/issues/comments/4242 -F body=@")
