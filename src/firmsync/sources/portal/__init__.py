"""The data portal (data.gov.ro, a CKAN site): where ONRC publishes each register snapshot
and the Ministry of Finance each year's financial statements, as datasets of files.

``client`` asks the CKAN API (``package_search``, ``package_show``) and downloads files,
checked against the sizes it gives; ``catalogue`` tells which datasets are snapshots, code
tables and financial years, and which of their files firmsync imports. See
onrc-open-data.md §1 and mf-financial-statements.md §1-2 in the design references.
"""
