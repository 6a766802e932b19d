"""Measure the two maintained CEL libraries on an estate 100 times England's size.

Why: local policies are CEL expressions evaluated once per document; the choice of library decides whether
`oafctl validate` stays fast on a large estate.

Usage:
  .venv/bin/python bench/generate.py /tmp/big100 --scale 100     # ~21,000 providers, 4,200 MOUs
  .venv/bin/python tools/bench_cel.py /tmp/big100
Each expression is evaluated on every provider (or MOU) with the variables oafctl binds (oafctl/policy/local.py),
by `common-expression-language` (Rust core) and by `cel-python` (pure Python; `pip install cel-python`).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

EXPRESSIONS = {
    "field test": ("Provider", "self.segment < 3 || has(self.improvement_plan)"),
    "neighbours": ("Provider", "icb.code == self.icb && region.code == icb.region"
                               " && arrangement.provider == self.code"),
    "list macro": ("MOU", "self.arrangements.all(a, !(a.provider in providers) || "
                          "providers[a.provider].segment in [1, 2, 3, 4, 5])"),
}


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    from oafctl.engine import validate
    from oafctl.policy.local import VARIABLES, _cel, _Neighbours, _subjects

    t0 = time.perf_counter()
    run = validate(Path(sys.argv[1]))
    print(f"validate {sys.argv[1]} (no policy): {time.perf_counter() - t0:.2f} s, {len(run.estate.providers)} "
          f"providers, {len(run.estate.mous_in_force)} MOUs")
    rust = _cel()
    try:
        import celpy
    except ImportError:
        celpy = None
        print("cel-python is not installed (pip install cel-python): measuring common-expression-language only")
    for label, (kind, expr) in EXPRESSIONS.items():
        program = rust.compile(expr)
        needed = frozenset(VARIABLES).intersection(program.variables())
        neighbours = _Neighbours(run.estate, run.pack.id)
        t0 = time.perf_counter()
        contexts = [neighbours.variables(doc, needed) for doc in _subjects(run.estate, [kind])]
        bind = time.perf_counter() - t0
        print(f"{label} on {len(contexts)} {kind} (binds {', '.join(sorted(needed))}: {bind:.2f} s)")
        timings: list[tuple[str, Callable[[], Any], Callable[[Any, dict[str, Any]], Any]]] = [
            ("common-expression-language", lambda e=expr: rust.compile(e), lambda p, c: p.execute(c))]
        if celpy is not None:
            env = celpy.Environment()
            timings.append(("cel-python", lambda e=expr, env=env: env.program(env.compile(e)),
                            lambda p, c: p.evaluate({k: celpy.json_to_cel(v) for k, v in c.items()})))
        for name, compile_, execute in timings:
            t0 = time.perf_counter()
            compiled = compile_()
            t1 = time.perf_counter()
            false = sum(1 for ctx in contexts if not execute(compiled, ctx))
            t2 = time.perf_counter()
            print(f"  {name:<27} compile {1000 * (t1 - t0):6.2f} ms  evaluate {t2 - t1:7.3f} s  ({false} false)")


if __name__ == "__main__":
    main()
