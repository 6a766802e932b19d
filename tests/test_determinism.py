"""The JSON report is byte-identical across runs, processes (hash seeds) and file orders, and what a finding
says does not depend on where its document sits: documents shuffled across files give the same findings
with the same fingerprints."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import edit, run_cli, validate_json
from hypothesis import given, settings
from hypothesis import strategies as st

import oafctl.load.discover as discover


def _failing_estate(estate: Callable[..., Path]) -> Path:
    """The minimal example with a finding of most rules, none of which names a file or line in its text."""
    repo = estate()
    edit(repo, "mous/QHM.yaml", "  - provider: RR7\n    lead: QHM\n", "  - provider: RR7\n    lead: Y63\n")  # OAF003
    edit(repo, "mous/QHM.yaml", "support: [Y63]", "support: [Y36]")  # OAF006 and OAF003
    edit(repo, "mous/QHM.yaml", "review_date: 2024-10-01", "review_date: 2025-10-01")  # OAF008
    edit(repo, "organisations/providers.yaml", "icb: QOQ\nsegment: 4\n", "icb: QOQ\nsegment: 5\n")  # OAF007
    edit(repo, "lines.yaml", "from: RV9\nto: Y63\ntype: primary-relationship", "from: RV9\nto: Y63\ntype: oversight")
    edit(repo, "mous/QOQ.yaml", "  - provider: RV9\n    lead: QOQ\n", "")  # OAF005
    edit(repo, "organisations/icbs.yaml", "  offer: Shares its provider collaborative's elective recovery model "
         "with other ICBs in the region.\n", "  offer: ''\n")  # OAF004
    with (repo / "lines.yaml").open("a") as f:  # OAF002: an oversight line to someone other than the lead
        f.write("---\napiVersion: oaf/v1\nkind: AccountabilityLine\nfrom: RTD\nto: Y63\ntype: oversight\n")
    return repo


def _json(repo: Path, *extra: str) -> str:
    result = run_cli("validate", ".", "--format", "json", *extra, cwd=repo)
    assert result.exit_code == 1
    return result.output


def _files(repo: Path) -> Iterator[Path]:
    return (p for p in sorted(repo.rglob("*")) if p.is_file())


def test_failing_estate_covers_the_rules(estate: Callable[..., Path]) -> None:
    _code, report = validate_json(_failing_estate(estate))
    rules = {f["rule"] for f in report["findings"]}
    assert rules == {"OAF001", "OAF002", "OAF003", "OAF004", "OAF005", "OAF006", "OAF007", "OAF008"}


def test_byte_identical_across_runs_and_processes(estate: Callable[..., Path]) -> None:
    repo = _failing_estate(estate)
    first = _json(repo)
    assert _json(repo) == first
    for seed in ("0", "1", "12345"):
        proc = subprocess.run([sys.executable, "-m", "oafctl", "validate", ".", "--format", "json"], cwd=repo,
                              env={**os.environ, "PYTHONHASHSEED": seed}, capture_output=True, text=True,
                              timeout=120, check=False)
        assert proc.returncode == 1, proc.stderr
        assert proc.stdout == first, f"output differs with PYTHONHASHSEED={seed}"


def test_byte_identical_across_directory_orders(estate: Callable[..., Path], tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    source = _failing_estate(estate)
    forward, backward = tmp_path / "a" / "repo", tmp_path / "b" / "repo"
    # The same files, created in opposite orders (the order a folder lists them in follows creation on
    # most file systems).
    for target, files in ((forward, list(_files(source))), (backward, list(reversed(list(_files(source)))))):
        for path in files:
            dest = target / path.relative_to(source)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, dest)
    expected = _json(forward)
    assert _json(backward) == expected
    # And whatever order the operating system lists a folder in (os.scandir is patched for the whole
    # process, so the listing also works as a context manager, as pathlib uses it).
    real_scandir = os.scandir

    class Listing(list[os.DirEntry[str]]):
        def __enter__(self) -> Listing:
            return self

        def __exit__(self, *_exc: object) -> None:
            return None

    def shuffled_scandir(path: Any = ".") -> Listing:
        with real_scandir(path) as entries:
            listed = Listing(entries)
        random.Random(str(path)).shuffle(listed)
        return listed

    monkeypatch.setattr(discover.os, "scandir", shuffled_scandir)
    assert _json(forward) == expected


def _semantic(report: dict[str, Any]) -> list[tuple[Any, ...]]:
    """Each finding without where it is: rule, severity, message, organisations, hint and fingerprint."""
    return sorted((f["rule"], f["severity"], f["message"], tuple(f["organisations"]), f["hint"], f["fingerprint"])
                  for f in report["findings"])


def _chunks(repo: Path) -> list[str]:
    """Every YAML document of the repo as text (comments dropped, so no document is empty)."""
    out: list[str] = []
    for path in _files(repo):
        if path.suffix != ".yaml":
            continue
        text = "\n".join(line for line in path.read_text().splitlines() if not line.startswith("#"))
        out.extend(chunk.strip("\n") + "\n" for chunk in text.split("\n---\n") if chunk.strip())
    return out


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[str], list[tuple[Any, ...]]]:
    from conftest import MINIMAL

    repo = tmp_path_factory.mktemp("baseline") / "repo"
    shutil.copytree(MINIMAL, repo)

    def make(files: dict[str, str] | None = None, **_: Any) -> Path:
        return repo

    _failing_estate(make)
    _code, report = validate_json(repo, cwd=repo)
    return _chunks(repo), _semantic(report)


@settings(max_examples=25)
@given(data=st.data())
def test_findings_do_not_depend_on_file_layout(
    baseline: tuple[list[str], list[tuple[Any, ...]]], tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    chunks, expected = baseline
    order = data.draw(st.permutations(range(len(chunks))), label="document order")
    count = data.draw(st.integers(1, len(chunks)), label="files")
    cuts = sorted(data.draw(st.lists(st.integers(1, len(chunks) - 1), max_size=count - 1, unique=True),
                            label="cuts"))
    names = data.draw(st.lists(st.from_regex(r"[a-z][a-z0-9_-]{0,7}", fullmatch=True), min_size=len(cuts) + 1,
                               max_size=len(cuts) + 1, unique=True), label="names")
    padding = data.draw(st.integers(0, 3), label="blank lines before each document")
    repo = tmp_path_factory.mktemp("shuffled")
    bounds = [0, *cuts, len(chunks)]
    for index, name in enumerate(names):
        docs = [chunks[i] for i in order[bounds[index]:bounds[index + 1]]]
        folder = repo / ("nested" if index % 2 else "")
        folder.mkdir(exist_ok=True)
        (folder / f"{name}.yaml").write_text("---\n".join("\n" * padding + d for d in docs))
    _code, report = validate_json(repo, cwd=repo)
    assert _semantic(report) == expected
