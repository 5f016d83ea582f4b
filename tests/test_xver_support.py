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
    assert (
        reason is not None and "Python 3.12 (for py312-mpl310-np22)" in reason and "pyenv install 3.11 3.12" in reason
    )
    assert "3.11 (for" not in reason


def test_the_scene_criterion_leaves_out_figures_the_consumer_cannot_make() -> None:
    """A figure with no consumer render (``Axes.ecdf`` before matplotlib 3.8) is neither a
    success nor a failure of the 90 % share, as in the report's own shares."""
    import importlib.util

    path = Path(__file__).resolve().parent.parent / "tools" / "xver_scene.py"
    spec = importlib.util.spec_from_file_location("xver_scene", path)
    assert spec is not None and spec.loader is not None
    xver_scene = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(xver_scene)
    infos = {"new": {"matplotlib": "3.11.2"}, "old": {"matplotlib": "3.5.3"}}

    def records(good: int, poor: int, unjudged: int) -> list:
        outcomes = ["scene"] * good + ["scene-poor"] * poor + ["unjudged"] * unjudged
        return [
            {"producer": "new", "consumer": "old", "figure": f"f{i}", "scene": {"outcome": o}}
            for i, o in enumerate(outcomes)
        ]

    assert xver_scene.judge(records(9, 1, 1), infos, 0.9) == []
    assert xver_scene.judge(records(8, 2, 1), infos, 0.9) == [
        "scene: new -> old: 8 of 10 live by scene at SSIM >= 0.95, below 90%"
    ]
