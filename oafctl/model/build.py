"""Stage 2: turn raw YAML documents into typed models, or into OAF000 issues that say what to fix."""

from __future__ import annotations

import difflib
from typing import Any

from pydantic import BaseModel, ValidationError

from oafctl.load import LoadedFile, LoadIssue, RawDocument
from oafctl.model.documents import API_VERSION, KINDS, Document
from oafctl.model.source import Source

_INDEXED_ABOVE = 500
"""Above this many choices, "did you mean" looks only among choices within one edit of the word: difflib
compares the word with every choice, which made a large estate with many unknown codes quadratic."""
_indexes: dict[int, tuple[list[str], dict[str, list[str]]]] = {}


def _one_deletion(word: str) -> set[str]:
    return {word, *(word[:i] + word[i + 1:] for i in range(len(word)))}


def _near(word: str, choices: list[str]) -> list[str]:
    """Choices that share a one-deletion variant with `word` (one substitution, insertion, deletion or
    transposition away), from an index built once per list of choices."""
    cached = _indexes.get(id(choices))
    if cached is None or cached[0] is not choices or len(cached[1]) == 0:
        index: dict[str, list[str]] = {}
        for choice in choices:
            for variant in _one_deletion(choice):
                index.setdefault(variant, []).append(choice)
        if len(_indexes) > 8:
            _indexes.clear()
        cached = _indexes[id(choices)] = (choices, index)
    index = cached[1]
    found: set[str] = set()
    for variant in _one_deletion(word):
        found.update(index.get(variant, ()))
    return sorted(found)


def did_you_mean(word: str, choices: list[str]) -> str:
    candidates = _near(word, choices) if len(choices) > _INDEXED_ABOVE else choices
    close = difflib.get_close_matches(word, candidates, n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def _fields_at(model: type[BaseModel], loc: tuple[str | int, ...]) -> list[str]:
    """The field names (by alias) allowed at `loc` inside `model`, for "did you mean"."""
    current: Any = model
    for part in loc:
        if isinstance(part, int) or current is None:
            continue
        field = None
        for name, info in current.model_fields.items():
            if (info.alias or name) == part:
                field = info
                break
        if field is None:
            return []
        current = _model_in(field.annotation)
    if current is None:
        return []
    return sorted((info.alias or name) for name, info in current.model_fields.items())


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _dotted(loc: tuple[str | int, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _clean_loc(loc: tuple[str | int, ...]) -> tuple[str | int, ...]:
    """Drop pydantic's union-branch and validator markers, keeping the YAML path."""
    return tuple(p for p in loc if isinstance(p, int) or not (
        p.startswith(("function-", "list[", "str", "int", "bool", "date", "union[", "literal["))
        or p in {"EscalationRoute", "RuleSetting"}
        or ("[" in p and p.endswith("]"))
    ))


def _describe(doc: dict[str, Any], kind: str) -> str:
    for key in ("code", "id"):
        value = doc.get(key)
        if isinstance(value, str):
            return f"{kind} {value}"
    return kind


def _issue(file: str, pos: tuple[int, int], message: str, hint: str, key: str) -> LoadIssue:
    return LoadIssue(file, pos[0], pos[1], message, hint=hint, key=key)


def issues_from_validation(
    exc: ValidationError, model: type[Document], raw: RawDocument, source: Source
) -> list[LoadIssue]:
    data = raw.data
    what = _describe(data, model.KIND)
    issues: list[LoadIssue] = []
    seen: set[tuple[Any, ...]] = set()
    errors = exc.errors(include_url=False)
    cleaned = [_clean_loc(tuple(e["loc"])) for e in errors]
    for index, err in enumerate(errors):
        loc = cleaned[index]
        if len(loc) != len(err["loc"]) and any(
            other[: len(loc)] == loc and (
                len(other) > len(loc)  # a deeper error inside the value says more
                or (err["type"].endswith("_type") and not errors[i]["type"].endswith("_type"))
            )
            for i, other in enumerate(cleaned) if i != index
        ):
            continue  # a union branch the value was never meant for; the other branch says what is wrong
        kind = err["type"]
        field = _dotted(loc)
        if kind == "extra_forbidden":
            name = str(loc[-1])
            allowed = _fields_at(model, loc[:-1])
            msg = f"{what}: unknown field '{name}'{did_you_mean(name, allowed)}"
            hint = f"fields allowed here: {', '.join(allowed)}" if allowed else "remove the field"
            issue = _issue(source.file, source.key_at(*loc), msg, hint, f"{what}|unknown|{field}")
        elif kind == "missing":
            name = str(loc[-1])
            msg = f"{what} is missing the required field '{field}'"
            issue = _issue(source.file, source.at(*loc[:-1]), msg, f"add `{name}:` to the {model.KIND}",
                           f"{what}|missing|{field}")
        else:
            value = err.get("input")
            shown = repr(value) if not isinstance(value, dict | list) else type(value).__name__
            if len(shown) > 60:
                shown = shown[:57] + "..."
            reason = err["msg"]
            hint = "see `oafctl schema` or the JSON Schemas in schemas/"
            if kind == "string_pattern_mismatch" and "A-Z0-9" in str(err.get("ctx", {}).get("pattern", "")):
                reason = "not an organisation code (3 to 6 upper-case letters or digits, such as QHM)"
                hint = "write the ODS code in capitals, e.g. QHM, RTD, Y63 or X24"
            elif kind == "string_type" and isinstance(value, int | float | bool):
                reason = "must be text; quote it"
                hint = f"write it in quotes: '{value}'" if not isinstance(value, bool) else hint
            elif kind == "value_error":
                reason = reason.removeprefix("Value error, ")
                if "date" in reason:
                    hint = "write a real date as YYYY-MM-DD, e.g. 2025-03-31"
            elif kind == "literal_error" and err.get("ctx", {}).get("expected"):
                hint = f"use {err['ctx']['expected']}"
            msg = f"{what}: field '{field}' = {shown}: {reason}" if loc else f"{what}: {reason}"
            issue = _issue(source.file, source.at(*loc), msg, hint, f"{what}|invalid|{field}")
        marker = (issue.line, issue.column, issue.message)
        if marker not in seen:
            seen.add(marker)
            issues.append(issue)
    return issues


def build_document(raw: RawDocument, file: str) -> Document | list[LoadIssue]:
    """A typed document, or the reasons it is not one."""
    source = Source(file, raw.line, raw.column, *raw.positions())
    data = raw.data
    if not isinstance(data, dict):
        return [_issue(file, (raw.line, raw.column),
                       "a document must be a mapping with `apiVersion: oaf/v1` and a `kind`",
                       "start the document with `apiVersion: oaf/v1` and `kind: ...`", "not-a-mapping")]
    version = data.get("apiVersion")
    if version != API_VERSION:
        if version is None:
            msg = "not an oafctl document: `apiVersion: oaf/v1` is missing"
            hint = "add `apiVersion: oaf/v1`, or list the file under `exclude` in oaf.yaml if it is not oafctl's"
        else:
            msg = f"unknown apiVersion {version!r}; oafctl reads {API_VERSION}"
            hint = f"set `apiVersion: {API_VERSION}`"
        pos = source.at("apiVersion") if version is not None else (raw.line, raw.column)
        return [_issue(file, pos, msg, hint, "apiVersion")]
    kind = data.get("kind")
    model = KINDS.get(kind) if isinstance(kind, str) else None
    if model is None:
        known = sorted(KINDS)
        msg = "document has no `kind`" if kind is None else f"unknown kind {kind!r}{did_you_mean(str(kind), known)}"
        return [_issue(file, source.at("kind"), msg, f"kinds: {', '.join(known)}", f"kind|{kind}")]
    try:
        document = model.model_validate(data)
    except ValidationError as exc:
        return issues_from_validation(exc, model, raw, source)
    return document.with_source(source)


def build_all(files: list[LoadedFile]) -> tuple[list[Document], list[LoadIssue], frozenset[str]]:
    """All documents of all files in file order, every load or schema issue, and the codes of the
    documents that failed the schema (so references to them are not reported twice)."""
    documents: list[Document] = []
    issues: list[LoadIssue] = []
    unmodelled: set[str] = set()
    for loaded in files:
        issues.extend(loaded.issues)
        for raw in loaded.documents:
            result = build_document(raw, loaded.display)
            if isinstance(result, list):
                issues.extend(result)
                if isinstance(raw.data, dict) and isinstance(raw.data.get("code"), str):
                    unmodelled.add(raw.data["code"])
            else:
                documents.append(result)
    return documents, issues, frozenset(unmodelled)
