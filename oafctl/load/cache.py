"""A content-hash cache of parsed YAML files, under `.oafctl-cache/` in the validated repo.

Why: parsing is most of a cold run on a large estate, and in pre-commit or CI almost every file is the same
as last time. An entry is keyed by a hash of the file's bytes, so an edit is a miss and a rename is a hit
(the display path is not part of the entry); the cache file's name carries a stamp of oafctl's version and
of the loader's own code, so that a new oafctl never reads entries an older one wrote. Entries hold only
plain data (the loader's documents and positions, or its error) and are stored with `marshal`, which is
fast and cannot run code. Writes are atomic (a temporary file renamed into place). A corrupt or unreadable
cache is ignored, and a repo that cannot be written to is simply not cached: the cache never changes a
result, only how fast it comes.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from oafctl import __version__
from oafctl.load import yamlparse
from oafctl.load.yamlparse import RawDocument, YamlError

CACHE_DIR = ".oafctl-cache"
_PREFIX = "parsed-"
_SUFFIX = ".marshal"
_README = (
    "This folder is oafctl's cache of parsed YAML files (see `oafctl validate --no-cache`).\n"
    "It is safe to delete at any time; do not commit it.\n"
)

Entry = tuple[list[tuple[Any, int, int, bytes]], tuple[str, int, int] | None]
"""(documents as (data, line, column, packed positions), error as (message, line, column) or None)."""


def _stamp() -> str:
    """What the entries depend on besides the file's bytes: oafctl's version, the loader's code and limits,
    the Python version (marshal's format) and whether libyaml is in use."""
    parts = [__version__, sys.version, str(yamlparse.LIBYAML), str(yamlparse.MAX_DEPTH),
             str(yamlparse.MAX_NODES_PER_DOCUMENT), str(marshal.version)]
    for module in (yamlparse,):
        try:
            info = os.stat(module.__file__ or "")
            parts.append(f"{info.st_size}:{info.st_mtime_ns}")
        except OSError:
            parts.append("?")
    return hashlib.blake2b("\0".join(parts).encode(), digest_size=8).hexdigest()


def content_key(data: bytes) -> bytes:
    """The cache key of a file's bytes."""
    return hashlib.blake2b(data, digest_size=16).digest()


class ParseCache:
    """Parsed files by content hash, loaded from and saved to one file under `.oafctl-cache/`."""

    def __init__(self, directory: Path | None) -> None:
        self.directory = directory
        self.path = directory / f"{_PREFIX}{_stamp()}{_SUFFIX}" if directory is not None else None
        self._old: dict[bytes, Entry] = {}
        self._new: dict[bytes, Entry] = {}
        self.hits = 0
        self.misses = 0
        self._loaded = False

    @classmethod
    def open(cls, root: Path) -> ParseCache:
        """The cache of the repo at `root`, loaded if present (a single file is not cached)."""
        if not root.is_dir():
            return cls(None)
        return cls(root / CACHE_DIR)  # read on the first parse: a verdict-cache hit never needs it

    def _load(self) -> None:
        self._loaded = True
        if self.path is None:
            return
        try:
            loaded = marshal.loads(self.path.read_bytes())  # 4x faster than marshal.load on a stream
        except (OSError, EOFError, ValueError, TypeError):
            return  # absent, unreadable or corrupt: start empty
        if isinstance(loaded, dict):
            self._old = loaded

    def parse(self, data: bytes, text: str) -> tuple[list[RawDocument], YamlError | None]:
        """`parse_documents(text)`, from the cache when these bytes were parsed before."""
        if not self._loaded:
            self._load()
        key = content_key(data)
        entry = self._old.get(key)
        if entry is not None:
            result = _from_entry(entry)
            if result is not None:
                self.hits += 1
                self._new[key] = entry
                return result
        self.misses += 1
        docs, error = yamlparse.parse_documents(text)
        self._new[key] = (
            [(d.data, d.line, d.column, d.pack_positions()) for d in docs],
            (error.message, error.line, error.column) if error is not None else None,
        )
        return docs, error

    def save(self) -> None:
        """Write the entries this run used (dropping stale ones), atomically; quietly skip when the repo
        cannot be written to."""
        if self.path is None or self.directory is None:
            return
        if self.misses == 0 and len(self._new) == len(self._old):
            return  # nothing changed
        try:
            payload = marshal.dumps(self._new)
        except ValueError:
            return  # a value marshal cannot store (not expected from the loader): do not cache
        try:
            self.directory.mkdir(exist_ok=True)
            readme = self.directory / "README"
            if not readme.exists():
                readme.write_text(_README, encoding="utf-8")
            gitignore = self.directory / ".gitignore"
            if not gitignore.exists():
                gitignore.write_text("*\n", encoding="utf-8")
            fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=_SUFFIX, dir=self.directory)
            try:
                with os.fdopen(fd, "wb") as stream:
                    stream.write(payload)
                os.replace(tmp, self.path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
            for stale in self.directory.glob(f"{_PREFIX}*{_SUFFIX}"):
                if stale != self.path:
                    with contextlib.suppress(OSError):
                        stale.unlink()
        except OSError:
            return  # a read-only repo, a full disk: run without a cache


def _from_entry(entry: Any) -> tuple[list[RawDocument], YamlError | None] | None:
    """Rebuild the loader's result from an entry, or None when the entry is not well formed."""
    try:
        raw_docs, raw_error = entry
        docs = [RawDocument(data, line, column, packed=packed) for data, line, column, packed in raw_docs]
        error = YamlError(*raw_error) if raw_error is not None else None
    except (TypeError, ValueError):
        return None
    if not all(isinstance(d.line, int) and isinstance(d.column, int) and isinstance(d._packed, bytes) for d in docs):
        return None
    if error is not None and not (isinstance(error.message, str) and isinstance(error.line, int)
                                  and isinstance(error.column, int)):
        return None
    return docs, error
