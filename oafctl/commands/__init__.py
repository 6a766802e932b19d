"""CLI subcommands, one module each; shared option helpers live here."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TextIO, TypeVar

import click

T = TypeVar("T")


class UsageFailure(click.ClickException):
    """A usage error: one line on stderr, exit 2."""

    exit_code = 2

    def show(self, file: object = None) -> None:
        click.echo(f"oafctl: error: {self.format_message()}", err=True)


def parse_date(_ctx: click.Context, _param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date written YYYY-MM-DD") from None


def emit(render: Callable[[T, TextIO], None], subject: T, output: Path | None) -> None:
    """Render to `output` (UTF-8, LF line ends) or to standard output; an unwritable file is a usage error."""
    if output is None:
        render(subject, sys.stdout)
        return
    try:
        with output.open("w", encoding="utf-8", newline="\n") as stream:
            render(subject, stream)
    except OSError as exc:
        raise UsageFailure(f"cannot write {output}: {exc.strerror or exc}") from exc
