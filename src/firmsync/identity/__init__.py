"""Identifiers and names of Romanian companies: pure functions, no framework.

Modules, one concept each (in the manner of python-stdnum):

- :mod:`firmsync.identity.cui` — the fiscal code (CUI/CIF);
- :mod:`firmsync.identity.onrc` — the trade-register number;
- :mod:`firmsync.identity.names` — company-name normalisation for matching;
- :mod:`firmsync.identity.text` — diacritics (cedilla → comma-below, folding);
- :mod:`firmsync.identity.counties` — the 41 counties and Bucharest;
- :mod:`firmsync.identity.exceptions` — the error tree.
"""

from firmsync.identity import counties, cui, exceptions, names, onrc, text

__all__ = ["counties", "cui", "exceptions", "names", "onrc", "text"]
