"""What drawing a loaded figure may cost: the bounds ``_validate`` holds it to.

Each check reads the value that drawing itself reads (the renderer is sized by
``figure.bbox``, ticks are computed from ``locator.axis``'s view) and bounds each setting
that scales a draw's work or memory: canvas pixels, tick counts and steps, format widths,
dash patterns, marker sizes, image filter radii, layout grid sizes, the teeth of a box
style. Most of them are values a producer can reach with public API too
(``markersize=1e6``, ``LogLocator(base=3e8)``): the client pays for them all the same.
The limits are the caller's ``LoadPolicy``; the fixed ones say why they are where they are.
"""

from __future__ import annotations

import math
import re
from typing import Any, Iterable, List

from ._loadpolicy import LoadPolicy

__all__ = [
    "Refusal",
    "refuse",
    "label",
    "canvas",
    "dashes",
    "tick_settings",
    "locator",
    "formatter",
    "marker_size",
    "filter_radius",
    "grid",
    "box_style",
]

#: A printf (``%0200000000d``) or str.format (``{:>1000000000}``) field's width or precision.
_PRINTF = re.compile(r"%[-#0 +]*(\d*)(?:\.(\d*))?")
_FORMAT = re.compile(r"\{[^{}]*?:[^{}]*?(\d+)(?:\.(\d+))?[^{}]*\}")
_LOCATOR_COUNTS = ("numticks", "_numticks", "_nbins", "nbins", "ndivs", "_ndivs", "maxticks", "minticks")
_FORMATTER_DIGITS = ("places", "_places", "decimals", "_decimals", "precision", "_precision")
#: Image resampling (sinc, lanczos, blackman) costs the square of the filter radius per
#: pixel: matplotlib's default is 4, a radius of 400 draws a 20x20 image for over 15 s.
MAX_FILTER_RADIUS = 64.0
#: Constrained layout solves for every row and column of a grid: 256 rows of one axes
#: take 2 s, 500 rows 19 s.
MAX_GRID_SIDE = 256
#: A box style's teeth (sawtooth, roundtooth) are one vertex each, built in Python: a
#: tooth under 1/20 point makes a boxed word a list of millions.
MIN_TOOTH_POINTS = 0.05
_TICK_SIZES = ("size", "length", "width", "markersize", "markeredgewidth")


class Refusal(Exception):
    """A figure over a limit (``_validate`` turns it into a ``DecodeError``)."""


def refuse(why: str) -> None:
    raise Refusal(why)


def label(text: Any) -> str:
    text = str(text)
    return repr(text if len(text) <= 40 else text[:37] + "...")


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def canvas(figure: Any, policy: LoadPolicy) -> None:
    """The canvas a draw allocates: ``figure.bbox``, which must be the one the figure's
    size and dpi make (a pickle may hold another Bbox there, or other cached points in
    this one: 60000 x 60000 pixels). The caller has checked their method slots."""
    from matplotlib.transforms import TransformedBbox

    bbox: Any = getattr(figure, "bbox", None)
    dpi: Any = figure.dpi
    scale: Any = getattr(figure, "dpi_scale_trans", None)
    parts = vars(bbox) if isinstance(bbox, TransformedBbox) else {}
    matrix = list(scale.get_matrix().ravel()) if scale is not None else None
    if not (
        parts.get("_bbox") is figure.bbox_inches
        and parts.get("_transform") is scale
        and _number(dpi)
        and matrix == [dpi, 0, 0, 0, dpi, 0, 0, 0, 1]
    ):
        refuse("the figure's bbox is not its size at its dpi")
    width, height = figure.get_size_inches() * dpi
    if list(bbox.size) != [width, height]:  # what a window's draw reads: cached points
        refuse(f"the figure's bbox is {list(bbox.size)!r} pixels, not its size at its dpi")
    # savefig's default dpi is the one the figure was made with (``_original_dpi``), and
    # Agg makes a dpi x dpi hatch tile whatever the canvas: each dpi a draw can use is
    # bounded, and so is the canvas at each.
    for used in {dpi, vars(figure).get("_original_dpi", dpi)}:
        if not (_number(used) and 0 < used and used * used <= policy.max_canvas_pixels):
            refuse(f"a dpi of {used!r} (its square is over LoadPolicy.max_canvas_pixels)")
        width, height = figure.get_size_inches() * used
        pixels = width * height
        if not (math.isfinite(pixels) and width > 0 and height > 0):
            refuse(f"a canvas of {width!r} x {height!r} pixels")
        if pixels > policy.max_canvas_pixels:
            refuse(
                f"a canvas of {width:.0f} x {height:.0f} pixels is over LoadPolicy.max_canvas_pixels ({policy.max_canvas_pixels})"
            )


def dashes(a: Any, patterns: Iterable[Any]) -> None:
    for pattern in patterns:
        if isinstance(pattern, tuple) and len(pattern) == 2 and pattern[1] is not None:
            if len(pattern[1]) and sum(pattern[1]) < 1e-2:
                refuse(f"{type(a).__name__} has a dash pattern {pattern[1]!r} (a dash per 1/100 point)")


def marker_size(a: Any, name: str, points: Any, dpi: float, policy: LoadPolicy) -> None:
    """Agg rasterises a marker once at full size, unclipped: its square in pixels is
    bounded like the canvas (a marker of 1e6 points asks for gigabytes)."""
    if _number(points) and not (0 <= points and (points * dpi / 72) ** 2 <= policy.max_canvas_pixels):
        refuse(f"{type(a).__name__}.{name} = {points} points is over LoadPolicy.max_canvas_pixels as a marker")


def tick_settings(axis: Any, kw: Any, dpi: float, policy: LoadPolicy) -> None:
    """What every tick made while drawing gets (``Axis._major_tick_kw``). Its grid line is
    made the way a tick makes it, so that its dash pattern is checked as drawing scales
    it (aliases such as ``grid_ls``, a dash pattern scaled by a tiny ``grid_linewidth``)."""
    kw = dict(kw)
    grid = {key[5:]: value for key, value in kw.items() if key.startswith("grid_")}
    if grid:
        from matplotlib.lines import Line2D

        line = vars(Line2D([], [], **grid))  # 3.5 keeps the pattern as _dashOffset, _dashSeq
        dashes(axis, [line.get("_dash_pattern", (line.get("_dashOffset"), line.get("_dashSeq")))])
    for key, value in kw.items():
        if any(word in key for word in ("agg_filter", "sketch", "path_effects", "hatch")):
            refuse(f"{type(axis).__name__} gives the ticks it draws {key}={value!r}")
        if key in _TICK_SIZES:
            marker_size(axis, f"ticks' {key}", value, dpi, policy)
        if "dashes" in key or "linestyle" in key:
            seq = (
                value[1]
                if isinstance(value, tuple) and len(value) == 2 and isinstance(value[1], (tuple, list))
                else value
            )
            if isinstance(seq, (tuple, list)) and seq and all(_number(v) for v in seq) and sum(seq) < 1e-2:
                refuse(f"{type(axis).__name__} gives the ticks it draws a dash pattern {value!r}")


def locator(loc: Any, view: Any, policy: LoadPolicy) -> None:
    """Tick counts a locator's settings ask for, over the view it computes from: that of
    ``loc.axis`` (which a pickle may point at another axis than the one holding it)."""
    limit = policy.max_ticks
    state = getattr(loc, "__dict__", {})
    owner = state.get("axis")
    getter = getattr(type(owner), "get_view_interval", None) if owner is not None else None
    if callable(getter):
        view = getter(owner)
    for name in _LOCATOR_COUNTS:
        value: Any = state.get(name)
        for v in value.values() if isinstance(value, dict) else [value]:
            if _number(v) and v > limit:
                refuse(f"{type(loc).__name__}.{name} = {v} is over LoadPolicy.max_ticks ({limit})")
    locs = state.get("locs")
    if locs is not None and len(locs) > limit and not (isinstance(state.get("nbins"), int) and state["nbins"] <= limit):
        refuse(f"{type(loc).__name__} with {len(locs)} fixed ticks is over LoadPolicy.max_ticks ({limit})")
    from matplotlib.ticker import IndexLocator, LogLocator, MultipleLocator

    step: Any = None
    if isinstance(loc, MultipleLocator):
        step = getattr(state.get("_edge"), "step", None)
    elif isinstance(loc, IndexLocator):
        step = state.get("_base")
    elif isinstance(loc, LogLocator):  # its subs are arange(1, base) per decade
        base: Any = state.get("_base", state.get("base"))
        if _number(base) and not (1 < base <= limit):
            refuse(f"{type(loc).__name__} of base {base} (subs are 1 .. base, LoadPolicy.max_ticks {limit})")
    # (no view: a locator reached through a bound method, with no axis of its own)
    if _number(step) and view is not None:
        span = abs(float(view[1]) - float(view[0]))
        if step <= 0 or not math.isfinite(span) or span / step > limit:
            refuse(
                f"{type(loc).__name__} with a step of {step} over a view of {span} is over LoadPolicy.max_ticks ({limit})"
            )
    subs = state.get("_subs")
    if subs is not None and not isinstance(subs, str) and len(subs) > limit:
        refuse(f"{type(loc).__name__} with {len(subs)} subs")


def formatter(fmt: Any, policy: LoadPolicy) -> None:
    limit = policy.max_format_width
    for name, value in getattr(fmt, "__dict__", {}).items():
        for text in _strings(value):
            width = _format_width(text)
            if width > limit:
                refuse(
                    f"{type(fmt).__name__}.{name} asks for a field of {width} characters (LoadPolicy.max_format_width)"
                )
        if name in _FORMATTER_DIGITS and isinstance(value, int) and value > limit:
            refuse(f"{type(fmt).__name__}.{name} = {value} is over LoadPolicy.max_format_width ({limit})")


def filter_radius(image: Any, radius: Any) -> None:
    if not (_number(radius) and 0 < radius <= MAX_FILTER_RADIUS):
        refuse(f"{type(image).__name__} has a filter radius of {radius!r} (at most {MAX_FILTER_RADIUS})")


def grid(a: Any, spec: Any) -> None:
    """The grid an axes or subfigure is laid out in, and the grids that grid sits in."""
    seen = 0
    while spec is not None and seen < 64:
        gridspec = getattr(spec, "_gridspec", None)
        rows, cols = getattr(gridspec, "_nrows", 1), getattr(gridspec, "_ncols", 1)
        if not (
            isinstance(rows, int) and isinstance(cols, int) and 0 < rows <= MAX_GRID_SIDE and 0 < cols <= MAX_GRID_SIDE
        ):
            refuse(f"{type(a).__name__} sits in a grid of {rows!r} x {cols!r} (at most {MAX_GRID_SIDE} a side)")
        spec = getattr(gridspec, "_subplot_spec", None)  # a GridSpecFromSubplotSpec's parent cell
        seen += 1


def box_style(patch: Any, style: Any) -> None:
    tooth = getattr(style, "tooth_size", None)
    scale = getattr(patch, "_mutation_scale", 1)
    if tooth is not None and _number(scale) and not (_number(tooth) and tooth * scale >= MIN_TOOTH_POINTS):
        refuse(f"{type(patch).__name__}'s box has teeth of {tooth!r} x {scale!r} points (at least {MIN_TOOTH_POINTS})")


def _strings(value: Any) -> List[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple)):
        return [v for v in value if isinstance(v, str)]
    if isinstance(value, dict):
        return [v for v in value.values() if isinstance(v, str)]
    return []


def _format_width(text: str) -> int:
    widest = 0
    if "%" in text:
        for m in _PRINTF.finditer(text):
            widest = max([widest, *(int(g) for g in m.groups() if g)])
    if "{" in text:
        for m in _FORMAT.finditer(text):
            widest = max([widest, *(int(g) for g in m.groups() if g)])
    return widest
