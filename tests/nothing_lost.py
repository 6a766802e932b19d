"""A reusable assertion for commands that rewrite a YAML file a person wrote (`mou scaffold`, and any later
rewriting command): nothing the command had no reason to touch may be lost or moved.

`assert_nothing_lost(before, after, may_change)` compares the two texts line by line (difflib). Every line
of `before` that the command removed or replaced must satisfy `may_change` (the lines the command is
allowed to rewrite), every comment of `before` on a line that survives must still be in `after`, and the
lines that stayed keep their order, byte for byte."""

from __future__ import annotations

import difflib
from collections.abc import Callable


def assert_nothing_lost(before: str, after: str, may_change: Callable[[str], bool] = lambda line: False) -> None:
    old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    lost = [line for tag, i1, i2, _j1, _j2 in matcher.get_opcodes() if tag in ("delete", "replace")
            for line in old[i1:i2] if not may_change(line)]
    assert not lost, "lines changed or removed that the command had no reason to touch:\n" + "".join(lost)
    kept = [line for tag, i1, i2, _j1, _j2 in matcher.get_opcodes() if tag == "equal" for line in old[i1:i2]]
    for line in kept:
        if "#" in line:
            assert line in new, f"comment lost: {line!r}"
    # the untouched lines are a subsequence of the new text, in their order
    position = 0
    for line in kept:
        position = new.index(line, position) + 1
