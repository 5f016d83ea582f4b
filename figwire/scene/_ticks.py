"""Ticks on the consumer: the recorded snapshot, then a native locator and formatter.

At the view the producer drew, the ticks and labels are exactly the recorded ones
(whatever formatter made them, a lambda included). After any pan or zoom, a native
matplotlib locator and formatter of the kind the scene names take over, so ticks
follow the view as they would in the producer. No code travels: the natives are
chosen from fixed tables, and format strings are checked before they are used.
"""

from __future__ import annotations

import math
import re
import string
from typing import Any, Dict, List, Optional, Sequence

import numpy as np
from matplotlib import dates, ticker

__all__ = ["SnapshotLocator", "SnapshotFormatter", "native_locator", "native_formatter"]


def _same_view(axis: Any, view: Sequence[float]) -> bool:
    """Whether ``axis`` shows the recorded view: the same limits, and, when ``view`` has a
    third entry, the same length in inches. Tick counts follow an axis' length, so while
    a layout engine sizes the axes (the first draw's layout pass, or another matplotlib's
    text metrics) the native locator decides, as it did in the producer's own layout."""
    if axis is None:
        return False
    lo, hi = axis.get_view_interval()
    if not (math.isclose(lo, view[0], rel_tol=1e-9) and math.isclose(hi, view[1], rel_tol=1e-9)):
        return False
    if len(view) < 3:
        return True
    box = axis.axes.bbox
    length = (box.width if axis.axis_name == "x" else box.height) / axis.axes.figure.dpi
    return abs(length - view[2]) <= 1e-3


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
        if self.native is None or _same_view(self.axis, self.view):
            return self.recorded
        return self.native()

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
            if math.isclose(self.recorded[i], value, rel_tol=1e-9, abs_tol=1e-12):
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


def native_locator(axis_doc: Dict[str, Any], default: ticker.Locator) -> Optional[ticker.Locator]:
    """The locator that takes over after a pan or zoom; None keeps the snapshot (fixed)."""
    kind = axis_doc.get("locator", "default")
    if kind == "fixed":
        return None
    if kind == "auto":
        return ticker.AutoLocator()
    if kind == "log":
        return ticker.LogLocator(base=axis_doc.get("base", 10.0))
    if kind == "date":
        return dates.AutoDateLocator()
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


def native_formatter(axis_doc: Dict[str, Any], default: ticker.Formatter, locator: Any) -> Optional[ticker.Formatter]:
    """The formatter that takes over after a pan or zoom; None keeps the snapshot."""
    kind = axis_doc.get("formatter", "default")
    fmt = axis_doc.get("format", "")
    if kind == "fixed":
        return None
    if kind == "scalar":
        return ticker.ScalarFormatter()
    if kind == "log":
        return ticker.LogFormatterSciNotation(base=axis_doc.get("base", 10.0))
    if kind in ("date", "concise"):
        date_locator = locator if isinstance(locator, dates.DateLocator) else dates.AutoDateLocator()
        return dates.ConciseDateFormatter(date_locator) if kind == "concise" else dates.AutoDateFormatter(date_locator)
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
