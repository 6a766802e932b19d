"""MOU documents generated from the specs: the same YAML that `validate` checks.

- `view`: what a document shows (parties, arrangements with the pack's segment meanings, peer-support
  offers, escalation, ...), built from a validated run, and its provenance (spec file, Git revision, pack,
  SHA-256 of the canonical JSON of the MOU and the estate facts shown).
- `render`: Markdown and HTML through Jinja2 templates in `mou/` (autoescaped HTML), DOCX through
  python-docx, PDF through WeasyPrint when it is installed.
- `check`: finds rendered documents whose embedded hash no longer matches their spec (OAF030).
- `scaffold`: writes or updates an MOU spec from the estate with ruamel.yaml round-trip, keeping comments.
"""
