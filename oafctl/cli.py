"""The `oafctl` command. Each subcommand lives in oafctl/commands/ and is imported only when run,
so that `oafctl validate` does not pay for what the other commands import."""

from __future__ import annotations

import importlib
from typing import Any

import click

from oafctl import __version__

COMMANDS: dict[str, tuple[str, str]] = {
    "validate": ("oafctl.commands.validate", "Check a governance repo against the oversight framework."),
    "explain": ("oafctl.commands.explain", "Explain a rule and the framework text it rests on."),
    "schema": ("oafctl.commands.schema", "Write the JSON Schemas of the format into schemas/."),
    "init": ("oafctl.commands.init", "Scaffold a small governance repo that validates clean."),
    "test": ("oafctl.commands.test", "Run policy unit tests (kind: PolicyTest) and compare expected findings."),
    "diff": ("oafctl.commands.diff", "What a change means, between two Git revisions (for pull requests)."),
    "report": ("oafctl.commands.report", "The estate as a document: per region and ICB, who oversees whom."),
    "mou": ("oafctl.commands.mou", "Render MOU documents from the specs, check rendered ones, scaffold a spec."),
}
"""Command name → (module defining a click command of that name, one-line help)."""


class LazyGroup(click.Group):
    """A click group that imports a subcommand's module only when that subcommand runs."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        entry = COMMANDS.get(cmd_name)
        if entry is None:
            return None
        module = importlib.import_module(entry[0])
        command: click.Command = getattr(module, cmd_name.replace("-", "_"))
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][1]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="oafctl")
def cli() -> None:
    """Governance-as-code for NHS oversight: declare who oversees whom as YAML, check it against the
    NHS England oversight frameworks, report it and generate MOUs from it."""


PROCESS_EXITS_AFTER_COMMAND = False
"""True when `main` runs the command in its own process (the console script, `python -m oafctl`), not in
a test's runner: engine.validate then leaves the run's objects to the end of the process (gc.freeze)."""


def main(args: Any = None) -> None:
    global PROCESS_EXITS_AFTER_COMMAND
    PROCESS_EXITS_AFTER_COMMAND = True
    cli.main(args=args, prog_name="oafctl")
