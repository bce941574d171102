"""firmsync's own child processes end with the process that started them.

``firmsync worker`` runs its jobs in child processes and its ANAF fetcher in another;
``firmsync serve`` runs a worker. Killed with SIGKILL, a parent cannot stop them itself, and
they would go on syncing cards with nobody to supervise them. On Linux a child asks the
kernel for a signal when its parent dies (``prctl(PR_SET_PDEATHSIG)``): SIGTERM for a
command (it stops as on Ctrl-C), SIGKILL for a job process; one that finds its parent gone
already stops at once.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys

__all__ = ["PARENT", "adopt", "child_environment", "die_with"]

PARENT = "FIRMSYNC_PARENT_PID"  # set by a firmsync process for the commands it starts
_PR_SET_PDEATHSIG = 1


def die_with(parent: int, sent: int = signal.SIGTERM) -> None:
    """``sent`` to this process when ``parent`` dies (Linux; elsewhere nothing is asked)."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, int(sent))
    if os.getppid() != parent:  # gone before the request was made
        os.kill(os.getpid(), sent)


def child_environment() -> dict[str, str]:
    """The environment for a firmsync command this process starts as its child."""
    return {**os.environ, PARENT: str(os.getpid())}


def adopt() -> None:
    """At a command's start: if a firmsync process started it, end with that process."""
    parent = os.environ.pop(PARENT, None)
    if parent is not None and parent.isdigit():
        die_with(int(parent))
