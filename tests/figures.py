"""Deterministic matplotlib figures shared by figwire's tests, benchmarks and cross-version harness.

Every factory takes no arguments and draws from analytic data or a seeded
``np.random.default_rng(k)``, so two processes (or two matplotlib versions) that build
the same name get the same artists. Figures are small (4x3 in at 80 dpi unless the
layout needs more room), which keeps pixel comparisons fast.

About half the factories go through pyplot (``plt.subplots``), the common real case.
Their pickles re-register the figure with pyplot on load, so loaded copies need
:func:`close` too. The rest use ``matplotlib.figure.Figure`` directly. ``PYPLOT`` names
the former. Nothing here changes global state: the caller picks the backend (tests run
with ``MPLBACKEND=Agg``), and nothing calls ``show``.

The module imports on Python 3.9-3.13 with matplotlib 3.5-3.11 and numpy 1.23-2.x.
Per matplotlib version:

* ``SKIPPED`` lists the factories this matplotlib cannot build, with the reason.
* ``PICKLE_FAILS`` lists CORPUS figures that the pickler refuses because of a matplotlib bug.
* ``CANVAS_LEAKS`` lists CORPUS figures whose pickle drags the canvas along (another matplotlib bug).

``secondary_axis`` pickles references to this module's ``celsius_to_fahrenheit`` and
``fahrenheit_to_celsius``, so a process that loads it must be able to import this
module under the same name (``figures``).
"""

from __future__ import annotations

import datetime
import io
from typing import Any, Callable

import matplotlib
import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import matplotlib.ticker as mticker
import numpy as np
from matplotlib import patheffects
from matplotlib._pylab_helpers import Gcf
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.backends.backend_pdf import FigureCanvasPdf
from matplotlib.colors import LogNorm, Normalize, make_norm_from_scale
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Circle, Patch
from matplotlib.scale import LogitScale
from matplotlib.ticker import FuncFormatter
from mpl_toolkits.axes_grid1 import make_axes_locatable
from mpl_toolkits.axes_grid1.axes_divider import make_axes_area_auto_adjustable
from mpl_toolkits.axes_grid1.parasite_axes import host_axes
from numpy.typing import ArrayLike
from PIL import Image

Factory = Callable[[], Figure]
Version = tuple[int, ...]

#: (major, minor, micro) of the running matplotlib; ``__version_info__`` exists since 3.1.
MPL: Version = tuple(matplotlib.__version_info__[:3])
#: Default figure size (inches) and dpi: 320x240 pixels.
SIZE = (4.0, 3.0)
DPI = 80

#: Picklable figures available in this matplotlib, in a stable order.
CORPUS: dict[str, Factory] = {}
#: Figures the standard pickler must refuse (lambdas, local functions, Agg buffers).
UNPICKLABLE: dict[str, Factory] = {}
#: Names left out of CORPUS for this matplotlib, with the reason.
SKIPPED: dict[str, str] = {}
#: CORPUS names whose ``pickle.dumps`` fails in this matplotlib because of a matplotlib
#: bug, with the reason (the figure itself builds and renders).
PICKLE_FAILS: dict[str, str] = {}
#: CORPUS names whose pickle carries the figure's canvas in this matplotlib (a bug). Agg and
#: the base canvas pickle, so this passes on headless CI but fails from a GUI canvas.
CANVAS_LEAKS: dict[str, str] = {}
#: Names too large for quick runs (the tests build them only with FIGWIRE_BIG=1).
BIG = frozenset({"big_image", "big_line"})

_pyplot_names: set[str] = set()


def _register(table: dict[str, Factory], pyplot: bool, since: Version, why: str) -> Callable[[Factory], Factory]:
    """Put a factory in ``table`` if this matplotlib is at least ``since``, else in SKIPPED with ``why``."""

    def add(factory: Factory) -> Factory:
        name = factory.__name__
        if pyplot:
            _pyplot_names.add(name)
        if MPL >= since:
            table[name] = factory
        else:
            SKIPPED[name] = f"{why}; this is matplotlib {matplotlib.__version__}"
        return factory

    return add


def _corpus(*, pyplot: bool, since: Version = (3, 5), why: str = "") -> Callable[[Factory], Factory]:
    """Register a picklable factory; ``since``/``why`` gate features older matplotlib lacks."""
    return _register(CORPUS, pyplot, since, why)


def _unpicklable(*, pyplot: bool, since: Version = (3, 5), why: str = "") -> Callable[[Factory], Factory]:
    """Register a factory whose figure the standard pickler refuses (from ``since`` on)."""
    return _register(UNPICKLABLE, pyplot, since, why)


def _known_bug(table: dict[str, str], name: str, broken: Version, fixed: Version, why: str) -> None:
    """Record a matplotlib bug affecting versions ``broken`` <= v < ``fixed``, so tests expect it, not skip."""
    if broken <= MPL < fixed:
        span = f"matplotlib {'.'.join(map(str, broken))} up to {'.'.join(map(str, fixed))}"
        table[name] = f"{why}; affects {span}, this is {matplotlib.__version__}"


# --------------------------------------------------------------------------- helpers


def render_rgba(fig: Figure, dpi: float | None = None) -> np.ndarray:
    """Render ``fig`` as a user would (``savefig`` PNG) and decode it to an H x W x 4 uint8 array."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi or fig.dpi)
    buf.seek(0)
    with Image.open(buf) as image:
        return np.asarray(image.convert("RGBA"))


def is_pyplot_managed(fig: Figure) -> bool:
    """True if pyplot tracks ``fig``.

    This is the check ``Figure.__getstate__`` makes (through the private ``Gcf``) to decide
    whether a loaded copy re-registers with pyplot.
    """
    manager = getattr(fig.canvas, "manager", None)
    return manager is not None and manager in Gcf.figs.values()


def close(fig: Figure) -> None:
    """Close ``fig`` if pyplot manages it; unpickled copies of pyplot figures are managed too."""
    if is_pyplot_managed(fig):
        plt.close(fig)


def celsius_to_fahrenheit(celsius: ArrayLike) -> np.ndarray:
    """Secondary-axis forward function; module level so the pickle stores it by reference."""
    return np.asarray(celsius) * 1.8 + 32.0


def fahrenheit_to_celsius(fahrenheit: ArrayLike) -> np.ndarray:
    """Inverse of :func:`celsius_to_fahrenheit`."""
    return (np.asarray(fahrenheit) - 32.0) / 1.8


def _draggable_legend(ax: Axes, **kwargs: Any) -> None:
    """``legend(draggable=True)``; the keyword arrived in 3.7, ``set_draggable`` gives the same state before."""
    if MPL >= (3, 7):
        ax.legend(draggable=True, **kwargs)
    else:
        ax.legend(**kwargs).set_draggable(True)


def _bump(n: int = 64) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Two Gaussian bumps of opposite sign on an n x n grid over [-3, 3]^2."""
    x = np.linspace(-3.0, 3.0, n)
    xx, yy = np.meshgrid(x, x)
    zz = np.exp(-(xx**2) - yy**2) - 0.7 * np.exp(-((xx - 1.2) ** 2) - (yy - 0.8) ** 2)
    return xx, yy, zz


# --------------------------------------------------------------------------- corpus


@_corpus(pyplot=True)
def lines() -> Figure:
    fig, ax = plt.subplots(figsize=SIZE, dpi=DPI)
    x = np.linspace(0.0, 2.0 * np.pi, 200)
    ax.plot(x, np.sin(x), lw=2, label="sin")
    ax.plot(x, np.cos(x), "--", label="cos")
    ax.plot(x[::10], np.sin(x[::10]) * np.cos(x[::10]), "o", ms=3, label="sin*cos")
    ax.set(xlabel="x [rad]", ylabel="amplitude", title="Lines")
    ax.grid(True, alpha=0.4)
    ax.legend(loc="upper right")
    return fig


@_corpus(pyplot=False)
def scatter_cbar() -> Figure:
    fig = Figure(figsize=SIZE, dpi=DPI)
    ax = fig.add_subplot()
    x, y = np.random.default_rng(1).normal(size=(2, 200))
    radius = np.hypot(x, y)
    points = ax.scatter(x, y, c=radius, s=10 + 10 * radius, cmap="viridis", edgecolors="k", linewidths=0.3)
    fig.colorbar(points, ax=ax, label="radius")
    ax.set_title("Scatter + colormap")
    return fig


@_corpus(pyplot=True)
def imshow_cbar() -> Figure:
    fig, ax = plt.subplots(figsize=SIZE, dpi=DPI)
    _, _, zz = _bump(48)
    image = ax.imshow(zz, cmap="magma", interpolation="nearest")
    fig.colorbar(image, ax=ax, extend="both", shrink=0.8)
    ax.set_title("imshow + colorbar")
    return fig


@_corpus(pyplot=False)
def contourf_hatch_clabel() -> Figure:
    fig = Figure(figsize=SIZE, dpi=DPI)
    ax = fig.add_subplot()
    xx, yy, zz = _bump(60)
    filled = ax.contourf(
        xx, yy, zz, levels=6, cmap="coolwarm", extend="both", hatches=["", "/", "\\", "//", ".", "x", "o"]
    )
    outlines = ax.contour(xx, yy, zz, levels=filled.levels, colors="k", linewidths=0.5)
    ax.clabel(outlines, fmt="%.2f", fontsize=7)
    fig.colorbar(filled, ax=ax)
    return fig


@_corpus(pyplot=True)
def pcolormesh() -> Figure:
    fig, ax = plt.subplots(figsize=SIZE, dpi=DPI)
    x_edges = np.linspace(0.0, 4.0, 21) ** 1.5
    y_edges = np.linspace(-1.0, 1.0, 13)
    centres = np.outer(np.sin(np.pi * y_edges[:-1]), np.cos(x_edges[:-1]))
    mesh = ax.pcolormesh(
        x_edges, y_edges, centres, shading="flat", cmap="RdBu_r", vmin=-1, vmax=1, edgecolors="w", linewidth=0.2
    )
    fig.colorbar(mesh, ax=ax)
    return fig


@_corpus(pyplot=False)
def surface3d() -> Figure:
    fig = Figure(figsize=SIZE, dpi=DPI)
    ax = fig.add_subplot(projection="3d")
    xx, yy, zz = _bump(30)
    ax.plot_surface(xx, yy, zz, cmap="viridis", rstride=1, cstride=1, linewidth=0, antialiased=False)
    t = np.linspace(0.0, 4.0 * np.pi, 200)
    ax.plot(3 * np.cos(t) / (1 + t), 3 * np.sin(t) / (1 + t), t / (4 * np.pi), color="r", lw=2)
    ax.view_init(elev=30, azim=-60)
    ax.set(xlabel="x", ylabel="y", zlabel="z")
    return fig


@_corpus(pyplot=False)
def mixed3d() -> Figure:
    """Scatter (colour-mapped, sized), contours on a floor, shaded bars, a dashed line,
    a text along x, a legend: orthographic, turned, with set z limits."""
    fig = Figure(figsize=SIZE, dpi=DPI)
    ax = fig.add_subplot(projection="3d")
    rng = np.random.default_rng(7)
    pts = rng.uniform(-1.0, 1.0, (3, 60))
    ax.scatter(*pts, c=pts[2], cmap="plasma", s=20 + 40 * (pts[0] + 1), label="points")
    xx, yy, zz = _bump(20)
    ax.contour(xx / 3, yy / 3, zz, zdir="z", offset=-1.5, cmap="coolwarm")
    ax.bar3d([-0.8, 0.2], [-0.8, 0.2], [-1.5, -1.5], 0.3, 0.3, [0.8, 1.4], color=["C2", "C3"], shade=True)
    ax.plot([-1, 1], [1, -1], [0, 0], "k--", label="diagonal")
    ax.text(0, 0, 1.2, "peak", zdir="x")
    ax.set_zlim(-1.5, 1.5)
    ax.set_proj_type("ortho")
    ax.view_init(elev=25, azim=35)
    ax.legend(loc="upper left")
    ax.set_title("mixed 3D")
    return fig


@_corpus(pyplot=True)
def polar() -> Figure:
    fig, ax = plt.subplots(figsize=SIZE, dpi=DPI, subplot_kw={"projection": "polar"})
    theta = np.linspace(0.0, 2.0 * np.pi, 400)
    ax.plot(theta, np.abs(np.cos(3 * theta)), label="rose")
    ax.bar(np.linspace(0.0, 2.0 * np.pi, 8, endpoint=False), np.linspace(0.3, 0.9, 8), width=0.5, alpha=0.4)
    ax.set_rlabel_position(135)
    ax.set_theta_zero_location("N")
    ax.legend(loc="lower left", fontsize=7)
    return fig


@_corpus(pyplot=False, since=(3, 4), why="Figure.subfigures is new in 3.4")
def subfigures() -> Figure:
    fig = Figure(figsize=(5.0, 3.0), dpi=DPI, layout="constrained")
    left, right = fig.subfigures(1, 2, wspace=0.05, width_ratios=[1.4, 1])
    top, bottom = left.subplots(2, 1, sharex=True)
    x = np.linspace(0.0, 1.0, 50)
    top.plot(x, x**2)
    bottom.plot(x, np.sqrt(x), color="C1")
    left.suptitle("left subfigure")
    left.supxlabel("x")
    right.set_facecolor("0.92")
    ax = right.subplots()
    ax.imshow(np.arange(36.0).reshape(6, 6), cmap="cividis")
    right.suptitle("right subfigure")
    return fig


_known_bug(CANVAS_LEAKS, "subfigures", (3, 5), (3, 9), "subfigures keep a reference to the canvas (matplotlib #28464)")


@_corpus(pyplot=True)
def constrained_layout() -> Figure:
    fig, axs = plt.subplots(2, 2, figsize=SIZE, dpi=DPI, layout="constrained")
    rng = np.random.default_rng(2)
    for i, ax in enumerate(axs.flat):
        image = ax.imshow(rng.random((8, 8)) * (i + 1), vmin=0, vmax=4)
        ax.set_title(f"panel {i}", fontsize=8)
        ax.set_ylabel("a rather long y label", fontsize=7)
    fig.colorbar(image, ax=axs[:, 1], shrink=0.7)
    fig.suptitle("constrained layout")
    return fig


@_corpus(pyplot=False)
def tight_layout() -> Figure:
    fig = Figure(figsize=SIZE, dpi=DPI)
    axs = fig.subplots(2, 2)
    x = np.arange(10)
    for i, ax in enumerate(axs.flat):
        ax.plot(x, x ** (i + 1))
        ax.set_xlabel(f"x label {i}")
        ax.set_ylabel(f"x^{i + 1}")
        ax.set_title(f"title {i}")
    fig.tight_layout()
    return fig


@_corpus(pyplot=True)
def twinx_shared() -> Figure:
    fig, (top, bottom) = plt.subplots(2, 1, figsize=SIZE, dpi=DPI, sharex=True)
    months = np.arange(1, 13)
    temperature = 10 - 8 * np.cos(2 * np.pi * (months - 1) / 12)
    top.plot(months, temperature, "r-o", ms=3)
    top.set_ylabel("temp [C]", color="r")
    rain = top.twinx()
    rain.bar(months, 40 + 30 * np.sin(months), alpha=0.3)
    rain.set_ylabel("rain [mm]")
    bottom.step(months, np.cumsum(months), where="mid")
    bottom.set_xlabel("month")
    return fig


@_corpus(pyplot=False)
def dates() -> Figure:
    fig = Figure(figsize=SIZE, dpi=DPI, layout="constrained")
    hourly_ax, daily_ax = fig.subplots(2, 1)
    start = datetime.datetime(2024, 3, 1)
    hours = [start + datetime.timedelta(hours=h) for h in range(72)]
    hourly_ax.plot(hours, np.sin(np.arange(72) * 2 * np.pi / 24))
    days = np.arange("2024-01-01", "2024-07-01", dtype="datetime64[D]")
    daily_ax.plot(days, np.cumsum(np.random.default_rng(3).normal(size=days.size)))
    for ax in (hourly_ax, daily_ax):
        locator = mdates.AutoDateLocator()
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    return fig


@_corpus(pyplot=False)
def hand_set_tickers() -> Figure:
    """Tickers set up by hand, under constrained layout (which sizes the axes with them):
    integer ticks, mathtext scientific labels without an offset, month ticks by a format."""
    fig = Figure(figsize=SIZE, dpi=DPI, layout="constrained")
    counts_ax, science_ax, months_ax = fig.subplots(3, 1)
    counts_ax.bar(np.arange(7), [3, 1, 4, 1, 5, 9, 2])
    counts_ax.yaxis.set_major_locator(mticker.MaxNLocator(4, integer=True, prune="lower"))
    x = np.linspace(0, 1, 40)
    science_ax.plot(1e10 + 1e5 * x, 3e-7 * x**2)
    science_ax.xaxis.set_major_formatter(mticker.ScalarFormatter(useOffset=False))
    formatter = mticker.ScalarFormatter(useMathText=True)
    formatter.set_powerlimits((-2, 2))
    science_ax.yaxis.set_major_formatter(formatter)
    days = np.arange("2024-01-01", "2024-09-01", dtype="datetime64[D]")
    months_ax.plot(days, np.cumsum(np.random.default_rng(4).normal(size=days.size)))
    months_ax.xaxis.set_major_locator(mdates.MonthLocator(bymonthday=1, interval=2))
    months_ax.xaxis.set_major_formatter(mdates.DateFormatter("%b\n%Y"))
    return fig


@_corpus(pyplot=False, since=(3, 7), why="loc='outside ...' arrived in matplotlib 3.7")
def figure_legend_outside() -> Figure:
    """A figure legend over two axes' lines, kept outside on the right: constrained layout
    makes room for it (matplotlib's figlegend_demo)."""
    fig = Figure(figsize=SIZE, dpi=DPI, layout="constrained")
    axs = fig.subplots(1, 2)
    x = np.arange(0.0, 4 * np.pi, 0.2)
    axs[0].plot(x, np.sin(x), label="Line 1")
    axs[0].plot(x, np.exp(-x / 2), marker="o", label="Line 2")
    axs[1].plot(x, np.sin(x), color="tab:green", label="Line 3")
    axs[1].plot(x, np.exp(-x / 4), color="tab:red", marker="^", label="Line 4")
    fig.legend(loc="outside right upper")
    return fig


@_corpus(pyplot=False)
def spines_moved() -> Figure:
    """Spines moved off the axes' edges, as plots through the origin are drawn: ``zero``,
    ``center`` (an axes fraction), a data value and outward, the ticks with them
    (matplotlib's spine_placement_demo)."""
    fig = Figure(figsize=SIZE, dpi=DPI)
    axs = fig.subplots(1, 2)
    x = np.linspace(-np.pi, np.pi, 80)
    for ax in axs:
        ax.plot(x, np.sin(x))
        ax.spines[["right", "top"]].set_visible(False)
    axs[0].spines["left"].set_position("zero")
    axs[0].spines["bottom"].set_position("center")
    axs[1].spines["left"].set_position(("data", 1.0))
    axs[1].spines["bottom"].set_position(("outward", 6))  # moving resets the axis' ticks
    return fig


@_corpus(pyplot=True)
def categorical_bar() -> Figure:
    fig, ax = plt.subplots(figsize=SIZE, dpi=DPI)
    fruit = ["apples", "bananas", "cherries", "dates"]
    ax.bar(fruit, [12, 7, 15, 4], color=["C0", "C1", "C2", "C3"])
    imported = ax.bar(fruit, [3, 2, 5, 1], bottom=[12, 7, 15, 4], color="0.6", label="imported")
    ax.bar_label(imported)  # label_type="edge": "center" is unpicklable, see bar_label_center
    ax.legend()
    ax.set_ylabel("crates")
    return fig


@_corpus(pyplot=False)
def mathtext() -> Figure:
    fig = Figure(figsize=SIZE, dpi=DPI)
    ax = fig.add_subplot()
    x = np.linspace(0.1, 3.0, 100)
    ax.plot(x, np.exp(-(x**2)), label=r"$e^{-x^2}$")
    ax.text(0.5, 0.6, r"$\int_0^\infty e^{-x^2}\,dx = \frac{\sqrt{\pi}}{2}$", transform=ax.transAxes, ha="center")
    ax.text(
        0.5,
        0.35,
        r"$\sum_{i=1}^{n} \alpha_i^2 \leq \mathrm{max}(\beta, \gamma_{\infty})$",
        transform=ax.transAxes,
        ha="center",
    )
    ax.set_xlabel(r"$x\ [\mu\mathrm{m}]$")
    ax.set_ylabel(r"$\phi(x)$")
    ax.set_title(r"mathtext: $\sqrt[3]{\hat{y}} \cdot \vec{v}$")
    ax.legend()
    return fig


@_corpus(pyplot=True)
def legend_draggable() -> Figure:
    fig, ax = plt.subplots(figsize=SIZE, dpi=DPI)
    x = np.linspace(0.0, 1.0, 30)
    for k in range(4):
        ax.plot(x, x ** (k + 1), marker="os^d"[k], ms=3, label=f"x^{k + 1}")
    _draggable_legend(ax, loc="upper left", ncol=2, title="powers", fontsize=7)
    proxies = [Patch(facecolor="C5", label="patch proxy"), Line2D([], [], color="k", ls=":", label="line proxy")]
    fig.legend(handles=proxies, loc="lower right", shadow=True, fontsize=7)
    return fig


_known_bug(
    CANVAS_LEAKS, "legend_draggable", (3, 5), (3, 7, 1), "a draggable legend keeps the canvas (matplotlib #25300)"
)


@_corpus(pyplot=False)
def annotate_arrows() -> Figure:
    fig = Figure(figsize=SIZE, dpi=DPI)
    ax = fig.add_subplot()
    x = np.linspace(0.0, 10.0, 200)
    ax.plot(x, np.sin(x) * np.exp(-x / 5))
    ax.annotate(
        "peak", xy=(1.4, 0.74), xytext=(4, 0.8), arrowprops={"arrowstyle": "->", "connectionstyle": "arc3,rad=0.3"}
    )
    ax.annotate(
        "trough", xy=(4.6, -0.39), xytext=(6.5, -0.7), arrowprops={"arrowstyle": "fancy", "fc": "0.6", "ec": "none"}
    )
    ax.annotate(
        "axes fraction",
        xy=(0.9, 0.9),
        xycoords="axes fraction",
        xytext=(-60, -30),
        textcoords="offset points",
        bbox={"boxstyle": "round", "fc": "w"},
        arrowprops={"arrowstyle": "simple", "connectionstyle": "angle3,angleA=0,angleB=90"},
    )
    ax.set_ylim(-1, 1)
    return fig


@_corpus(pyplot=True)
def inset_axes() -> Figure:
    fig, ax = plt.subplots(figsize=SIZE, dpi=DPI)
    x = np.linspace(0.0, 10.0, 500)
    y = np.sin(x) + 0.1 * np.sin(25 * x)
    ax.plot(x, y)
    inset = ax.inset_axes((0.55, 0.55, 0.4, 0.4))
    inset.plot(x, y)
    inset.set_xlim(1.0, 2.0)
    inset.set_ylim(0.7, 1.15)
    inset.tick_params(labelsize=6)
    ax.indicate_inset_zoom(inset, edgecolor="k")
    return fig


@_corpus(pyplot=False)
def secondary_axis() -> Figure:
    fig = Figure(figsize=SIZE, dpi=DPI, layout="constrained")
    ax = fig.add_subplot()
    celsius = np.linspace(-20.0, 40.0, 61)
    ax.plot(celsius, 1.0 / (1.0 + np.exp(-celsius / 8)))
    ax.set_xlabel("temperature [C]")
    top = ax.secondary_xaxis("top", functions=(celsius_to_fahrenheit, fahrenheit_to_celsius))
    top.set_xlabel("temperature [F]")
    return fig


@_corpus(pyplot=True)
def log_scale() -> Figure:
    fig, (loglog, symlog) = plt.subplots(1, 2, figsize=SIZE, dpi=DPI, layout="constrained")
    x = np.logspace(-2, 3, 60)
    for power in (0.5, 1.0, 2.0):
        loglog.loglog(x, x**power, label=f"x^{power:g}")
    loglog.legend(fontsize=6)
    loglog.grid(True, which="both", alpha=0.3)
    z = np.linspace(-50.0, 50.0, 201)
    symlog.plot(z, z**3)
    symlog.set_xscale("symlog", linthresh=1.0)
    symlog.set_yscale("symlog", linthresh=10.0)
    return fig


@_corpus(pyplot=False)
def errorbar() -> Figure:
    fig = Figure(figsize=SIZE, dpi=DPI)
    ax = fig.add_subplot()
    x = np.arange(1.0, 11.0)
    rng = np.random.default_rng(4)
    ax.errorbar(x, np.sqrt(x), yerr=[0.1 * x**0.5, 0.2 * x**0.5], fmt="o-", capsize=3, label="asymmetric")
    ax.errorbar(
        x, np.log(x) - 1, xerr=0.3, yerr=rng.uniform(0.1, 0.4, x.size), fmt="s", ms=3, errorevery=2, label="every 2nd"
    )
    ax.legend(loc="lower right")
    return fig


@_corpus(pyplot=True)
def hist() -> Figure:
    fig, ax = plt.subplots(figsize=SIZE, dpi=DPI)
    rng = np.random.default_rng(5)
    ax.hist(rng.normal(0.0, 1.0, 2000), bins=40, density=True, histtype="stepfilled", alpha=0.5, label="normal")
    ax.hist(rng.gamma(2.0, 0.7, 2000) - 1.0, bins=40, density=True, histtype="step", lw=1.5, label="gamma")
    ax.legend()
    return fig


@_corpus(pyplot=False)
def pie() -> Figure:
    fig = Figure(figsize=SIZE, dpi=DPI)
    ax = fig.add_subplot()
    ax.pie(
        [35, 25, 20, 15, 5],
        labels=["a", "b", "c", "d", "e"],
        explode=[0.08, 0, 0, 0, 0],
        autopct="%1.0f%%",
        shadow=True,
        startangle=90,
        wedgeprops={"edgecolor": "w"},
    )
    ax.set_title("pie")
    return fig


@_corpus(pyplot=True)
def violin() -> Figure:
    fig, ax = plt.subplots(figsize=SIZE, dpi=DPI)
    rng = np.random.default_rng(6)
    data = [rng.normal(0.0, sd, 300) for sd in (0.5, 1.0, 1.5, 2.0)]
    parts = ax.violinplot(data, showmeans=True, showmedians=True)
    for body in parts["bodies"]:
        body.set_facecolor("C2")
    return fig


@_corpus(pyplot=False)
def stem() -> Figure:
    fig = Figure(figsize=SIZE, dpi=DPI)
    ax = fig.add_subplot()
    x = np.linspace(0.1, 2 * np.pi, 25)
    ax.stem(x, np.cos(x), linefmt="C0-", markerfmt="C1o", basefmt="k-")
    return fig


@_corpus(pyplot=True)
def quiver() -> Figure:
    fig, ax = plt.subplots(figsize=SIZE, dpi=DPI)
    x, y = np.meshgrid(np.linspace(-2.0, 2.0, 12), np.linspace(-2.0, 2.0, 12))
    u, v = -y, x
    arrows = ax.quiver(x, y, u, v, np.hypot(u, v), cmap="plasma")
    ax.quiverkey(arrows, 0.85, 1.04, 2, "2 m/s", labelpos="E")
    ax.set_aspect("equal")
    return fig


@_corpus(pyplot=False)
def streamplot() -> Figure:
    fig = Figure(figsize=SIZE, dpi=DPI)
    ax = fig.add_subplot()
    y, x = np.mgrid[-3:3:60j, -3:3:60j]
    u = -1 - x**2 + y
    v = 1 + x - y**2
    speed = np.hypot(u, v)
    stream = ax.streamplot(x, y, u, v, color=speed, cmap="autumn", linewidth=2 * speed / speed.max(), density=1.0)
    fig.colorbar(stream.lines, ax=ax)
    return fig


@_corpus(pyplot=True)
def fill_between() -> Figure:
    fig, ax = plt.subplots(figsize=SIZE, dpi=DPI)
    x = np.linspace(0.0, 4 * np.pi, 300)
    y1, y2 = np.sin(x), 0.5 * np.cos(1.5 * x)
    ax.plot(x, y1, x, y2, color="k", lw=0.8)
    ax.fill_between(x, y1, y2, where=y1 >= y2, interpolate=True, color="C2", alpha=0.5)
    ax.fill_between(x, y1, y2, where=y1 < y2, interpolate=True, color="C3", alpha=0.5, hatch="//")
    ax.fill_betweenx(np.linspace(-1.0, 1.0, 10), 0.0, 0.5, color="0.8")
    return fig


@_corpus(pyplot=False)
def boxplot() -> Figure:
    fig = Figure(figsize=SIZE, dpi=DPI)
    ax = fig.add_subplot()
    rng = np.random.default_rng(7)
    data = [rng.normal(loc, 1.0 + loc / 3, 100) for loc in range(3)]
    parts = ax.boxplot(data, notch=True, patch_artist=True)
    for box, colour in zip(parts["boxes"], ["C0", "C1", "C2"]):
        box.set_facecolor(colour)
    ax.set_xticks([1, 2, 3], labels=["low", "mid", "high"])
    return fig


@_corpus(pyplot=True)
def text_bbox() -> Figure:
    fig, ax = plt.subplots(figsize=SIZE, dpi=DPI)
    ax.text(0.05, 0.8, "rounded box", bbox={"boxstyle": "round,pad=0.4", "fc": "lightyellow", "ec": "C1"})
    ax.text(
        0.5,
        0.5,
        "rotated serif",
        rotation=30,
        family="serif",
        ha="center",
        va="center",
        bbox={"boxstyle": "sawtooth", "fc": "w"},
    )
    ax.text(
        0.95,
        0.1,
        "monospace\nright aligned",
        family="monospace",
        ha="right",
        bbox={"boxstyle": "square", "fc": "0.9", "alpha": 0.7},
    )
    ax.text(0.05, 0.2, "larrow", size=9, bbox={"boxstyle": "larrow", "fc": "C0", "alpha": 0.3})
    fig.text(0.99, 0.01, "figure text", ha="right", va="bottom", style="italic", weight="bold")
    return fig


@_corpus(pyplot=False)
def path_effects() -> Figure:
    fig = Figure(figsize=SIZE, dpi=DPI)
    ax = fig.add_subplot()
    x = np.linspace(0.0, 10.0, 100)
    ax.plot(x, np.sin(x), lw=3, path_effects=[patheffects.SimpleLineShadow(), patheffects.Normal()])
    ax.plot(x, np.cos(x), path_effects=[patheffects.withTickedStroke(spacing=7, angle=135)])
    ax.text(
        5.0,
        0.0,
        "stroked",
        size=24,
        ha="center",
        color="w",
        path_effects=[patheffects.withStroke(linewidth=3, foreground="k")],
    )
    ax.add_patch(Circle((2.0, -0.5), 0.4, fc="C1", path_effects=[patheffects.withSimplePatchShadow()]))
    return fig


@_corpus(pyplot=True)
def masked_image() -> Figure:
    fig, ax = plt.subplots(figsize=SIZE, dpi=DPI)
    xx, yy, zz = _bump(40)
    masked = np.ma.masked_where((xx**2 + yy**2 < 0.8) | (zz < -0.4), zz)
    cmap = matplotlib.colormaps["viridis"].with_extremes(bad="0.75")
    image = ax.imshow(masked, cmap=cmap, interpolation="nearest")
    fig.colorbar(image, ax=ax)
    return fig


def _holey_field(n: int) -> np.ndarray:
    """An n x n field with NaN holes: missing data, as real measurements have."""
    _, _, zz = _bump(n)
    zz = zz.copy()
    zz[n // 5 : n // 3, n // 4 : n // 2] = np.nan
    zz[np.random.default_rng(21).random((n, n)) < 0.02] = np.nan
    return zz


@_corpus(pyplot=True)
def pcolormesh_nan() -> Figure:
    """pcolormesh of data with NaNs: matplotlib masks them itself, in an array over 64 KiB."""
    fig, ax = plt.subplots(figsize=SIZE, dpi=DPI)
    mesh = ax.pcolormesh(_holey_field(300), cmap="viridis")
    fig.colorbar(mesh, ax=ax)
    return fig


@_corpus(pyplot=False)
def imshow_masked_invalid() -> Figure:
    """A 300x300 ``masked_invalid`` image, shown with a 'bad' colour."""
    fig = Figure(figsize=SIZE, dpi=DPI)
    ax = fig.add_subplot()
    cmap = matplotlib.colormaps["magma"].with_extremes(bad="0.6")
    ax.imshow(np.ma.masked_invalid(_holey_field(300)), cmap=cmap, interpolation="nearest")
    return fig


@_corpus(pyplot=True)
def masked_line() -> Figure:
    """A 10,000-point line of a masked array, with gaps where the data is masked."""
    fig, ax = plt.subplots(figsize=SIZE, dpi=DPI)
    x = np.linspace(0.0, 20.0, 10_000)
    y = np.ma.masked_where(np.sin(3 * x) > 0.8, np.sin(x) * np.exp(-x / 15))
    ax.plot(x, y, lw=0.8)
    ax.plot(x, np.ma.masked_less(np.cos(x), -0.5), lw=0.8)
    return fig


@_corpus(pyplot=False)
def image_extent_origin() -> Figure:
    fig = Figure(figsize=SIZE, dpi=DPI, layout="constrained")
    lower_ax, upper_ax = fig.subplots(1, 2)
    _, _, zz = _bump(32)
    lower_ax.imshow(zz, origin="lower", extent=(-2.0, 2.0, -1.0, 1.0), aspect="auto", interpolation="bilinear")
    lower_ax.set_title("origin=lower", fontsize=8)
    gradient = np.linspace(0, 255, 16, dtype=np.uint8)
    rgba = np.stack(np.broadcast_arrays(gradient[:, None], gradient[None, :], 128, 255), axis=-1).astype(np.uint8)
    upper_ax.imshow(rgba, origin="upper", extent=(0.0, 10.0, 0.0, 5.0), interpolation="none")
    upper_ax.set_title("RGBA, origin=upper", fontsize=8)
    return fig


@_corpus(pyplot=True)
def axes_grid1_cbar() -> Figure:
    fig, ax = plt.subplots(figsize=SIZE, dpi=DPI)
    image = ax.imshow(np.outer(np.arange(20.0), np.arange(15.0)), cmap="inferno")
    cax = make_axes_locatable(ax).append_axes("right", size="5%", pad=0.05)
    fig.colorbar(image, cax=cax)
    return fig


@_corpus(pyplot=False)
def dashboard() -> Figure:
    fig = Figure(figsize=(6.0, 4.5), dpi=DPI, layout="constrained")
    axs = fig.subplots(3, 3)
    rng = np.random.default_rng(8)
    x = np.arange(24)
    axs[0, 0].plot(x, np.cumsum(rng.normal(size=24)))
    axs[0, 1].bar(["N", "E", "S", "W"], [4, 7, 3, 5])
    axs[0, 2].scatter(*rng.normal(size=(2, 50)), s=8, c=rng.random(50))
    axs[1, 0].hist(rng.exponential(size=500), bins=20)
    axs[1, 1].imshow(rng.random((10, 10)), cmap="Greys")
    axs[1, 2].pie([3, 2, 1])
    axs[2, 0].fill_between(x, np.sin(x / 4), alpha=0.5)
    axs[2, 1].stairs(rng.integers(1, 9, 10), np.arange(11))
    axs[2, 2].axis("off")
    axs[2, 2].text(0.5, 0.5, "98.6%\nuptime", ha="center", va="center", size=14, weight="bold")
    for ax in axs.flat:
        ax.tick_params(labelsize=6)
    fig.suptitle("dashboard")
    return fig


@_corpus(pyplot=True)
def hexbin() -> Figure:
    fig, ax = plt.subplots(figsize=SIZE, dpi=DPI)
    rng = np.random.default_rng(9)
    x = rng.normal(size=5000)
    y = 0.5 * x + rng.normal(scale=0.6, size=5000)
    cells = ax.hexbin(x, y, gridsize=25, bins="log", cmap="Blues")
    fig.colorbar(cells, ax=ax, label="log10(count)")
    return fig


@_corpus(pyplot=False)
def mosaic_stairs_events() -> Figure:
    fig = Figure(figsize=SIZE, dpi=DPI, layout="constrained")
    axd = fig.subplot_mosaic([["stairs", "stairs"], ["events", "step"]])
    rng = np.random.default_rng(10)
    axd["stairs"].stairs(rng.integers(0, 10, 12), np.arange(13), fill=True, alpha=0.6)
    axd["events"].eventplot([np.sort(rng.random(15)) for _ in range(3)], colors=["C0", "C1", "C2"])
    axd["step"].step(np.arange(8), np.arange(8) ** 0.5, where="post")
    return fig


@_corpus(pyplot=True, since=(3, 8), why="Axes.ecdf is new in 3.8")
def ecdf() -> Figure:
    fig, ax = plt.subplots(figsize=SIZE, dpi=DPI)
    rng = np.random.default_rng(11)
    ax.ecdf(rng.normal(size=200), label="normal")
    ax.ecdf(rng.uniform(-2.0, 2.0, size=200), complementary=True, label="1 - uniform")
    ax.legend()
    return fig


# --------------------------------------------------------------------------- big


@_corpus(pyplot=True)
def big_image() -> Figure:
    """A 4096x4096 float64 image (128 MiB of pixel data) to stress pickle size and resampling."""
    fig, ax = plt.subplots(figsize=SIZE, dpi=DPI)
    image = ax.imshow(np.random.default_rng(12).standard_normal((4096, 4096)), cmap="gray")
    fig.colorbar(image, ax=ax)
    return fig


@_corpus(pyplot=False)
def big_line() -> Figure:
    """A 1e6-point random walk, which Agg path simplification must cope with."""
    fig = Figure(figsize=SIZE, dpi=DPI)
    ax = fig.add_subplot()
    ax.plot(np.cumsum(np.random.default_rng(13).standard_normal(1_000_000)), lw=0.5)
    return fig


# --------------------------------------------------------------------------- matplotlib's own test_pickle.py checks


@_corpus(pyplot=True, since=(3, 4), why="Figure.subfigures is new in 3.4")
def mpl_complete() -> Figure:
    """The kitchen-sink figure of matplotlib's test_pickle.py (test_complete), rebuilt independently."""
    fig = plt.figure(figsize=(10.0, 6.0), dpi=DPI)
    fig.suptitle("as much as fits in one figure")
    cols, rows = np.arange(8), np.arange(10)
    field = np.add.outer(0.5 * rows, 0.8 * cols)
    u, v = field, np.cos(0.5 * field)
    axs = [fig.add_subplot(3, 3, i) for i in range(1, 10)]
    axs[0].plot(list(range(10)))  # a plain list, not an array
    axs[0].set_ylabel("one line")
    filled = axs[1].contourf(field, hatches=["//", "ooo"])
    fig.colorbar(filled, ax=axs[1])
    axs[2].pcolormesh(field)
    axs[3].imshow(field)
    axs[3].set_ylabel("two\nlines")
    axs[4].pcolor(field)
    for ax in axs[5:7]:
        ax.set_xlim(0, 7)
        ax.set_ylim(0, 9)
    axs[5].streamplot(cols, rows, u, v)
    axs[6].quiver(cols, rows, u, v)
    axs[7].scatter(cols, cols**2, label="$x^2$")
    axs[7].legend(loc="upper left")
    axs[8].errorbar(cols, -0.5 * cols, xerr=0.2, yerr=0.4, label="$-x/2$")
    _draggable_legend(axs[8])
    for subfig in fig.subfigures(2):
        subfig.subplots(1, 2)
    fig.align_ylabels()
    return fig


_known_bug(
    PICKLE_FAILS,
    "mpl_complete",
    (3, 5),
    (3, 8),
    "align_ylabels() leaves weakrefs in the label Groupers (matplotlib #25329)",
)
_known_bug(
    CANVAS_LEAKS, "mpl_complete", (3, 5), (3, 9), "subfigures keep a reference to the canvas (matplotlib #28464)"
)


@_corpus(pyplot=True)
def mpl_polar_legend() -> Figure:
    fig = plt.figure(figsize=SIZE, dpi=DPI)
    ax = fig.add_subplot(projection="polar")
    ax.plot(np.arange(10), label="foobar")
    ax.legend()
    return fig


@_corpus(pyplot=True)
def mpl_bar() -> Figure:
    fig, ax = plt.subplots(figsize=SIZE, dpi=DPI)
    ax.bar(x=np.arange(10), height=np.arange(10))
    return fig


@_corpus(pyplot=False)
def mpl_log() -> Figure:
    fig = Figure(figsize=SIZE, dpi=DPI)
    ax = fig.add_subplot()
    ax.plot(np.arange(10))
    ax.set_yscale("log")
    return fig


@_corpus(pyplot=True)
def mpl_inset_secondary() -> Figure:
    fig, ax = plt.subplots(figsize=SIZE, dpi=DPI)
    ax.plot(np.linspace(0.0, 3.0, 30), np.linspace(0.0, 3.0, 30) ** 2)
    ax.inset_axes((0.1, 0.5, 0.3, 0.3))
    ax.secondary_xaxis("top", functions=(np.square, np.sqrt))
    return fig


@_corpus(pyplot=True)
def mpl_shared() -> Figure:
    fig, axs = plt.subplots(2, figsize=SIZE, dpi=DPI, sharex=True)
    axs[0].plot([0, 1, 2], [2, 0, 1])
    axs[1].set_xlim(-1, 4)
    return fig


@_corpus(pyplot=False)
def mpl_lognorm() -> Figure:
    fig = Figure(figsize=SIZE, dpi=DPI)
    ax = fig.add_subplot()
    image = ax.imshow(np.logspace(0, 4, 100).reshape(10, 10), norm=LogNorm(vmin=1.0, vmax=1e4))
    fig.colorbar(image, ax=ax)
    return fig


@_corpus(pyplot=False)
def mpl_dynamic_norm() -> Figure:
    """A norm class made at runtime by ``make_norm_from_scale``; it pickles via a module-level constructor."""
    fig = Figure(figsize=SIZE, dpi=DPI)
    ax = fig.add_subplot()
    logit_norm = make_norm_from_scale(LogitScale, Normalize)(vmin=0.01, vmax=0.99)
    image = ax.imshow(np.linspace(0.01, 0.99, 100).reshape(10, 10), norm=logit_norm)
    fig.colorbar(image, ax=ax)
    return fig


_known_bug(PICKLE_FAILS, "mpl_dynamic_norm", (3, 5), (3, 6), "make_norm_from_scale classes had no __reduce__")


@_corpus(pyplot=True)
def mpl_picker() -> Figure:
    """test_vertexselector's pickable line, without the VertexSelector (which the figure never references)."""
    fig, ax = plt.subplots(figsize=SIZE, dpi=DPI)
    ax.plot([0, 1], picker=True, pickradius=5)
    return fig


@_corpus(pyplot=False)
def mpl_cycler() -> Figure:
    """One line drawn from a custom cycle; the next line after loading must take the second colour."""
    fig = Figure(figsize=SIZE, dpi=DPI)
    ax = fig.add_subplot()
    ax.set_prop_cycle(color=["c", "m", "y", "k"])
    ax.plot([1, 2])
    return fig


@_corpus(pyplot=True)
def mpl_label() -> Figure:
    """A labelled pyplot figure (test_gcf); set_label instead of plt.figure("label"), which would reuse an open one."""
    fig = plt.figure(figsize=SIZE, dpi=DPI)
    fig.set_label("a label")
    fig.add_subplot().plot([3, 1, 2])
    return fig


@_corpus(pyplot=False)
def mpl_image_drawn() -> Figure:
    """An image drawn before pickling (test_image): the image cache must stay out of the pickle."""
    fig = Figure(figsize=SIZE, dpi=DPI)
    canvas = FigureCanvasAgg(fig)
    fig.add_subplot().imshow(np.arange(12).reshape(3, 4))
    canvas.draw()
    return fig


@_corpus(pyplot=False)
def mpl_no_pyplot() -> Figure:
    """A figure attached to a PDF canvas without pyplot (test_no_pyplot)."""
    fig = Figure(figsize=SIZE, dpi=DPI)
    FigureCanvasPdf(fig)
    fig.add_subplot().plot([1, 2, 3], [1, 2, 3])
    return fig


@_corpus(pyplot=False)
def mpl_empty() -> Figure:
    """A bare ``Figure()`` (test_unpickle_canvas): the loaded copy must still get a canvas."""
    return Figure(figsize=SIZE, dpi=DPI)


@_corpus(pyplot=True)
def mpl_host_axes() -> Figure:
    """axes_grid1 HostAxes with make_axes_area_auto_adjustable (test_mpl_toolkits)."""
    fig = plt.figure(figsize=SIZE, dpi=DPI)
    ax = host_axes([0.0, 0.0, 1.0, 1.0], figure=fig)
    make_axes_area_auto_adjustable(ax)
    ax.plot([0, 1, 4], [1, 0, 2])
    ax.set_ylabel("auto-adjusted")
    return fig


_known_bug(
    PICKLE_FAILS,
    "mpl_host_axes",
    (3, 6),
    (3, 9),
    "make_axes_area_auto_adjustable stores a lambda (matplotlib PR #27932)",
)


# --------------------------------------------------------------------------- unpicklable


@_unpicklable(pyplot=True)
def funcformatter_lambda() -> Figure:
    fig, ax = plt.subplots(figsize=SIZE, dpi=DPI)
    ax.plot([0.1, 0.5, 0.3])
    ax.yaxis.set_major_formatter(FuncFormatter(lambda value, pos: f"{value:.0%}"))
    return fig


@_unpicklable(pyplot=False)
def blit_background() -> Figure:
    """A blitting cache kept on the figure; Agg's BufferRegion is not picklable."""
    fig = Figure(figsize=SIZE, dpi=DPI)
    canvas = FigureCanvasAgg(fig)  # explicit: only Agg-based canvases have copy_from_bbox
    fig.add_subplot().plot([0, 1], [1, 0])
    canvas.draw()
    fig._bg = canvas.copy_from_bbox(fig.bbox)  # type: ignore[attr-defined]
    return fig


@_unpicklable(pyplot=True)
def format_coord_lambda() -> Figure:
    fig, ax = plt.subplots(figsize=SIZE, dpi=DPI)
    ax.plot([1, 3, 2])
    ax.format_coord = lambda x, y: f"t={x:.1f} s, v={y:.1f} V"  # type: ignore[method-assign]
    return fig


@_unpicklable(pyplot=False)
def nested_picker() -> Figure:
    fig = Figure(figsize=SIZE, dpi=DPI)
    ax = fig.add_subplot()

    def near_vertex(line: Line2D, event: object) -> tuple[bool, dict]:
        return False, {}

    ax.plot([0, 1, 2], [0, 1, 0], picker=near_vertex)
    return fig


@_unpicklable(pyplot=False)
def secondary_lambda() -> Figure:
    fig = Figure(figsize=SIZE, dpi=DPI)
    ax = fig.add_subplot()
    ax.plot([0, 10], [0, 1])
    ax.secondary_xaxis("top", functions=(lambda x: np.multiply(x, 2.54), lambda x: np.divide(x, 2.54)))
    return fig


@_unpicklable(pyplot=True, since=(3, 7), why="bar_label(label_type='center') only stores a lambda since 3.7")
def bar_label_center() -> Figure:
    """matplotlib's own API leaving a lambda (as the labels' ``xycoords``) in the figure."""
    fig, ax = plt.subplots(figsize=SIZE, dpi=DPI)
    bars = ax.bar(["x", "y", "z"], [3, 5, 2])
    ax.bar_label(bars, label_type="center")
    return fig


#: Names (in CORPUS, UNPICKLABLE or SKIPPED) whose factory creates the figure through pyplot.
PYPLOT = frozenset(_pyplot_names)


def available(name: str) -> bool:
    """True if ``name`` can be built with this matplotlib (it is in CORPUS or UNPICKLABLE)."""
    return name in CORPUS or name in UNPICKLABLE
