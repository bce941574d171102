"""firmsync: keeps a CRM's company cards filled with official Romanian company data."""

__version__ = "0.1.0"
