"""Measure the two maintained CEL libraries on a synthetic estate 100 times England's size.

Why: local policies are CEL expressions evaluated once per document; the choice of library decides whether
`oafctl validate` stays fast on a large estate. Run: `.venv/bin/python tools/bench_cel.py [N]` (default
20,000 providers, 100x England's 200 trusts). Deterministic input (seeded), wall-clock timings.
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable
from typing import Any

EXPRESSIONS = {
    "field test": "self.segment < 3 || has(self.improvement_director)",
    "host ICB lookup": "self.segment != 1 || (has(self.peer_support) && size(self.peer_support.offer) > 0)"
    " && icb.region == region.code",
    "list macro": "self.support.all(c, c.size() >= 3) && self.segment in [1, 2, 3, 4, 5]",
}


def providers(n: int) -> list[dict[str, Any]]:
    rng = random.Random(2024)
    out = []
    for i in range(n):
        segment = rng.choice([1, 2, 2, 3, 3, 4, 5])
        doc: dict[str, Any] = {
            "apiVersion": "oaf/v1", "kind": "Provider", "code": f"R{i:05d}", "name": f"Trust {i}",
            "type": "acute", "icb": f"Q{i % 4200:04d}", "segment": segment, "financial_deficit": False,
            "support": [f"Q{i % 4200:04d}", "Y63"],
        }
        if segment == 1:
            doc["peer_support"] = {"offer": "theatre productivity", "partners": []}
        if segment >= 3 and rng.random() < 0.8:
            doc["improvement_director"] = "A. Person"
        out.append(doc)
    return out


def bench(name: str, compile_: Callable[[str], Any], run: Callable[[Any, dict[str, Any]], Any],
          docs: list[dict[str, Any]]) -> None:
    for label, expr in EXPRESSIONS.items():
        t0 = time.perf_counter()
        program = compile_(expr)
        t1 = time.perf_counter()
        false = 0
        for doc in docs:
            ctx = {"self": doc, "icb": {"code": doc["icb"], "region": "Y63"}, "region": {"code": "Y63"}}
            if not run(program, ctx):
                false += 1
        t2 = time.perf_counter()
        print(f"{name:<32} {label:<16} compile {1000 * (t1 - t0):7.2f} ms  evaluate {len(docs)} docs "
              f"{t2 - t1:6.3f} s  ({false} false)")


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    docs = providers(n)
    import cel

    bench("common-expression-language", cel.compile, lambda p, c: p.execute(c), docs)

    import celpy

    env = celpy.Environment()

    def cp_compile(expr: str) -> Any:
        return env.program(env.compile(expr))

    def cp_run(program: Any, ctx: dict[str, Any]) -> Any:
        return program.evaluate({k: celpy.json_to_cel(v) for k, v in ctx.items()})

    bench("cel-python", cp_compile, cp_run, docs)


if __name__ == "__main__":
    main()
