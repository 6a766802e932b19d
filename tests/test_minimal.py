"""The bundled minimal example validates clean, in every output format the foundation offers."""

from __future__ import annotations

from conftest import MINIMAL, run_cli, validate_json


def test_minimal_example_is_clean() -> None:
    code, report = validate_json(MINIMAL)
    assert code == 0
    assert report["findings"] == []
    assert report["framework"] == "sof-2022-23"
    assert report["as_of"] == "2024-06-01"
    assert report["summary"]["organisations"] == 9


def test_minimal_text_output_ends_with_summary() -> None:
    result = run_cli("validate", str(MINIMAL))
    assert result.exit_code == 0
    assert result.output.rstrip().endswith("✔ no findings")
    assert "\x1b[" not in result.output  # no colour when not a terminal
