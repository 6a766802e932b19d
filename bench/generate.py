#!/usr/bin/env python3
"""Generate a synthetic governance estate of any size, seeded and deterministic, for benchmarks and tests.

Why: performance claims need estates far larger than England (7 regions, 42 ICBs, ~210 trusts, 42 MOUs),
and robustness tests need estates with known, planted mistakes. The layout follows examples/england: one
file per ICB (the ICB and the providers it hosts), one MOU file per ICB, and primary-relationship lines
in files of up to six ICBs per region, so that `--scale 1` gives ~93 files and ~550 documents, and
`--scale 100` ~9,100 files, ~21,000 providers and 4,200 MOUs. The estate is judged under nof-2025-26 on
2025-10-01 and validates clean unless `--violations` plants mistakes.

With `--violations RATE`, each provider gets one planted mistake with probability RATE, drawn from
PLANTS (each breaks exactly one rule), and `--manifest FILE` writes what was planted where (JSON: rule,
provider code, file), so that a test can check every planted mistake is found.

Usage: python bench/generate.py OUT [--scale N] [--regions R] [--icbs-per-region K]
       [--providers-per-icb P] [--violations RATE] [--seed S] [--manifest FILE]
Only the standard library is used (the generator must not depend on the code it measures).
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

NATIONAL = "X24"
FRAMEWORK = "nof-2025-26"
AS_OF = "2025-10-01"
YEAR_START, YEAR_END = "2025-04-01", "2026-03-31"
ICBS_PER_LINES_FILE = 6
TYPES = ("acute", "acute", "acute", "mental-health", "community", "ambulance", "specialist")
SEGMENT_WEIGHTS = (12, 38, 32, 14, 4)
REPORTING = {1: "routine", 2: "routine", 3: "enhanced", 4: "intensive", 5: "intensive"}
PLANTS = ("OAF000", "OAF001", "OAF002", "OAF003", "OAF004", "OAF006", "OAF007")
"""Rules a planted mistake breaks: an unknown field, a missing primary line, a provider in two MOUs, the
wrong lead, a segment-1 provider without a peer-support offer, an unknown host ICB, a segment out of range."""
_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def code(prefix: str, number: int, width: int) -> str:
    """A valid ODS-like code: a letter prefix and `number` in base 36, zero-padded to `width` characters."""
    digits = ""
    while True:
        number, rest = divmod(number, 36)
        digits = _ALPHABET[rest] + digits
        if number == 0:
            break
    return prefix + digits.rjust(width, "0")


@dataclass
class Trust:
    code: str
    icb: str
    type: str
    segment: int
    deficit: bool
    plant: str = ""


@dataclass
class Icb:
    code: str
    region: str
    trusts: list[Trust] = field(default_factory=list)


@dataclass
class Spec:
    scale: int = 1
    regions: int = 7
    icbs_per_region: int = 0
    """0: six per region times the scale."""
    providers_per_icb: int = 5
    violations: float = 0.0
    seed: str = "oafctl-bench"

    def per_region(self) -> int:
        return self.icbs_per_region or 6 * self.scale


def build(spec: Spec) -> tuple[list[str], list[Icb]]:
    """The regions and ICBs (with their trusts and planted mistakes) of the estate `spec` describes."""
    rng = random.Random(spec.seed)
    regions = [code("Y", 100 + r, 2) for r in range(spec.regions)]
    icbs: list[Icb] = []
    trust_number = 0
    for r, region in enumerate(regions):
        for k in range(spec.per_region()):
            icb = Icb(code("Q", r * spec.per_region() + k, 4), region)
            for _ in range(spec.providers_per_icb):
                segment = rng.choices(range(1, 6), weights=SEGMENT_WEIGHTS)[0]
                deficit = segment >= 3 and rng.random() < 0.35
                trust = Trust(code("R", trust_number, 4), icb.code, rng.choice(TYPES), segment, deficit)
                trust_number += 1
                if spec.violations and rng.random() < spec.violations:
                    trust.plant = rng.choice(PLANTS)
                    if trust.plant == "OAF004":  # the peer-support duty falls on segment 1 only
                        trust.segment, trust.deficit = 1, False
                icb.trusts.append(trust)
            icbs.append(icb)
    return regions, icbs


def provider_doc(trust: Trust, partner: str | None) -> str:
    segment = 9 if trust.plant == "OAF007" else trust.segment
    host = "QZZZZ" if trust.plant == "OAF006" else trust.icb
    out = [
        "apiVersion: oaf/v1",
        "kind: Provider",
        f"code: {trust.code}",
        f'name: "Synthetic Trust {trust.code} NHS Foundation Trust"',
        f"type: {trust.type}",
        f"icb: {host}",
        f"segment: {segment}",
    ]
    if trust.plant == "OAF000":
        out.append("segmnet: 2")
    if trust.deficit:
        out.append("financial_deficit: true")
    if trust.segment == 1 and trust.plant != "OAF004":
        out += ["peer_support:", '  offer: "Shares its elective recovery practice with trusts in the region."']
        if partner:
            out.append(f"  partners: [{partner}]")
    if trust.segment >= 4:
        out += ["improvement_plan:", "  title: Improvement plan 2025/26", "  agreed: 2025-06-30",
                f"  review: {YEAR_END}"]
    return "\n".join(out) + "\n"


def icb_file(icb: Icb) -> str:
    docs = [f'apiVersion: oaf/v1\nkind: ICB\ncode: {icb.code}\nname: "Synthetic ICB {icb.code}"\n'
            f"region: {icb.region}\nvalid_from: 2022-07-01\n"]
    for i, trust in enumerate(icb.trusts):
        partner = icb.trusts[i - 1].code if i else None
        docs.append(provider_doc(trust, partner))
    return f"# {icb.code} and the {len(icb.trusts)} trusts it hosts (synthetic).\n" + "---\n".join(docs)


def lines_file(region: str, icbs: list[Icb]) -> str:
    docs = []
    for icb in icbs:
        for org in [icb.code, *(t.code for t in icb.trusts if t.plant != "OAF001")]:
            docs.append(f"apiVersion: oaf/v1\nkind: AccountabilityLine\nfrom: {org}\nto: {region}\n"
                        "type: primary-relationship\n")
    return f"# Primary relationships through regional team {region}.\n" + "---\n".join(docs)


def arrangement(trust: Trust, region: str, icb: str) -> list[str]:
    if trust.segment == 5:
        lead, support = NATIONAL, [region, icb]
    else:
        lead, support = region, [icb]
    if trust.plant == "OAF003":
        lead = icb
    return [f"  - provider: {trust.code}", f"    lead: {lead}", f"    support: [{', '.join(support)}]",
            f"    reporting: {REPORTING[trust.segment]}"]


def mou_file(icb: Icb, extra: list[Trust]) -> str:
    out = [
        "# The oversight MOU between the ICB and its regional team (synthetic).",
        "apiVersion: oaf/v1",
        "kind: MOU",
        f"id: mou-{icb.code}-2025-26",
        f"icb: {icb.code}",
        f"region: {icb.region}",
        f"effective: {YEAR_START}",
        f"expires: {YEAR_END}",
        "status: signed",
        "signatories:",
        f"  - {{name: Chief Executive, role: Chief Executive, organisation: {icb.code}}}",
        f"  - {{name: Regional Director, role: Regional Director, organisation: {icb.region}}}",
        "arrangements:",
    ]
    for trust in [*icb.trusts, *extra]:
        out += arrangement(trust, icb.region, trust.icb)
    out += [
        "ways_of_working: >-",
        "  One oversight meeting per trust at the frequency its segment sets, one shared data pack, and no",
        "  duplicate information requests between the ICB and the regional team.",
        "information_sharing: >-",
        "  The ICB and the regional team share oversight metrics under the regional agreement.",
    ]
    return "\n".join(out) + "\n"


def national_file(regions: list[str]) -> str:
    docs = ["apiVersion: oaf/v1\nkind: NationalBody\ncode: X24\nname: NHS England\n"]
    docs += [f'apiVersion: oaf/v1\nkind: Region\ncode: {r}\nname: "Synthetic region {r}"\n' for r in regions]
    return "# NHS England and its regional teams (synthetic).\n" + "---\n".join(docs)


def oaf_file(spec: Spec) -> str:
    return (f"# Synthetic estate: scale {spec.scale}, seed {spec.seed!r}, violations {spec.violations}.\n"
            f"apiVersion: oaf/v1\nkind: Estate\nname: Synthetic estate\nframework: {FRAMEWORK}\nas_of: {AS_OF}\n")


def render(spec: Spec) -> tuple[dict[str, str], list[dict[str, str]]]:
    """Every file of the estate (relative path → text), and the manifest of planted mistakes."""
    regions, icbs = build(spec)
    files = {"oaf.yaml": oaf_file(spec), "organisations/national.yaml": national_file(regions)}
    manifest: list[dict[str, str]] = []
    by_region: dict[str, list[Icb]] = {r: [] for r in regions}
    for index, icb in enumerate(icbs):
        by_region[icb.region].append(icb)
        files[f"icbs/{icb.code}.yaml"] = icb_file(icb)
        # OAF002: the previous ICB's planted providers (the last ICB's, for the first) appear in this MOU too
        extra = [t for t in icbs[index - 1].trusts if t.plant == "OAF002"]
        files[f"mous/{icb.code}.yaml"] = mou_file(icb, extra)
        for trust in icb.trusts:
            if trust.plant:
                where = {"OAF001": "icbs", "OAF002": "mous", "OAF003": "mous"}.get(trust.plant, "icbs")
                manifest.append({"rule": trust.plant, "provider": trust.code, "file": f"{where}/{icb.code}.yaml"})
    for region, members in by_region.items():
        for start in range(0, len(members), ICBS_PER_LINES_FILE):
            chunk = members[start:start + ICBS_PER_LINES_FILE]
            files[f"lines/{region}/{start // ICBS_PER_LINES_FILE:04d}.yaml"] = lines_file(region, chunk)
    manifest.sort(key=lambda m: (m["provider"], m["rule"]))
    return files, manifest


def write(out: Path, files: dict[str, str]) -> None:
    """Write the estate into `out`, replacing what a previous run generated there."""
    if out.exists():
        if not (out / "oaf.yaml").exists() and any(out.iterdir()):
            raise SystemExit(f"refusing to overwrite {out}: it exists and is not a generated estate")
        shutil.rmtree(out)
    for rel, text in files.items():
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("out", type=Path, help="folder to write the estate into (replaced if generated before)")
    parser.add_argument("--scale", type=int, default=1, help="multiple of England's size (default 1)")
    parser.add_argument("--regions", type=int, default=7)
    parser.add_argument("--icbs-per-region", type=int, default=0, help="default: 6 x scale")
    parser.add_argument("--providers-per-icb", type=int, default=5)
    parser.add_argument("--violations", type=float, default=0.0, help="share of providers with a planted mistake")
    parser.add_argument("--seed", default="oafctl-bench")
    parser.add_argument("--manifest", type=Path, help="write the planted mistakes here as JSON")
    args = parser.parse_args(argv)
    if args.scale < 1 or args.regions < 1 or args.providers_per_icb < 1 or not 0 <= args.violations <= 1:
        parser.error("scale, regions and providers per ICB must be at least 1; violations between 0 and 1")
    spec = Spec(args.scale, args.regions, args.icbs_per_region, args.providers_per_icb, args.violations, args.seed)
    files, manifest = render(spec)
    write(args.out, files)
    if args.manifest:
        args.manifest.write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    documents = sum(text.count("apiVersion:") for text in files.values())
    print(f"{args.out}: {len(files)} files, {documents} documents, {len(manifest)} planted mistakes",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
