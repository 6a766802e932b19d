"""Parse YAML text into plain data plus a map of source positions.

libyaml (PyYAML's C parser) composes the node graph, because it is over 20x faster than a pure-Python
loader and its nodes carry line and column marks. Scalars are resolved by the YAML 1.2 core schema, not
YAML 1.1's resolver, so `code: NO` stays the string "NO"; the models then type every field.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Iterator, Mapping
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import BaseResolver


class _Resolver(BaseResolver):
    """The composer calls these for every node. No path resolvers are registered and scalars are typed by
    `_scalar` (YAML 1.2 core schema), so tags are known without PyYAML's generic, slow resolution."""

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        pass

    def ascend_resolver(self) -> None:
        pass

    def resolve(self, kind: type, value: Any, implicit: Any) -> str:
        if kind is ScalarNode:
            # plain scalars are typed by `_resolve_plain`; quoted ones and the non-specific `!` tag are text
            return _PLAIN if implicit is not None and implicit[0] else _STR
        return _SEQ if kind is SequenceNode else _MAP


try:  # libyaml: the fast path
    from yaml._yaml import CParser as _Parser

    class _Loader(_Parser, _Resolver):
        def __init__(self, text: str) -> None:
            _Parser.__init__(self, text)
            BaseResolver.__init__(self)

    LIBYAML = True
except ImportError:  # pragma: no cover - exercised only where libyaml is missing
    from yaml.composer import Composer
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _Loader(Reader, Scanner, Parser, Composer, _Resolver):  # type: ignore[no-redef]
        def __init__(self, text: str) -> None:
            Reader.__init__(self, text)
            Scanner.__init__(self)
            Parser.__init__(self)
            Composer.__init__(self)
            BaseResolver.__init__(self)

    LIBYAML = False

Pos = tuple[int, int]
"""1-based line and column."""

Path_ = tuple[str | int, ...]

MAX_DEPTH = 64
"""Governance documents are shallow; deeper nesting is hostile input (libyaml's composer recurses)."""
MAX_NODES_PER_DOCUMENT = 200_000
"""Alias expansion budget: a billion-laughs document stops here instead of exhausting memory."""
_FLOW_OPENERS_BEFORE_DEPTH_SCAN = 2_000
_DEEP_BLOCK_PREFIX = re.compile(rf"^[ ?:-]{{{2 * MAX_DEPTH}}}", re.MULTILINE)
"""A line indented (or prefixed with `- `, `? `, `: `) this far may nest block collections deeper than
MAX_DEPTH; libyaml's composer crashes on ~100k levels of `- - - ...`, so such text is scanned first."""

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_MAP = "tag:yaml.org,2002:map"
_PLAIN = "tag:oafctl,plain"
"""The tag `_Resolver` gives an untagged plain scalar (YAML 1.2 core schema resolution applies)."""
_SEQ = "tag:yaml.org,2002:seq"

_NULLS = frozenset(("", "~", "null", "Null", "NULL"))
_TRUE = frozenset(("true", "True", "TRUE"))
_FALSE = frozenset(("false", "False", "FALSE"))
_NOT_A_WORD = object()
_WORDS: dict[str, Any] = {**dict.fromkeys(_NULLS), **dict.fromkeys(_TRUE, True), **dict.fromkeys(_FALSE, False)}
_INT_RE = re.compile(r"[-+]?[0-9]+\Z")
_OCT_RE = re.compile(r"0o[0-7]+\Z")
_HEX_RE = re.compile(r"0x[0-9a-fA-F]+\Z")
_FLOAT_RE = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?\Z")
_SPECIAL_FLOATS = {
    ".inf": float("inf"), ".Inf": float("inf"), ".INF": float("inf"),
    "+.inf": float("inf"), "+.Inf": float("inf"), "+.INF": float("inf"),
    "-.inf": float("-inf"), "-.Inf": float("-inf"), "-.INF": float("-inf"),
    ".nan": float("nan"), ".NaN": float("nan"), ".NAN": float("nan"),
}
_MAX_INT_DIGITS = 4000


class YamlError(Exception):
    """A problem in the YAML text itself, with the position it was found at."""

    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


class RawDocument:
    """One YAML document as plain data, with where each value and key stands in the file.

    The positions may also be given `packed` (see `pack_positions`): the parse cache stores them so, and
    they are unpacked only when something asks where a value is (most documents of a run never are)."""

    __slots__ = ("_keys", "_packed", "_values", "column", "data", "line")

    def __init__(
        self,
        data: Any,
        line: int,
        column: int,
        values: dict[Path_, Pos] | None = None,
        keys: dict[Path_, Pos] | None = None,
        *,
        packed: bytes | array[int] | None = None,
    ) -> None:
        self.data = data
        self.line = line
        self.column = column
        self._values = values if values is not None or packed is not None else {}
        self._keys = keys if keys is not None or packed is not None else {}
        self._packed = packed

    def _unpack(self) -> None:
        values: dict[Path_, Pos] = {}
        keys: dict[Path_, Pos] = {}
        packed = self._packed
        if packed:
            try:
                flat = packed if isinstance(packed, array) else array("I", packed)
                _unpack_positions(self.data, flat, values, keys)
            except (IndexError, ValueError):  # a damaged cache entry: positions fall back to the document's
                values.clear()
                keys.clear()
        self._values, self._keys = values, keys

    def positions(self) -> tuple[Mapping[Path_, Pos], Mapping[Path_, Pos]]:
        """Values' and keys' positions, as views that unpack packed positions only when first read."""
        if self._values is None:
            return _LazyPositions(self, False), _LazyPositions(self, True)
        assert self._keys is not None
        return self._values, self._keys

    @property
    def values(self) -> dict[Path_, Pos]:
        """The position of every value, by path."""
        if self._values is None:
            self._unpack()
        assert self._values is not None
        return self._values

    @property
    def keys(self) -> dict[Path_, Pos]:
        """The position of every mapping key, by the path of its value."""
        if self._keys is None:
            self._unpack()
        assert self._keys is not None
        return self._keys

    def pack_positions(self) -> bytes:
        """The positions as 32-bit (line, column) pairs in document order: a value's, then for a mapping each
        key's followed by its value's. The paths are implied by the data, so they are not stored."""
        if self._packed is not None and self._values is None:
            return self._packed.tobytes() if isinstance(self._packed, array) else self._packed
        out = array("I")
        values, keys = self.values, self.keys

        def walk(value: Any, path: Path_) -> None:
            out.extend(values.get(path, (0, 0)))
            if isinstance(value, dict):
                for key, child in value.items():
                    child_path = (*path, key)
                    out.extend(keys.get(child_path, (0, 0)))
                    walk(child, child_path)
            elif isinstance(value, list):
                for index, child in enumerate(value):
                    walk(child, (*path, index))

        walk(self.data, ())
        return out.tobytes()

    def __repr__(self) -> str:
        return f"RawDocument(line={self.line}, column={self.column}, data={self.data!r})"


class _LazyPositions(Mapping[Path_, Pos]):
    """A document's value or key positions, unpacked on first read."""

    __slots__ = ("_keys", "_raw")

    def __init__(self, raw: RawDocument, keys: bool) -> None:
        self._raw = raw
        self._keys = keys

    def _map(self) -> dict[Path_, Pos]:
        return self._raw.keys if self._keys else self._raw.values

    def __getitem__(self, path: Path_) -> Pos:
        return self._map()[path]

    def __iter__(self) -> Iterator[Path_]:
        return iter(self._map())

    def __len__(self) -> int:
        return len(self._map())


def _unpack_positions(data: Any, flat: array[int], values: dict[Path_, Pos], keys: dict[Path_, Pos]) -> None:
    """The inverse of `RawDocument.pack_positions`."""
    cursor = 0

    def walk(value: Any, path: Path_) -> None:
        nonlocal cursor
        values[path] = (flat[cursor], flat[cursor + 1])
        cursor += 2
        if isinstance(value, dict):
            for key, child in value.items():
                child_path = (*path, key)
                keys[child_path] = (flat[cursor], flat[cursor + 1])
                cursor += 2
                walk(child, child_path)
        elif isinstance(value, list):
            for index, child in enumerate(value):
                walk(child, (*path, index))

    walk(data, ())


def _resolve_plain(text: str) -> Any:
    """YAML 1.2 core schema for an untagged plain scalar."""
    special = _WORDS.get(text, _NOT_A_WORD)
    if special is not _NOT_A_WORD:
        return special
    first = text[0]
    if first.isdigit() or first in "+-.":
        if _INT_RE.match(text):
            if len(text) > _MAX_INT_DIGITS:
                return text
            return int(text)
        if _FLOAT_RE.match(text):
            return float(text)
        if text in _SPECIAL_FLOATS:
            return _SPECIAL_FLOATS[text]
        if _OCT_RE.match(text):
            return int(text[2:], 8)
        if _HEX_RE.match(text):
            return int(text[2:], 16)
    return text


def _scalar(node: ScalarNode) -> Any:
    tag = node.tag
    value: str = node.value
    if tag is _PLAIN:
        return _resolve_plain(value)
    if tag == _STR:
        return value
    if tag == _INT and _INT_RE.match(value):
        return int(value)
    if tag == _FLOAT and (_FLOAT_RE.match(value) or value in _SPECIAL_FLOATS):
        return _SPECIAL_FLOATS.get(value) or float(value)
    if tag == _BOOL and value in _TRUE | _FALSE:
        return value in _TRUE
    if tag == _NULL and value in _NULLS:
        return None
    raise YamlError(
        f"unsupported YAML tag {_short_tag(tag)}: oafctl documents hold plain text, numbers, dates and lists",
        node.start_mark.line + 1,
        node.start_mark.column + 1,
    )


def _short_tag(tag: str) -> str:
    return "!!" + tag[len("tag:yaml.org,2002:"):] if tag.startswith("tag:yaml.org,2002:") else tag


class _Converter:
    """Turn a node graph into data, recording positions; guards depth and alias expansion.

    Positions are appended to one flat array in document order (see `RawDocument.pack_positions`): no
    path tuple or dictionary entry is made per node, which halved the cost of a cold run's conversion;
    the positions by path are unpacked only for the documents a finding points into."""

    __slots__ = ("budget", "flat")

    def __init__(self) -> None:
        self.flat = array("I")
        self.budget = MAX_NODES_PER_DOCUMENT

    def convert(self, node: Node, depth: int) -> Any:
        # The hot loop of every run (one call per YAML node): classes are compared by identity and the
        # common scalar case is handled inline.
        self.budget -= 1
        mark = node.start_mark
        line, column = mark.line + 1, mark.column + 1
        if self.budget < 0:
            raise YamlError(
                "document expands to too many values (alias or merge-key bomb?); "
                f"the limit is {MAX_NODES_PER_DOCUMENT:,}",
                line, column,
            )
        flat = self.flat
        flat.append(line)
        flat.append(column)
        cls = node.__class__
        if cls is ScalarNode:
            tag = node.tag
            if tag is _PLAIN:
                return _resolve_plain(node.value)
            if tag == _STR:
                return node.value
            return _scalar(node)  # type: ignore[arg-type]
        if depth >= MAX_DEPTH:
            # the document's own collection is level 1, as in the event scan of _check_flow_depth
            raise YamlError(f"nesting deeper than {MAX_DEPTH} levels", line, column)
        convert = self.convert
        if cls is SequenceNode:
            if node.tag != _SEQ:
                raise YamlError(f"unsupported YAML tag {_short_tag(node.tag)}", line, column)
            return [convert(child, depth + 1) for child in node.value]
        if cls is MappingNode:
            if node.tag != _MAP:
                raise YamlError(f"unsupported YAML tag {_short_tag(node.tag)}", line, column)
            out: dict[str, Any] = {}
            for key_node, value_node in node.value:
                kmark = key_node.start_mark
                kline, kcolumn = kmark.line + 1, kmark.column + 1
                if key_node.__class__ is not ScalarNode:
                    raise YamlError("a mapping key must be plain text", kline, kcolumn)
                if key_node.tag is not _PLAIN and key_node.tag != _STR:
                    raise YamlError(f"unsupported YAML tag {_short_tag(key_node.tag)} on a key", kline, kcolumn)
                key = key_node.value
                if key == "<<" and not key_node.style:
                    raise YamlError("merge keys (<<) are not supported: write the fields out", kline, kcolumn)
                if key in out:
                    first = next(k.start_mark.line + 1 for k, _v in node.value if k.value == key)
                    raise YamlError(
                        f"duplicate key '{key}' (first at line {first}); YAML keeps only one of them", kline, kcolumn
                    )
                flat.append(kline)
                flat.append(kcolumn)
                out[key] = convert(value_node, depth + 1)
            return out
        raise YamlError("unsupported YAML node", line, column)  # pragma: no cover


def _check_flow_depth(text: str, force: bool = False) -> None:
    """libyaml's composer recurses per nesting level and can overflow the C stack on very deep flow
    collections, so such text is scanned as events (iterative) before it is composed. `force` scans any
    text (to find where deep block nesting starts, after the composer gave up with a RecursionError)."""
    if (not force and text.count("[") + text.count("{") < _FLOW_OPENERS_BEFORE_DEPTH_SCAN
            and _DEEP_BLOCK_PREFIX.search(text) is None):
        return
    depth = 0
    loader = _Loader(text)
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    mark = event.start_mark
                    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
                    raise YamlError(f"nesting deeper than {MAX_DEPTH} levels", line, column)
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    finally:
        loader.dispose()


def _is_tab_at(text: str, line: int, column: int) -> bool:
    """Whether the character at a 0-based mark is a tab (libyaml's messages do not say so)."""
    lines = text.split("\n", line + 1)
    return line < len(lines) and column < len(lines[line]) and lines[line][column] == "\t"


def _marked(exc: yaml.MarkedYAMLError, text: str = "") -> YamlError:
    mark = exc.problem_mark or exc.context_mark
    if exc.context and "duplicate anchor" in exc.context and mark is not None:
        first = f" (first at line {exc.context_mark.line + 1})" if exc.context_mark is not None else ""
        return YamlError(f"invalid YAML: the same anchor is defined twice{first}", mark.line + 1, mark.column + 1)
    parts = [p for p in (exc.context, exc.problem) if p]
    message = "; ".join(parts) or "invalid YAML"
    if (exc.problem and "\t" in exc.problem) or (exc.problem and "'\\t'" in exc.problem) or (
        mark is not None and _is_tab_at(text, mark.line, mark.column)
    ):
        message += " (tabs cannot indent YAML: use spaces)"
    line = mark.line + 1 if mark else 1
    column = mark.column + 1 if mark else 1
    return YamlError(f"invalid YAML: {message}", line, column)


def _reader_error(exc: yaml.reader.ReaderError, text: str) -> YamlError:
    """libyaml's refusal of a character (a control character, a stray byte order mark), at its position:
    libyaml counts the offset in UTF-8 bytes."""
    before = text.encode("utf-8", "surrogatepass")[: max(exc.position, 0)].decode("utf-8", "replace")
    line = before.count("\n") + 1
    column = len(before) - (before.rfind("\n") + 1) + 1
    char = exc.character
    shown = f" (U+{char:04X})" if isinstance(char, int) else f" ({char!r})" if char else ""
    return YamlError(f"invalid YAML: {exc.reason or 'unacceptable character'}{shown}", line, column)


def _deep_nesting(text: str) -> YamlError:
    """Where nesting too deep for the composer starts (deep block collections, which the flow scan skips)."""
    try:
        _check_flow_depth(text, force=True)
    except YamlError as err:
        return err
    except yaml.MarkedYAMLError as exc:
        return _marked(exc, text)
    return YamlError(f"nesting deeper than {MAX_DEPTH} levels", 1, 1)


def parse_documents(text: str) -> tuple[list[RawDocument], YamlError | None]:
    """Every document in `text`, and the error that stopped parsing (documents before it are kept)."""
    docs: list[RawDocument] = []
    try:
        _check_flow_depth(text)
    except YamlError as err:
        return docs, err
    except yaml.MarkedYAMLError as exc:
        return docs, _marked(exc, text)
    except yaml.reader.ReaderError as exc:
        return docs, _reader_error(exc, text)
    loader = _Loader(text)
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is None:
                continue
            if isinstance(node, ScalarNode) and node.tag is _PLAIN and node.value == "":
                continue  # an empty document between separators
            conv = _Converter()
            data = conv.convert(node, 0)
            mark = node.start_mark
            docs.append(RawDocument(data, mark.line + 1, mark.column + 1, packed=conv.flat))
    except YamlError as err:
        return docs, err
    except yaml.MarkedYAMLError as exc:
        return docs, _marked(exc, text)
    except yaml.reader.ReaderError as exc:
        return docs, _reader_error(exc, text)
    except RecursionError:
        return docs, _deep_nesting(text)
    except (yaml.YAMLError, ValueError) as exc:
        return docs, YamlError(f"invalid YAML: {exc}", 1, 1)
    finally:
        loader.dispose()
    return docs, None
