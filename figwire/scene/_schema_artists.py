"""The artist node tables of the scene (spec §16.4): lines, collections, meshes, images,
patches, texts, legends, and the maps they hold (paths, norms, strokes, boxes, effects).

Part of the scene's one source of truth with ``_schema`` (which registers them as node
types) and ``_vocab`` (their words and ranges). Nothing here imports matplotlib.
"""

from __future__ import annotations

from ._vocab import (
    _DATA,
    _FRACTION,
    _INDEX,
    _POSITIVE_SIZE,
    _Z,
    BOXSTYLES,
    CAPSTYLES,
    DRAWSTYLES,
    FILLSTYLES,
    FONTSTYLES,
    FONTVARIANTS,
    GLYPH_SPACES,
    HA,
    INTERPOLATIONS,
    JOINSTYLES,
    LINESTYLES,
    NORMS,
    SPACES,
    SPINE_SIDES,
    VA,
    SField,
)  # fmt: skip

#: Fields every artist node may have.
ARTIST_FIELDS = (
    SField("type", "str", True, "the node type; an unknown type is skipped if ``optional``, else the scene is refused"),
    SField("optional", "bool", False, "true: a consumer that does not know this type may leave it out"),
    SField("zorder", "num", False, "drawing order (matplotlib's zorder)", range=_Z),
    SField("label", "str", False, "the artist's label"),
    SField("id", "int", False, "a number unique in its axes, for a ``legend`` node to name it", range=_INDEX),
    SField("clip", "bool", False, "clipped to its axes (default true for axes artists)"),
    SField(
        "drawn_by",
        "enum",
        False,
        "drawn by its axes' ``colorbar`` or by a ``legend`` node: left out by a consumer that makes it",
        choices=("colorbar", "legend"),
    ),
    SField("path_effects", "list of patheffect", False, "drawn through these path effects, in order (at most 8)"),
)

PATH_EFFECTS = ("normal", "stroke", "simple_patch_shadow", "simple_line_shadow", "ticked_stroke")
PATHEFFECT_FIELDS = (
    SField("kind", "enum", True, "the effect", choices=PATH_EFFECTS),
    SField("with_normal", "bool", False, "the artist itself is drawn after the effect (``withStroke``...)"),
    SField("offset", "num[2]", False, "points", range=(-1000.0, 1000.0)),
    SField("linewidth", "num", False, "stroke: points", range=(0.0, 1000.0)),
    SField("foreground", "color", False, "stroke: colour"),
    SField("shadow_color", "color", False, "shadows: colour (absent: the artist's, darkened by ``rho``)"),
    SField("alpha", "num", False, "shadows: opacity", range=(0.0, 1.0)),
    SField("rho", "num", False, "shadows: how much the artist's colour is darkened", range=(0.0, 10.0)),
    SField("spacing", "num", False, "ticked stroke: points between ticks", range=(1.0, 1000.0)),
    SField("angle", "num", False, "ticked stroke: degrees", range=(-360.0, 360.0)),
    SField("length", "num", False, "ticked stroke: tick length, in line widths", range=(0.0, 100.0)),
)

_STROKE = (
    SField("linewidth", "num", False, "points", range=_POSITIVE_SIZE),
    SField("linestyle", "enum", False, "a named line style", choices=LINESTYLES),
    SField("dashes", "nums", False, "offset then on/off lengths in points, as drawn", range=(0.0, 1e4)),
    SField("capstyle", "enum", False, "line cap", choices=CAPSTYLES),
    SField("joinstyle", "enum", False, "line join", choices=JOINSTYLES),
    SField("antialiased", "bool", False, "antialiased drawing"),
)

PATH_FIELDS = (
    SField("vertices", "xy", True, "vertices, in the node's space"),
    SField("codes", "codes", False, "path codes (matplotlib ``Path`` codes), one per vertex; absent: a polyline"),
    SField("lengths", "ints", False, "collections: vertices per path, summing to the vertex count"),
    SField(
        "interpolation_steps", "int", False, "curve straight segments in non-affine spaces (polar)", range=(1, 1000)
    ),
)

LINE_FIELDS = (
    SField("xy", "xy", True, "the points, in ``space``"),
    SField("space", "enum", False, "coordinate space (default data)", choices=SPACES),
    SField("color", "color", False, "line colour, alpha applied"),
    *_STROKE,
    SField("drawstyle", "enum", False, "step style", choices=DRAWSTYLES),
    SField("marker", "marker", False, "marker code: a matplotlib marker name or mathtext ``$...$``"),
    SField("marker_path", "path", False, "a custom marker's path (unit-sized, as matplotlib normalises it)"),
    SField("markersize", "num", False, "points", range=_POSITIVE_SIZE),
    SField("markeredgewidth", "num", False, "points", range=_POSITIVE_SIZE),
    SField("markerfacecolor", "color", False, "marker face"),
    SField("markerfacecoloralt", "color", False, "marker alternate face (half-filled markers)"),
    SField("markeredgecolor", "color", False, "marker edge"),
    SField("fillstyle", "enum", False, "marker fill", choices=FILLSTYLES),
    SField("markevery", "ints", False, "indices of the points that get a marker"),
)

COLLECTION_FIELDS = (
    SField("paths", "path", True, "every path, concatenated, with ``lengths``"),
    SField(
        "space",
        "enum",
        False,
        "space of the paths (default data); ``points``: glyphs at ``offsets``",
        choices=GLYPH_SPACES,
    ),
    SField(
        "sizes",
        "vec",
        False,
        "with ``points``: marker areas in points², scaling the paths as a scatter does",
        range=(0.0, 1e6),
    ),
    SField("offsets", "xy", False, "anchor of each path, in ``offset_space``"),
    SField("offset_space", "enum", False, "space of the offsets (default data)", choices=SPACES),
    SField("facecolors", "rgba", False, "face colour per path (cycled); absent or empty: unfilled"),
    SField("edgecolors", "rgba", False, "edge colour per path (cycled); absent or empty: no edge"),
    SField("linewidths", "vec", False, "points, per path (cycled)", range=_POSITIVE_SIZE),
    SField("linestyles", "list of dashpattern", False, "dash pattern per path (cycled)"),
    SField("hatch", "str", False, "hatch pattern"),
    SField("capstyle", "enum", False, "line cap", choices=CAPSTYLES),
    SField("joinstyle", "enum", False, "line join", choices=JOINSTYLES),
    SField("antialiased", "bool", False, "antialiased drawing"),
)

DASHPATTERN_FIELDS = (
    SField("dashes", "nums", False, "offset then on/off lengths in points; absent: solid", range=(0.0, 1e4)),
)

MESH_FIELDS = (
    SField("coordinates", "mesh", True, "quad corners in data space, (rows + 1, columns + 1, 2)"),
    SField("facecolors", "rgba", True, "one colour per quad (flat) or per corner (gouraud)"),
    SField("edgecolors", "rgba", False, "edge colours (cycled); absent: no edges"),
    SField("linewidths", "vec", False, "points", range=_POSITIVE_SIZE),
    SField("shading", "enum", False, "flat or gouraud", choices=("flat", "gouraud")),
    SField("antialiased", "bool", False, "antialiased drawing"),
)

NORM_FIELDS = (
    SField("kind", "enum", True, "normalisation", choices=NORMS),
    SField("vmin", "num", False, "lower limit", range=_DATA),
    SField("vmax", "num", False, "upper limit (at least ``vmin``)", range=_DATA),
    SField("clip", "bool", False, "clip out-of-range values"),
    SField("base", "num", False, "symlog: base", range=(1.000001, 1e6)),
    SField("linthresh", "num", False, "symlog: linear threshold", range=(1e-300, 1e300)),
    SField("linscale", "num", False, "symlog: linear scale", range=(1e-300, 1e300)),
    SField("gamma", "num", False, "power: exponent", range=(1e-6, 1e6)),
    SField("vcenter", "num", False, "twoslope: centre (strictly between ``vmin`` and ``vmax``)", range=_DATA),
    SField("boundaries", "vec", False, "boundary: increasing bin edges", range=_DATA),
    SField("ncolors", "int", False, "boundary: colours of the colormap used", range=(1, 1 << 16)),
    SField("extend", "enum", False, "boundary: extension", choices=("neither", "both", "min", "max")),
)

_LEGEND_SPACING = (-100.0, 100.0)  # font sizes
LEGEND_FIELDS = (
    SField(
        "entries",
        "nums",
        True,
        "the ``id`` of each earlier line, patch or collection of its axes it lists",
        range=_INDEX,
    ),
    SField("labels", "list of str", True, "their labels, one per entry"),
    SField("loc", "int", False, "matplotlib's location code (0: best, 1: upper right ... 10: center)", range=(0, 10)),
    SField("anchor", "num[4]", False, "the box it is anchored to, axes fraction (w, h 0: a point)", range=_FRACTION),
    SField("ncols", "int", False, "columns", range=(1, 64)),
    SField("mode", "enum", False, "expanded to fill its anchor box", choices=("expand",)),
    SField("fontsize", "num", False, "label size, points", range=(0.01, 1000.0)),
    SField("title", "str", False, "the title"),
    SField("title_fontsize", "num", False, "points", range=(0.01, 1000.0)),
    SField("alignment", "enum", False, "title and entries within the box", choices=HA),
    SField("labelcolors", "rgba", False, "one colour per label"),
    SField("frameon", "bool", False, "a frame drawn"),
    SField("fancybox", "bool", False, "rounded frame"),
    SField("shadow", "bool", False, "a shadow under the frame"),
    SField("framealpha", "num", False, "frame opacity", range=(0.0, 1.0)),
    SField("facecolor", "color", False, "frame fill"),
    SField("edgecolor", "color", False, "frame edge"),
    SField("markerscale", "num", False, "marker size relative to the artists'", range=(0.0, 20.0)),
    SField("numpoints", "int", False, "markers per line entry", range=(1, 100)),
    SField("scatterpoints", "int", False, "markers per scatter entry", range=(1, 100)),
    SField("handlelength", "num", False, "font sizes", range=(0.0, 100.0)),
    SField("handleheight", "num", False, "font sizes", range=(0.0, 100.0)),
    SField("handletextpad", "num", False, "font sizes", range=_LEGEND_SPACING),
    SField("borderpad", "num", False, "font sizes", range=_LEGEND_SPACING),
    SField("labelspacing", "num", False, "font sizes", range=_LEGEND_SPACING),
    SField("columnspacing", "num", False, "font sizes", range=_LEGEND_SPACING),
    SField("borderaxespad", "num", False, "font sizes", range=_LEGEND_SPACING),
    SField("draggable", "bool", False, "the user may drag it"),
)

#: A figure legend (scene 1.4): ``Figure.legend()`` over the labelled artists of the
#: figure's axes. Optional: a consumer that does not know it draws its leaves as drawn.
FIGURE_LEGEND_FIELDS = tuple(f for f in LEGEND_FIELDS if f.name not in ("entries", "anchor")) + (
    SField(
        "entries",
        "nums",
        True,
        "the ``id`` of each line, patch or collection it lists, in the axes ``entry_axes`` names",
        range=_INDEX,
    ),
    SField("entry_axes", "nums", True, "the index in ``figure.axes`` of each entry's axes", range=_INDEX),
    SField("anchor", "num[4]", False, "the box it is anchored to, figure fraction (w, h 0: a point)", range=_FRACTION),
    SField(
        "outside",
        "enum",
        False,
        "``loc='outside ...'``: the side of the axes it is kept out of (a constrained layout makes room)",
        choices=("upper", "lower", "left", "right"),
    ),
)

IMAGE_FIELDS = (
    SField("pixels", "pixels", True, "the image data: scalars to colour-map, or RGB(A)"),
    SField("mask", "mask", False, "scalar images: masked (bad) pixels"),
    SField("extent", "num[4]", True, "left, right, bottom, top in ``space``", range=_DATA),
    SField("space", "enum", False, "coordinate space (default data)", choices=("data", "axes")),
    SField("origin", "enum", False, "where row 0 goes", choices=("upper", "lower")),
    SField("interpolation", "enum", False, "resampling filter", choices=INTERPOLATIONS),
    SField("interpolation_stage", "enum", False, "resample data or colours", choices=("data", "rgba", "auto")),
    SField("resample", "bool", False, "resample with the full filter (``imshow`` sets it from ``image.resample``)"),
    SField("filterrad", "num", False, "filter radius of the radius-taking filters", range=(0.0, 100.0)),
    SField("lut", "rgba", False, "scalar images: the colormap's colours, low to high (at most ``max_lut``)"),
    SField("over", "color", False, "colour above the range"),
    SField("under", "color", False, "colour below the range"),
    SField("bad", "color", False, "colour of masked pixels"),
    SField("norm", "norm", False, "scalar images: data to colormap (default: linear over the data range)"),
    SField("alpha", "num", False, "opacity", range=(0.0, 1.0)),
)

PATCH_FIELDS = (
    SField("path", "path", True, "the outline, in ``space``"),
    SField("space", "enum", False, "coordinate space (default data)", choices=SPACES),
    SField("facecolor", "color", False, "fill colour, alpha applied; absent: unfilled"),
    SField("edgecolor", "color", False, "edge colour; absent: no edge"),
    *_STROKE,
    SField("hatch", "str", False, "hatch pattern"),
    SField("hatch_color", "color", False, "hatch colour"),
    SField(
        "spine",
        "enum",
        False,
        "the moved side spine of its axes this patch draws (scene 1.5): left out by a consumer that placed it",
        choices=SPINE_SIDES,
    ),
)

BBOX_FIELDS = (
    SField("boxstyle", "enum", True, "box style", choices=BOXSTYLES),
    SField("pad", "num", False, "padding, in font sizes", range=(0.0, 100.0)),
    SField("rounding_size", "num", False, "round styles: corner radius, in font sizes", range=(0.0, 100.0)),
    SField("tooth_size", "num", False, "tooth styles: tooth size, in font sizes", range=(0.0, 100.0)),
    SField("facecolor", "color", False, "fill"),
    SField("edgecolor", "color", False, "edge"),
    SField("linewidth", "num", False, "points", range=_POSITIVE_SIZE),
    SField("linestyle", "enum", False, "edge style", choices=LINESTYLES),
)

TEXT_FIELDS = (
    SField("text", "str", True, "the string; ``$...$`` is mathtext (TeX is never used)"),
    SField("xy", "num[2]", False, "anchor, in ``space`` (titles and axis labels have none)", range=_DATA),
    SField("space", "enum", False, "coordinate space (default data)", choices=SPACES),
    SField("color", "color", False, "text colour, alpha applied"),
    SField("fontsize", "num", False, "points", range=(0.01, 1000.0)),
    SField("family", "names", False, "font family names, best first (never a font file)"),
    SField("style", "enum", False, "font style", choices=FONTSTYLES),
    SField("variant", "enum", False, "font variant", choices=FONTVARIANTS),
    SField("weight", "int", False, "font weight", range=(100, 1000)),
    SField("stretch", "int", False, "font stretch", range=(100, 900)),
    SField("math_fontfamily", "name", False, "mathtext font set"),
    SField("ha", "enum", False, "horizontal alignment", choices=HA),
    SField("va", "enum", False, "vertical alignment", choices=VA),
    SField("multialignment", "enum", False, "alignment of lines", choices=HA),
    SField("rotation", "num", False, "degrees", range=(-1e4, 1e4)),
    SField("rotation_mode", "enum", False, "rotate then align, or align then rotate", choices=("default", "anchor")),
    SField("linespacing", "num", False, "line spacing, in font sizes", range=(0.0, 100.0)),
    SField("wrap", "bool", False, "wrap at the figure edge"),
    SField("bbox", "bbox", False, "a box drawn behind the text"),
)
