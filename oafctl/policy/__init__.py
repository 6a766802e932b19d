"""Local policies: a governance repo's own rules (`kind: Policy`, an assertion in CEL over the typed model)
and policy unit tests (`kind: PolicyTest`, run by `oafctl test`).

`documents` defines both kinds (registered with the model on import), `local` compiles policies into rules
for the engine, `testing` runs PolicyTests.
"""
