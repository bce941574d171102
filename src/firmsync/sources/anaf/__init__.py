"""ANAF's public web services: the VAT-payer registry (v9) and the balance sheets (``/bilant``).

``records`` and ``balance`` read ANAF's answers into :class:`~firmsync.sources.facts.CompanyFacts`;
``answers`` tells an answer from a firewall or maintenance page; ``client`` asks, paced and
retried. See anaf-api.md in the design references for every quirk handled.
"""
