"""The parse cache under .oafctl-cache/: it may make a run faster, never different. Safe against edits,
renames and oafctl version changes; a corrupt cache is ignored; a repo that cannot be written to is not
cached; `--no-cache` neither reads nor writes it."""

from __future__ import annotations

import marshal
import os
import shutil
from pathlib import Path

import pytest
from conftest import MINIMAL, run_cli

from oafctl.load import cache as cache_module
from oafctl.load.cache import CACHE_DIR, ParseCache
from oafctl.load.discover import load_tree


def _repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    shutil.copytree(MINIMAL, repo, ignore=shutil.ignore_patterns(".oafctl-cache"))
    return repo


def _json(repo: Path, *extra: str) -> tuple[int, str]:
    result = run_cli("validate", ".", "--format", "json", *extra, cwd=repo)
    return result.exit_code, result.output


def _cache_files(repo: Path) -> list[Path]:
    return sorted((repo / CACHE_DIR).glob("parsed-*.marshal"))


def _load(repo: Path) -> ParseCache:
    cache = ParseCache.open(repo)
    load_tree(repo, cache=cache)
    return cache


def test_a_warm_run_prints_what_a_cold_one_prints(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    (repo / "mous" / "QHM.yaml").write_text((MINIMAL / "mous" / "QHM.yaml").read_text().replace(
        "provider: RTD", "provider: RTX"))
    cold = _json(repo, "--no-cache")
    assert not (repo / CACHE_DIR).exists(), "--no-cache writes nothing"
    assert cold[0] == 1
    assert _json(repo) == cold  # fills the cache
    assert len(_cache_files(repo)) == 1
    assert _json(repo) == cold  # reads it
    cache = _load(repo)
    assert (cache.hits, cache.misses) == (len(list(MINIMAL.rglob("*.yaml"))), 0)
    assert sorted(p.name for p in (repo / CACHE_DIR).iterdir())[:2] == [".gitignore", "README"]
    assert not list((repo / CACHE_DIR).glob(".tmp-*")), "the write is atomic: no temporary file is left"


def test_an_edit_is_a_miss_and_is_seen(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    assert _json(repo)[0] == 0
    providers = repo / "organisations" / "providers.yaml"
    providers.write_text(providers.read_text().replace("segment: 4", "segment: 7", 1))
    code, output = _json(repo)
    assert code == 1 and "OAF007" in output
    assert _json(repo, "--no-cache") == (code, output)
    cache = _load(repo)
    assert cache.misses == 0  # the edited file was cached by the run that saw it


def test_a_rename_is_a_hit_and_reports_the_new_name(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    providers = repo / "organisations" / "providers.yaml"
    providers.write_text(providers.read_text().replace("segment: 4", "segment: 7", 1))
    assert "organisations/providers.yaml" in _json(repo)[1]
    providers.rename(repo / "organisations" / "trusts.yaml")
    cache = _load(repo)
    assert cache.misses == 0
    code, output = _json(repo)
    assert "organisations/trusts.yaml" in output and "providers.yaml" not in output
    assert (code, output) == _json(repo, "--no-cache")


def test_another_oafctl_version_does_not_read_the_entries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = _repo(tmp_path)
    _json(repo)
    [old] = _cache_files(repo)
    monkeypatch.setattr(cache_module, "__version__", "999.0.0")
    cache = _load(repo)
    assert cache.hits == 0 and cache.misses > 0
    cache.save()
    [new] = _cache_files(repo)
    assert new != old, "the old version's file is replaced, not mixed with"


@pytest.mark.parametrize(
    "payload",
    [
        b"",
        b"\x00\xff garbage",
        marshal.dumps({b"x" * 16: "not an entry"})[:-3],
        marshal.dumps(["a list, not a dict"]),
        marshal.dumps({b"k" * 16: ([("data", "line", 1, b"")], None)}),
    ],
    ids=["empty", "garbage", "truncated", "wrong-type", "wrong-shape"],
)
def test_a_corrupt_cache_is_ignored(tmp_path: Path, payload: bytes) -> None:
    repo = _repo(tmp_path)
    expected = _json(repo, "--no-cache")
    _json(repo)
    [path] = _cache_files(repo)
    path.write_bytes(payload)
    assert _json(repo) == expected
    assert _json(repo) == expected  # and the cache was rewritten sound


def test_entries_with_damaged_positions_do_not_crash(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    providers = repo / "organisations" / "providers.yaml"
    providers.write_text(providers.read_text().replace("segment: 4", "segment: 7", 1))
    expected = _json(repo, "--no-cache")
    _json(repo)
    [path] = _cache_files(repo)
    entries = marshal.loads(path.read_bytes())
    damaged = {key: ([(d, line, column, packed[:4]) for d, line, column, packed in docs], error)
               for key, (docs, error) in entries.items()}
    path.write_bytes(marshal.dumps(damaged))
    code, output = _json(repo)
    assert code == expected[0]
    assert output.count('"rule": "OAF007"') == expected[1].count('"rule": "OAF007"')


def test_a_repo_that_cannot_hold_the_cache_is_validated_without_one(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    expected = _json(repo, "--no-cache")
    (repo / CACHE_DIR).write_text("a file where the cache folder would go\n")
    assert _json(repo) == expected
    assert (repo / CACHE_DIR).is_file()


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root writes anywhere")
def test_a_read_only_repo_is_not_cached(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    expected = _json(repo, "--no-cache")
    os.chmod(repo, 0o555)
    try:
        assert _json(repo) == expected
        assert not (repo / CACHE_DIR).exists()
    finally:
        os.chmod(repo, 0o755)


def test_stale_entries_are_dropped_and_the_cache_is_not_read_as_yaml(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    _json(repo)
    before = len(marshal.loads(_cache_files(repo)[0].read_bytes()))
    (repo / "lines.yaml").write_text((MINIMAL / "lines.yaml").read_text() + "\n# touched\n")
    _json(repo)
    entries = marshal.loads(_cache_files(repo)[0].read_bytes())
    assert len(entries) == before  # the old lines.yaml entry was replaced, not kept
    (repo / CACHE_DIR / "stray.yaml").write_text("not: [valid\n")
    code, output = _json(repo)
    assert code == 0 and "stray" not in output


def test_a_single_file_is_not_cached(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    result = run_cli("validate", "lines.yaml", "--format", "json", cwd=repo)
    assert result.exit_code in (0, 1)
    assert not (repo / CACHE_DIR).exists()
