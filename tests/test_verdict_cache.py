"""The verdict cache: a repeat run on unchanged files reports exactly what a fresh run reports, and any
change that could alter the verdict (an edit, a new file, another framework or date) misses it."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from conftest import EXAMPLES, edit, run_cli

from oafctl.load.cache import CACHE_DIR

VERDICT = Path(CACHE_DIR) / "verdict.marshal"


def _failing(estate: Callable[..., Path]) -> Path:
    repo = estate()
    edit(repo, "mous/QHM.yaml", "    lead: QHM\n    support: [Y63]", "    lead: Y63")
    return repo


def _both(repo: Path, *args: str) -> tuple[str, str, int]:
    fresh = run_cli("validate", str(repo), "--no-cache", *args)
    cold = run_cli("validate", str(repo), *args)
    warm = run_cli("validate", str(repo), *args)
    assert cold.output == fresh.output
    assert cold.exit_code == warm.exit_code == fresh.exit_code
    return fresh.output, warm.output, warm.exit_code


def test_warm_run_reports_what_a_fresh_run_reports(estate: Callable[..., Path]) -> None:
    repo = _failing(estate)
    for fmt in ("text", "json", "sarif", "junit", "github", "markdown"):
        fresh, warm, code = _both(repo, "--format", fmt)
        assert warm == fresh, fmt
        assert code == 1
    assert (repo / VERDICT).is_file()
    assert "OAF003" in run_cli("validate", str(repo)).output


def test_an_edit_misses_the_cache(estate: Callable[..., Path]) -> None:
    repo = _failing(estate)
    assert run_cli("validate", str(repo)).exit_code == 1
    assert run_cli("validate", str(repo)).exit_code == 1  # from the verdict cache
    edit(repo, "mous/QHM.yaml", "    lead: Y63", "    lead: QHM\n    support: [Y63]")
    result = run_cli("validate", str(repo))
    assert result.exit_code == 0, result.output


def test_a_new_file_or_another_framework_misses_the_cache(estate: Callable[..., Path]) -> None:
    repo = estate()
    assert run_cli("validate", str(repo)).exit_code == 0
    assert run_cli("validate", str(repo), "--framework", "nof-2025-26").exit_code == 1
    assert run_cli("validate", str(repo)).exit_code == 0
    (repo / "extra.yaml").write_text("apiVersion: oaf/v1\nkind: Region\ncode: y62\nname: North West\n")
    result = run_cli("validate", str(repo))
    assert result.exit_code == 1 and "extra.yaml" in result.output


def test_a_corrupt_verdict_is_ignored(estate: Callable[..., Path]) -> None:
    repo = _failing(estate)
    fresh = run_cli("validate", str(repo), "--format", "json").output
    (repo / VERDICT).write_bytes(b"\x00not marshal")
    assert run_cli("validate", str(repo), "--format", "json").output == fresh
    (repo / VERDICT).write_bytes(b"")
    assert run_cli("validate", str(repo), "--format", "json").output == fresh


def test_local_policy_metadata_survives_a_hit(tmp_path: Path) -> None:
    repo = tmp_path / "england"
    shutil.copytree(EXAMPLES / "england", repo, ignore=shutil.ignore_patterns(CACHE_DIR))
    fresh, warm, code = _both(repo, "--format", "sarif")
    assert code == 0
    assert warm == fresh
    assert '"ENG001"' in warm
