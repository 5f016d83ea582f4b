"""Ticks on the consumer: the recorded snapshot, then a native locator and formatter.

At the view the producer drew, the ticks and labels are exactly the recorded ones
(whatever formatter made them, a lambda included). After any pan or zoom, a native
matplotlib locator and formatter of the kind the scene names take over, so ticks
follow the view as they would in the producer. No code travels: the natives are
chosen from fixed tables, and format strings are checked before they are used.
"""

from __future__ import annotations

import re
import string
from typing import Any, Dict, List, Optional, Sequence

import numpy as np
from matplotlib import dates, ticker

from ._dates import native_date_format, native_date_locator

__all__ = ["SnapshotLocator", "SnapshotFormatter", "native_locator", "native_formatter"]


def _same_view(axis: Any, view: Sequence[float]) -> bool:
    """Whether ``axis`` shows the recorded view: the same limits, and, when ``view`` has a
    third entry, the same length in inches. Tick counts follow an axis' length, so while
    a layout engine sizes the axes (the first draw's layout pass, or another matplotlib's
    text metrics) the native locator decides, as it did in the producer's own layout."""
    if axis is None:
        return False
    lo, hi = axis.get_view_interval()
    tolerance = _tolerance(view)  # of the view's span, not of the values: 1e10 + 1e-5 is a view too
    if not (abs(lo - view[0]) <= tolerance and abs(hi - view[1]) <= tolerance):
        return False
    if len(view) < 3:
        return True
    box = axis.axes.bbox
    length = (box.width if axis.axis_name == "x" else box.height) / axis.axes.figure.dpi
    return abs(length - view[2]) <= 1e-3


def _tolerance(view: Sequence[float]) -> float:
    """How near a value is to a recorded one to be it: a billionth of the view's span."""
    return 1e-9 * abs(view[1] - view[0]) or 1e-300


class SnapshotLocator(ticker.Locator):
    """The recorded tick locations at the recorded view; ``native`` at any other."""

    def __init__(self, locs: np.ndarray, view: Sequence[float], native: Optional[ticker.Locator]) -> None:
        self.recorded = np.array(locs, float)
        self.view = tuple(view)
        self.native = native

    def set_axis(self, axis: Any) -> None:
        super().set_axis(axis)
        if self.native is not None:
            self.native.set_axis(axis)

    def __call__(self) -> Any:
        if _same_view(self.axis, self.view):
            return self._shown()
        if self.native is None:
            return self.recorded
        return self.native()

    def _shown(self) -> Any:
        """The recorded locations the recorded view shows. matplotlib makes a ``Tick``
        (0.6 ms: three lines, two texts) for every location a locator returns, and draws
        only those in the view; a producer's locator returns some beyond each end. The
        test is matplotlib's own (in the axis' scale), with a wider margin."""
        get_transform = getattr(self.axis, "get_transform", None)  # not on a ticker's _DummyAxis
        if get_transform is None:
            return self.recorded
        transform = get_transform()
        with np.errstate(all="ignore"):
            lo, hi = sorted(np.asarray(transform.transform(np.asarray(self.view[:2], float)), float).ravel())
            at = np.asarray(transform.transform(self.recorded), float).ravel()
        if not (np.isfinite(lo) and np.isfinite(hi)) or at.shape != self.recorded.shape:
            return self.recorded
        margin = 1e-6 * (hi - lo)
        return self.recorded[(at >= lo - margin) & (at <= hi + margin)]

    def tick_values(self, vmin: float, vmax: float) -> Any:
        if self.native is None:
            return self.recorded
        return self.native.tick_values(vmin, vmax)


class SnapshotFormatter(ticker.Formatter):
    """The recorded labels (and offset text) at the recorded view; ``native`` at any other."""

    def __init__(
        self,
        locs: np.ndarray,
        labels: List[str],
        offset: str,
        view: Sequence[float],
        native: Optional[ticker.Formatter],
    ) -> None:
        self.recorded = np.array(locs, float)
        self.labels = list(labels)
        self.offset = offset
        self.view = tuple(view)
        self.native = native
        self._recorded = True

    def set_axis(self, axis: Any) -> None:
        super().set_axis(axis)
        if self.native is not None:
            self.native.set_axis(axis)

    def _label(self, value: float) -> str:
        """The recorded label of the recorded location nearest ``value``, if it is that one."""
        if len(self.recorded):
            i = int(np.argmin(np.abs(self.recorded - value)))
            if abs(self.recorded[i] - value) <= _tolerance(self.view):
                return self.labels[i]
        return ""

    def format_ticks(self, values: Any) -> List[str]:
        self._recorded = self.native is None or _same_view(self.axis, self.view)
        if self._recorded:
            return [self._label(v) for v in values]
        return list(self.native.format_ticks(values))  # type: ignore[union-attr]

    def __call__(self, x: float, pos: Optional[int] = None) -> str:
        if self.native is None or _same_view(self.axis, self.view):
            return self._label(x)
        return str(self.native(x, pos))

    def get_offset(self) -> str:
        if self._recorded or self.native is None:
            return self.offset
        return str(self.native.get_offset())

    def format_data_short(self, value: float) -> str:  # the toolbar's cursor read-out
        if self.native is not None:
            return str(self.native.format_data_short(value))
        return f"{value:.6g}"


def native_locator(
    axis_doc: Dict[str, Any], default: ticker.Locator, span: float = 0.0, recorded: Sequence[float] = ()
) -> Optional[ticker.Locator]:
    """The locator that takes over after a pan or zoom; None keeps the snapshot (fixed).
    ``span``: the recorded view's length in data units (days on a date axis); ``recorded``:
    the recorded major tick locations."""
    kind = axis_doc.get("locator", "default")
    if kind == "fixed":
        return None
    if kind == "auto":
        return _max_n(axis_doc)
    if kind == "log":
        return ticker.LogLocator(base=axis_doc.get("base", 10.0))
    if kind == "date":
        return native_date_locator(axis_doc, span, recorded)
    if kind == "multiple":
        return ticker.MultipleLocator(axis_doc.get("locator_base", 1.0))
    if kind == "null":
        return ticker.NullLocator()
    return default


_FIELD = re.compile(r"\A(x|pos)?\Z")


def _strmethod_ok(fmt: str) -> bool:
    """Only ``{x...}``/``{pos...}`` fields with plain format specs: no attribute or item
    lookups (``{x.__class__}``), no nested fields, bounded widths."""
    try:
        parsed = list(string.Formatter().parse(fmt))
    except ValueError:
        return False
    for _, name, spec, conversion in parsed:
        if name is None:
            continue
        if not _FIELD.match(name) or conversion not in (None, "r", "s") or not _spec_ok(spec or ""):
            return False
    return True


def _spec_ok(spec: str) -> bool:
    return "{" not in spec and all(int(n) <= 100 for n in re.findall(r"\d+", spec))


def _formatstr_ok(fmt: str) -> bool:
    """One ``%`` conversion of a number, bounded width and precision."""
    conversions = re.findall(r"%(?!%)([-+ #0]*)(\d*)(?:\.(\d+))?([a-zA-Z])", fmt)
    if len(conversions) != 1 or conversions[0][3] not in "deEfFgGixXo":
        return False
    _, width, precision, _ = conversions[0]
    return int(width or 0) <= 100 and int(precision or 0) <= 100 and "*" not in fmt


def _max_n(axis_doc: Dict[str, Any]) -> ticker.Locator:
    """AutoLocator, or the MaxNLocator the producer set up (scene 1.4)."""
    if not any(key in axis_doc for key in ("nbins", "steps", "integer", "symmetric", "prune", "min_n_ticks")):
        return ticker.AutoLocator()
    steps = axis_doc.get("steps")
    if steps is not None and (not steps or any(b <= a for a, b in zip(steps, steps[1:]))):
        steps = None  # MaxNLocator wants increasing steps
    return ticker.MaxNLocator(
        nbins=axis_doc.get("nbins", "auto"),
        steps=steps,
        integer=axis_doc.get("integer", False),
        symmetric=axis_doc.get("symmetric", False),
        prune=axis_doc.get("prune"),
        min_n_ticks=axis_doc.get("min_n_ticks", 2),
    )


def _scalar(axis_doc: Dict[str, Any]) -> ticker.ScalarFormatter:
    """A ScalarFormatter set up as the producer's was (its defaults are this consumer's rcParams)."""
    formatter = ticker.ScalarFormatter(useMathText=axis_doc.get("math_text"))
    if axis_doc.get("use_offset") is False:
        formatter.set_useOffset(axis_doc.get("offset_value") or False)
    if "scientific" in axis_doc:
        formatter.set_scientific(axis_doc["scientific"])
    limits = axis_doc.get("power_limits")
    if limits is not None and len(limits) == 2:
        formatter.set_powerlimits((int(limits[0]), int(limits[1])))
    return formatter


def native_formatter(axis_doc: Dict[str, Any], default: ticker.Formatter, locator: Any) -> Optional[ticker.Formatter]:
    """The formatter that takes over after a pan or zoom; None keeps the snapshot."""
    kind = axis_doc.get("formatter", "default")
    fmt = axis_doc.get("format", "")
    if kind == "fixed":
        return None
    if kind == "scalar":
        return _scalar(axis_doc)
    if kind == "log":
        return ticker.LogFormatterSciNotation(base=axis_doc.get("base", 10.0))
    if kind == "date":
        return native_date_format(axis_doc, locator)
    if kind == "concise":
        return dates.ConciseDateFormatter(
            locator if isinstance(locator, dates.DateLocator) else dates.AutoDateLocator()
        )
    if kind == "null":
        return ticker.NullFormatter()
    if kind == "strmethod" and _strmethod_ok(fmt):
        return ticker.StrMethodFormatter(fmt)
    if kind == "formatstr" and _formatstr_ok(fmt):
        return ticker.FormatStrFormatter(fmt)
    if kind == "percent":
        return ticker.PercentFormatter(
            xmax=axis_doc.get("xmax", 100.0), decimals=axis_doc.get("decimals"), symbol=axis_doc.get("unit", "%")
        )
    if kind == "eng":
        return ticker.EngFormatter(unit=axis_doc.get("unit", ""), places=axis_doc.get("places"))
    return default
