"""The `Policy` and `PolicyTest` document kinds: part of the format, so `oafctl validate` and the JSON
Schemas know them."""

from __future__ import annotations

import re
from typing import Annotated, ClassVar, Literal

from pydantic import AfterValidator, Field, StringConstraints, WithJsonSchema

from oafctl.model.documents import Code, Document, IsoDate, Severity, Strict, Text, register_kind

PolicyKind = Literal["NationalBody", "Region", "ICB", "Provider", "AccountabilityLine", "MOU"]

POLICY_ID_PATTERN = r"^[A-Z][0-9A-Z_-]{0,38}[0-9]$"
"""Like the report schema's rule ids: a letter first, a digit last (LOC001, ICB-QHM-2)."""


def _not_reserved(value: str) -> str:
    if not re.match(POLICY_ID_PATTERN, value):
        raise ValueError("a policy id is 2 to 40 upper-case letters, digits, '-' or '_', starting with a letter "
                         "and ending with a digit, such as LOC001")
    if value.upper().startswith("OAF"):
        raise ValueError("the OAF prefix is reserved for built-in rules; choose another prefix, such as LOC or your "
                         "ICB's code")
    return value


PolicyId = Annotated[
    str,
    AfterValidator(_not_reserved),
    WithJsonSchema({"type": "string", "pattern": POLICY_ID_PATTERN, "not": {"pattern": "^OAF"},
                    "description": "The rule ID findings carry, e.g. LOC001: a letter first, a digit last; not OAF"}),
]


class Policy(Document):
    """A local rule: for every document of `kinds` (where `when` holds), the CEL expression `assert` must
    be true; where it is false, a finding with `message` at `severity`."""

    KIND: ClassVar[str] = "Policy"
    kind: Literal["Policy"]
    id: PolicyId
    title: Text | None = None
    severity: Severity = "error"
    message: Text
    kinds: list[PolicyKind] = Field(min_length=1, description="The document kinds the policy applies to")
    when: Text | None = Field(None, description="A CEL precondition: the policy applies where it is true")
    assert_: Text = Field(alias="assert", description="A CEL expression that must be true (see README)")
    description: str | None = None
    hint: str | None = None
    cite: str | None = Field(None, description="Where the policy comes from (shown by explain)")

    @property
    def label(self) -> str:
        return f"Policy {self.id}"


_SAFE_FILE = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9._-]*(/[A-Za-z0-9_-][A-Za-z0-9._-]*)*\.ya?ml$")


def _safe_file(value: str) -> str:
    if not _SAFE_FILE.match(value) or ".." in value.split("/"):
        raise ValueError("must be a relative YAML file name such as `providers.yaml` or `mous/QHM.yaml`")
    return value


TestFileName = Annotated[str, AfterValidator(_safe_file)]


class TestEstate(Strict):
    """The estate a test runs on: a folder (relative to the test file), files written over it (name → YAML
    text, lines counted within each), and policy files added to it."""

    path: str | None = Field(None, description="A folder or file, relative to the test file")
    files: dict[TestFileName, str] = Field(default_factory=dict, description="Inline files: name → YAML text")
    policies: list[str] = Field(default_factory=list, description="Policy files to add, relative to the test file")


class ExpectedFinding(Strict):
    """A finding the test expects: the rule, and (where given) exactly these organisations, file and line."""

    rule: Annotated[str, StringConstraints(min_length=1)]
    organisations: list[Code] | None = Field(None, description="Exactly these codes; absent: any")
    file: str | None = Field(None, description="Relative to the estate root, in / form")
    line: Annotated[int, Field(ge=1)] | None = None
    severity: Severity | None = None


class PolicyTest(Document):
    """A policy unit test: an estate, and the findings `oafctl validate` must report on it (exactly, unless
    `partial: true`)."""

    KIND: ClassVar[str] = "PolicyTest"
    kind: Literal["PolicyTest"]
    name: Text
    description: str | None = None
    framework: str | None = Field(None, description="Policy pack id (default: the estate's oaf.yaml)")
    as_of: IsoDate | None = None
    estate: str | TestEstate = Field(description="A folder relative to the test file, or {path, files, policies}")
    expect: list[ExpectedFinding] = Field(default_factory=list)
    partial: bool = Field(False, description="Allow findings the test does not list")

    @property
    def label(self) -> str:
        return f"PolicyTest {self.name!r}"


register_kind(Policy)
register_kind(PolicyTest)
