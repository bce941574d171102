"""Identifiers and names of Romanian companies: pure functions, no framework.

Modules, one concept each (in the manner of python-stdnum):

- :mod:`firmsync.identity.cui` — the fiscal code (CUI/CIF);
- :mod:`firmsync.identity.cnp` — the personal numeric code, and masking it in any text;
- :mod:`firmsync.identity.onrc` — the trade-register number;
- :mod:`firmsync.identity.names` — company-name normalisation for matching;
- :mod:`firmsync.identity.text` — diacritics (cedilla → comma-below, folding);
- :mod:`firmsync.identity.counties` — the 41 counties and Bucharest;
- :mod:`firmsync.identity.exceptions` — the error tree.

Import the module you need (``from firmsync.identity import cui``): the package imports none
of them itself, so a command pays only for the ones it uses.
"""

__all__ = ["cnp", "counties", "cui", "exceptions", "names", "onrc", "text"]
