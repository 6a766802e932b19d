#!/usr/bin/env python3
"""Time the oafctl CLI, as whole processes, on estates from England's size to 100 times it.

For each estate (examples/england when present, then generated estates at each `--scales` multiple), every
command runs `--runs` times as a fresh process (interpreter start-up and imports included); the table
gives the median wall time and the peak resident memory (RSS) of the largest run, read with `os.wait4`.
The baselines run the same way on the same files, in the same session, so that the ratios do not depend
on the machine: libyaml's composer (the floor), ruamel.yaml's round-trip loader and check-jsonschema with
the published schemas/oaf.schema.json. Finally a line is fitted to the cold validate time against the
number of documents for the generated estates (R² near 1: cost grows linearly).

Usage: python bench/run.py [--scales 1,10,30,100] [--runs 3] [--work DIR] [--ruamel-max-scale 10]
       [--json FILE] [--no-england] [--no-diff] [--no-baselines]
Only the standard library and the project's own tools are used.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
sys.path.insert(0, str(BENCH))

import generate  # noqa: E402  (bench/generate.py, beside this file)

BIN = Path(sys.executable).parent


@dataclass
class Timing:
    """Repeated runs of one command: wall times (s) and the peak RSS (MiB) over the runs."""

    command: str
    times: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    """User plus system CPU seconds of each run: steadier than wall time on a shared machine."""
    rss_mib: float = 0.0
    exit_codes: list[int] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.times) if self.times else float("nan")

    @property
    def cpu_median(self) -> float:
        return statistics.median(self.cpu) if self.cpu else float("nan")


@dataclass
class EstateResult:
    name: str
    scale: float
    files: int
    documents: int
    timings: dict[str, Timing] = field(default_factory=dict)


def run_once(argv: list[str], cwd: Path) -> tuple[float, float, float, int]:
    """Wall time, CPU time, peak RSS in MiB and exit code of one process."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    assert proc.stderr is not None
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    code = proc.returncode
    if code not in (0, 1):
        raise SystemExit(f"{' '.join(argv)} failed with exit code {code}:\n{err[-2000:]}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, code


def measure(label: str, argv: list[str], cwd: Path, runs: int, before: list[str] | None = None) -> Timing:
    """`runs` timed runs of argv (after an untimed `before` command, for example to fill the cache)."""
    timing = Timing(" ".join(argv))
    run_once(before or argv, cwd)  # untimed warm-up: file and bytecode caches, like hyperfine's --warmup
    for _ in range(runs):
        wall, cpu, rss, code = run_once(argv, cwd)
        timing.times.append(wall)
        timing.cpu.append(cpu)
        timing.rss_mib = max(timing.rss_mib, rss)
        timing.exit_codes.append(code)
    print(f"  {label:<18} median {timing.median:7.3f} s  ({', '.join(f'{t:.3f}' for t in timing.times)})  "
          f"CPU {timing.cpu_median:7.3f} s  peak RSS {timing.rss_mib:6.0f} MiB", file=sys.stderr, flush=True)
    return timing


def count(root: Path) -> tuple[int, int]:
    files = list(__import__("baselines").yaml_files(root))
    documents = 0
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        documents += text.count("\napiVersion:") + text.startswith("apiVersion:")
    return len(files), documents


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=bench", "-c", "user.email=bench@example.invalid",
                    "-c", "commit.gpgsign=false", *args], cwd=cwd, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)


def prepare_diff(estate: Path) -> bool:
    """Make the estate a Git repo with one commit, then change one provider's segment in the work tree."""
    if shutil.which("git") is None:
        return False
    if not (estate / ".git").exists():
        git(estate, "init", "-q")
        git(estate, "add", "-A")
        git(estate, "commit", "-q", "-m", "estate")
    target = next(iter(sorted((estate / "icbs").glob("*.yaml"))), None)
    if target is None:
        return False
    text = target.read_text(encoding="utf-8")
    target.write_text(text.replace("segment: 2", "segment: 3", 1), encoding="utf-8")
    return True


def bench_estate(result: EstateResult, path: Path, args: argparse.Namespace, work: Path) -> None:
    oafctl = str(BIN / "oafctl")
    py = sys.executable
    runs = args.runs
    print(f"{result.name}: {result.files} files, {result.documents} documents ({path})", file=sys.stderr)
    shutil.rmtree(path / ".oafctl-cache", ignore_errors=True)
    t = result.timings
    t["validate cold"] = measure("validate cold", [oafctl, "validate", str(path), "--no-cache", "--format", "json"],
                                 work, runs)
    t["validate warm"] = measure("validate warm", [oafctl, "validate", str(path), "--format", "json"], work, runs,
                                 before=[oafctl, "validate", str(path), "--format", "json"])
    t["report"] = measure("report", [oafctl, "report", str(path), "--format", "json"], work, runs)
    if not args.no_baselines:
        t["libyaml compose"] = measure("libyaml compose", [py, str(BENCH / "baselines.py"), "compose", str(path)],
                                       work, runs)
        if result.scale <= args.ruamel_max_scale:
            t["ruamel.yaml rt"] = measure("ruamel.yaml rt", [py, str(BENCH / "baselines.py"), "ruamel", str(path)],
                                          work, runs)
        cjs = BIN / "check-jsonschema"
        if cjs.exists():
            jsondir = work / f"{path.name}-json"
            shutil.rmtree(jsondir, ignore_errors=True)
            subprocess.run([py, str(BENCH / "baselines.py"), "jsonfiles", str(path), str(jsondir)], check=True,
                           stdout=subprocess.DEVNULL)
            files = sorted(str(p) for p in jsondir.glob("*.json"))
            t["check-jsonschema"] = measure(
                "check-jsonschema", [str(cjs), "--schemafile", str(work / f"{jsondir.name}.schema.json"), *files],
                work, runs)
    if not args.no_diff:
        copy = work / f"{path.name}-git"
        if not copy.exists():
            shutil.copytree(path, copy, ignore=shutil.ignore_patterns(".oafctl-cache"))
        if prepare_diff(copy):
            t["diff"] = measure("diff", [oafctl, "diff", "HEAD", "--path", ".", "--format", "json"], copy, runs)


def fit(points: list[tuple[float, float]]) -> tuple[float, float, float]:
    """Least-squares line y = a + b x through the points: (a, b, R²)."""
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    sxy = sum((x - mx) * (y - my) for x, y in points)
    slope = sxy / sxx if sxx else 0.0
    intercept = my - slope * mx
    ss_res = sum((y - (intercept + slope * x)) ** 2 for x, y in points)
    ss_tot = sum((y - my) ** 2 for y in ys)
    return intercept, slope, 1 - ss_res / ss_tot if ss_tot else 1.0


def table(results: list[EstateResult]) -> str:
    """Median wall time (s) per command, then CPU time (user + system, s) where the machine is shared."""
    columns = ["validate cold", "validate warm", "report", "diff", "libyaml compose", "ruamel.yaml rt",
               "check-jsonschema"]
    present = [c for c in columns if any(c in r.timings for r in results)]
    head = ["estate", "files", "docs", *(f"{c} wall / CPU (s)" for c in present), "cold peak RSS (MiB)",
            "cold / compose (CPU)", "cold / warm (CPU)"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in results:
        cells = [r.name, str(r.files), str(r.documents)]
        for c in present:
            t = r.timings.get(c)
            cells.append(f"{t.median:.2f} / {t.cpu_median:.2f}" if t else "–")
        cold = r.timings.get("validate cold")
        warm = r.timings.get("validate warm")
        floor = r.timings.get("libyaml compose")
        cells.append(f"{cold.rss_mib:.0f}" if cold else "–")
        cells.append(f"{cold.cpu_median / floor.cpu_median:.2f}×" if cold and floor else "–")
        cells.append(f"{cold.cpu_median / warm.cpu_median:.2f}×" if cold and warm else "–")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--scales", default="1,10,30,100", help="comma-separated multiples of England's size")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per command (median reported)")
    parser.add_argument("--work", type=Path, help="where generated estates go (default: a temporary folder)")
    parser.add_argument("--ruamel-max-scale", type=float, default=10,
                        help="skip the (slow) ruamel.yaml baseline above this scale")
    parser.add_argument("--json", type=Path, help="also write the raw results here")
    parser.add_argument("--no-england", action="store_true", help="skip examples/england")
    parser.add_argument("--no-diff", action="store_true", help="skip `oafctl diff` (needs git)")
    parser.add_argument("--no-baselines", action="store_true", help="time oafctl only")
    args = parser.parse_args(argv)
    scales = [int(s) for s in args.scales.split(",") if s.strip()]
    work = args.work or Path(tempfile.mkdtemp(prefix="oafctl-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    results: list[EstateResult] = []
    england = ROOT / "examples" / "england"
    if not args.no_england and (england / "oaf.yaml").exists():
        copy = work / "england"
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(england, copy, ignore=shutil.ignore_patterns(".oafctl-cache"))
        files, documents = count(copy)
        result = EstateResult("England (examples/england)", 1, files, documents)
        bench_estate(result, copy, args, work)
        results.append(result)
    for scale in scales:
        path = work / f"x{scale}"
        shutil.rmtree(work / f"x{scale}-git", ignore_errors=True)
        files_map, _manifest = generate.render(generate.Spec(scale=scale))
        generate.write(path, files_map)
        if hasattr(os, "sync"):
            os.sync()  # the files just written must not be flushed to disk during the timed runs
        files, documents = count(path)
        result = EstateResult(f"generated {scale}×", scale, files, documents)
        bench_estate(result, path, args, work)
        results.append(result)
    print()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"oafctl bench: {os.cpu_count()} CPUs, load average {load:.1f} at the end, Python "
          f"{sys.version.split()[0]}, {args.runs} runs per command (medians; interpreter start-up included; "
          "CPU = user + system time of the process, steadier than wall time on a shared machine)")
    print()
    print(table(results))
    generated = [r for r in results if r.name.startswith("generated") and r.scale >= 10]
    if len(generated) >= 2:
        print()
        for label in ("validate cold", "validate warm", "libyaml compose"):
            for measure_name, pick in (("CPU", lambda t: t.cpu_median), ("wall", lambda t: t.median)):
                points = [(r.documents, pick(r.timings[label])) for r in generated if label in r.timings]
                if len(points) >= 2:
                    a, b, r2 = fit(points)
                    print(f"{label}, {measure_name}: {a:.3f} s + {b * 1e6:.1f} µs × documents over scales "
                          f"{', '.join(str(int(r.scale)) for r in generated)}; R² = {r2:.4f}")
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in results], indent=1) + "\n", encoding="utf-8")
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
