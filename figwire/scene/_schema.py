"""The scene's tables (spec §16.4): the document, figure, axes and what they hold, every
node type registered, and the limits a consumer enforces (§16.5).

This is the one source of truth for the scene format, with ``_schema_artists`` (the
artist node tables) and ``_vocab`` (their words, ranges and ``SField``): the checker
(``_check``) is driven by these tables, the describer writes only what they name, and the
spec renders its node tables from them (``spec/tools/render_tables.py``). Nothing here
imports matplotlib.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Tuple

from ._schema3d import NODE_TYPES_3D, STRUCTS_3D
from ._schema_artists import (
    ARTIST_FIELDS,
    BBOX_FIELDS,
    COLLECTION_FIELDS,
    DASHPATTERN_FIELDS,
    FIGURE_LEGEND_FIELDS,
    IMAGE_FIELDS,
    LEGEND_FIELDS,
    LINE_FIELDS,
    MESH_FIELDS,
    NORM_FIELDS,
    PATCH_FIELDS,
    PATH_FIELDS,
    PATHEFFECT_FIELDS,
    TEXT_FIELDS,
)  # fmt: skip
from ._vocab import (
    _DATA,
    _DIVISOR,
    _FRACTION,
    _INDEX,
    _POSITIVE_SIZE,
    _Z,
    DATE_FREQS,
    DATE_LOCATORS,
    FORMATTERS,
    GLYPH_SPACES,
    HATCH_CHARS,
    LINESTYLES,
    LOCATORS,
    PROJECTIONS,
    PRUNE,
    SCALES,
    SCENE_MAJORS,
    SCENE_VERSION,
    SPINE_PLACEMENTS,
    SField,
)  # fmt: skip

#: What other modules (the checker, the spec's table renderer) read from here.
__all__ = [
    "ARRAY_DTYPES", "ARRAY_TAG", "ARTIST_FIELDS", "DEFAULT_SCENE_LIMITS", "GLYPH_SPACES", "HATCH_CHARS", "NODE_TYPES",
    "NODE_TYPES_3D",
    "PROJECTIONS", "SCENE_FIELDS", "SCENE_MAJORS", "SCENE_OOB_THRESHOLD", "SCENE_VERSION", "STRUCTS", "SUBPLOTPARS",
    "TIGHT_TOLERANCE", "SceneLimits", "SField",
]  # fmt: skip

SPINE_FIELDS = (
    SField(
        "name",
        "name",
        True,
        "which spine: left, right, bottom, top, or a projection's own (polar: polar, inner, start, end)",
    ),
    SField("visible", "bool", False, "drawn"),
    SField("color", "color", False, "edge colour"),
    SField("linewidth", "num", False, "points", range=_POSITIVE_SIZE),
    SField("linestyle", "enum", False, "style", choices=LINESTYLES),
    SField(
        "position",
        "nums",
        False,
        "outward offset in points (moved elsewhere: ``placement``, scene 1.5)",
        range=(-1e4, 1e4),
    ),
    SField("bounds", "num[2]", False, "the spine's data interval, when set", range=_DATA),
    SField(
        "placement",
        "enum",
        False,
        "a side spine moved to an ``axes`` fraction or a ``data`` value (``at``; scene 1.5). Its ``visible``"
        " stays false and a ``patch`` naming it draws it where it was, for an older consumer",
        choices=SPINE_PLACEMENTS,
    ),
    SField("at", "num", False, "with ``placement``: the axes fraction or data value (scene 1.5)", range=_DATA),
    SField(
        "path",
        "path",
        False,
        "a spine the consumer's axes may lack (a colorbar outline): drawn as this path in axes space",
    ),
)

TICKSTYLE_FIELDS = (
    SField("length", "num", False, "points", range=_POSITIVE_SIZE),
    SField("width", "num", False, "points", range=_POSITIVE_SIZE),
    SField("color", "color", False, "tick colour"),
    SField("pad", "num", False, "points between tick and label", range=(-1000.0, 1000.0)),
    SField("direction", "enum", False, "tick direction", choices=("in", "out", "inout")),
    SField("labelsize", "num", False, "points", range=(0.01, 1000.0)),
    SField("labelcolor", "color", False, "label colour"),
    SField("labelrotation", "num", False, "degrees", range=(-1e4, 1e4)),
    SField("tick1", "bool", False, "ticks on the bottom/left side"),
    SField("tick2", "bool", False, "ticks on the top/right side"),
    SField("label1", "bool", False, "labels on the bottom/left side"),
    SField("label2", "bool", False, "labels on the top/right side"),
    SField("grid", "bool", False, "grid lines drawn"),
    SField("grid_color", "color", False, "grid colour"),
    SField("grid_linewidth", "num", False, "points", range=_POSITIVE_SIZE),
    SField("grid_linestyle", "enum", False, "grid style", choices=LINESTYLES),
)

TICKS_FIELDS = (
    SField("locs", "vec", True, "tick locations at the recorded view", range=_DATA),
    SField("labels", "list of str", True, "their labels, as drawn"),
    SField("offset", "str", False, "the axis' offset text (``1e6``, ``+1.5``) at the recorded view"),
    SField("style", "tickstyle", False, "how the ticks look"),
)

FUNCTION_FIELDS = (
    SField("x", "vec", True, "strictly increasing data values", range=_DATA),
    SField(
        "y", "vec", True, "the scale's transform of them, strictly monotonic; linear between and beyond", range=_DATA
    ),
)

AXIS_FIELDS = (
    SField(
        "scale", "enum", False, "axis scale (default linear); ``function``: sampled, see ``function``", choices=SCALES
    ),
    SField("base", "num", False, "log and symlog: base", range=(1.000001, 1e6)),
    SField("linthresh", "num", False, "symlog: linear threshold", range=(1e-300, 1e300)),
    SField("linscale", "num", False, "symlog: linear scale", range=(1e-300, 1e300)),
    SField("linear_width", "num", False, "asinh: linear width", range=(1e-300, 1e300)),
    SField("function", "function", False, "function scales: the transform sampled over the view"),
    SField("visible", "bool", False, "the axis is drawn"),
    SField("label", "text", False, "axis label"),
    SField("label_position", "enum", False, "side of the label", choices=("bottom", "top", "left", "right")),
    SField("labelpad", "num", False, "points", range=(-1000.0, 1000.0)),
    SField(
        "label_coords",
        "num[2]",
        False,
        "the label's place in axes fraction, set by hand (``Axis.set_label_coords``; scene 1.5)",
        range=_FRACTION,
    ),
    SField("locator", "enum", False, "tick placement after a pan or zoom", choices=LOCATORS),
    SField("locator_base", "num", False, "multiple: the tick spacing", range=(1e-300, 1e300)),
    SField("formatter", "enum", False, "tick labels after a pan or zoom", choices=FORMATTERS),
    SField("format", "str", False, "strmethod/formatstr: the format (checked: only ``x``/``pos`` fields)"),
    SField("unit", "str", False, "eng and percent: unit or symbol"),
    SField("places", "int", False, "eng: digits", range=(0, 20)),
    SField("xmax", "num", False, "percent: the value that is 100%", range=_DIVISOR),
    SField("decimals", "int", False, "percent: digits", range=(0, 20)),
    SField("nbins", "int", False, "auto, from a MaxNLocator: at most this many intervals (scene 1.4)", range=(1, 100)),
    SField("steps", "nums", False, "auto, from a MaxNLocator: nice steps in [1, 10] (scene 1.4)", range=(1.0, 10.0)),
    SField("integer", "bool", False, "auto, from a MaxNLocator: integer ticks only (scene 1.4)"),
    SField("symmetric", "bool", False, "auto, from a MaxNLocator: symmetric about 0 (scene 1.4)"),
    SField("prune", "enum", False, "auto, from a MaxNLocator: ticks dropped (scene 1.4)", choices=PRUNE),
    SField("min_n_ticks", "int", False, "auto, from a MaxNLocator: at least this many ticks (scene 1.4)", range=(1, 100)),
    SField("date_locator", "enum", False, "date: which native (scene 1.4; default ``auto``)", choices=DATE_LOCATORS),
    SField("date_freq", "enum", False, "date ``rrule``/``year``: the rule's frequency (scene 1.4)", choices=DATE_FREQS),
    SField("date_interval", "int", False, "date: every n-th occurrence, or microseconds (scene 1.4)", range=(1, 10**9)),
    SField("date_bymonth", "nums", False, "date rule: months (scene 1.4)", range=(1, 12)),
    SField("date_bymonthday", "nums", False, "date rule: days of the month (scene 1.4)", range=(-31, 31)),
    SField(
        "date_byweekday", "nums", False, "date rule: [weekday 0-6, n or 0] pairs, flat (scene 1.4)", range=(-53, 53)
    ),
    SField("date_byhour", "nums", False, "date rule: hours (scene 1.4)", range=(0, 23)),
    SField("date_byminute", "nums", False, "date rule: minutes (scene 1.4)", range=(0, 59)),
    SField("date_bysecond", "nums", False, "date rule: seconds (scene 1.4)", range=(0, 59)),
    SField("date_bysetpos", "nums", False, "date rule: occurrences within a period (scene 1.4)", range=(-366, 366)),
    SField("date_maxticks", "int", False, "date ``auto``: at most this many ticks (scene 1.4)", range=(1, 100)),
    SField("date_minticks", "int", False, "date ``auto``: at least this many ticks (scene 1.4)", range=(1, 100)),
    SField("date_multiples", "bool", False, "date ``auto``: ticks at multiples of the interval (scene 1.4)"),
    SField("date_format", "str", False, "date: a ``strftime`` format (checked: no widths) (scene 1.4)"),
    SField("use_offset", "bool", False, "scalar: the formatter chooses an offset (default true) (scene 1.4)"),
    SField(
        "offset_value", "num", False, "scalar: a fixed offset when ``use_offset`` is false, 0 for none (scene 1.4)",
        range=_DATA,
    ),
    SField("math_text", "bool", False, "scalar: offset and exponent as mathtext (scene 1.4)"),
    SField("scientific", "bool", False, "scalar: scientific notation outside ``power_limits`` (scene 1.4)"),
    SField(
        "power_limits", "nums", False, "scalar: the exponents [low, high] beyond which it is used (scene 1.4)",
        range=(-300, 300),
    ),
    SField(
        "length",
        "num",
        False,
        "the axis' drawn length in inches: the recorded ticks hold at this length only",
        range=(0.0, 1000.0),
    ),
    SField("major", "ticks", False, "major ticks at the recorded view"),
    SField("minor", "ticks", False, "minor ticks at the recorded view"),
    SField("offset_text", "text", False, "the offset text's look"),
)

SECONDARY_FIELDS = (
    SField("parent", "int", True, "index of the parent axes (an earlier one)", range=_INDEX),
    SField("orientation", "enum", True, "which of the parent's axes it mirrors", choices=("x", "y")),
    SField("location", "num", True, "where it sits, in the parent's axes fraction", range=(-10.0, 10.0)),
    SField("function", "function", True, "parent data -> secondary data, sampled over the parent's view"),
)

POLAR_FIELDS = (
    SField("theta_offset", "num", False, "radians", range=(-1e3, 1e3)),
    SField("theta_direction", "int", False, "1 counter-clockwise, -1 clockwise", range=(-1, 1)),
    SField("rorigin", "num", False, "radius at the centre", range=_DATA),
    SField("rlabel_position", "num", False, "degrees", range=(-1e4, 1e4)),
)

AXES_FIELDS = (
    SField(
        "position",
        "num[4]",
        True,
        "left, bottom, width, height as drawn, in figure fraction (width and height at least 0)",
        range=_FRACTION,
    ),
    SField(
        "original_position",
        "num[4]",
        False,
        "with an aspect: the position before the aspect shrank it (figure fraction, as ``position``)",
        range=_FRACTION,
    ),
    SField("aspect", "num", False, "data aspect ratio (y unit / x unit); absent: auto", range=(1e-9, 1e9)),
    SField(
        "adjustable", "enum", False, "what keeps the aspect: the box or the data limits", choices=("box", "datalim")
    ),
    SField("anchor", "num[2]", False, "where a shrunk box sits in its original position (fractions)", range=(0.0, 1.0)),
    SField("box_aspect", "num", False, "axes box height / width", range=(1e-9, 1e9)),
    SField("projection", "enum", False, "projection (default rectilinear)", choices=PROJECTIONS),
    SField("xlim", "num[2]", True, "x view limits (order gives inversion)", range=_DATA),
    SField("ylim", "num[2]", True, "y view limits", range=_DATA),
    SField("zlim", "num[2]", False, "3d: z view limits (scene 1.3)", range=_DATA),
    SField("xaxis", "axis", False, "x axis"),
    SField("yaxis", "axis", False, "y axis"),
    SField("zaxis", "axis", False, "3d: z axis (scene 1.3)"),
    SField("view3d", "view3d", False, "3d: the camera, the box and the panes (scene 1.3)"),
    SField("facecolor", "color", False, "background"),
    SField("patch_visible", "bool", False, "background drawn"),
    SField("frame_on", "bool", False, "spines and background drawn"),
    SField("axis_on", "bool", False, "axes decorations drawn"),
    SField("axisbelow", "enum", False, "ticks and grid below artists", choices=("true", "false", "line")),
    SField("zorder", "num", False, "drawing order among the figure's axes", range=_Z),
    SField("sharex", "int", False, "index of an earlier axes whose x view this one shares", range=_INDEX),
    SField("sharey", "int", False, "index of an earlier axes whose y view this one shares", range=_INDEX),
    SField("polar", "polar", False, "polar axes settings"),
    SField("secondary", "secondary", False, "a secondary axis of an earlier axes: it follows its parent's view"),
    SField("cell", "cell", False, "with a figure ``layout``: the grid cells it spans (``position`` is then as drawn)"),
    SField("twin", "twin", False, "with a figure ``layout``: a twin of an earlier axes, placed with it"),
    SField("inset", "inset", False, "an inset of an earlier axes: it moves with its parent"),
    SField("colorbar", "colorbar", False, "a colorbar: the consumer makes it from these values"),
    SField("titles", "list of title", False, "titles (left, center, right)"),
    SField("spines", "list of spine", False, "spines"),
    SField("artists", "nodes", False, "artists, in drawing order"),
    SField("navigate", "bool", False, "pan and zoom enabled"),
    SField(
        "align_xlabels",
        "int",
        False,
        "its x label is aligned with those of the axes of the same number (``Figure.align_xlabels``; scene 1.5)",
        range=_INDEX,
    ),
    SField("align_ylabels", "int", False, "the same for y labels (``Figure.align_ylabels``; scene 1.5)", range=_INDEX),
    SField("align_titles", "int", False, "the same for titles (``Figure.align_titles``; scene 1.5)", range=_INDEX),
    SField("label", "str", False, "the axes' label"),
)

TITLE_FIELDS = (
    SField("loc", "enum", True, "which title", choices=("left", "center", "right")),
    SField("pad", "num", False, "points between the axes and the title", range=(-1000.0, 1000.0)),
    SField("xy", "num[2]", False, "position in axes fraction (scene 1.2)", range=_FRACTION),
    SField(
        "autopos", "bool", False, "matplotlib lifts the axes' titles above its decorations: ``xy``'s y is its (scene 1.2)"
    ),
    *TEXT_FIELDS[:1],
    *TEXT_FIELDS[3:],
)

FIGURE_FIELDS = (
    SField("size_inches", "num[2]", True, "width, height", range=(0.01, 1000.0)),
    SField("dpi", "num", True, "dots per inch", range=(1.0, 2000.0)),
    SField("facecolor", "color", False, "background"),
    SField("edgecolor", "color", False, "edge"),
    SField("linewidth", "num", False, "edge width, points", range=_POSITIVE_SIZE),
    SField("frameon", "bool", False, "background drawn"),
    SField("label", "str", False, "the figure's label"),
    SField("layout", "layout", False, "the layout engine a consumer re-runs (only when every axes is on a grid)"),
    SField("gridspecs", "list of gridspec", False, "with ``layout``: the grids the axes' ``cell`` refer to"),
    SField("suptitle", "supertext", False, "the figure's title (a layout engine makes room for it)"),
    SField("supxlabel", "supertext", False, "the figure's x label"),
    SField("supylabel", "supertext", False, "the figure's y label"),
    SField("axes", "list of axes", False, "every axes, in drawing order"),
    SField("artists", "nodes", False, "figure-level artists (texts, legends, subfigure backgrounds), in figure space"),
)

#: The subplot parameters, in the order a layout's ``subplotpars`` lists them.
SUBPLOTPARS = ("left", "bottom", "right", "top", "wspace", "hspace")
#: How far (figure fraction) a consumer's one-off tight layout may move an axes' corner
#: from where the producer drew it and still be kept: text metrics differ by a few pixels
#: between matplotlib and FreeType versions; a producer's own later adjustment moves more.
TIGHT_TOLERANCE = 0.05

LAYOUT_FIELDS = (
    SField("engine", "enum", True, "which engine", choices=("constrained", "tight")),
    SField("w_pad", "num", False, "constrained: inches", range=(0.0, 100.0)),
    SField("h_pad", "num", False, "constrained: inches", range=(0.0, 100.0)),
    SField("wspace", "num", False, "constrained: fraction", range=(0.0, 10.0)),
    SField("hspace", "num", False, "constrained: fraction", range=(0.0, 10.0)),
    SField("compress", "bool", False, "constrained: compressed (``layout='compressed'``: aspect-locked grids)"),
    SField("pad", "num", False, "tight: font sizes", range=(0.0, 100.0)),
    SField("once", "bool", False, "tight: laid out once, when the figure is built (``Figure.tight_layout()``)"),
    SField(
        "subplotpars",
        "num[6]",
        False,
        "once: left, bottom, right, top, wspace, hspace as the producer had them",
        range=(-10.0, 10.0),
    ),
    SField(
        "metrics",
        "str",
        False,
        "once: the producer's matplotlib and FreeType versions; a consumer with the same keeps ``subplotpars``",
    ),
    SField("rect", "num[4]", False, "the area laid out, figure fraction", range=(-10.0, 10.0)),
)

GRIDSPEC_FIELDS = (
    SField("nrows", "int", True, "rows", range=(1, 64)),
    SField("ncols", "int", True, "columns", range=(1, 64)),
    SField("width_ratios", "nums", False, "relative column widths", range=(1e-6, 1e6)),
    SField("height_ratios", "nums", False, "relative row heights", range=(1e-6, 1e6)),
    SField("wspace", "num", False, "fraction", range=(0.0, 10.0)),
    SField("hspace", "num", False, "fraction", range=(0.0, 10.0)),
)

CELL_FIELDS = (
    SField("gridspec", "int", True, "index into the figure's ``gridspecs``", range=(0, 10_000)),
    SField("rows", "num[2]", True, "first row, one past the last", range=(0, 64)),
    SField("cols", "num[2]", True, "first column, one past the last", range=(0, 64)),
)

TWIN_FIELDS = (
    SField("of", "int", True, "index of the earlier axes this one is a twin of", range=(0, 1 << 20)),
    SField("shared", "enum", True, "the shared axis: ``x`` (``twinx``) or ``y`` (``twiny``)", choices=("x", "y")),
)

INSET_FIELDS = (
    SField("parent", "int", True, "index of the earlier axes it is inset in", range=(0, 1 << 20)),
    SField(
        "bounds", "num[4]", True, "left, bottom, width, height in the parent's axes fraction", range=(-100.0, 100.0)
    ),
)

COLORBAR_FIELDS = (
    SField("orientation", "enum", True, "which way the colours run", choices=("vertical", "horizontal")),
    SField("ticklocation", "enum", False, "the side of the ticks", choices=("left", "right", "top", "bottom")),
    SField("lut", "rgba", True, "the colormap's colours, low to high (at most ``max_lut``)"),
    SField("over", "color", False, "colour above the range"),
    SField("under", "color", False, "colour below the range"),
    SField("bad", "color", False, "colour of masked values"),
    SField("norm", "norm", True, "values to colormap"),
    SField("extend", "enum", False, "triangles for out-of-range colours", choices=("neither", "both", "min", "max")),
    SField("extendfrac", "nums", False, "their lengths, fractions of the interior (one or two)", range=(0.0, 10.0)),
    SField("extendrect", "bool", False, "rectangles instead of triangles"),
    SField("drawedges", "bool", False, "lines between the colours"),
    SField("spacing", "enum", False, "colour bands equal or proportional", choices=("uniform", "proportional")),
    SField("boundaries", "vec", False, "band edges (contour levels), increasing", range=_DATA),
    SField("values", "vec", False, "each band's value, one fewer than ``boundaries``", range=_DATA),
    SField("alpha", "num", False, "opacity", range=(0.0, 1.0)),
    SField(
        "placement", "cbplacement", False, "with a figure ``layout``: made beside its parents, the layout places it"
    ),
)

CBPLACEMENT_FIELDS = (
    SField("parents", "nums", True, "indices of the earlier axes it was made beside", range=_INDEX),
    SField("location", "enum", True, "which side of them", choices=("left", "right", "top", "bottom")),
    SField("fraction", "num", False, "share of the parents' size it takes", range=(0.0, 1.0)),
    SField("shrink", "num", False, "its length, a fraction of the parents'", range=(0.0, 1.0)),
    SField("aspect", "num", False, "length / width", range=(1e-3, 1e3)),
    SField("pad", "num", False, "gap to the parents, fraction of their size", range=(-1.0, 1.0)),
    SField("anchor", "num[2]", False, "where it sits in its slot (fractions)", range=(0.0, 1.0)),
    SField(
        "panchor", "num[2]", False, "where the parents sit in theirs; absent: they keep their anchor", range=(0.0, 1.0)
    ),
)

SKIP_FIELDS = (
    SField("node", "str", True, "where: a path such as ``axes[1].artists[4]``"),
    SField("reason", "str", True, "what was left out or approximated, and why"),
)

SCENE_FIELDS = (
    SField("scene", "str", True, 'scene format version "major.minor"'),
    SField("figure", "figure", True, "the figure"),
    SField("skipped", "list of skip", False, "what the producer could not describe exactly"),
)

#: Struct (map) types, by wire-type name.
#: A figure title whose ``xy`` holds one coordinate the user chose and one the producer's layout
#: engine chose (y of a suptitle or supxlabel, x of a supylabel): the consumer's layout chooses that one.
AUTOPOS = SField(
    "autopos", "bool", False, "the layout places this title's y (a supylabel's x); ``xy`` holds the other (scene 1.2)"
)

STRUCTS: Dict[str, Tuple[SField, ...]] = {
    "scene": SCENE_FIELDS,
    "figure": FIGURE_FIELDS,
    "layout": LAYOUT_FIELDS,
    "gridspec": GRIDSPEC_FIELDS,
    "cell": CELL_FIELDS,
    "twin": TWIN_FIELDS,
    "inset": INSET_FIELDS,
    "colorbar": COLORBAR_FIELDS,
    "cbplacement": CBPLACEMENT_FIELDS,
    "axes": AXES_FIELDS,
    "axis": AXIS_FIELDS,
    "ticks": TICKS_FIELDS,
    "tickstyle": TICKSTYLE_FIELDS,
    "function": FUNCTION_FIELDS,
    "polar": POLAR_FIELDS,
    "secondary": SECONDARY_FIELDS,
    "spine": SPINE_FIELDS,
    "title": TITLE_FIELDS,
    "text": TEXT_FIELDS[:1] + TEXT_FIELDS[3:],  # labels: no anchor of their own
    "supertext": TEXT_FIELDS[:2] + TEXT_FIELDS[3:] + (AUTOPOS,),  # figure titles: anchored in figure fraction
    "bbox": BBOX_FIELDS,
    "path": PATH_FIELDS,
    "norm": NORM_FIELDS,
    "dashpattern": DASHPATTERN_FIELDS,
    "patheffect": PATHEFFECT_FIELDS,
    "skip": SKIP_FIELDS,
    **STRUCTS_3D,
}

#: Artist node types (the ``type`` field of a ``nodes`` entry), each with its own fields
#: after ``ARTIST_FIELDS``.
NODE_TYPES: Dict[str, Tuple[SField, ...]] = {
    "line": LINE_FIELDS,
    "collection": COLLECTION_FIELDS,
    "mesh": MESH_FIELDS,
    "image": IMAGE_FIELDS,
    "patch": PATCH_FIELDS,
    "text": TEXT_FIELDS,
    "legend": LEGEND_FIELDS,
    "figure_legend": FIGURE_LEGEND_FIELDS,
    **NODE_TYPES_3D,
}


#: The default ``SceneLimits.min_likeness``, chosen on matplotlib's gallery (README, docs/):
#: below it a rebuild has lost or misplaced something a reader would see.
MIN_LIKENESS = 0.8


@dataclass(frozen=True)
class SceneLimits:
    """Bounds a consumer enforces on every scene before building anything (§16.5)."""

    max_nodes: int = 200_000  # artist nodes in the whole figure
    max_axes: int = 1024
    max_text: int = 10_000  # characters per string
    max_text_nodes: int = 10_000  # text artists: each costs a layout per draw (10,000: about 2 s)
    max_strings: int = 100_000  # strings in lists (tick labels, families)
    max_array_items: int = 1 << 27  # elements of one array
    max_array_bytes: int = 1 << 30  # all arrays together
    max_image_pixels: int = 1 << 26  # as for fallback images (§13.4)
    max_lut: int = 4096  # colours of a colormap table, and colour bands (boundaries) of a norm or colorbar
    max_dashes: int = 16
    min_dash_cycle: float = 0.5  # points: finer dashes would cost unbounded drawing time
    max_hatch: int = 16
    max_figure_pixels: int = 1 << 26
    max_depth: int = 16
    max_ticks: int = 1000  # per tick set, and per view for a "multiple" locator (matplotlib's MAXTICKS)
    max_curved_vertices: int = 1 << 22  # a path's vertices times its interpolation steps
    max_paths: int = 1 << 18  # paths of one node (polygons, polylines): each is an object built (2**18: about 3 s)
    max_glyph_pixels: int = 1 << 31  # text rasterised per draw, in pixels (2**31: about 1 s)
    #: A rebuilt figure shown in a window whose first draw scores below this against the
    #: producer's PNG (SSIM, ``scene._likeness``) is shown as that image instead; 0: never compared.
    min_likeness: float = MIN_LIKENESS

    def __post_init__(self) -> None:
        for name, value in vars(self).items():
            if name == "min_likeness":
                if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
                    raise ValueError(f"SceneLimits.min_likeness must be in [0, 1], not {value!r}")
            elif isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
                raise ValueError(f"SceneLimits.{name} must be positive, not {value!r}")


DEFAULT_SCENE_LIMITS = SceneLimits()

#: Array element types a scene may use (numpy ``dtype.str`` without byte order): every
#: array is plain numbers; byte order is carried in the dtype string (``<f8``, ``>i4``).
ARRAY_DTYPES = frozenset({"f8", "f4", "f2", "i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8", "b1"})

#: An array reference's keys (§16.3): ``{"@array": dtype, "shape": [...], "frame": k}``
#: or, for small arrays, ``"data": bin`` instead of ``"frame"``.
ARRAY_TAG = "@array"

#: Arrays at least this large travel as their own frames of the scene part.
SCENE_OOB_THRESHOLD = 16 * 1024
