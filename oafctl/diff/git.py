"""Read a governance folder as it stood at a Git revision, with git itself.

No checkout, no shell, no hooks: `git rev-parse --verify --end-of-options` validates the revision,
`git ls-tree` lists the folder's files and one `git cat-file --batch` reads their bytes, each through
subprocess with an argument list. The files then go through the same loader as files on disk
(`load_texts`), so both sides of a diff are parsed, modelled and checked identically.
"""

from __future__ import annotations

import os
import posixpath
import subprocess
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from oafctl.load import LoadedFile, LoadIssue
from oafctl.load.discover import MAX_FILE_BYTES, display_path, load_texts, too_large

GIT_TIMEOUT = 120
"""Seconds; a governance repo is small, so a git command that takes longer is stuck (a lock, a prompt)."""
_SAFE_CONFIG = ("-c", "core.fsmonitor=false", "-c", "core.hooksPath=/dev/null", "-c", "core.quotePath=false")
"""An fsmonitor command configured in a repo would otherwise run; hooks never run for these commands, and
the hooks path makes that explicit."""


class GitError(Exception):
    """Git cannot answer: not a repository, an unknown revision, git missing (a usage error, exit 2)."""


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.update({"GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"})
    env.pop("GIT_DIR", None)
    env.pop("GIT_WORK_TREE", None)
    return env


def git(args: list[str], cwd: Path, stdin: bytes | None = None) -> bytes:
    """Run `git <args>` in `cwd` and return its standard output; GitError with git's message on failure."""
    try:
        done = subprocess.run(["git", *_SAFE_CONFIG, *args], cwd=cwd, input=stdin, capture_output=True,
                              env=_env(), timeout=GIT_TIMEOUT, check=False)
    except FileNotFoundError:
        raise GitError("git is not installed (oafctl diff reads revisions with git)") from None
    except subprocess.TimeoutExpired:
        raise GitError(f"git {args[0]} did not finish within {GIT_TIMEOUT} s") from None
    except OSError as exc:
        raise GitError(f"cannot run git: {exc.strerror or exc}") from exc
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(message[-1].removeprefix("fatal: ") if message else f"git {args[0]} failed")
    return done.stdout


@dataclass(frozen=True)
class Repo:
    """The Git work tree holding the governance folder, and that folder's path inside it."""

    top: Path
    prefix: str
    """The folder relative to the top, `/`-separated, "" for the top itself."""


def find_repo(folder: Path) -> Repo:
    if not folder.is_dir():
        raise GitError(f"{folder} is not a folder")
    out = git(["rev-parse", "--show-toplevel", "--show-prefix"], folder).decode("utf-8").split("\n")
    if len(out) < 2 or not out[0]:
        raise GitError(f"{folder} is not inside a Git work tree")
    return Repo(Path(out[0]), out[1].strip().rstrip("/"))


def resolve(repo: Repo, revision: str) -> str:
    """The commit a revision names (validated: never parsed as an option, must be a commit)."""
    if not revision or revision.startswith("-") or any(c in revision for c in "\n\r\x00"):
        raise GitError(f"not a revision: {revision!r}")
    try:
        out = git(["rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}"], repo.top)
    except GitError:
        out = b""
    sha = out.decode("ascii", "replace").strip()
    if not sha:
        raise GitError(f"unknown revision {revision!r} in {repo.top} (in a shallow CI clone, fetch it first: "
                       "actions/checkout with fetch-depth: 0)")
    return sha


@dataclass(frozen=True)
class _Entry:
    mode: str
    kind: str
    sha: str
    size: int
    path: str


def _ls_tree(repo: Repo, commit: str) -> list[_Entry]:
    args = ["ls-tree", "-r", "-l", "-z", "--full-tree", commit]
    if repo.prefix:
        args += ["--", repo.prefix]
    entries: list[_Entry] = []
    for record in git(args, repo.top).split(b"\x00"):
        if not record:
            continue
        meta, _, raw_path = record.partition(b"\t")
        fields = meta.split()
        if len(fields) != 4:
            continue
        mode, kind, sha, size = (f.decode("ascii") for f in fields)
        entries.append(_Entry(mode, kind, sha, int(size) if size.isdigit() else 0,
                              raw_path.decode("utf-8", "surrogateescape")))
    return entries


def _cat_blobs(repo: Repo, shas: list[str]) -> dict[str, bytes]:
    """Read many blobs with one `git cat-file --batch`."""
    if not shas:
        return {}
    unique = sorted(set(shas))
    out = git(["cat-file", "--batch"], repo.top, stdin=("\n".join(unique) + "\n").encode("ascii"))
    blobs: dict[str, bytes] = {}
    pos = 0
    for sha in unique:
        header_end = out.index(b"\n", pos)
        header = out[pos:header_end].split()
        if len(header) != 3:
            raise GitError(f"cannot read object {sha}: {out[pos:header_end].decode('ascii', 'replace')}")
        size = int(header[2])
        start = header_end + 1
        blobs[sha] = out[start:start + size]
        pos = start + size + 1
    return blobs


def _within(path: str, prefix: str) -> str | None:
    """`path` relative to the governance folder, or None when outside it."""
    if not prefix:
        return path
    return path[len(prefix) + 1:] if path.startswith(prefix + "/") else None


def read_revision(repo: Repo, commit: str, folder: Path | None = None, cwd: Path | None = None) -> list[LoadedFile]:
    """The governance folder's YAML files as they stood at `commit`, loaded like files on disk (the same
    exclude globs, skipped folders, size limit and issues; a link is followed only within the folder). Paths
    are spelt from `folder` as given (default: the folder in the work tree), as `load_tree` spells them, so
    that both sides of a diff name files alike."""
    from oafctl.engine import excludes_in

    base = folder if folder is not None else repo.top / PurePosixPath(repo.prefix)
    entries = [e for e in _ls_tree(repo, commit) if e.kind == "blob"]
    by_path = {e.path: e for e in entries}
    wanted: list[tuple[_Entry, str]] = []
    for entry in entries:
        rel = _within(entry.path, repo.prefix)
        if rel is not None and rel.endswith((".yaml", ".yml")):
            wanted.append((entry, rel))
    links: dict[str, _Entry | None] = {}
    link_blobs = _cat_blobs(repo, [e.sha for e, _ in wanted if e.mode == "120000"])
    for entry, _rel in wanted:
        if entry.mode == "120000":
            target = link_blobs.get(entry.sha, b"").decode("utf-8", "replace")
            joined = posixpath.normpath(posixpath.join(posixpath.dirname(entry.path), target))
            inside = not target.startswith("/") and _within(joined, repo.prefix) is not None
            resolved = by_path.get(joined) if inside else None
            links[entry.path] = resolved if resolved is not None and resolved.mode != "120000" else None
    readable = [links.get(e.path) or e for e, _ in wanted if e.mode != "120000" or links.get(e.path) is not None]
    blobs = _cat_blobs(repo, [e.sha for e in readable if e.size <= MAX_FILE_BYTES])
    root_text = None
    for name in ("oaf.yaml", "oaf.yml"):
        full = f"{repo.prefix}/{name}" if repo.prefix else name
        if full in by_path and by_path[full].sha in blobs:
            root_text = blobs[by_path[full].sha].decode("utf-8", "replace")
            break
    excludes = (excludes_in(root_text) if root_text is not None else None) or []
    loaded: list[tuple[Path, str, bytes | LoadIssue]] = []
    for entry, rel in wanted:
        path = base / PurePosixPath(rel)
        display = display_path(path, cwd)
        source = entry
        if entry.mode == "120000":
            resolved = links.get(entry.path)
            if resolved is None:
                loaded.append((path, rel, LoadIssue(display, 1, 1,
                                                    "symbolic link leaves the repository; it was not followed",
                                                    key="link")))
                continue
            source = resolved
        if source.size > MAX_FILE_BYTES:
            loaded.append((path, rel, too_large(display, source.size)))
            continue
        loaded.append((path, rel, blobs[source.sha]))
    return load_texts(loaded, excludes, cwd=cwd)
