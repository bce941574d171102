"""The add-on: settings and activation, the sync engine (resolve → fetch → apply → meter),
field policy and locks, provenance and history, usage and statements, alerts (DESIGN §5).

Business rules are plain functions in :mod:`firmsync.enrichment.services`, called alike by
the CLI, the jobs, the API and the web.
"""
