"""Company facts from every source, in one shape (DESIGN §6)."""

from firmsync.sources.facts import CompanyFacts

__all__ = ["CompanyFacts"]
