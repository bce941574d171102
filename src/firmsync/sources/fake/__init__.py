"""Local stand-ins for ANAF and openapi.ro: they answer as the references document, enforce
the providers' limits (counting violations) and fail on demand in every documented way.

The tests talk to them, and so can a demo or a benchmark: ``firmsync dev fake-anaf``.
"""
