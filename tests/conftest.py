"""Shared test setup: a headless Agg backend unless a test opens windows itself."""

from __future__ import annotations

import os

os.environ.setdefault("MPLBACKEND", "Agg")

import pytest  # noqa: E402

try:
    from hypothesis import HealthCheck, settings
except ImportError:  # pragma: no cover - hypothesis is a test dependency
    pass
else:
    settings.register_profile("default", deadline=None, suppress_health_check=[HealthCheck.too_slow])
    settings.register_profile("ci", max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    settings.load_profile("ci" if os.environ.get("CI") else "default")


@pytest.fixture(autouse=True)
def _close_figures():
    """Every test starts and ends with no pyplot figure open."""
    import matplotlib.pyplot as plt

    plt.close("all")
    yield
    plt.close("all")


#: Globals of tests/figures.py that corpus pickles name (secondary-axis functions):
#: figwire's loading policy is for libraries; a caller adds its own functions like this.
CORPUS_ALLOW = (("figures", "celsius_to_fahrenheit"), ("figures", "fahrenheit_to_celsius"))
