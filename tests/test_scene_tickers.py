"""The scene's tickers (scene 1.4): after a pan or zoom, and under a layout engine, the
rebuilt axis ticks and labels as the producer's own axis does.

A property over the settings users give matplotlib's locators and formatters
(``MaxNLocator``, ``ScalarFormatter``, the date locators and ``DateFormatter``): the
original figure and the one rebuilt from its scene are zoomed to the same views, and
both axes must place the same ticks with the same labels and offset text.
"""

from __future__ import annotations

import datetime
import time
from typing import Any, List, Tuple

import matplotlib
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from matplotlib import dates, ticker
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from scene_support import rebuilt_by_scene

import figwire
from figwire.scene import _dates, draw_for_scene

matplotlib.use("Agg")


def _ticks(fig: Figure) -> List[Tuple[List[float], List[str], str, List[float], List[str], str]]:
    """Each axes' x and y tick locations inside the view, their labels and offset texts, drawn."""
    fig.canvas.draw()
    out = []
    for ax in fig.axes:
        row: List[Any] = []
        for axis, (lo, hi) in ((ax.xaxis, ax.get_xlim()), (ax.yaxis, ax.get_ylim())):
            lo, hi = sorted((lo, hi))
            eps = 1e-9 * (hi - lo)
            locs = axis.get_majorticklocs()
            labels = [t.label1.get_text() for t in axis.get_major_ticks(len(locs))]
            shown = [(float(v), s) for v, s in zip(locs, labels) if lo - eps <= v <= hi + eps]
            row += [[round(v, 9) for v, _ in shown], [s for _, s in shown], axis.get_offset_text().get_text()]
        out.append(tuple(row))
    return out


def _zoom_alike(a: Figure, b: Figure, frac: Tuple[float, float], which: str) -> None:
    for fig in (a, b):
        for ax in fig.axes:
            get, set_ = getattr(ax, f"get_{which}lim"), getattr(ax, f"set_{which}lim")
            lo, hi = get()
            set_(lo + (hi - lo) * frac[0], lo + (hi - lo) * frac[1])


def _assert_same_ticks(original: Figure, rebuilt: Figure, what: str) -> None:
    want, got = _ticks(original), _ticks(rebuilt)
    assert got == want, f"{what}: rebuilt {got}, original {want}"


LOCATORS = st.one_of(
    st.just(None),
    st.builds(
        lambda n, integer, prune, symmetric: ticker.MaxNLocator(n, integer=integer, prune=prune, symmetric=symmetric),
        st.integers(1, 12),
        st.booleans(),
        st.sampled_from([None, "lower", "upper", "both"]),
        st.booleans(),
    ),
    st.builds(
        lambda steps: ticker.MaxNLocator("auto", steps=steps),
        st.sampled_from([[1, 5, 10], [1, 2, 2.5, 5, 10], [1, 3, 10]]),
    ),
)
FORMATTERS = st.builds(
    lambda offset, math, sci, limits: _scalar(offset, math, sci, limits),
    st.sampled_from([True, False, 1e3, -7.5]),
    st.booleans(),
    st.booleans(),
    st.sampled_from([(-5, 6), (-1, 1), (0, 0), (-3, 3)]),
)


def _scalar(offset: Any, math: bool, sci: bool, limits: Tuple[int, int]) -> ticker.ScalarFormatter:
    formatter = ticker.ScalarFormatter(useOffset=offset, useMathText=math)
    formatter.set_scientific(sci)
    formatter.set_powerlimits(limits)
    return formatter


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    locator=LOCATORS,
    formatter=FORMATTERS,
    base=st.sampled_from([0.0, 1e10, 1e-5, -3e4]),
    scale=st.sampled_from([1.0, 1e-6, 1e5]),
    layout=st.sampled_from([None, "constrained"]),
    zoom=st.tuples(st.floats(0.0, 0.45), st.floats(0.55, 1.0)),
)
def test_linear_tickers_follow_a_zoom_as_the_original(locator, formatter, base, scale, layout, zoom) -> None:
    fig = Figure(figsize=(4, 3), layout=layout)
    FigureCanvasAgg(fig)
    ax = fig.subplots()
    x = np.linspace(0, 10, 50)
    ax.plot(base + scale * x, base + scale * x**2)
    if locator is not None:
        ax.yaxis.set_major_locator(locator)
    ax.yaxis.set_major_formatter(formatter)
    draw_for_scene(fig)
    rebuilt = rebuilt_by_scene(fig)
    _assert_same_ticks(fig, rebuilt, "at the recorded view")
    _zoom_alike(fig, rebuilt, zoom, "y")
    _zoom_alike(fig, rebuilt, zoom, "x")
    _assert_same_ticks(fig, rebuilt, f"zoomed to {zoom}")


START = datetime.datetime(2000, 2, 1)
DATE_LOCATORS = st.sampled_from(
    [
        lambda: dates.AutoDateLocator(maxticks=8),
        lambda: dates.AutoDateLocator(minticks=3, interval_multiples=False),
        lambda: dates.YearLocator(month=4),
        lambda: dates.MonthLocator(bymonth=[4, 8, 12]),
        lambda: dates.MonthLocator(bymonthday=15, interval=2),
        lambda: dates.DayLocator(interval=10),
        lambda: dates.WeekdayLocator(byweekday=dates.SU, interval=2),
        lambda: dates.HourLocator(byhour=range(0, 24, 6)),
        lambda: dates.RRuleLocator(dates.rrulewrapper(dates.MONTHLY, byweekday=(dates.MO, dates.FR), bysetpos=-1)),
    ]
)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    make_locator=DATE_LOCATORS,
    fmt=st.sampled_from([None, "%Y-%m", "%b %d", "%d\n%a"]),
    days=st.sampled_from([3, 60, 400, 1500]),
    layout=st.sampled_from([None, "constrained"]),
    zoom=st.tuples(st.floats(0.0, 0.4), st.floats(0.6, 1.0)),
)
def test_date_tickers_follow_a_zoom_as_the_original(make_locator, fmt, days, layout, zoom) -> None:
    fig = Figure(figsize=(6, 2.5), layout=layout)
    FigureCanvasAgg(fig)
    ax = fig.subplots()
    t = [START + datetime.timedelta(days=days * i / 40) for i in range(41)]
    ax.plot(t, np.arange(41.0))
    locator = make_locator()
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(dates.DateFormatter(fmt) if fmt else dates.AutoDateFormatter(locator))
    try:
        draw_for_scene(fig)
    except RuntimeError:  # matplotlib's own MAXTICKS refusal for a dense rule: not a scene case
        return
    if len(ax.get_xticks()) > 200:
        return
    rebuilt = rebuilt_by_scene(fig)
    _assert_same_ticks(fig, rebuilt, "at the recorded view")
    _zoom_alike(fig, rebuilt, zoom, "x")
    _assert_same_ticks(fig, rebuilt, f"zoomed to {zoom}")


def test_a_dense_rule_over_a_long_view_is_not_rebuilt() -> None:
    """A scene is untrusted data: a secondly rule over a century would make 3e9 ticks."""
    doc = {"date_locator": "rrule", "date_freq": "secondly", "date_interval": 1}
    assert isinstance(_dates.native_date_locator(doc, 36500.0), dates.AutoDateLocator)
    assert isinstance(_dates.native_date_locator(doc, 0.01, [dates.date2num(START)]), dates.RRuleLocator)
    micro = {"date_locator": "microsecond", "date_interval": 1}
    assert isinstance(_dates.native_date_locator(micro, 365.0), dates.AutoDateLocator)


@pytest.mark.parametrize("fmt", ["%1000000Y", "%_99d", "%0200000000d", "x" * 201])
def test_a_date_format_with_a_field_width_is_refused(fmt: str) -> None:
    assert not _dates.date_format_ok(fmt)
    assert isinstance(_dates.native_date_format({"date_format": fmt}, None), dates.AutoDateFormatter)


def test_date_formats_users_write_are_kept() -> None:
    for fmt in ("%Y-%m-%d", "%b %d\n%Y", "%H:%M:%S.%f", "%-d %B", "100%% %y"):
        assert _dates.date_format_ok(fmt), fmt


def test_settings_beyond_the_schema_s_ranges_are_left_to_the_consumer() -> None:
    """One value out of range would make the whole scene invalid: such a setting is not written."""
    fig = Figure()
    FigureCanvasAgg(fig)
    ax = fig.subplots()
    ax.plot([0, 1e6], [0, 1])
    ax.xaxis.set_major_locator(ticker.MaxNLocator(500, integer=True))
    formatter = ticker.ScalarFormatter()
    formatter.set_powerlimits((-1000, 1000))
    ax.xaxis.set_major_formatter(formatter)
    draw_for_scene(fig)
    axis = figwire.scene.describe(fig)[0]["figure"]["axes"][0]["xaxis"]
    assert "nbins" not in axis and "power_limits" not in axis and axis["integer"] is True
    assert rebuilt_by_scene(fig).axes[0].xaxis.get_major_locator().native._integer


@pytest.mark.parametrize(
    "rule",
    [
        {"date_freq": "daily", "date_bymonth": [2.0], "date_bymonthday": [31.0]},  # February 31st
        {"date_freq": "secondly", "date_bymonth": [2.0], "date_bymonthday": [30.0]},
        {"date_freq": "monthly", "date_byweekday": [0.0, 6.0]},  # a sixth Monday
        {"date_freq": "monthly", "date_byweekday": [0.0, 0.0], "date_bysetpos": [40.0]},
        {"date_freq": "yearly", "date_byweekday": [0.0, 60.0]},
    ],
)
def test_a_rule_no_recorded_tick_satisfies_is_not_rebuilt(rule) -> None:
    """dateutil searches to the year 9999 for a date such a rule allows (10-23 s): the
    consumer rebuilds a rule only with a recorded tick as a witness that it recurs."""
    doc = {"date_locator": "rrule", "date_interval": 1, **rule}
    recorded = [dates.date2num(START + datetime.timedelta(days=d)) for d in range(0, 60, 7)]
    started = time.perf_counter()
    locator = _dates.native_date_locator(doc, 60.0, recorded)
    assert isinstance(locator, dates.AutoDateLocator)
    locator.set_axis(None)
    assert time.perf_counter() - started < 1.0


def test_a_rule_a_recorded_tick_satisfies_is_rebuilt() -> None:
    doc = {"date_locator": "rrule", "date_freq": "monthly", "date_interval": 1, "date_bymonthday": [-1.0]}
    last_days = [dates.date2num(datetime.datetime(2000, m, 1) - datetime.timedelta(days=1)) for m in (3, 4, 5)]
    assert isinstance(_dates.native_date_locator(doc, 90.0, last_days), dates.RRuleLocator)
    assert isinstance(
        _dates.native_date_locator(doc, 90.0, [last_days[0] - 3]), dates.RRuleLocator
    )  # a day in 28 years


def test_a_date_rule_with_a_part_out_of_range_is_left_whole_to_the_consumer() -> None:
    """Dropping one part of a rule would make another rule: the whole rule is left out."""
    fig = Figure()
    FigureCanvasAgg(fig)
    ax = fig.subplots()
    ax.plot([START, START + datetime.timedelta(days=1)], [0, 1])
    ax.xaxis.set_major_locator(dates.DayLocator(interval=2_000_000_000))
    draw_for_scene(fig)
    axis = figwire.scene.describe(fig)[0]["figure"]["axes"][0]["xaxis"]
    assert not any(key.startswith("date_") for key in axis)


def _drawn(axis: Any) -> List[Tuple[float, str]]:
    """The major ticks matplotlib draws: those ``_update_ticks`` keeps for the view."""
    return [(round(float(t.get_loc()), 9), t.label1.get_text()) for t in axis._update_ticks() if t.get_visible()]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    scale=st.sampled_from(["linear", "log", "symlog"]),
    lo=st.floats(-3, 3),
    span=st.floats(0.05, 4),
    inverted=st.booleans(),
    fixed=st.booleans(),
)
def test_only_the_ticks_the_view_shows_are_made(scale, lo, span, inverted, fixed) -> None:
    """At the recorded view the rebuilt locator returns the recorded ticks in the view
    (matplotlib makes a Tick for each location and draws only those), so what is drawn
    is the original's; a fixed locator's ticks all come back after a zoom out."""
    fig = Figure(figsize=(4, 3))
    ax = fig.add_subplot()
    a, b = (10.0**lo, 10.0 ** (lo + span)) if scale == "log" else (lo, lo + span)
    ax.plot([a, b], [a, b])
    ax.set_xscale(scale)
    ax.set_xlim((b, a) if inverted else (a, b))
    if fixed:
        ax.set_xticks(np.geomspace(a / 3, b * 3, 7) if scale == "log" else np.linspace(a - (b - a), b + (b - a), 7))
        ax.set_xlim((b, a) if inverted else (a, b))
    FigureCanvasAgg(fig).draw()
    rebuilt = rebuilt_by_scene(fig)
    rebuilt.canvas.draw()
    axis = rebuilt.axes[0].xaxis
    assert _drawn(axis) == _drawn(ax.xaxis)
    low, high = sorted(axis.get_transform().transform(np.array(ax.get_xlim())))
    at = axis.get_transform().transform(np.asarray(axis.get_majorticklocs(), float))
    assert np.all((at >= low - 1e-6 * (high - low)) & (at <= high + 1e-6 * (high - low)))
    if fixed:
        wider = (a / 10, b * 10) if scale == "log" else (a - 2 * (b - a), b + 2 * (b - a))
        for f in (fig, rebuilt):
            f.axes[0].set_xlim(*wider)
        assert len(axis.get_majorticklocs()) == len(ax.xaxis.get_majorticklocs()) == 7
