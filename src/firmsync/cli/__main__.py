"""``python -m firmsync.cli``: the console script (``firmsync worker`` starts its fetcher so)."""

from firmsync.cli import main

if __name__ == "__main__":
    main()
