"""CLI subcommands, one module each; shared option helpers live here."""

from __future__ import annotations

from datetime import date

import click


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
