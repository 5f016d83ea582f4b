"""The scene's words (spec §16): versions, spaces, enumerations, ranges, and ``SField``,
the one-field record every table of ``_schema`` and ``_schema_artists`` is made of.

Wire types (the spec's names):

* ``bool``, ``int``, ``num`` (a finite int or float), ``str`` (at most ``max_text`` chars),
  ``name`` (a short identifier: at most 64 chars, no path separators), ``color`` (4 nums in
  [0, 1]), ``num[k]`` (k nums), ``nums`` (a list of nums), ``names`` (a list of names);
* ``enum`` (one of the field's ``choices``), ``marker`` (a matplotlib marker code);
* array types, carried as array references (§16.3): ``xy`` (float, shape (n, 2)), ``xyz``
  (float, (n, 3)), ``vec``
  (float, (n,)), ``ints`` (integer, (n,)), ``codes`` (uint8 path codes, (n,)), ``rgba``
  (float in [0, 1] or uint8, (n, 4)), ``mesh`` (float, (m, n, 2)), ``pixels`` (an image:
  numeric (m, n), or (m, n, 3|4) float in [0, 1] or uint8), ``mask`` (bool, like ``pixels``);
* ``T`` (a map checked against node type T's table), ``list of T``, ``nodes`` (a list of
  artist nodes, each checked by its own ``type``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Tuple

#: The scene format version this implementation writes; a consumer reads any minor of
#: the majors in ``SCENE_MAJORS`` and refuses the scene (not the message) otherwise.
SCENE_VERSION: Tuple[int, int] = (1, 5)
SCENE_MAJORS = frozenset({1})

#: Coordinate spaces an artist's geometry may be in (§16.2). ``points`` is a glyph in
#: points anchored at an offset (markers, arrows): it keeps its size under zoom.
SPACES = ("data", "axes", "figure", "xaxis", "yaxis")
GLYPH_SPACES = SPACES + ("points",)

#: Axes projections a consumer rebuilds: matplotlib's own, no third-party code.
PROJECTIONS = ("rectilinear", "polar", "aitoff", "hammer", "lambert", "mollweide", "3d")

#: The side spines of a rectilinear axes, and where one may be moved to besides outward
#: (scene 1.5: an ``axes`` fraction or a ``data`` value; ``center`` and ``zero`` are those).
SPINE_SIDES = ("left", "right", "bottom", "top")
SPINE_PLACEMENTS = ("axes", "data")

SCALES = ("linear", "log", "symlog", "logit", "asinh", "function")
#: How a consumer places ticks after a pan or zoom (the recorded ticks hold until then).
LOCATORS = ("auto", "log", "date", "fixed", "multiple", "null", "default")
#: Which end ticks a MaxNLocator prunes (scene 1.4).
PRUNE = ("lower", "upper", "both")
#: Which date locator takes over (scene 1.4): ``rrule`` a dateutil rule (MonthLocator,
#: DayLocator, WeekdayLocator, HourLocator... are such rules), ``year`` a YearLocator
#: (multiples of its interval), ``microsecond`` a MicrosecondLocator, ``auto`` AutoDateLocator.
DATE_LOCATORS = ("auto", "rrule", "year", "microsecond")
#: dateutil's rule frequencies, in the order of its constants (YEARLY is 0).
DATE_FREQS = ("yearly", "monthly", "weekly", "daily", "hourly", "minutely", "secondly")
FORMATTERS = (
    "scalar",
    "log",
    "date",
    "concise",
    "fixed",
    "null",
    "strmethod",
    "formatstr",
    "percent",
    "eng",
    "default",
)
NORMS = ("linear", "log", "symlog", "power", "twoslope", "boundary", "none")
LINESTYLES = ("-", "--", "-.", ":", "None")
DRAWSTYLES = ("default", "steps", "steps-pre", "steps-mid", "steps-post")
CAPSTYLES = ("butt", "round", "projecting")
JOINSTYLES = ("miter", "round", "bevel")
FILLSTYLES = ("full", "left", "right", "bottom", "top", "none")
HA = ("left", "center", "right")
VA = ("top", "center", "bottom", "baseline", "center_baseline")
FONTSTYLES = ("normal", "italic", "oblique")
FONTVARIANTS = ("normal", "small-caps")
BOXSTYLES = ("square", "round", "round4", "sawtooth", "roundtooth", "larrow", "rarrow", "darrow", "circle", "ellipse")
INTERPOLATIONS = (
    "none", "nearest", "bilinear", "bicubic", "spline16", "spline36", "hanning", "hamming", "hermite",
    "kaiser", "quadric", "catrom", "gaussian", "bessel", "mitchell", "sinc", "lanczos", "blackman", "antialiased", "auto",
)  # fmt: skip
#: Characters of a hatch pattern (matplotlib's hatch syntax); a pattern is short.
HATCH_CHARS = frozenset("/\\|-+xoO.*")


@dataclass(frozen=True)
class SField:
    """One field of a node type."""

    name: str
    type: str
    required: bool
    meaning: str
    choices: Tuple[str, ...] = ()
    range: Optional[Tuple[float, float]] = None  # inclusive bounds of a num, or of each number of a list or vec


_Z = (-1e6, 1e6)
_POSITIVE_SIZE = (0.0, 1000.0)  # points: line widths, font and marker sizes
#: Data coordinates and values: any difference of two, and any product with a pixel
#: scale, stays finite (limits of +-1e308 make a span of inf, and every transform NaN).
_DATA = (-1e300, 1e300)
#: A value matplotlib divides by: non-zero (and positive), finite after division.
_DIVISOR = (1e-300, 1e300)
#: Boxes in figure fraction: a figure holds its axes within a few widths of itself.
_FRACTION = (-100.0, 100.0)
#: Index of an earlier axes of the figure (the checker also requires "earlier").
_INDEX = (0, 1 << 20)
