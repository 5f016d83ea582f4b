"""Skip cross-version tests cleanly when this machine cannot build their environments.

The environments come from pyenv's Pythons (``tools/xver.py``); a newcomer's pyenv may
lack a minor the tests need (3.12, say). That is a missing tool, not a failure: the
test is skipped, and the reason names what to install.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import Iterable, Optional

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import xver  # noqa: E402


def missing_pythons(env_names: Iterable[str]) -> Optional[str]:
    """Why the environments ``env_names`` cannot be built here, or None if they can."""
    if shutil.which("pyenv") is None:
        return "pyenv is not installed: the harness builds its environments from pyenv's Pythons"
    specs = {s.name: s for s in xver.load_specs()}
    try:
        root = xver.pyenv_root()
    except Exception as exc:  # a broken pyenv
        return f"pyenv does not answer `pyenv root`: {exc}"
    absent = []
    for name in env_names:
        try:
            xver.interpreter(root, specs[name].python)
        except xver.HarnessError:
            absent.append(f"Python {specs[name].python} (for {name})")
    if absent:
        minors = " ".join(sorted({specs[n].python for n in env_names}))
        return f"pyenv lacks {', '.join(absent)}; install with `pyenv install {minors}`, or deselect with -m 'not xver'"
    return None
