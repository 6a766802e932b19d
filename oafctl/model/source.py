"""Where a document came from, so that every finding can point at file:line:column."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from oafctl.load.yamlparse import Path_, Pos


@dataclass(slots=True, frozen=True)
class Source:
    """A document's file and start, with the positions of its values and keys by path."""

    file: str
    line: int
    column: int
    values: Mapping[Path_, Pos] = field(default_factory=dict, compare=False, repr=False)
    keys: Mapping[Path_, Pos] = field(default_factory=dict, compare=False, repr=False)

    def at(self, *path: str | int) -> Pos:
        """The position of the value at `path`, or of its nearest ancestor that exists."""
        while path:
            pos = self.values.get(path)
            if pos is not None:
                return pos
            path = path[:-1]
        return (self.line, self.column)

    def key_at(self, *path: str | int) -> Pos:
        """The position of the key at `path` (for unknown or duplicated fields), else of the value."""
        return self.keys.get(path) or self.at(*path)
