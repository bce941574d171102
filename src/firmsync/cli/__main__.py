"""``python -m firmsync.cli``: the console script."""

from firmsync.cli import main

main()
