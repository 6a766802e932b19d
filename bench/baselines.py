#!/usr/bin/env python3
"""The baselines bench/run.py compares oafctl against, each run as its own process on the same files.

- `compose DIR`: libyaml's composer through PyYAML (`yaml.compose_all` with `CSafeLoader`), the floor for
  any loader that keeps line and column marks;
- `ruamel DIR`: ruamel.yaml's round-trip loader (the one that keeps comments), parsing only;
- `jsonfiles DIR OUT`: not timed; writes each YAML file of DIR as a JSON array of its documents into OUT
  (read with oafctl's own loader, so the data is what oafctl checks), and a schema that checks such an
  array against schemas/oaf.schema.json, for `check-jsonschema` (which reads one document per file).

Files are found as oafctl finds them: `*.yaml`/`*.yml`, hidden folders and `.oafctl-cache/` skipped.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def yaml_files(root: Path) -> Iterator[Path]:
    for directory, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "node_modules")
        for name in sorted(names):
            if name.endswith((".yaml", ".yml")) and not name.startswith("."):
                yield Path(directory, name)


def compose(root: Path) -> int:
    import yaml

    count = 0
    for path in yaml_files(root):
        for _node in yaml.compose_all(path.read_bytes(), Loader=yaml.CSafeLoader):
            count += 1
    return count


def ruamel(root: Path) -> int:
    from ruamel.yaml import YAML

    loader = YAML(typ="rt")
    count = 0
    for path in yaml_files(root):
        for _doc in loader.load_all(path.read_text(encoding="utf-8")):
            count += 1
    return count


def jsonfiles(root: Path, out: Path) -> int:
    sys.path.insert(0, str(ROOT))
    from oafctl.load.yamlparse import parse_documents

    out.mkdir(parents=True, exist_ok=True)
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "array",
        "items": {"$ref": (ROOT / "schemas" / "oaf.schema.json").as_uri()},
    }
    (out.parent / f"{out.name}.schema.json").write_text(json.dumps(schema), encoding="utf-8")
    count = 0
    for index, path in enumerate(yaml_files(root)):
        docs, _error = parse_documents(path.read_text(encoding="utf-8"))
        (out / f"{index:06d}.json").write_text(json.dumps([d.data for d in docs]), encoding="utf-8")
        count += 1
    return count


def main(argv: list[str]) -> int:
    if len(argv) < 2 or argv[0] not in ("compose", "ruamel", "jsonfiles"):
        print("usage: baselines.py compose|ruamel DIR | jsonfiles DIR OUT", file=sys.stderr)
        return 2
    root = Path(argv[1])
    if argv[0] == "compose":
        count = compose(root)
    elif argv[0] == "ruamel":
        count = ruamel(root)
    else:
        count = jsonfiles(root, Path(argv[2]))
    print(count)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
