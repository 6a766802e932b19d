"""Nothing lost: `oafctl mou scaffold` rewrites a hand-edited MOU spec. Whatever comments, blank lines and
quoting a person put in it, the lines it does not have to change stay byte for byte and in order
(tests/nothing_lost.py). Hypothesis decorates the minimal example's MOU at random, then breaks one lead."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from conftest import MINIMAL, run_cli
from hypothesis import given, settings
from hypothesis import strategies as st
from nothing_lost import assert_nothing_lost

MOU = (MINIMAL / "mous" / "QHM.yaml").read_text(encoding="utf-8")
COMMENT = st.text(st.sampled_from("abc XYZ-:#'\"é→"), min_size=0, max_size=12).map(lambda s: "# " + s)


@st.composite
def decorated(draw: st.DrawFn) -> str:
    """The MOU with comments after values, comment lines and blank lines added at random places."""
    out: list[str] = []
    in_block = False  # inside a block scalar (`>-`, `|`) a `#` is text, not a comment
    for line in MOU.splitlines():
        in_block = in_block and line.startswith("  ")
        if not in_block:
            if draw(st.booleans(), label="line before") and not line.startswith("  "):
                out.append(draw(st.sampled_from(["", draw(COMMENT)])))
            if draw(st.booleans(), label="comment after") and not line.rstrip().endswith((">-", "|")) \
                    and "#" not in line:
                line = f"{line}   {draw(COMMENT)}"
        out.append(line)
        in_block = in_block or line.rstrip().endswith((">-", "|"))
    return "\n".join(out) + "\n"


def _changeable(line: str) -> bool:
    return line.lstrip().startswith(("lead:", "support:"))


@settings(max_examples=10)
@given(text=decorated())
def test_scaffold_keeps_every_line_it_need_not_change(text: str) -> None:
    broken = text.replace("  - provider: RVW\n    lead: QHM", "  - provider: RVW\n    lead: Y63", 1)
    with tempfile.TemporaryDirectory() as tmp:
        repo = Path(tmp) / "repo"
        shutil.copytree(MINIMAL, repo, ignore=shutil.ignore_patterns(".oafctl-cache"))
        spec = repo / "mous" / "QHM.yaml"
        spec.write_text(broken, encoding="utf-8")
        result = run_cli("mou", "scaffold", str(repo), "--icb", "QHM")
        assert result.exit_code == 0, result.output
        after = spec.read_text(encoding="utf-8")
        assert_nothing_lost(broken, after, _changeable)
        if broken != text:
            assert "lead: QHM" in after.split("provider: RVW", 1)[1].split("provider:", 1)[0]
        # and running it again changes nothing at all
        assert run_cli("mou", "scaffold", str(repo), "--icb", "QHM").exit_code == 0
        assert spec.read_text(encoding="utf-8") == after


def test_the_helper_catches_a_lost_comment() -> None:
    before = "a: 1  # keep\nb: 2\n"
    try:
        assert_nothing_lost(before, "a: 1\nb: 2\n")
    except AssertionError as exc:
        assert "a: 1  # keep" in str(exc)
    else:
        raise AssertionError("a lost comment was not caught")
    assert_nothing_lost(before, "a: 1  # keep\nb: 3\n", lambda line: line.startswith("b:"))
