"""Finding the registration behind a typed company name.

- :mod:`firmsync.matching.index` — candidate registrations from a tantivy index of names;
- :mod:`firmsync.matching.noise` — names spelled as users type them, for evaluation;
- :mod:`firmsync.matching.queries` — labelled queries drawn from a register;
- :mod:`firmsync.matching.evaluation` — the figures a matcher is judged by;
- :mod:`firmsync.matching.baseline` — the rapidfuzz brute-force baseline.

Scoring the candidates and the calibrated link/review/none decision come next.
"""
