"""The REST API (``/api/v1``, django-ninja): parse, call a service of ``crm`` or
``enrichment``, format. No business rules here; the error tree of ``crm.errors`` becomes one
JSON shape in :mod:`firmsync.api.errors`. ``docs/api.md`` describes every route."""
