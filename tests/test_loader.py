"""The loader: property tests (no text makes it raise; positions of generated YAML point at the right
place) and the discovery rules (sorted, hidden and cache folders skipped, exclude globs, display paths)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from oafctl.load import LoadedFile, parse_documents
from oafctl.load.discover import DiscoveryError, load_texts, load_tree, matches_any, parse_file
from oafctl.load.yamlparse import MAX_DEPTH

YAML_CHARS = "[]{}:-?,&*!|>'\"#%@` \n\t\r\\" + "abcXY019._~=<" + "\u00e9\u2028\ufeff\x85"
yaml_like = st.text(alphabet=st.sampled_from(list(YAML_CHARS)), max_size=400)


def _check_result(text: str) -> None:
    docs, error = parse_documents(text)
    for doc in docs:
        assert doc.line >= 1 and doc.column >= 1
        for line, column in [*doc.values.values(), *doc.keys.values()]:
            assert line >= 1 and column >= 1
    if error is not None:
        assert error.line >= 1 and error.column >= 1 and error.message


@given(st.text(max_size=400))
@example("a: " + "[" * 5000)
@example("- " * 3000 + "x")
@example("a: &a [*a, *a]\nb: *a\n")
@example("\t- x")
@example("!!python/object/apply:os.system ['true']")
@example("<<: {a: 1}")
@example("? [a, b]\n: c")
@example("%TAG ! tag:example.com,2000:\n--- !foo\na: 1")
def test_arbitrary_text_never_raises(text: str) -> None:
    _check_result(text)


@given(yaml_like)
def test_yaml_like_text_never_raises(text: str) -> None:
    _check_result(text)


@given(st.binary(max_size=400))
@example(b"\xef\xbb\xbfa: 1\r\nb: 2\r\n")
@example(b"\xff\xfea\x00")
@example(b"a: \x00")
@example(b"a: \xc3")
def test_arbitrary_bytes_never_raise(data: bytes) -> None:
    loaded = parse_file(LoadedFile(Path("x.yaml"), "x.yaml", ""), data)
    for issue in loaded.issues:
        assert issue.line >= 1 and issue.column >= 1 and issue.message


# --- positions round-trip -----------------------------------------------------------------------------------

keys = st.from_regex(r"[a-z][a-z_]{0,7}", fullmatch=True)
words = st.from_regex(r"[A-Za-z][A-Za-z ]{0,12}[A-Za-z]", fullmatch=True)
scalars = st.one_of(words, st.integers(-10**6, 10**6), st.booleans(), st.none())
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=4)),
    max_leaves=25,
)
documents = st.dictionaries(keys, values, min_size=1, max_size=6)


def _at(lines: list[str], pos: tuple[int, int]) -> str:
    line, column = pos
    return lines[line - 1][column - 1:]


def _walk(value: Any, path: tuple[str | int, ...]) -> Any:
    yield path, value
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _walk(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _walk(child, (*path, index))


@settings(max_examples=200)
@given(documents, st.sampled_from([False, True, None]), st.integers(0, 3))
def test_generated_mappings_round_trip_with_their_positions(data: dict[str, Any], flow: bool | None,
                                                            leading: int) -> None:
    text = "# comment\n" * leading + yaml.safe_dump(data, default_flow_style=flow, sort_keys=False, width=10**6)
    docs, error = parse_documents(text)
    assert error is None, (text, error)
    [doc] = docs
    assert doc.data == data
    lines = text.split("\n")
    for path, value in _walk(data, ()):
        here = _at(lines, doc.values[path])
        if path:
            key = path[-1]
            if isinstance(key, str):
                key_text = _at(lines, doc.keys[path])
                assert key_text.lstrip("'\"").startswith(key), (path, key_text)
            else:
                assert path not in doc.keys
        if isinstance(value, bool):
            assert here.startswith(str(value).lower()), (path, here)
        elif isinstance(value, int):
            assert here.startswith(str(value)), (path, here)
        elif value is None:
            assert here == "" or here.startswith(("null", ",", "}", "]")), (path, here)
        elif isinstance(value, str):
            assert here.lstrip("'\"").startswith(value.split(" ")[0]), (path, here)
        elif value:  # a non-empty collection: its first entry, or its flow bracket
            first = next(iter(value)) if isinstance(value, dict) else 0
            if here.startswith(("{", "[")):
                assert here[0] == ("{" if isinstance(value, dict) else "[")
            elif isinstance(value, dict):
                assert doc.values[path] == doc.keys[(*path, first)]
            else:
                assert here.startswith("- ")
        else:
            assert here.startswith("{}" if isinstance(value, dict) else "[]")


def test_positions_of_a_known_document() -> None:
    text = "# header\napiVersion: oaf/v1\nkind: MOU\narrangements:\n  - provider: RTD\n    support: [Y63, X24]\n"
    [doc], error = parse_documents(text)
    assert error is None
    assert (doc.line, doc.column) == (2, 1)
    assert doc.keys[("kind",)] == (3, 1)
    assert doc.values[("kind",)] == (3, 7)
    assert doc.values[("arrangements", 0)] == (5, 5)
    assert doc.values[("arrangements", 0, "provider")] == (5, 15)
    assert doc.values[("arrangements", 0, "support", 1)] == (6, 20)


def test_depth_limit_is_exact() -> None:
    """A value may sit MAX_DEPTH keys and indexes deep, no deeper."""
    nested = "a: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "\n"
    assert parse_documents(nested)[1] is None
    too_deep = "a: " + "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1) + "\n"
    error = parse_documents(too_deep)[1]
    assert error is not None and f"deeper than {MAX_DEPTH}" in error.message


def test_scalars_follow_yaml_1_2_core() -> None:
    [doc], _ = parse_documents(
        "a: NO\nb: yes\nc: ~\nd: true\ne: 0x1F\nf: 0o17\ng: 1e3\nh: '12'\ni: 2024-01-01\nj: .inf\nk: 012\n")
    assert doc.data == {"a": "NO", "b": "yes", "c": None, "d": True, "e": 31, "f": 15, "g": 1000.0, "h": "12",
                        "i": "2024-01-01", "j": float("inf"), "k": 12}


# --- discovery ----------------------------------------------------------------------------------------------


def _tree(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def test_discovery_is_sorted_and_skips_hidden_cache_and_non_yaml(tmp_path: Path) -> None:
    _tree(tmp_path, {
        "b.yaml": "a: 1\n", "a.yml": "a: 1\n", "sub/c.yaml": "a: 1\n", "sub/z.txt": "no\n",
        ".git/x.yaml": "a: 1\n", ".oafctl-cache/y.yaml": "a: 1\n", "node_modules/m.yaml": "a: 1\n",
        ".hidden.yaml": "a: 1\n", "README.md": "# no\n",
    })
    files = load_tree(tmp_path, cwd=tmp_path)
    assert [f.display for f in files] == ["a.yml", "b.yaml", "sub/c.yaml"]
    assert all(f.text == "a: 1\n" and f.documents[0].data == {"a": 1} for f in files)


def test_display_paths_are_relative_to_the_working_folder(tmp_path: Path) -> None:
    _tree(tmp_path, {"repo/orgs/x.yaml": "a: 1\n"})
    [loaded] = load_tree(tmp_path / "repo", cwd=tmp_path)
    assert loaded.display == "repo/orgs/x.yaml"
    [loaded] = load_tree(tmp_path / "repo" / "orgs" / "x.yaml", cwd=tmp_path / "repo")
    assert loaded.display == "orgs/x.yaml"


def test_exclude_globs(tmp_path: Path) -> None:
    _tree(tmp_path, {"oaf.yaml": "a: 1\n", "ci/workflow.yaml": "a: 1\n", "deep/ci/w.yml": "a: 1\n",
                     "vendor/lib/x.yaml": "a: 1\n", "keep/x.yaml": "a: 1\n"})
    files = load_tree(tmp_path, ["ci/*.yaml", "vendor/**", "*.yml"], cwd=tmp_path)
    assert [f.display for f in files] == ["keep/x.yaml", "oaf.yaml"]
    assert matches_any("ci/workflow.yaml", ["ci/*.yaml"])
    assert matches_any("vendor/a/b/c.yaml", ["vendor/**"])
    assert not matches_any("keep/x.yaml", ["ci/*.yaml", "vendor/**"])


def test_missing_and_empty_paths(tmp_path: Path) -> None:
    for path in (tmp_path / "nowhere", tmp_path):
        try:
            load_tree(path)
        except DiscoveryError as exc:
            assert str(exc).startswith(("path does not exist", "no YAML files found"))
        else:  # pragma: no cover - the assertion is the point
            raise AssertionError(f"{path} should not load")


def test_load_texts_parses_like_load_tree(tmp_path: Path) -> None:
    _tree(tmp_path, {"b.yaml": "code: NO\n", "a.yaml": "x: [1\n"})
    from_disk = load_tree(tmp_path, cwd=tmp_path)
    in_memory = load_texts([(tmp_path / name, name, (tmp_path / name).read_bytes()) for name in ("b.yaml", "a.yaml")],
                           cwd=tmp_path)
    assert [f.display for f in in_memory] == [f.display for f in from_disk] == ["a.yaml", "b.yaml"]
    for mem, disk in zip(in_memory, from_disk, strict=True):
        assert mem.text == disk.text
        assert [d.data for d in mem.documents] == [d.data for d in disk.documents]
        assert mem.issues == disk.issues
    assert in_memory[0].issues[0].message.startswith("invalid YAML")
    assert in_memory[1].documents[0].data == {"code": "NO"}
    skipped = load_texts([(tmp_path / ".hidden" / "c.yaml", ".hidden/c.yaml", b"a: 1\n"),
                          (tmp_path / "notes.txt", "notes.txt", b"a: 1\n")], cwd=tmp_path)
    assert skipped == []


def test_unicode_text_positions_count_characters() -> None:
    text = "name: Hôpital — café\nbad: [\n"
    loaded = parse_file(LoadedFile(Path("u.yaml"), "u.yaml", ""), text.encode("utf-8"))
    assert loaded.issues and loaded.issues[0].line == 3
    [doc], _ = parse_documents("name: Hôpital — café\ncode: RTD\n")
    assert doc.values[("code",)] == (2, 7)
