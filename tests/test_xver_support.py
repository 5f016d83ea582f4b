"""Cross-version tests skip, naming what to install, when pyenv lacks a Python they need."""

from __future__ import annotations

from pathlib import Path

import pytest
import xver_support


def test_a_missing_pyenv_python_skips_with_what_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "versions" / "3.11.7" / "bin").mkdir(parents=True)
    monkeypatch.setattr(xver_support.shutil, "which", lambda name: "/usr/bin/pyenv")
    monkeypatch.setattr(xver_support.xver, "pyenv_root", lambda: tmp_path)
    reason = xver_support.missing_pythons(("py312-mpl310-np22", "py311-mpl310-np126"))
    assert reason is not None and "Python 3.12 (for py312-mpl310-np22)" in reason and "pyenv install 3.11 3.12" in reason
    assert "3.11 (for" not in reason
