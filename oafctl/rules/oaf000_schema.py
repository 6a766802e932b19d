"""OAF000: files that cannot be read or parsed, and documents that break the schema."""

from __future__ import annotations

from collections.abc import Iterator

from oafctl.findings import Finding, fingerprint
from oafctl.rules import Context, Rule

rule = Rule(
    id="OAF000",
    name="schema",
    title="Every file parses and every document matches the schema",
    severity="error",
    what=(
        "Reports a file that cannot be read or parsed (malformed YAML, duplicate keys, tabs, non-UTF-8 bytes, "
        "alias bombs, unsupported tags, files over the size limit, links leaving the repository) and a "
        "document that breaks the schema: a missing or mistyped field, an unknown field (with a 'did you "
        "mean'), an unknown kind or apiVersion. The other files are still checked."
    ),
    why=(
        "A governance record that cannot be read cannot be checked: every other rule would be silent about "
        "it. The models are strict so that YAML's guessing (`NO` as false, `2025-02-30` as a date) never "
        "changes what an organisation's record says."
    ),
    passing="""\
apiVersion: oaf/v1
kind: Provider
code: RTD
name: The Newcastle upon Tyne Hospitals NHS Foundation Trust
type: acute
icb: QHM
segment: 2
""",
    failing="""\
apiVersion: oaf/v1
kind: Provider
code: RTD
name: The Newcastle upon Tyne Hospitals NHS Foundation Trust
type: acute
icb: QHM
segmnet: 2        # unknown field 'segmnet'; did you mean 'segment'?
""",
)


@rule.checker
def check(ctx: Context) -> Iterator[Finding]:
    for issue in ctx.issues:
        yield Finding(
            rule=rule.id,
            severity=rule.severity,
            file=issue.file,
            line=issue.line,
            column=issue.column,
            message=issue.message,
            organisations=(),
            hint=issue.hint,
            fingerprint=fingerprint(rule.id, (issue.file, issue.key or issue.message)),
        )
