"""`oafctl test`: run the policy unit tests (`kind: PolicyTest`) under PATH."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from oafctl.commands import UsageFailure


@click.command()
@click.argument("path", required=False, default=".", type=click.Path(path_type=Path))
@click.option("--quiet", "-q", is_flag=True, help="Print failures and the summary only.")
def test(path: Path, quiet: bool) -> None:
    """Run the PolicyTests under PATH (default: the current folder): validate each test's estate and compare
    the findings with the ones it expects.

    Exit status: 0 every test passed, 1 a test failed (or is malformed), 2 usage error."""
    from oafctl.load.discover import DiscoveryError
    from oafctl.policy.testing import run_tests

    try:
        outcomes = run_tests(path)
    except DiscoveryError as exc:
        raise UsageFailure(str(exc)) from exc
    failed = [o for o in outcomes if not o.passed]
    for outcome in outcomes:
        where = f"{outcome.file}:{outcome.line}"
        if outcome.passed:
            if not quiet:
                click.echo(f"PASS  {where}  {outcome.name}")
            continue
        click.echo(f"FAIL  {where}  {outcome.name}")
        for error in outcome.errors:
            click.echo(f"      ! {error}")
        for line in outcome.missing:
            click.echo(f"      - expected, not reported: {line}")
        for line in outcome.unexpected:
            click.echo(f"      + reported, not expected: {line}")
    passed = len(outcomes) - len(failed)
    click.echo(f"{len(outcomes)} test{'s' if len(outcomes) != 1 else ''}: {passed} passed, {len(failed)} failed")
    sys.exit(1 if failed else 0)
