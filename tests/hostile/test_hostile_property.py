"""Property test: mutate the bytes of a valid estate (the minimal example) and run the real CLI on it.

tests/test_bad_input.py mutates parsed values in memory; this one mutates the text itself (deleting,
inserting and duplicating bytes, including tabs, NULs, stray UTF-8, anchors, tags and flow brackets) and
goes through `oafctl validate` end to end. Whatever the bytes: no exception escapes (the runner does not
catch them), the exit code is 0, 1 or 2, the output is deterministic, the parse cache changes nothing
(a warm run prints exactly what `--no-cache` prints), and the order the files were written in (their
order on disk) does not change a byte of the report. Hypothesis runs without a deadline and derandomized
when CI is set (see conftest.py); OAFCTL_PROPERTY_EXAMPLES runs more examples (40 by default)."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

from conftest import MINIMAL, run_cli
from hypothesis import given, settings
from hypothesis import strategies as st

FILES = {p.relative_to(MINIMAL).as_posix(): p.read_bytes() for p in sorted(MINIMAL.rglob("*.yaml"))}
NAMES = sorted(FILES)
HOSTILE = [b"\t", b"\x00", b"\xff", b"\xc3", b"\r", b"\xef\xbb\xbf", b": ", b"- ", b"&a ", b"*a", b"<<: ",
           b"!!python/name:os.system ", b"!x ", b"[", b"{", b"]", b'"', b"'", b"#", b"---\n", b"...\n", b"?",
           b"NO", b"2025-02-30", b"9" * 40, b"QHM", b"Y63", b"X24", b" ", b"\n", b"\xe2\x80\xae"]


@st.composite
def mutated(draw: st.DrawFn) -> dict[str, bytes]:
    files = dict(FILES)
    for _ in range(draw(st.integers(1, 5), label="mutations")):
        name = draw(st.sampled_from(NAMES), label="file")
        data = files[name]
        at = draw(st.integers(0, len(data)), label="offset")
        kind = draw(st.sampled_from(["insert", "delete", "replace", "duplicate-line", "drop-line"]), label="kind")
        if kind == "insert":
            data = data[:at] + draw(st.sampled_from(HOSTILE), label="bytes") + data[at:]
        elif kind == "delete":
            data = data[:at] + data[at + draw(st.integers(1, 20), label="length"):]
        elif kind == "replace":
            data = data[:at] + draw(st.sampled_from(HOSTILE), label="bytes") + data[at + 1:]
        else:
            lines = data.split(b"\n")
            index = min(at, len(lines) - 1)
            lines[index:index + 1] = [lines[index]] * (2 if kind == "duplicate-line" else 0)
            data = b"\n".join(lines)
        files[name] = data
    return files


def _write(root: Path, files: dict[str, bytes], order: list[str]) -> Path:
    for name in order:
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(files[name])
    return root


def _validate(repo: Path, *extra: str) -> tuple[int, str]:
    result = run_cli("validate", ".", *extra, cwd=repo)  # an exception here fails the test with its traceback
    assert result.exit_code in (0, 1, 2), result.output
    return result.exit_code, result.output


@settings(max_examples=int(os.environ.get("OAFCTL_PROPERTY_EXAMPLES", "40")))
@given(files=mutated(), order=st.permutations(NAMES))
def test_mutated_bytes_never_crash_and_reports_are_stable(files: dict[str, bytes], order: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        first = _write(Path(tmp) / "a", files, NAMES)
        second = _write(Path(tmp) / "b", files, order)  # the same files, created in another order
        code, cold = _validate(first, "--format", "json", "--no-cache", "--as-of", "2024-06-01")
        if code == 2:
            assert cold.count("\n") == 1 and cold.startswith("oafctl: error:"), cold
            return
        report = json.loads(cold)
        assert all(f["line"] >= 1 and f["column"] >= 1 and f["message"] for f in report["findings"])
        assert (code == 1) == any(f["severity"] == "error" for f in report["findings"])
        # deterministic, and the cache changes nothing: a cold run that fills it, then a warm one
        assert _validate(first, "--format", "json", "--as-of", "2024-06-01") == (code, cold)
        assert _validate(first, "--format", "json", "--as-of", "2024-06-01") == (code, cold)
        # the files' order on disk changes nothing
        assert _validate(second, "--format", "json", "--as-of", "2024-06-01") == (code, cold)
        # and the human format copes with whatever was found
        text_code, text = _validate(second, "--as-of", "2024-06-01")
        assert text_code == code and "Traceback" not in text
        shutil.rmtree(first / ".oafctl-cache", ignore_errors=True)
