"""A cache of a whole run's verdict, for an estate whose every file is unchanged since the last run.

Why: the parse cache spares only parsing; on a large estate, building the models and running the rules is
the other half of a run, and in pre-commit or CI most runs see an estate they have seen before. The key is a
hash of every file's display path and bytes (so an edit, a rename, an added or removed file is a miss), the
options and date that can decide the verdict (framework, as-of, and today's date in UTC, so an entry lasts a
day at most), oafctl's version, the code of the oafctl package and the policy packs. The entry holds the
findings (after rule settings and waivers), the pack id, the date and the counts reporters print, as plain
data in `marshal` form. On a hit the run is rebuilt without models, so only `oafctl validate` uses it;
commands that read the estate itself (report, mou, diff) never do. Like the parse cache, it never changes a
result: a corrupt or unwritable cache is ignored.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import sys
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from oafctl import __version__
from oafctl.findings import Finding
from oafctl.load.cache import CACHE_DIR
from oafctl.resources import data_dir
from oafctl.rules import Rule

_NAME = "verdict.marshal"
_FORMAT = 1
_PACKAGE = Path(__file__).resolve().parent


def _code_stamp() -> bytes:
    """oafctl's own code and policy packs: a changed rule or pack must never reuse an old verdict."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{_FORMAT}\0{__version__}\0{sys.version}\0{marshal.version}".encode())
    for path in sorted(_PACKAGE.rglob("*.py")):
        with contextlib.suppress(OSError):
            info = path.stat()
            digest.update(f"{path.relative_to(_PACKAGE)}:{info.st_size}:{info.st_mtime_ns}\0".encode())
    for pack in sorted(data_dir("policies").glob("*.yaml")):
        with contextlib.suppress(OSError):
            digest.update(pack.name.encode() + b"\0" + pack.read_bytes())
    return digest.digest()


def run_key(
    contents: list[tuple[str, bytes | str]], framework: str | None, as_of: date | None, today: date
) -> bytes:
    """The key of a run: each file's display path with its bytes (or the problem that kept it unread)."""
    digest = hashlib.blake2b(_code_stamp(), digest_size=16)
    digest.update(f"{framework}\0{as_of}\0{today.isoformat()}\0".encode())
    for display, content in contents:
        digest.update(display.encode("utf-8", "surrogateescape") + b"\0")
        if isinstance(content, bytes):
            digest.update(b"B" + hashlib.blake2b(content, digest_size=16).digest())
        else:
            digest.update(b"P" + content.encode("utf-8", "surrogateescape"))
    return digest.digest()


@dataclass(frozen=True)
class Verdict:
    """What `oafctl validate` reports, without the models it was judged from."""

    findings: list[Finding]
    pack_id: str
    as_of: date
    as_of_from: str
    organisations: int
    local_rules: list[Rule]


def _finding_row(f: Finding) -> tuple[Any, ...]:
    return (f.rule, f.severity, f.file, f.line, f.column, f.message, tuple(f.organisations), f.hint,
            f.fingerprint, f.waived, f.waiver_reason)


def _rule_row(r: Rule) -> tuple[str, ...]:
    return (r.id, r.name, r.title, r.severity, r.what, r.why, r.passing, r.failing, r.origin)


def load(repo: Path, key: bytes) -> Verdict | None:
    """The verdict stored under `key` in the repo's cache, or None (absent, stale, unreadable, corrupt)."""
    try:
        stored = marshal.loads((repo / CACHE_DIR / _NAME).read_bytes())
        stored_key, findings, pack_id, as_of, as_of_from, organisations, rules = stored
        if stored_key != key:
            return None
        return Verdict(
            findings=[Finding(*row) for row in findings],
            pack_id=str(pack_id),
            as_of=date.fromisoformat(as_of),
            as_of_from=str(as_of_from),
            organisations=int(organisations),
            local_rules=[Rule(*row) for row in rules],
        )
    except (OSError, EOFError, ValueError, TypeError):
        return None


def save(repo: Path, key: bytes, verdict: Verdict) -> None:
    """Store the verdict atomically; quietly skip when the repo cannot be written to."""
    directory = repo / CACHE_DIR
    payload = marshal.dumps((
        key,
        [_finding_row(f) for f in verdict.findings],
        verdict.pack_id,
        verdict.as_of.isoformat(),
        verdict.as_of_from,
        verdict.organisations,
        [_rule_row(r) for r in verdict.local_rules],
    ))
    try:
        directory.mkdir(exist_ok=True)
        gitignore = directory / ".gitignore"
        if not gitignore.exists():
            gitignore.write_text("*\n", encoding="utf-8")
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".marshal", dir=directory)
        try:
            with os.fdopen(fd, "wb") as stream:
                stream.write(payload)
            os.replace(tmp, directory / _NAME)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    except OSError:
        return
