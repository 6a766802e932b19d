"""oafctl: governance-as-code for NHS oversight."""

__version__ = "0.1.0"
