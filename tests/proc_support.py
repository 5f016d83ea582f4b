"""Child processes the tests stop with SIGINT, as a user's Ctrl-C would.

A shell without job control starts background commands with SIGINT ignored, and an
ignored signal is inherited: under ``nohup ... &`` (or a CI runner that starts the suite
that way) a ``python -m figwire listen`` child would never see the test's SIGINT, and
Python installs its KeyboardInterrupt handler only for a SIGINT that is not ignored.
"""

from __future__ import annotations

import signal


def interruptible() -> None:
    """``preexec_fn`` for ``subprocess.Popen``: the child gets SIGINT's default back."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
