"""`oafctl diff`: what a change to the governance repo means, between two Git revisions.

`git.py` reads a revision with git itself; both sides go through the same pipeline as `oafctl validate`;
`compare.py` says what changed in the framework's terms; `render.py` writes text, Markdown or JSON.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from oafctl.diff.compare import Diff, Side, compare
from oafctl.diff.git import GitError, find_repo, read_revision, resolve
from oafctl.engine import Run, UsageError, validate, validate_files
from oafctl.load import LoadedFile

__all__ = ["Diff", "DiffError", "Side", "compare", "diff_revisions"]

WORKING_TREE = "working tree"


class DiffError(Exception):
    """The diff cannot be made (not a repo, unknown revision, nothing to compare): exit 2."""


def diff_revisions(
    folder: Path,
    base: str,
    head: str | None = None,
    *,
    framework: str | None = None,
    as_of: date | None = None,
    cwd: Path | None = None,
) -> Diff:
    """Compare the governance folder at revision `base` with revision `head` (None: the working tree)."""
    try:
        repo = find_repo(folder)
        base_commit = resolve(repo, base)
        head_commit = resolve(repo, head) if head is not None else None
        base_files = read_revision(repo, base_commit, folder, cwd=cwd)
        head_files: list[LoadedFile] | None = (
            read_revision(repo, head_commit, folder, cwd=cwd) if head_commit is not None else None)
    except GitError as exc:
        raise DiffError(str(exc)) from exc
    head_label = head if head is not None else WORKING_TREE
    try:
        head_run: Run | None = None
        problem = f"no YAML files under {folder} in {base} or in {head_label}"
        if head_files is None:
            try:
                head_run = validate(folder, framework=framework, as_of=as_of, cwd=cwd)
            except UsageError as exc:  # nothing to check in the working tree (the change deletes the estate)
                problem = str(exc)
        elif head_files:
            head_run = validate_files(head_files, framework=framework, as_of=as_of)
        base_run = validate_files(base_files, framework=framework, as_of=as_of) if base_files else None
        # A side with no estate at all is judged like the other, so that everything shows as added or removed.
        if base_run is None and head_run is None:
            raise DiffError(problem)
        if base_run is None:
            assert head_run is not None
            base_run = validate_files([], framework=head_run.pack.id, as_of=head_run.as_of)
        if head_run is None:
            head_run = validate_files([], framework=base_run.pack.id, as_of=base_run.as_of)
    except UsageError as exc:
        raise DiffError(str(exc)) from exc
    return compare(Side(base, base_commit, base_run), Side(head_label, head_commit, head_run))
