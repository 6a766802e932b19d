"""`oafctl report`: the estate as a document, byte-stable, in Markdown (with Mermaid), JSON and HTML."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

from conftest import ROOT, run_cli

ESTATE = ROOT / "tests" / "data" / "pr-estate"
GOLDEN = ROOT / "tests" / "golden"


def report(*args: str, path: Path = ESTATE) -> str:
    result = run_cli("report", str(path), *args)
    assert result.exit_code == 0, result.output
    return result.output


def check_golden(name: str, text: str) -> None:
    golden = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8"), "run with UPDATE_GOLDEN=1 to accept the new output"


def test_markdown_golden_and_byte_stable() -> None:
    first = report()
    assert first == report()
    check_golden("report.md", first)


def test_markdown_content() -> None:
    text = report()
    assert "| 3 | Bespoke mandated support | 1 | 1 |" in text  # totals per segment: RVW; ICB QOQ
    assert "| all | | 5 | 2 |" in text
    assert "## Y63 North East and Yorkshire" in text
    assert "### QHM NHS North East and North Cumbria Integrated Care Board" in text
    assert ("| RWA | Hull University Teaching Hospitals NHS Trust | acute | 4 | Y63 | QOQ, X24 | `mou-QOQ-2024` |"
            in text)
    block = re.search(r"```mermaid\n(.*?)```", text, re.S)
    assert block is not None
    diagram = block.group(1)
    assert diagram.startswith("flowchart TD\n")
    assert "n_Y63 --> n_QHM" in diagram
    assert "n_QHM -->|leads| n_RTD" in diagram
    assert "n_X24 -.->|supports| n_RWA" in diagram


def test_json_shape() -> None:
    data = json.loads(report("--format", "json"))
    assert data["framework"] == "sof-2022-23" and data["as_of"] == "2024-06-01"
    assert data["totals"]["providers"] == 5 and data["totals"]["icbs"] == 2
    assert [s["providers"] for s in data["totals"]["per_segment"]] == [1, 2, 1, 1]
    (region,) = data["regions"]
    assert [i["code"] for i in region["icbs"]] == ["QHM", "QOQ"]
    rvw = next(p for p in region["icbs"][0]["providers"] if p["code"] == "RVW")
    assert rvw == {"code": "RVW", "name": "North Tees and Hartlepool NHS Foundation Trust", "type": "acute",
                   "segment": 3, "lead": "QHM", "support": ["Y63"], "mou": "mou-QHM-2024"}
    assert report("--format", "json") == report("--format", "json")


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.external: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for name, value in attrs:
            if name in ("src", "href") and value and "//" in value:
                self.external.append(value)


def test_html_is_one_standalone_page() -> None:
    page = report("--format", "html")
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    parser = _Parser()
    parser.feed(page)
    assert parser.external == []  # no scripts, fonts or styles fetched from elsewhere
    assert "script" not in parser.tags and "link" not in parser.tags
    assert "<strong>RWA</strong> Hull University Teaching Hospitals NHS Trust" in page
    assert page == report("--format", "html")


def test_output_file_and_provider_without_arrangement(estate: Callable[..., Path], tmp_path: Path) -> None:
    repo = estate(base=ESTATE)
    mou = repo / "mous" / "QOQ.yaml"
    mou.write_text(mou.read_text(encoding="utf-8").replace("  - provider: RV9\n    lead: QOQ\n", ""),
                   encoding="utf-8")
    out = tmp_path / "estate.md"
    result = run_cli("report", str(repo), "--output", str(out))
    assert result.exit_code == 0
    assert "the estate has 1 finding" in result.output  # a note on stderr, the report itself is in the file
    text = out.read_text(encoding="utf-8")
    assert "| RV9 | Humber Teaching NHS Foundation Trust | mental-health | 2 | — | — | none in force |" in text
    assert "n_QOQ -. hosts, no arrangement .- n_RV9" in text


def test_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    result = run_cli("report", str(tmp_path / "nope"))
    assert result.exit_code == 2
    assert result.output.startswith("oafctl: error: path does not exist")
