"""`mou check`: find rendered MOU documents whose embedded hash no longer matches their spec (OAF030).

Each document written by `mou render` carries `oafctl:mou=<id>;sha256=<hex>`: in a Markdown comment, an
HTML `<meta>`, the DOCX core properties, the PDF's Keywords. The check recomputes the hash the document
would have now (listing the validation findings when the estate fails for that MOU, as `--allow-invalid`
would) and compares.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from oafctl.findings import Finding, fingerprint, sort_findings
from oafctl.load.discover import display_path
from oafctl.mou.view import build_view, concerning

if TYPE_CHECKING:
    from oafctl.engine import Run
    from oafctl.model.documents import MOU

MARKER = re.compile(r"oafctl:mou=([A-Za-z0-9][A-Za-z0-9._-]{0,99});sha256=([0-9a-f]{64})")
MARKER_BYTES = re.compile(MARKER.pattern.encode("ascii"))
EXTENSIONS = (".md", ".html", ".htm", ".docx", ".pdf")
_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.DOTALL)


@dataclass(frozen=True)
class Embedded:
    """What a rendered document says about itself."""

    path: Path
    mou_id: str | None
    sha256: str | None
    line: int
    problem: str = ""


def _from_text(path: Path, text: str) -> Embedded:
    match = MARKER.search(text)
    if match is None:
        return Embedded(path, None, None, 1)
    line = text.count("\n", 0, match.start()) + 1
    return Embedded(path, match.group(1), match.group(2), line)


def _from_pdf(path: Path, data: bytes) -> Embedded:
    """The marker is in the PDF's Info dictionary, which WeasyPrint may put in a compressed object stream."""
    match = MARKER_BYTES.search(data)
    if match is None:
        for stream in _STREAM.finditer(data):
            try:
                inflated = zlib.decompress(stream.group(1))
            except zlib.error:
                continue
            match = MARKER_BYTES.search(inflated)
            if match is not None:
                break
    if match is None:
        return Embedded(path, None, None, 1)
    return Embedded(path, match.group(1).decode("ascii"), match.group(2).decode("ascii"), 1)


def read_marker(path: Path) -> Embedded:
    """The MOU id and hash a rendered document carries; `problem` says why it could not be read."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return Embedded(path, None, None, 1, f"cannot be read: {exc.strerror or exc}")
    suffix = path.suffix.lower()
    if suffix == ".docx":
        try:
            with zipfile.ZipFile(path) as archive:
                core = archive.read("docProps/core.xml").decode("utf-8", errors="replace")
        except (zipfile.BadZipFile, KeyError, OSError) as exc:
            return Embedded(path, None, None, 1, f"is not a readable Word document ({exc})")
        return _from_text(path, core)
    if suffix == ".pdf":
        return _from_pdf(path, data)
    return _from_text(path, data.decode("utf-8", errors="replace"))


def rendered_documents(directory: Path) -> list[Path]:
    """Documents under `directory` (recursively, hidden folders skipped), in sorted order."""
    found = []
    for path in sorted(directory.rglob("*")):
        relative = path.relative_to(directory)
        if any(part.startswith(".") for part in relative.parts):
            continue
        if path.is_file() and path.suffix.lower() in EXTENSIONS:
            found.append(path)
    return found


def _finding(rule_id: str, file: str, line: int, message: str, hint: str, key: tuple[str, ...],
             organisations: tuple[str, ...] = ()) -> Finding:
    return Finding(rule=rule_id, severity="error", file=file, line=line, column=1, message=message,
                   organisations=tuple(sorted(set(organisations))), hint=hint,
                   fingerprint=fingerprint(rule_id, key))


def check_rendered(run: Run, root: Path, directory: Path, cwd: Path | None = None) -> tuple[list[Finding], int]:
    """OAF030 findings for the documents in `directory`, and how many documents carried a marker.

    A file without a marker is skipped (a README beside the documents), unless it is named after an MOU
    (`<id>.md` ...), which means it was meant to be one."""
    by_id: dict[str, list[MOU]] = {}
    for mou in run.estate.mous:
        by_id.setdefault(mou.id, []).append(mou)
    expected: dict[str, str] = {}
    findings: list[Finding] = []
    checked = 0
    for path in rendered_documents(directory):
        shown = display_path(path, cwd)
        embedded = read_marker(path)
        name = path.name
        if embedded.mou_id is None:
            if path.stem in by_id or embedded.problem:
                findings.append(_finding(
                    "OAF030", shown, 1,
                    f"{name} {embedded.problem or 'carries no oafctl provenance marker'}, so it cannot be checked "
                    f"against its spec",
                    f"re-render it with `oafctl mou render --icb CODE --out {display_path(directory, cwd)}`",
                    (shown, "unreadable")))
            continue
        checked += 1
        mou_id, digest = embedded.mou_id, embedded.sha256 or ""
        mous = by_id.get(mou_id)
        if not mous:
            findings.append(_finding(
                "OAF030", shown, embedded.line,
                f"{name} was rendered from MOU {mou_id}, which no longer exists in the estate",
                "delete the document, or restore the MOU spec it was rendered from",
                (mou_id, "missing")))
            continue
        mou = mous[0]
        if mou_id not in expected:
            problems = concerning(run, mou)
            expected[mou_id] = build_view(run, mou, root, problems).provenance.sha256
        if digest != expected[mou_id]:
            problems = concerning(run, mou)
            why = (f"; the estate now fails validate for it ({len(problems)} "
                   f"error{'' if len(problems) == 1 else 's'})") if problems else ""
            findings.append(_finding(
                "OAF030", shown, embedded.line,
                f"{name} no longer matches MOU {mou_id} (it embeds SHA-256 {digest[:12]}…, the spec and estate "
                f"now give {expected[mou_id][:12]}…){why}",
                f"re-render it: oafctl mou render --icb {mou.icb} --out {display_path(path.parent, cwd)}",
                (mou_id, "drift", path.suffix.lower()), organisations=(mou.icb,)))
    return sort_findings(findings), checked

