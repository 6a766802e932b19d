"""The hostile corpus: each case is the bytes of one file added to the minimal example, and every finding
that file must produce, exactly (rule, line, column, message). Complements tests/test_bad_input.py (the
foundation's list) with the deeper cases: YAML 1.1 words and odd numbers where codes and segments go,
codes that are almost codes, impossible dates, tags, encodings, line ends, bombs and nesting at the limit."""

from __future__ import annotations

from dataclasses import dataclass

PROVIDER = (b"apiVersion: oaf/v1\nkind: Provider\ncode: RXX\nname: Hostile Trust\ntype: acute\nicb: QHM\n"
            b"segment: 2\n")
"""A provider of ICB QHM; line 7 is `segment: 2`. Cases edit it; it is not in any MOU, so a case that leaves
it valid gets OAF001/OAF005 findings about it, which the cases expect where they arise."""
REGION = b"apiVersion: oaf/v1\nkind: Region\ncode: Y99\nname: Hostile Region\n"
NAMELESS = b"apiVersion: oaf/v1\nkind: Region\ncode: Y99\n"
"""A region whose name (line 4) the case supplies."""


@dataclass(frozen=True)
class Case:
    id: str
    data: bytes
    findings: tuple[tuple[str, int, int, str], ...]
    """(rule, line, column, exact message) of every finding in the file, sorted as the report sorts them."""
    subprocess: bool = False
    """Run the CLI as a process (cases that could crash or exhaust the interpreter)."""


def _segment(value: bytes) -> bytes:
    return PROVIDER.replace(b"segment: 2", b"segment: " + value)


def _code(value: bytes) -> bytes:
    return REGION.replace(b"code: Y99", b"code: " + value)


_CODE = "not an organisation code (3 to 6 upper-case letters or digits, such as QHM)"
_TAG = "oafctl documents hold plain text, numbers, dates and lists"

CASES: tuple[Case, ...] = (
    # YAML 1.1 words and odd numbers where oafctl expects a whole number: the models type them, not YAML 1.1
    Case("segment-yes", _segment(b"yes"),
         (("OAF000", 7, 10, "Provider RXX: field 'segment' = 'yes': Input should be a valid integer"),)),
    Case("segment-NO", _segment(b"NO"),
         (("OAF000", 7, 10, "Provider RXX: field 'segment' = 'NO': Input should be a valid integer"),)),
    Case("segment-True", _segment(b"True"),
         (("OAF000", 7, 10, "Provider RXX: field 'segment' = True: Input should be a valid integer"),)),
    Case("segment-float", _segment(b"2.0"),
         (("OAF000", 7, 10, "Provider RXX: field 'segment' = 2.0: Input should be a valid integer"),)),
    Case("segment-exponent", _segment(b"1e1"),
         (("OAF000", 7, 10, "Provider RXX: field 'segment' = 10.0: Input should be a valid integer"),)),
    Case("segment-quoted", _segment(b'"2"'),
         (("OAF000", 7, 10, "Provider RXX: field 'segment' = '2': Input should be a valid integer"),)),
    Case("segment-null", _segment(b"~"),
         (("OAF000", 7, 10, "Provider RXX: field 'segment' = None: Input should be a valid integer"),)),
    Case("segment-nan", _segment(b".nan"),
         (("OAF000", 7, 10, "Provider RXX: field 'segment' = nan: Input should be a valid integer"),)),
    Case("segment-minus-inf", _segment(b"-.inf"),
         (("OAF000", 7, 10, "Provider RXX: field 'segment' = -inf: Input should be a valid integer"),)),
    Case("segment-zero", _segment(b"0"),
         (("OAF000", 7, 10, "Provider RXX: field 'segment' = 0: Input should be greater than or equal to 1"),)),
    Case("segment-30-digits", _segment(b"9" * 30),
         (("OAF000", 7, 10, f"Provider RXX: field 'segment' = {'9' * 30}: Input should be less than or equal to 99"),)),
    Case("segment-5000-digits", _segment(b"9" * 5000),
         (("OAF000", 7, 10, f"Provider RXX: field 'segment' = '{'9' * 56}...: Input should be a valid integer"),),
         subprocess=True),
    # codes that are almost codes
    Case("icb-NO", PROVIDER.replace(b"icb: QHM", b"icb: NO"),
         (("OAF000", 6, 6, f"Provider RXX: field 'icb' = 'NO': {_CODE}"),)),
    Case("icb-lowercase", PROVIDER.replace(b"icb: QHM", b"icb: qhm"),
         (("OAF000", 6, 6, f"Provider RXX: field 'icb' = 'qhm': {_CODE}"),)),
    Case("code-on", _code(b"on"), (("OAF000", 3, 7, f"Region on: field 'code' = 'on': {_CODE}"),)),
    Case("code-inner-space", _code(b'"Y 99"'),
         (("OAF000", 3, 7, f"Region Y 99: field 'code' = 'Y 99': {_CODE}"),)),
    Case("code-leading-space", _code(b'" Y99"'),
         (("OAF000", 3, 7, f"Region  Y99: field 'code' = ' Y99': {_CODE}"),)),
    Case("code-cyrillic-lookalike", _code("Y9\u0406".encode()),
         (("OAF000", 3, 7, f"Region Y9\u0406: field 'code' = 'Y9\u0406': {_CODE}"),)),
    Case("code-zero-width-space", _code("Y99\u200b".encode()),
         (("OAF000", 3, 7, f"Region Y99\u200b: field 'code' = 'Y99\\u200b': {_CODE}"),)),
    Case("code-too-long", _code(b"Y9999999"),
         (("OAF000", 3, 7, f"Region Y9999999: field 'code' = 'Y9999999': {_CODE}"),)),
    Case("code-number", _code(b"999"),
         (("OAF000", 3, 7, "Region: field 'code' = 999: must be text; quote it"),)),
    Case("code-null", _code(b"null"),
         (("OAF000", 3, 7, "Region: field 'code' = None: Input should be a valid string"),)),
    Case("code-tagged-int", _code(b'!!int "99"'),
         (("OAF000", 3, 7, "Region: field 'code' = 99: must be text; quote it"),)),
    Case("yaml-1.1-directive-does-not-make-NO-false", b"%YAML 1.1\n---\n" + _code(b"NO"),
         (("OAF000", 5, 7, f"Region NO: field 'code' = 'NO': {_CODE}"),)),
    Case("kind-lowercase", REGION.replace(b"kind: Region", b"kind: region"),
         (("OAF000", 2, 7, "unknown kind 'region'; did you mean 'Region'?"),)),
    Case("apiversion-number", REGION.replace(b"oaf/v1", b"1"),
         (("OAF000", 1, 13, "unknown apiVersion 1; oafctl reads oaf/v1"),)),
    # dates
    Case("date-2025-02-29", REGION + b"valid_from: 2025-02-29\n",
         (("OAF000", 5, 13, "Region Y99: field 'valid_from' = '2025-02-29': 2025-02-29 is not a real calendar date"),)),
    Case("date-month-13", REGION + b"valid_to: 2025-13-01\n",
         (("OAF000", 5, 11, "Region Y99: field 'valid_to' = '2025-13-01': 2025-13-01 is not a real calendar date"),)),
    Case("date-day-0", REGION + b"valid_to: 2025-01-00\n",
         (("OAF000", 5, 11, "Region Y99: field 'valid_to' = '2025-01-00': 2025-01-00 is not a real calendar date"),)),
    Case("date-year-0", REGION + b"valid_to: 0000-01-01\n",
         (("OAF000", 5, 11, "Region Y99: field 'valid_to' = '0000-01-01': 0000-01-01 is not a real calendar date"),)),
    Case("date-with-time", REGION + b"valid_to: 2025-01-01T00:00:00Z\n",
         (("OAF000", 5, 11, "Region Y99: field 'valid_to' = '2025-01-01T00:00:00Z': expected a date written "
           "YYYY-MM-DD, got '2025-01-01T00:00:00Z'"),)),
    Case("date-as-number", REGION + b"valid_to: 20250101\n",
         (("OAF000", 5, 11, "Region Y99: field 'valid_to' = 20250101: expected a date written YYYY-MM-DD, got "
           "20250101"),)),
    Case("date-leap-day-2024-and-quoted-are-fine", REGION + b'valid_from: 2024-02-29\nvalid_to: "2026-01-01"\n', ()),
    # tags
    Case("tag-timestamp", REGION + b"valid_to: !!timestamp 2025-01-01\n",
         (("OAF000", 5, 11, f"unsupported YAML tag !!timestamp: {_TAG}"),)),
    Case("tag-binary", NAMELESS + b"name: !!binary aGk=\n",
         (("OAF000", 4, 7, f"unsupported YAML tag !!binary: {_TAG}"),)),
    Case("tag-set", NAMELESS + b"name: !!set {a, b}\n", (("OAF000", 4, 7, "unsupported YAML tag !!set"),)),
    Case("tag-omap", NAMELESS + b"name: !!omap [a: 1]\n", (("OAF000", 4, 7, "unsupported YAML tag !!omap"),)),
    Case("tag-on-a-key", NAMELESS + b"!Ref name: x\n", (("OAF000", 4, 1, "unsupported YAML tag !Ref on a key"),)),
    Case("tag-verbatim", NAMELESS + b"name: !<tag:example.com,2024:x> y\n",
         (("OAF000", 4, 7, f"unsupported YAML tag tag:example.com,2024:x: {_TAG}"),)),
    Case("tag-via-directive", b"%TAG !e! tag:example.com,2024:\n---\n" + NAMELESS + b"name: !e!x y\n",
         (("OAF000", 6, 7, f"unsupported YAML tag tag:example.com,2024:x: {_TAG}"),)),
    Case("explicit-str-tag-is-fine", REGION.replace(b"name: Hostile Region", b"name: !!str 12345"), ()),
    Case("key-not-text", REGION + b"? [a, b]\n: c\n", (("OAF000", 5, 3, "a mapping key must be plain text"),)),
    # encodings, line ends, characters
    Case("bom-and-crlf", b"\xef\xbb\xbf" + (REGION + b"valid_from: 2025-02-30\n").replace(b"\n", b"\r\n"),
         (("OAF000", 5, 13, "Region Y99: field 'valid_from' = '2025-02-30': 2025-02-30 is not a real calendar date"),)),
    Case("bom-inside-the-file", REGION + b"---\n\xef\xbb\xbf" + REGION.replace(b"Y99", b"Y98"),
         (("OAF000", 6, 1, "file contains a byte order mark (U+FEFF) after its start: files joined together? "
           "remove it"),)),
    Case("old-mac-line-ends", (REGION + b"valid_from: 2025-02-30\n").replace(b"\n", b"\r"),
         (("OAF000", 5, 13, "Region Y99: field 'valid_from' = '2025-02-30': 2025-02-30 is not a real calendar date"),)),
    Case("utf-32", "a: 1\n".encode("utf-32"), (("OAF000", 1, 1, "file is UTF-32; save it as UTF-8"),)),
    Case("overlong-utf-8", NAMELESS + b"name: \xc0\xaf\n",
         (("OAF000", 4, 7, "file is not UTF-8: byte 0xc0 cannot be decoded"),)),
    Case("utf-8-surrogate", NAMELESS + b"name: \xed\xa0\x80\n",
         (("OAF000", 4, 7, "file is not UTF-8: byte 0xed cannot be decoded"),)),
    Case("truncated-utf-8-at-end", NAMELESS + b"name: caf\xc3",
         (("OAF000", 4, 10, "file is not UTF-8: byte 0xc3 cannot be decoded"),)),
    Case("nul-in-second-document", REGION + b"---\n" + REGION.replace(b"Hostile Region", b"Hos\x00tile"),
         (("OAF000", 9, 10, "file contains a NUL byte: it is binary, not YAML"),)),
    Case("control-character", REGION.replace(b"name: Hostile Region", "name: \u00e9a\x07b".encode()),
         (("OAF000", 4, 9, "invalid YAML: control characters are not allowed (U+0007)"),)),
    Case("delete-character", REGION.replace(b"name: Hostile Region", b"name: a\x7fb"),
         (("OAF000", 4, 8, "invalid YAML: control characters are not allowed (U+007F)"),)),
    Case("tab-inside-values-is-fine", REGION.replace(b"name: Hostile Region", b"name:\tHostile\tRegion"), ()),
    Case("tab-indenting-a-list", NAMELESS + b"name:\n\t- a\n",
         (("OAF000", 5, 1, "invalid YAML: while scanning for the next token; found character that cannot start any "
           "token (tabs cannot indent YAML: use spaces)"),)),
    # anchors, aliases, bombs and nesting at the limit
    Case("anchor-defined-twice", REGION + b"a: &x 1\nb: &x 2\n",
         (("OAF000", 6, 4, "invalid YAML: the same anchor is defined twice (first at line 5)"),)),
    Case("alias-undefined", NAMELESS + b"name: *nope\n", (("OAF000", 4, 7, "invalid YAML: found undefined alias"),)),
    Case("merge-key-bomb", b"a: &a {x: 1}\nb: &b {<<: [*a, *a]}\nc: {<<: [*b, *b]}\n",
         (("OAF000", 2, 8, "merge keys (<<) are not supported: write the fields out"),)),
    Case("wide-alias-bomb", b"a: &a [" + b",".join([b"x"] * 1000) + b"]\nb: [" + b",".join([b"*a"] * 1000) + b"]\n",
         (("OAF000", 1, 1604, "document expands to too many values (alias or merge-key bomb?); the limit is 200,000"),),
         subprocess=True),
    Case("nesting-64-levels-is-allowed", b"a: " + b"[" * 63 + b"]" * 63 + b"\n",
         (("OAF000", 1, 1, "not an oafctl document: `apiVersion: oaf/v1` is missing"),)),
    Case("nesting-65-levels", b"a: " + b"[" * 64 + b"]" * 64 + b"\n",
         (("OAF000", 1, 67, "nesting deeper than 64 levels"),)),
    Case("nesting-65-levels-among-many-brackets",
         b"a: " + b"[" * 64 + b"]" * 64 + b"\nb: [" + b"[], " * 2000 + b"]\n",
         (("OAF000", 1, 67, "nesting deeper than 64 levels"),)),
    Case("hundred-thousand-empty-documents", b"---\n" * 100_000, (), subprocess=True),
    Case("text-after-document-end", REGION + b"...\nfoo\n",
         (("OAF000", 6, 1, "invalid YAML: did not find expected <document start>"),)),
)
