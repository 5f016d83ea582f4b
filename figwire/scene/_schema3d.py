"""The scene's 3D tables (spec §16.4, scene 1.3): an axes' view and panes, and the 3D
artist nodes (lines, polygons, segments, points, texts) in data coordinates.

mplot3d projects every artist on each draw from its 3D data, so a scene carries that
data, not a projection: the consumer's axes project it again, and it turns, pans and
zooms as the producer's did. Part of the scene's one source of truth with ``_schema``
(which registers these) and ``_vocab``. Nothing here imports matplotlib.
"""

from __future__ import annotations

from ._schema_artists import COLLECTION_FIELDS, LINE_FIELDS, PATCH_FIELDS, TEXT_FIELDS
from ._vocab import _DATA, LINESTYLES, SField

__all__ = ["NODE_TYPES_3D", "STRUCTS_3D", "VIEW3D_FIELDS"]

_ANGLE = (-1e4, 1e4)  # degrees

PANE_FIELDS = (
    SField("facecolor", "color", False, "the pane's fill"),
    SField("edgecolor", "color", False, "the pane's edge"),
    SField("visible", "bool", False, "the pane is drawn"),
    SField("line_color", "color", False, "the axis line's colour"),
    SField("line_width", "num", False, "the axis line's width, points", range=(0.0, 1000.0)),
    SField("grid_color", "color", False, "grid colour"),
    SField("grid_linewidth", "num", False, "grid width, points", range=(0.0, 1000.0)),
    SField("grid_linestyle", "enum", False, "grid style", choices=LINESTYLES),
)

VIEW3D_FIELDS = (
    SField("elev", "num", True, "camera elevation, degrees", range=_ANGLE),
    SField("azim", "num", True, "camera azimuth, degrees", range=_ANGLE),
    SField("roll", "num", False, "camera roll, degrees (matplotlib 3.6+)", range=_ANGLE),
    SField("vertical_axis", "enum", False, "the axis drawn upright (default z)", choices=("x", "y", "z")),
    SField("proj_type", "enum", False, "perspective (default) or orthographic", choices=("persp", "ortho")),
    SField("focal_length", "num", False, "persp: the lens (1 is matplotlib's default)", range=(1e-3, 1e3)),
    SField("box_aspect", "num[3]", False, "the box's x, y, z lengths, relative", range=(1e-6, 1e6)),
    SField("zoom", "num", False, "the box's size, 1 for matplotlib's default", range=(1e-3, 1e3)),
    SField(
        "autoscale",
        "num[3]",
        False,
        "1 for each of x, y, z whose limits matplotlib chose from the data (``datalim``); 0 where they were set",
        range=(0.0, 1.0),
    ),
    SField(
        "datalim",
        "num[6]",
        False,
        "with ``autoscale``: the data's x, y, z intervals; the consumer's own margins make those limits",
        range=_DATA,
    ),
    SField(
        "margins",
        "num[3]",
        False,
        "with ``autoscale``: the x, y, z margins autoscaling adds, fractions of the data's span (scatter raises z's)",
        range=(-0.49, 100.0),
    ),
    SField("computed_zorder", "bool", False, "artists drawn in order of their depth (default true)"),
    SField("grid", "bool", False, "the grid is drawn (default true)"),
    SField("panes", "list of pane", False, "the x, y and z axis' pane, line and grid, in that order"),
)

#: A 3D path: vertices in data coordinates, as ``path`` (§16.3) but (n, 3).
PATH3D_FIELDS = (
    SField("vertices", "xyz", True, "vertices in data coordinates; NaN breaks a line"),
    SField("codes", "codes", False, "path codes, one per vertex; absent: polylines (polygons, closed)"),
    SField("lengths", "ints", False, "vertices per path, summing to the vertex count"),
)

_CLIP3D = SField("axlim_clip", "bool", False, "hidden outside the view limits in data space (matplotlib 3.10+)")

LINE3D_FIELDS = (
    SField("xyz", "xyz", True, "the points, data coordinates"),
    *(f for f in LINE_FIELDS if f.name not in ("xy", "space")),
    _CLIP3D,
)

#: A 3D collection's colours and strokes, as a 2D collection's (a surface's shading is in its face colours).
_FILL3D = tuple(
    f
    for f in COLLECTION_FIELDS
    if f.name in ("facecolors", "edgecolors", "linewidths", "linestyles", "capstyle", "joinstyle", "antialiased")
)

POLYS3D_FIELDS = (
    SField("polygons", "path3d", True, "every polygon (a path with codes may hold holes), with ``lengths``"),
    *_FILL3D,
    SField("hatch", "str", False, "hatch pattern"),
    SField("zsort", "enum", False, "which depth of a polygon orders it", choices=("average", "min", "max")),
    SField("sort_zpos", "num", False, "the depth the whole collection sorts at among the axes' artists", range=_DATA),
    _CLIP3D,
)

LINES3D_FIELDS = (
    SField("segments", "path3d", True, "every polyline, with ``lengths``"),
    *(f for f in _FILL3D if f.name != "facecolors"),
    _CLIP3D,
)

POINTS3D_FIELDS = (
    SField("xyz", "xyz", True, "each point, data coordinates"),
    *(
        f
        for f in COLLECTION_FIELDS
        if f.name in ("paths", "sizes", "facecolors", "edgecolors", "linewidths", "linestyles")
    ),
    SField("edges_as_faces", "bool", False, "edges take the faces' colours, depth shading included"),
    SField("depthshade", "bool", False, "points fade with depth (default true)"),
    _CLIP3D,
)

TEXT3D_FIELDS = (
    TEXT_FIELDS[0],
    SField("xyz", "num[3]", True, "anchor, data coordinates", range=_DATA),
    SField(
        "zdir", "num[3]", False, "the direction it runs along, data coordinates; absent or 0: the screen's", range=_DATA
    ),
    *TEXT_FIELDS[3:],
    _CLIP3D,
)

PATCH3D_FIELDS = (
    SField("path", "path3d", True, "the outline, data coordinates (codes: a curved path; absent: a polygon)"),
    *(f for f in PATCH_FIELDS if f.name not in ("path", "space")),
    _CLIP3D,
)

STRUCTS_3D = {"view3d": VIEW3D_FIELDS, "pane": PANE_FIELDS, "path3d": PATH3D_FIELDS}

NODE_TYPES_3D = {
    "line3d": LINE3D_FIELDS,
    "polys3d": POLYS3D_FIELDS,
    "lines3d": LINES3D_FIELDS,
    "points3d": POINTS3D_FIELDS,
    "patch3d": PATCH3D_FIELDS,
    "text3d": TEXT3D_FIELDS,
}
