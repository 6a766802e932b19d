"""Stage 5: reporters. One module per format, each with `render(run, stream)`; none opens a file —
the loader handed over each file's text in the run."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from oafctl.engine import Run

Renderer = Callable[["Run", TextIO], None]

FORMATS: dict[str, str] = {
    "text": "oafctl.report.text",
    "json": "oafctl.report.json_report",
    "sarif": "oafctl.report.sarif",
    "github": "oafctl.report.github",
    "junit": "oafctl.report.junit",
    "markdown": "oafctl.report.markdown",
}
"""Format name → module with `render(run, stream)`. Imported only when chosen (start-up time counts)."""


def renderer(name: str) -> Renderer:
    module = importlib.import_module(FORMATS[name])
    render: Renderer = module.render
    return render
