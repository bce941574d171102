"""The web UI: server-rendered pages with HTMX, in Romanian (default) and English.

Views parse the request, call the same services and selectors of ``crm`` and ``enrichment``
as the API and the CLI, scoped by the signed-in member's account, and render a template.
See ``docs/web.md``."""
