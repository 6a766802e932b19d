"""Find the governance repo's YAML files and read them safely.

Every problem with a file (unreadable, too large, not UTF-8, a link leaving the repo, broken YAML)
becomes a LoadIssue with file:line:column, and the other files are still read.
"""

from __future__ import annotations

import fnmatch
import os
import posixpath
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from oafctl.load.comments import InlineIgnore, parse_ignores
from oafctl.load.yamlparse import RawDocument, parse_documents

if TYPE_CHECKING:
    from oafctl.load.cache import ParseCache

YAML_SUFFIXES = (".yaml", ".yml")
SKIPPED_DIRS = frozenset((".oafctl-cache", "node_modules", "__pycache__"))
MAX_FILE_BYTES = 10 * 1024 * 1024
"""A governance file is kilobytes; anything over this is refused unread (a hostile or misplaced file)."""


class DiscoveryError(Exception):
    """The path given cannot be validated at all (a usage error, exit 2)."""


@dataclass(frozen=True, slots=True)
class LoadIssue:
    """Something wrong with the YAML or with a document's shape: reported as OAF000."""

    file: str
    line: int
    column: int
    message: str
    hint: str = ""
    key: str = ""
    """What the problem is about, for the fingerprint (never the line)."""


@dataclass(slots=True)
class LoadedFile:
    """A file as read: its display path, its text (for snippets and inline comments) and its documents."""

    path: Path
    display: str
    text: str
    documents: list[RawDocument] = field(default_factory=list)
    issues: list[LoadIssue] = field(default_factory=list)
    ignores: list[InlineIgnore] = field(default_factory=list)
    """`# oafctl-ignore: RULE reason` comments (inline waivers), read from the text."""


def display_path(path: Path, cwd: Path | None = None) -> str:
    """Relative to the current directory in `/` form: the linters' convention."""
    base = cwd or Path.cwd()
    try:
        rel = os.path.relpath(path, base)
    except ValueError:  # another drive on Windows
        rel = str(path)
    return printable(PurePosixPath(Path(rel)).as_posix())


def printable(name: str) -> str:
    """A file name that can be printed and hashed: bytes that are not UTF-8 (kept by Python as lone
    surrogates, which cannot be encoded) are shown as \\xNN escapes."""
    if name.isascii():
        return name
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return name


def _position_of(data: bytes, offset: int) -> tuple[int, int]:
    before = data[:offset]
    line = before.count(b"\n") + 1
    column = offset - (before.rfind(b"\n") + 1) + 1
    return line, column


def decode(data: bytes) -> tuple[str | None, tuple[int, int, str] | None]:
    """UTF-8 text without BOM and with LF line ends, or where and why it is not text."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return None, (1, 1, "file is UTF-32; save it as UTF-8")
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, (1, 1, "file is UTF-16; save it as UTF-8")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _position_of(data, exc.start)
        return None, (line, column, f"file is not UTF-8: byte 0x{data[exc.start]:02x} cannot be decoded")
    nul = text.find("\x00")
    if nul >= 0:
        line, column = _position_of(data, len(text[:nul].encode("utf-8")))
        return None, (line, column, "file contains a NUL byte: it is binary, not YAML")
    bom = text.find("\ufeff")
    if bom >= 0:
        line, column = _position_of(data, len(text[:bom].encode("utf-8")))
        return None, (line, column, "file contains a byte order mark (U+FEFF) after its start: files joined "
                      "together? remove it")
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    return text, None


def too_large(display: str, size: int) -> LoadIssue:
    return LoadIssue(display, 1, 1,
                     f"file is {size / 1048576:.1f} MiB, over the {MAX_FILE_BYTES // 1048576} MiB limit; "
                     "it was not read",
                     hint="split it, or list it under `exclude` in oaf.yaml if it is not oafctl's",
                     key="too-large")


def read_bytes(path: Path, display: str) -> bytes | LoadIssue:
    """A file's bytes, or the issue that kept it unread (not a regular file, too large, unreadable)."""
    try:
        # O_NONBLOCK: opening a named pipe called *.yaml must not wait for a writer forever
        with os.fdopen(os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)), "rb") as stream:
            info = os.fstat(stream.fileno())
            if not stat.S_ISREG(info.st_mode):
                return LoadIssue(display, 1, 1, "not a regular file (a named pipe, socket or device); it was not "
                                 "read", hint="remove it from the repo", key="not-a-file")
            if info.st_size > MAX_FILE_BYTES:
                return too_large(display, info.st_size)
            return stream.read()
    except OSError as exc:
        return LoadIssue(display, 1, 1, f"cannot read file: {exc.strerror or exc}",
                         hint="check the file's permissions", key="unreadable")


def read_file(path: Path, display: str, cache: ParseCache | None = None) -> LoadedFile:
    """Read, decode and parse one file; never raises for a bad file."""
    return load_bytes(path, display, read_bytes(path, display), cache)


def load_bytes(path: Path, display: str, data: bytes | LoadIssue, cache: ParseCache | None = None) -> LoadedFile:
    """A LoadedFile from bytes already read (or the issue that kept them unread)."""
    loaded = LoadedFile(path=path, display=display, text="")
    if isinstance(data, LoadIssue):
        loaded.issues.append(data)
        return loaded
    return parse_file(loaded, data, cache)


def parse_file(loaded: LoadedFile, data: bytes, cache: ParseCache | None = None) -> LoadedFile:
    """Decode and parse a file's bytes into `loaded` (its text, documents, inline waivers, issues)."""
    display = loaded.display
    text, problem = decode(data)
    if problem is not None:
        line, column, message = problem
        loaded.issues.append(LoadIssue(display, line, column, message,
                                       hint="save the file as UTF-8 text", key="encoding"))
        return loaded
    assert text is not None
    loaded.text = text
    docs, error = cache.parse(data, text) if cache is not None else parse_documents(text)
    loaded.documents = docs
    if error is not None:
        loaded.issues.append(LoadIssue(display, error.line, error.column, error.message,
                                       hint="fix the YAML syntax at this position", key="yaml"))
    loaded.ignores, comment_problems = parse_ignores(text, display)
    for cp in comment_problems:
        loaded.issues.append(LoadIssue(display, cp.line, cp.column, cp.message, hint=cp.hint,
                                       key=f"oafctl-ignore|{cp.message}"))
    return loaded


def _is_hidden(name: str) -> bool:
    return name.startswith(".")


def iter_yaml_files(root: Path) -> Iterator[tuple[Path, str | None]]:
    """Yield (path, problem) for each YAML file under root in sorted order; hidden and cache folders are
    skipped; a link that leaves the repo or loops is yielded with the problem instead of being followed."""
    root_real = root.resolve()
    seen_dirs: set[Path] = set()

    def walk(directory: Path, ancestors: frozenset[Path]) -> Iterator[tuple[Path, str | None]]:
        real = directory.resolve()
        if real in ancestors:
            yield directory, "symbolic link loop: this folder was already visited"
            return
        if real in seen_dirs:
            return  # a second way into a folder already read (a link inside the repo): read it once
        seen_dirs.add(real)
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError as exc:
            yield directory, f"cannot read folder: {exc.strerror or exc}"
            return
        for entry in entries:
            if _is_hidden(entry.name) or entry.name in SKIPPED_DIRS:
                continue
            path = Path(entry.path)
            try:
                is_link = entry.is_symlink()
                is_dir = entry.is_dir()
            except OSError:
                is_link, is_dir = True, False
            if is_link:
                try:
                    target = path.resolve(strict=True)
                except (OSError, RuntimeError):
                    if entry.name.endswith(YAML_SUFFIXES):
                        yield path, "symbolic link is broken or loops"
                    continue
                if not target.is_relative_to(root_real):
                    if is_dir or entry.name.endswith(YAML_SUFFIXES):
                        yield path, "symbolic link leaves the repository; it was not followed"
                    continue
            if is_dir:
                yield from walk(path, ancestors | {real})
            elif entry.name.endswith(YAML_SUFFIXES):
                yield path, None

    if root.is_file():
        yield root, None
        return
    yield from walk(root, frozenset())


def matches_any(relative: str, globs: Iterable[str]) -> bool:
    """`exclude` globs match the path relative to the repo root, or any trailing part of it."""
    pure = PurePosixPath(relative)
    for pattern in globs:
        if fnmatch.fnmatchcase(relative, pattern) or pure.match(pattern):
            return True
        if pattern.endswith("/**") and (relative + "/").startswith(pattern[:-2]):
            return True
    return False


Discovered = tuple[Path, str, str | None]
"""(path, display path, problem that keeps it unread, such as a link leaving the repo)."""


def discover(root: Path, exclude: Iterable[str] = (), cwd: Path | None = None) -> list[Discovered]:
    """Every YAML file under root (or root itself, if a file) with its display path, sorted by it."""
    if not root.exists():
        raise DiscoveryError(f"path does not exist: {root}")
    globs = list(exclude)
    found: list[Discovered] = []
    base = root if root.is_dir() else root.parent
    # Paths are worked out as strings: pathlib and relpath per file were a third of a warm run on a
    # 9,000-file estate. relpath(base/rel, cwd) is relpath(base, cwd)/rel unless the current folder lies
    # inside the repo (validating `..`); then each path goes through display_path.
    prefix = os.path.join(str(base), "")
    base_display = display_path(base, cwd)
    lexical = not os.path.join(os.path.abspath(cwd or os.getcwd()), "").startswith(
        os.path.join(os.path.abspath(base), ""))
    for path, problem in iter_yaml_files(root):
        text_path = str(path)
        rel_os = text_path[len(prefix):] if text_path.startswith(prefix) else os.path.relpath(path, base)
        rel = rel_os.replace(os.sep, "/")
        if globs and matches_any(rel, globs):
            continue
        fast = lexical and path != root
        display = printable(posixpath.normpath(f"{base_display}/{rel}")) if fast else display_path(path, cwd)
        found.append((path, display, problem))
    if not found:
        raise DiscoveryError(f"no YAML files found under {root}")
    found.sort(key=lambda entry: entry[1])
    return found


def link_problem(path: Path, display: str, problem: str) -> LoadedFile:
    return LoadedFile(path, display, "", issues=[LoadIssue(display, 1, 1, problem, key="link")])


def load_tree(
    root: Path, exclude: Iterable[str] = (), cwd: Path | None = None, cache: ParseCache | None = None
) -> list[LoadedFile]:
    """Read every YAML file under root (or root itself, if a file), sorted by display path; `cache` reuses
    files parsed by an earlier run."""
    return [
        link_problem(path, display, problem) if problem is not None else read_file(path, display, cache)
        for path, display, problem in discover(root, exclude, cwd)
    ]


def is_skipped(relative: str) -> bool:
    """Whether a repo-relative path lies in a folder discovery skips (hidden, cache) or is not YAML."""
    parts = PurePosixPath(relative).parts
    if any(_is_hidden(p) or p in SKIPPED_DIRS for p in parts[:-1]) or (parts and _is_hidden(parts[-1])):
        return True
    return not relative.endswith(YAML_SUFFIXES)


def load_texts(
    entries: Iterable[tuple[Path, str, bytes | LoadIssue]], exclude: Iterable[str] = (), cwd: Path | None = None
) -> list[LoadedFile]:
    """The loader's entry point for files that are not on disk (a Git revision): each entry is (path, path
    relative to the repo root, content), where the content is a LoadIssue for a file that was not read (too
    large, a symbolic link). Excluded and skipped paths are dropped. Same parsing and issues as `load_tree`,
    sorted by display path."""
    globs = list(exclude)
    files: list[LoadedFile] = []
    for path, rel, data in entries:
        if is_skipped(rel) or (globs and matches_any(rel, globs)):
            continue
        display = display_path(path, cwd)
        if isinstance(data, LoadIssue):
            files.append(LoadedFile(path, display, "", issues=[data]))
            continue
        files.append(parse_file(LoadedFile(path=path, display=display, text=""), data))
    files.sort(key=lambda f: f.display)
    return files
