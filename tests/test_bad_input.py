"""Hostile and broken input: each case is an OAF000 finding at file:line:column with a clear message, the
other files are still checked, and nothing ever prints a traceback. Cases that could crash the process
(deep nesting, alias bombs, huge files) run the CLI in a subprocess, so that a crash fails the test instead
of killing the test run."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import MINIMAL, edit, validate_json
from hypothesis import given, settings
from hypothesis import strategies as st

from oafctl.engine import UsageError, validate_files
from oafctl.load import parse_documents
from oafctl.load.discover import MAX_FILE_BYTES, load_texts
from oafctl.report import renderer

REGION = b"apiVersion: oaf/v1\nkind: Region\ncode: Y62\nname: North West\n"
"""A valid document: where a case adds bytes to it, the positions below count from this."""

LAUGHS = b"".join(
    [b"lol0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"]
    + [b"lol%d: &l%d [%s]\n" % (i, i, b", ".join([b"*l%d" % (i - 1)] * 10)) for i in range(1, 10)]
)
"""Billion laughs: 10^9 strings once every alias is expanded."""


def _repo(estate: Callable[..., Path], name: str, data: bytes) -> Path:
    """The minimal example plus one bad file, and an OAF008 problem elsewhere to show other files are read."""
    repo = estate()
    edit(repo, "mous/QHM.yaml", "review_date: 2024-10-01", "review_date: 2026-10-01")
    target = repo / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return repo


def _subprocess_json(repo: Path, *extra: str) -> tuple[int, dict[str, Any], str]:
    proc = subprocess.run(
        [sys.executable, "-m", "oafctl", "validate", ".", "--format", "json", *extra],
        cwd=repo, capture_output=True, timeout=300, check=False,
    )
    stderr = proc.stderr.decode("utf-8", "replace")
    assert proc.returncode in (0, 1), f"exit {proc.returncode}: {stderr[-2000:]}"
    assert "Traceback" not in stderr
    return proc.returncode, json.loads(proc.stdout), stderr


def _check(repo: Path, file: str, *, subprocess_run: bool = False) -> list[dict[str, Any]]:
    """Run validate; assert exit 1, the other files still checked, and return the findings about `file`."""
    if subprocess_run:
        code, report, stderr = _subprocess_json(repo)
        assert stderr == ""
    else:
        code, report = validate_json(repo, cwd=repo)
    assert code == 1
    rules = [f["rule"] for f in report["findings"] if f["file"] == "mous/QHM.yaml"]
    assert rules == ["OAF008"], "the other files must still be checked"
    return [f for f in report["findings"] if f["file"] == file]


CASES: list[tuple[str, bytes, int, int, str, bool]] = [
    # id, file content, line, column, message fragment, run in a subprocess
    ("malformed", b"apiVersion: oaf/v1\nkind: [Region\ncode: Y62\n", 3, 5, "invalid YAML: while parsing a flow", False),
    ("unclosed-quote", b"apiVersion: oaf/v1\nkind: Region\nname: 'North West\n", 4, 1, "invalid YAML", False),
    ("duplicate-key", REGION + b"code: Y61\n", 5, 1, "duplicate key 'code' (first at line 3)", False),
    ("unknown-field", REGION + b"vaild_to: 2025-03-31\n", 5, 1,
     "Region Y62: unknown field 'vaild_to'; did you mean 'valid_to'?", False),
    ("wrong-type", REGION.replace(b"code: Y62", b"code: 162"), 3, 7, "field 'code' = 162: must be text; quote it",
     False),
    ("wrong-type-list", REGION.replace(b"name: North West", b"name: [North, West]"), 4, 7, "field 'name' = list",
     False),
    ("not-a-mapping", b"- apiVersion: oaf/v1\n- kind: Region\n", 1, 1, "a document must be a mapping", False),
    ("unknown-kind", b"apiVersion: oaf/v1\nkind: Regoin\n", 2, 7, "unknown kind 'Regoin'; did you mean 'Region'?",
     False),
    ("alias-bomb", LAUGHS, 1, 0, "too many values (alias or merge-key bomb?)", True),
    ("alias-cycle", b"a: &a [*a]\n", 1, 4, "nesting deeper than 64 levels", True),
    ("merge-key", b"defaults: &d {apiVersion: oaf/v1}\nregion:\n  <<: *d\n  kind: Region\n", 3, 3,
     "merge keys (<<) are not supported", False),
    ("python-tag", b"apiVersion: oaf/v1\nkind: !!python/object/apply:os.system ['touch PWNED']\n", 2, 7,
     "unsupported YAML tag !!python/object/apply:os.system", False),
    ("python-object", b"!!python/object:collections.OrderedDict {apiVersion: oaf/v1}\n", 1, 1,
     "unsupported YAML tag !!python/object:collections.OrderedDict", False),
    ("local-tag", REGION.replace(b"code: Y62", b"code: !ods Y62"), 3, 7, "unsupported YAML tag !ods", False),
    ("non-utf8", REGION + "notes: caf\xe9\n".encode("latin-1"), 5, 11, "file is not UTF-8: byte 0xe9", False),
    ("utf16", REGION.decode().encode("utf-16"), 1, 1, "file is UTF-16; save it as UTF-8", False),
    ("nul-byte", REGION.replace(b"North West", b"North\x00West"), 4, 12, "NUL byte", False),
    ("tabs", b"apiVersion: oaf/v1\nkind: ICB\npeer_support:\n\toffer: mentoring\n", 4, 1,
     "tabs cannot indent YAML: use spaces", False),
    ("crlf", REGION.replace(b"\n", b"\r\n") + b"valid_to: 2025-02-30\r\n", 5, 11,
     "2025-02-30 is not a real calendar date", False),
    ("impossible-date", REGION + b"valid_from: 2025-02-30\n", 5, 13, "field 'valid_from' = '2025-02-30': "
     "2025-02-30 is not a real calendar date", False),
    ("loose-date", REGION + b"valid_from: 2025-2-3\n", 5, 13, "expected a date written YYYY-MM-DD", False),
    ("code-NO", REGION.replace(b"code: Y62", b"code: NO"), 3, 7, "field 'code' = 'NO': not an organisation code",
     False),
    ("huge-integer", REGION.replace(b"code: Y62", b"code: " + b"9" * 5000), 3, 7, "field 'code' = '99999", True),
    ("deep-flow", b"a: " + b"[" * 100_000 + b"\n", 1, 67, "nesting deeper than 64 levels", True),
    ("deep-flow-mapping", b"a: " + b"{b: " * 100_000 + b"\n", 1, 0, "nesting deeper than 64 levels", True),
    ("deep-block", b"- " * 100_000 + b"x\n", 1, 129, "nesting deeper than 64 levels", True),
    ("deep-indent", b"".join(b"  " * i + b"k:\n" for i in range(3_000)), 65, 129, "nesting deeper than 64 levels",
     True),
]


@pytest.mark.parametrize(("data", "line", "column", "fragment", "in_subprocess"),
                         [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_file_is_one_oaf000_finding(
    estate: Callable[..., Path], data: bytes, line: int, column: int, fragment: str, in_subprocess: bool
) -> None:
    repo = _repo(estate, "organisations/bad.yaml", data)
    found = _check(repo, "organisations/bad.yaml", subprocess_run=in_subprocess)
    assert [f["rule"] for f in found] == ["OAF000"], found
    [finding] = found
    assert fragment in finding["message"]
    assert finding["line"] == line
    if column:
        assert finding["column"] == column
    assert finding["severity"] == "error" and finding["hint"]
    assert not (repo / "PWNED").exists()
    if "date" in fragment:
        assert finding["hint"] == "write a real date as YYYY-MM-DD, e.g. 2025-03-31"
    if "not an organisation code" in fragment:
        assert "capitals" in finding["hint"]


def test_python_tags_are_never_executed(estate: Callable[..., Path], tmp_path: Path) -> None:
    marker = tmp_path / "executed"
    data = f"apiVersion: oaf/v1\nkind: !!python/object/apply:os.system ['touch {marker}']\n".encode()
    _check(_repo(estate, "bad.yaml", data), "bad.yaml", subprocess_run=True)
    assert not marker.exists()


def test_file_over_the_size_limit_is_not_read(estate: Callable[..., Path]) -> None:
    repo = _repo(estate, "big.yaml", b"")
    with (repo / "big.yaml").open("wb") as f:
        f.truncate(MAX_FILE_BYTES + 1)  # sparse: no need to write 10 MiB
    [finding] = _check(repo, "big.yaml", subprocess_run=True)
    assert (finding["rule"], finding["line"], finding["column"]) == ("OAF000", 1, 1)
    assert "over the 10 MiB limit; it was not read" in finding["message"]
    assert "exclude" in finding["hint"]


def test_file_at_the_size_limit_is_read(estate: Callable[..., Path]) -> None:
    repo = _repo(estate, "notes.yaml", b"")
    comment = b"# " + b"x" * 1000 + b"\n"
    body = REGION + comment * ((MAX_FILE_BYTES - len(REGION)) // len(comment))
    (repo / "notes.yaml").write_bytes(body + b"#" * (MAX_FILE_BYTES - len(body) - 1) + b"\n")
    assert (repo / "notes.yaml").stat().st_size == MAX_FILE_BYTES
    assert _check(repo, "notes.yaml", subprocess_run=True) == []


def test_symlink_leaving_the_repo(estate: Callable[..., Path], tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.yaml").write_bytes(REGION)
    repo = _repo(estate, "placeholder.yaml", REGION.replace(b"Y62", b"Y61").replace(b"North West", b"East"))
    os.symlink(outside / "secret.yaml", repo / "linked.yaml")
    os.symlink(outside, repo / "linked-folder")
    code, report = validate_json(repo, cwd=repo)
    found = {f["file"]: f for f in report["findings"] if f["rule"] == "OAF000"}
    assert set(found) == {"linked.yaml", "linked-folder"}
    for finding in found.values():
        assert (finding["line"], finding["column"]) == (1, 1)
        assert "symbolic link leaves the repository; it was not followed" in finding["message"]
    assert report["summary"]["organisations"] == 10  # Y61 is read; Y62 behind the link is not
    assert code == 1


def test_a_folder_linked_twice_inside_the_repo_is_read_once(estate: Callable[..., Path]) -> None:
    repo = _repo(estate, "shared/region.yaml", REGION)
    os.symlink(repo / "shared", repo / "alias")  # the same folder twice: visited once
    assert _check(repo, "shared/region.yaml") == []
    _code, report = validate_json(repo, cwd=repo)
    assert [f for f in report["findings"] if f["rule"] == "OAF000"] == []
    assert report["summary"]["organisations"] == 10  # read once (no duplicate-code finding either)
    assert [f["rule"] for f in report["findings"]] == ["OAF008"]


def test_symlink_loops(estate: Callable[..., Path]) -> None:
    repo = _repo(estate, "sub/region.yaml", REGION)
    os.symlink("..", repo / "sub" / "up")  # a folder loop
    os.symlink("self.yaml", repo / "self.yaml")  # a file that points at itself
    os.symlink("missing.yaml", repo / "dangling.yaml")
    code, report, _ = _subprocess_json(repo)
    found = {f["file"]: f["message"] for f in report["findings"] if f["rule"] == "OAF000"}
    assert found == {
        "dangling.yaml": "symbolic link is broken or loops",
        "self.yaml": "symbolic link is broken or loops",
        "sub/up": "symbolic link loop: this folder was already visited",
    }
    assert code == 1


def test_bom_is_accepted(estate: Callable[..., Path]) -> None:
    repo = _repo(estate, "organisations/north-west.yaml", b"\xef\xbb\xbf" + REGION + b"valid_to: 2025-02-30\n")
    [finding] = _check(repo, "organisations/north-west.yaml")
    # Positions count from the first character after the BOM.
    assert (finding["line"], finding["column"]) == (5, 11)


def test_crlf_positions_and_snippet(estate: Callable[..., Path]) -> None:
    repo = _repo(estate, "crlf.yaml", REGION.replace(b"\n", b"\r\n") + b"vaild_to: 2025-03-31\r\n")
    [finding] = _check(repo, "crlf.yaml")
    assert (finding["line"], finding["column"]) == (5, 1)
    from conftest import run_cli

    text = run_cli("validate", str(repo)).output
    assert "     5 │ vaild_to: 2025-03-31\n" in text  # the source line, without a stray \r


def test_unknown_reference_is_an_oaf006_finding(estate: Callable[..., Path]) -> None:
    repo = _repo(estate, "odd.yaml", REGION.replace(b"kind: Region\ncode: Y62\nname: North West",
                                                    b"kind: ICB\ncode: QYX\nname: Nowhere ICB\nregion: Y66"))
    _code, report = validate_json(repo, cwd=repo)
    found = [f for f in report["findings"] if f["file"] == "odd.yaml" and f["rule"] == "OAF006"]
    assert [(f["line"], f["column"]) for f in found] == [(5, 9)]
    assert "no organisation has that code" in found[0]["message"]


def test_empty_and_comment_only_files_are_fine(estate: Callable[..., Path]) -> None:
    repo = _repo(estate, "empty.yaml", b"")
    (repo / "comments.yaml").write_bytes(b"# nothing here yet\n---\n---\n")
    assert _check(repo, "empty.yaml") == []
    assert _check(repo, "comments.yaml") == []


def test_several_bad_files_each_reported(estate: Callable[..., Path]) -> None:
    repo = _repo(estate, "a.yaml", b"key: [unclosed\n")
    (repo / "b.yaml").write_bytes(b"\xff\xfe\x00")
    (repo / "c.yaml").write_bytes(b"a: 1\na: 2\n")
    code, report = validate_json(repo, cwd=repo)
    files = [f["file"] for f in report["findings"] if f["rule"] == "OAF000"]
    assert files == ["a.yaml", "b.yaml", "c.yaml"]
    assert code == 1


def test_documents_before_a_syntax_error_are_kept() -> None:
    docs, error = parse_documents(REGION.decode() + "---\nkind: [broken\n")
    assert [d.data["code"] for d in docs] == ["Y62"]
    assert error is not None and error.line == 7


def test_yaml_1_1_words_stay_text() -> None:
    docs, error = parse_documents("a: NO\nb: yes\nc: off\nd: On\ne: y\nf: 0777\ng: 1_000\nh: 2024-01-01\n")
    assert error is None
    assert docs[0].data == {"a": "NO", "b": "yes", "c": "off", "d": "On", "e": "y", "f": 777, "g": "1_000",
                            "h": "2024-01-01"}


# --- any estate, however wrong, is findings and never an exception -----------------------------------------------

_CODES = ["X24", "Y63", "Y62", "QHM", "QOQ", "RTD", "RR7", "RVW", "RWA", "RV9", "ZZZ"]
_SCALARS = st.one_of(
    st.sampled_from(_CODES), st.integers(-2, 9), st.none(), st.booleans(), st.text(max_size=5),
    st.sampled_from(["2024-04-01", "2025-03-31", "2026-01-01", "2024-02-30", "primary-relationship", "oversight",
                     "acute", "signed", "off", "warning", "Provider", "ICB", "Region", "MOU", "Estate"]),
)
_FIELDS = ["provider", "lead", "support", "offer", "partners", "severity", "segment", "route", "organisation"]
_VALUES = st.recursive(
    _SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(_FIELDS), inner,
                                                                                   max_size=3)),
    max_leaves=8)


def _minimal_documents() -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    for path in sorted(MINIMAL.rglob("*.yaml")):
        docs, _error = parse_documents(path.read_text(encoding="utf-8"))
        out.extend((path.relative_to(MINIMAL).as_posix(), doc.data) for doc in docs)
    return out


def _paths(value: Any, path: tuple[Any, ...] = ()) -> Any:
    yield path
    children = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, child in children:
        yield from _paths(child, (*path, key))


def _replaced(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    copy = dict(value) if isinstance(value, dict) else list(value)
    copy[path[0]] = _replaced(value[path[0]], path[1:], new)
    return copy


@settings(max_examples=60)
@given(data=st.data())
def test_mutated_estates_give_findings_not_exceptions(data: st.DataObject) -> None:
    """Replace any values of the minimal example's documents by codes of the wrong kind, wrong types,
    impossible dates or nested junk, duplicate a document, pick any pack and date: the engine and both
    reporters still finish, with every finding at a real position."""
    docs = _minimal_documents()
    for _ in range(data.draw(st.integers(1, 4), label="edits")):
        index = data.draw(st.integers(0, len(docs) - 1), label="document")
        file, doc = docs[index]
        path = data.draw(st.sampled_from(list(_paths(doc))), label="path")
        docs[index] = (file, _replaced(doc, path, data.draw(_VALUES, label="value")))
    if data.draw(st.booleans(), label="duplicate a document"):
        docs.append(docs[data.draw(st.integers(0, len(docs) - 1))])
    by_file: dict[str, list[Any]] = {}
    for file, doc in docs:
        by_file.setdefault(file, []).append(doc)
    files = load_texts([(MINIMAL / f, f, yaml.safe_dump_all(d).encode()) for f, d in by_file.items()], cwd=MINIMAL)
    framework = data.draw(st.sampled_from([None, "sof-2022-23", "nof-2025-26", "oaf-2024"]), label="framework")
    as_of = data.draw(st.sampled_from([None, "2024-06-01", "2025-06-01"]), label="as_of")
    try:
        run = validate_files(files, framework=framework, as_of=date.fromisoformat(as_of) if as_of else None,
                             today=date(2024, 6, 1))
    except UsageError:
        return  # e.g. oaf.yaml's date mutated to one no pack is in force on: exit 2, one line
    assert all(f.line >= 1 and f.column >= 1 and f.message for f in run.findings)
    for fmt in ("text", "json"):
        renderer(fmt)(run, io.StringIO())
