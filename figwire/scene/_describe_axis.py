"""An axes' axis -> its scene node: scale, label, and ticks as drawn at the recorded view,
with the kind of native locator and formatter that takes over at any other (§16.6).
"""

from __future__ import annotations

import math
from typing import Any, Dict, Optional

import numpy as np
from matplotlib import ticker

from . import _private
from ._dates import describe_date_format, describe_date_locator
from ._place import Place, as_color, in_ranges
from ._schema import AXIS_FIELDS
from ._texts import text_style
from ._vocab import LINESTYLES

__all__ = ["describe_axis"]


_LOCATORS = {
    ticker.AutoLocator: "auto", ticker.MaxNLocator: "auto", ticker.LogLocator: "log", ticker.FixedLocator: "fixed",
    ticker.MultipleLocator: "multiple", ticker.NullLocator: "null",
}  # fmt: skip
#: Scales' own tickers: a consumer's scale of the same kind brings the same ones.
_DEFAULTS = frozenset({"LogitLocator", "LogitFormatter", "ThetaLocator", "ThetaFormatter", "RadialLocator",
                       "SymmetricalLogLocator", "AsinhLocator", "LogFormatterSciNotation", "AutoMinorLocator"})  # fmt: skip
_FORMATTERS = {
    ticker.ScalarFormatter: "scalar", ticker.LogFormatterSciNotation: "log", ticker.LogFormatterMathtext: "log",
    ticker.FixedFormatter: "fixed", ticker.NullFormatter: "null", ticker.StrMethodFormatter: "strmethod",
    ticker.FormatStrFormatter: "formatstr", ticker.PercentFormatter: "percent", ticker.EngFormatter: "eng",
}  # fmt: skip


def _kind(obj: Any, table: Dict[type, str]) -> Optional[str]:
    if type(obj).__name__ in _DEFAULTS:
        return "default"
    kind = table.get(type(obj))
    if kind is None and type(obj).__module__.startswith("matplotlib.dates"):
        name = type(obj).__name__
        kind = (
            "concise" if name == "ConciseDateFormatter" else "date" if name.endswith(("Locator", "Formatter")) else None
        )
    return kind


def describe_axis(axis: Any, ax: Any, place: Place) -> Dict[str, Any]:
    name = axis.axis_name
    out: Dict[str, Any] = {"visible": bool(axis.get_visible())}
    scale = axis.get_scale()
    transform = axis.get_transform()
    if scale in ("log", "symlog", "logit", "asinh", "linear"):
        out["scale"] = scale
        for attr, key in (
            ("base", "base"),
            ("linthresh", "linthresh"),
            ("linscale", "linscale"),
            ("linear_width", "linear_width"),
        ):
            value = getattr(transform, attr, None)
            if isinstance(value, (int, float)) and not isinstance(value, bool) and scale != "linear":
                out[key] = float(value)
    else:  # function scales and third-party ones: the transform sampled over the view
        lo, hi = sorted(getattr(ax, f"get_{name}lim")())
        x = np.linspace(lo, hi, 512)
        with np.errstate(all="ignore"):
            y = np.asarray(transform.transform(x), float)
        dy = np.diff(y)
        if np.isfinite(y).all() and ((dy > 0).all() or (dy < 0).all()):
            out["scale"], out["function"] = "function", {"x": x, "y": y}
        else:
            out["scale"] = "linear"
            place.skip(f"{name}axis", f"scale {scale!r} could not be sampled: drawn linear")
    label = axis.get_label()
    if label.get_text():
        out["label"] = text_style(label, place)
        coords = _private.label_coords(axis) if ax.name == "rectilinear" else None
        if coords is not None and all(-100.0 <= v <= 100.0 for v in coords):  # not NaN
            out["label_coords"] = list(coords)
    if ax.name != "3d":  # a 3D axis places its label itself (3.9 names its choices differently)
        out["label_position"] = axis.get_label_position()
    if ax.name == "rectilinear":
        out["length"] = float((ax.bbox.width if name == "x" else ax.bbox.height) / ax.figure.dpi)
    out["labelpad"] = float(axis.labelpad)
    for which, locator_, formatter_ in (("major", axis.get_major_locator(), axis.get_major_formatter()),
                                        ("minor", axis.get_minor_locator(), axis.get_minor_formatter())):  # fmt: skip
        ticks = _ticks(axis, which, place)
        if ticks is not None:
            out[which] = ticks
        if which == "major":
            out.update(_handover(locator_, formatter_, axis, place))
    offset = axis.get_offset_text()
    out["offset_text"] = text_style(offset, place)
    return out


def _handover(locator: Any, formatter: Any, axis: Any, place: Place) -> Dict[str, Any]:
    """Which native locator and formatter take over after a pan or zoom."""
    out: Dict[str, Any] = {}
    kind = _kind(locator, _LOCATORS)
    if type(locator).__name__.startswith("StrCategory"):
        kind = "fixed"
    out["locator"] = kind or "default"
    if kind == "date":
        rule = describe_date_locator(locator)
        if _accepted(rule) == rule:  # a rule without one of its parts is another rule
            out.update(rule)
    if type(locator) is ticker.MaxNLocator:
        out.update(_accepted(_private.max_n(locator) or {}))
    if kind == "multiple":
        step = _private.multiple_base(locator)
        if step is not None:
            out["locator_base"] = float(step)
        else:
            out["locator"] = "auto"
    fkind = _kind(formatter, _FORMATTERS)
    if type(formatter).__name__.startswith("StrCategory") or (
        type(formatter) is ticker.FuncFormatter and _private.labels_by_value(formatter) is not None
    ):
        fkind = "fixed"  # labels by value at any view: the recorded ones
    if fkind == "strmethod":
        out["format"] = formatter.fmt
    elif fkind == "formatstr":
        out["format"] = formatter.fmt
    elif fkind == "percent":
        out.update(xmax=float(formatter.xmax), unit=str(formatter.symbol or ""))
        if isinstance(formatter.decimals, int):
            out["decimals"] = formatter.decimals
    elif fkind == "date":
        out.update(describe_date_format(formatter))
    elif fkind == "scalar":
        out.update(_accepted(_scalar(formatter)))
    elif fkind == "eng":
        out["unit"] = str(formatter.unit)
        if isinstance(formatter.places, int):
            out["places"] = formatter.places
    if fkind is None:
        place.skip(
            f"{axis.axis_name}axis", f"tick labels by {type(formatter).__name__} are kept at the recorded view only"
        )
    out["formatter"] = fkind or "default"
    if fkind == "default":
        del out["formatter"]
    return out


def _accepted(settings: Dict[str, Any]) -> Dict[str, Any]:
    """The ticker settings a consumer accepts (``MaxNLocator(nbins=500)``, power limits of
    1000): one value out of its range would make the whole scene invalid, so such a
    setting is left to the consumer's default instead."""
    return {
        key: value
        for key, value in settings.items()
        if in_ranges({key: value}, AXIS_FIELDS) and not (isinstance(value, list) and len(value) > 64)
    }


def _scalar(formatter: Any) -> Dict[str, Any]:
    """A ScalarFormatter's settings: the consumer's own default reads its own rcParams,
    and a formatter set up by hand (``useOffset=False``, ``useMathText=True``) labels a
    panned or zoomed view, and the first layout pass, its own way."""
    out: Dict[str, Any] = {
        "use_offset": bool(formatter.get_useOffset()),
        "math_text": bool(formatter.get_useMathText()),
    }
    if not out["use_offset"] and isinstance(formatter.offset, (int, float)) and math.isfinite(formatter.offset):
        out["offset_value"] = float(formatter.offset)
    notation = _private.scalar_notation(formatter)
    if notation is not None:
        out["scientific"] = notation[0]
        out["power_limits"] = [float(p) for p in notation[1]]
    return out


def _ticks(axis: Any, which: str, place: Place) -> Optional[Dict[str, Any]]:
    locs = np.asarray(axis.get_majorticklocs() if which == "major" else axis.get_minorticklocs(), float)
    ticks = axis.get_major_ticks(len(locs)) if which == "major" else axis.get_minor_ticks(len(locs))
    labels = [
        t.label1.get_text() if t.label1.get_text() or not t.label2.get_text() else t.label2.get_text() for t in ticks
    ]
    finite = np.isfinite(locs)
    out: Dict[str, Any] = {"locs": locs[finite], "labels": [lab for lab, ok in zip(labels, finite) if ok]}
    if which == "major":
        offset = axis.get_offset_text().get_text()
        if offset:
            out["offset"] = offset
    if ticks:
        out["style"] = _tick_style(ticks[0])
    elif not len(locs):
        out["style"] = _tick_style(axis.get_major_ticks(1)[0] if which == "major" else axis.get_minor_ticks(1)[0])
    return out


def _tick_style(tick: Any) -> Dict[str, Any]:
    line, label = tick.tick1line, tick.label1
    out: Dict[str, Any] = {
        "length": float(line.get_markersize()),
        "width": float(line.get_markeredgewidth()),
        "color": as_color(line.get_color(), line.get_alpha()),
        "pad": float(tick.get_pad()),
        "labelsize": float(label.get_fontsize()),
        "labelcolor": as_color(label.get_color(), label.get_alpha()),
        "labelrotation": float(label.get_rotation()),
        "tick1": bool(tick.tick1line.get_visible()),
        "tick2": bool(tick.tick2line.get_visible()),
        "label1": bool(tick.label1.get_visible()),
        "label2": bool(tick.label2.get_visible()),
        "grid": bool(tick.gridline.get_visible()),
        "grid_color": as_color(tick.gridline.get_color(), tick.gridline.get_alpha()),
        "grid_linewidth": float(tick.gridline.get_linewidth()),
    }
    style = tick.gridline.get_linestyle()
    out["grid_linestyle"] = style if style in LINESTYLES else "-"
    direction = _private.tick_direction(tick)
    if direction is not None:
        out["direction"] = direction
    return out
