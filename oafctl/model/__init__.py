"""Stage 2 of the pipeline: typed documents that know their source positions."""

from oafctl.model.build import build_all, build_document
from oafctl.model.documents import (
    ICB,
    KINDS,
    MOU,
    AccountabilityLine,
    Arrangement,
    Document,
    EstateSettings,
    NationalBody,
    Organisation,
    PeerSupport,
    Provider,
    Region,
)
from oafctl.model.source import Source

__all__ = [
    "ICB",
    "KINDS",
    "MOU",
    "AccountabilityLine",
    "Arrangement",
    "Document",
    "EstateSettings",
    "NationalBody",
    "Organisation",
    "PeerSupport",
    "Provider",
    "Region",
    "Source",
    "build_all",
    "build_document",
]

import oafctl.policy.documents  # registers `kind: Policy` and `kind: PolicyTest`
import oafctl.waivers  # noqa: F401  (registers `kind: Waiver`, defined with the waiver logic)
