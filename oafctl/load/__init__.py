"""Stage 1 of the pipeline: find files, parse YAML with positions, keep each file's text."""

from oafctl.load.discover import DiscoveryError, LoadedFile, LoadIssue, load_tree
from oafctl.load.yamlparse import Pos, RawDocument, parse_documents

__all__ = ["DiscoveryError", "LoadIssue", "LoadedFile", "Pos", "RawDocument", "load_tree", "parse_documents"]
