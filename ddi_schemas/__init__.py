"""The official DDI-Lifecycle XSDs (located, verified, compiled once, offline) and the catalogue's profile.

This package imports only lxml and the standard library, and this module imports nothing, so that the
whole project can use `ddi_schemas.problems` cheaply. The entry points:
- `compiled.SchemaSet(root)`: the verified XSDs of DDI-L 3.1, 3.2 and 3.3, each compiled once;
- `fetch.fetch(target, source=...)`, `locate.verify_root(root)`: install and check verified copies;
- `validate.sniff`, `validate.validate`: the safe gate (bad input → `InvalidInput`; XSD errors → report);
- `check.check` / `check.check_document`: XSD and profile (`profile.profile`) in one pass.
"""
