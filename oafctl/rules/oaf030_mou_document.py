"""OAF030: a rendered MOU document no longer matches its spec (reported by `oafctl mou check`)."""

from __future__ import annotations

from collections.abc import Iterator

from oafctl.findings import Finding
from oafctl.rules import Context, Rule

rule = Rule(
    id="OAF030",
    name="mou-document-drift",
    title="A rendered MOU document matches the spec it was generated from",
    severity="error",
    what=(
        "Every document written by `oafctl mou render` embeds the SHA-256 of its MOU spec and of the estate facts "
        "it shows (names, segments, leads, the pack's segment meanings). `oafctl mou check PATH --rendered DIR` "
        "recomputes that hash for each document in DIR and reports one OAF030 finding per document whose hash "
        "no longer matches, or whose MOU no longer exists. `oafctl validate` does not know where rendered "
        "documents are kept, so this rule reports nothing there; only `mou check` runs it."
    ),
    why=(
        "A governance repo keeps the signed documents beside the YAML. When an arrangement, a segment or a name "
        "changes, the circulated document silently disagrees with the arrangements that are checked; CI running "
        "`mou check` catches the document that drifted."
    ),
    passing="""\
# docs/mou-QHM-2024.md was rendered from the current mous/QHM.yaml
$ oafctl mou check . --rendered docs
""",
    failing="""\
# mous/QHM.yaml changed RVW's lead after docs/mou-QHM-2024.md was rendered
$ oafctl mou check . --rendered docs
docs/mou-QHM-2024.md  error  OAF030  mou-QHM-2024.md no longer matches MOU mou-QHM-2024 ...
""",
)


@rule.checker
def check(ctx: Context) -> Iterator[Finding]:
    """Nothing during `validate`: the rendered folder is only known to `mou check` (oafctl/mou/check.py)."""
    return iter(())
