"""The scene's cross-field rules (§16.4, §16.5): what one field's table cannot say about
another (a legend's entries, a colorbar's parents and bands, path codes, norm limits), and
what a combination of values costs to draw (ticks over a view, rasterised glyphs and
legend markers). ``_check`` applies them after every field passed its own table.
"""

from __future__ import annotations

from typing import Any, Dict, List

import numpy as np

from .._errors import DecodeError, LimitExceededError
from .._spec import ErrorCode
from ._schema import NODE_TYPES_3D, SceneLimits
from ._vocab import _POSITIVE_SIZE

__all__ = [
    "CLOSEPOLY", "LEGEND_ENTRY_TEXTS", "LEGEND_ENTRY_TYPES", "LINETO", "MOVETO", "PATH_CODES", "bad", "check_3d", "check_cell", "check_colorbar", "check_figure_legends", "check_ids",
    "check_multiple", "glyph_pixels", "marker_points", "nested_rules", "MAX_MARKER_POINTS",
]  # fmt: skip

#: matplotlib's path codes (``Path.STOP`` ... ``Path.CLOSEPOLY``), which the wire carries as they are.
STOP, MOVETO, LINETO, CURVE3, CURVE4, CLOSEPOLY = 0, 1, 2, 3, 4, 79
PATH_CODES = (STOP, MOVETO, LINETO, CURVE3, CURVE4, CLOSEPOLY)


def bad(where: str, what: str) -> DecodeError:
    return DecodeError(ErrorCode.MALFORMED, f"scene: {where} {what}")


def check_multiple(axes: Dict[str, Any], name: str, limits: SceneLimits, where: str) -> None:
    """A ``multiple`` locator's spacing makes at most ``max_ticks`` ticks over the recorded
    view (a spacing of 1e-12 would ask for trillions on the first zoom)."""
    base = axes.get(name, {}).get("locator_base")
    if base is None:
        return
    view = axes.get({"xaxis": "xlim", "yaxis": "ylim", "zaxis": "zlim"}[name])
    if view is None:
        raise bad(where, "has a multiple locator but no view limits")
    lo, hi = view
    ticks = abs(hi - lo) / base
    if ticks > limits.max_ticks:
        raise LimitExceededError(f"{where} ticks of its multiple locator", int(min(ticks, 1e18)), limits.max_ticks)


def check_3d(axes: Dict[str, Any], where: str) -> None:
    """3D nodes belong to 3D axes, which are placed by hand or in a grid cell: never a
    colorbar, a secondary axis, a twin or an inset (mplot3d has none of those)."""
    if axes.get("projection") == "3d":
        for name in ("colorbar", "secondary", "twin", "inset", "polar"):
            if name in axes:
                raise bad(f"{where}.{name}", "is not a field a 3D axes may have")
        return
    for k, node in enumerate(axes.get("artists", [])):
        if node["type"] in NODE_TYPES_3D:
            raise bad(f"{where}.artists[{k}]", "is a 3D node in an axes that is not 3D")


def check_cell(cell: Dict[str, Any], grids: List[Dict[str, Any]], where: str) -> None:
    """A cell names a grid of the figure and whole rows and columns inside it."""
    if cell["gridspec"] >= len(grids):
        raise bad(where, "names a gridspec the figure does not have")
    grid = grids[cell["gridspec"]]
    for (start, stop), size in ((cell["rows"], grid["nrows"]), (cell["cols"], grid["ncols"])):
        if start != int(start) or stop != int(stop) or not 0 <= start < stop <= size:
            raise bad(where, "must span whole rows and columns inside its grid")
    for name, size in (("width_ratios", grid["ncols"]), ("height_ratios", grid["nrows"])):
        if name in grid and len(grid[name]) != size:
            raise bad(where, f"has a grid whose {name} are not one per column or row")


def check_colorbar(colorbar: Dict[str, Any], axes: List[Dict[str, Any]], index: int, limits: SceneLimits) -> None:
    """What ``Colorbar`` needs of the values it is made from: parents that exist (axes in
    grid cells, for the layout to place it beside), band edges that increase, one value
    per band; and what it costs: a tick per band edge, ticks of a ``multiple`` locator over
    its norm's range (a colorbar's view is its norm's, not its recorded limits)."""
    where = f"figure.axes[{index}].colorbar"
    if "placement" in colorbar:
        parents = colorbar["placement"]["parents"]
        if (
            not parents
            or any(p != int(p) or not 0 <= p < index for p in parents)
            or len(set(parents)) != len(parents)
            or any("cell" not in axes[int(p)] and "twin" not in axes[int(p)] for p in parents)
        ):
            raise bad(f"{where}.placement.parents", "must name earlier axes in grid cells, each once")
    bands = [colorbar.get(name) for name in ("boundaries", "values")] + [colorbar["norm"].get("boundaries")]
    for edges in bands:
        if edges is not None and len(edges) > limits.max_ticks + 1:
            raise LimitExceededError(f"{where} colour bands (a tick each)", len(edges), limits.max_ticks + 1)
    boundaries, values = colorbar.get("boundaries"), colorbar.get("values")
    for name, edges in (("boundaries", boundaries), ("values", values if boundaries is None else None)):
        if edges is not None and (len(edges) < 2 or not (np.diff(edges) > 0).all()):
            raise bad(f"{where}.{name}", "must hold two or more increasing numbers")
    if boundaries is not None and values is not None and len(values) != len(boundaries) - 1:
        raise bad(f"{where}.values", "must hold one fewer number than boundaries")
    if not 1 <= len(colorbar.get("extendfrac", [0.0])) <= 2:
        raise bad(f"{where}.extendfrac", "must hold one or two numbers")
    spans = [colorbar["norm"].get(k) for k in ("vmin", "vmax")] + [
        v for e in bands if e is not None and len(e) for v in e[[0, -1]]
    ]
    spans = [float(v) for v in spans if v is not None]
    if spans:
        long_axis = "yaxis" if colorbar["orientation"] == "vertical" else "xaxis"
        view = dict(axes[index], **{"ylim" if long_axis == "yaxis" else "xlim": [min(spans), max(spans)]})
        check_multiple(view, long_axis, limits, where)


def check_ids(nodes: List[Dict[str, Any]], where: str, dpi: float) -> float:
    """Artist ``id``s are unique in their axes; an axes has at most one legend, which
    lists earlier lines, patches and collections by them, one label each, with markers no
    larger than any marker may be. Returns the pixels its legend markers rasterise."""
    ids: Dict[int, Dict[str, Any]] = {}
    legends = [k for k, node in enumerate(nodes) if node["type"] == "legend"]
    if len(legends) > 1:
        raise bad(f"{where}[{legends[1]}]", "is a second legend in one axes")
    pixels = 0.0
    for k, node in enumerate(nodes):
        if "id" in node:
            if node["id"] in ids:
                raise bad(f"{where}[{k}].id", "is not unique in its axes")
            ids[node["id"]] = node
        if node["type"] == "legend":
            if len(node["labels"]) != len(node["entries"]):
                raise bad(f"{where}[{k}]", "is a legend without one label per entry")
            entries = [ids.get(e) for e in node["entries"]]
            if any(e is None or e["type"] not in LEGEND_ENTRY_TYPES for e in entries):
                raise bad(f"{where}[{k}].entries", "must name earlier lines, patches, collections or 3D lines or points of its axes")
            pixels += _legend_markers(node, entries, dpi, f"{where}[{k}]")
    return pixels


def check_figure_legends(figure: Dict[str, Any]) -> float:
    """A ``figure_legend`` lists, one label each, lines, patches and collections of the
    figure's axes by their axes and ``id``, with markers no larger than any marker may be.
    Returns the pixels its markers rasterise."""
    axes = figure.get("axes", [])
    pixels = 0.0
    for k, node in enumerate(figure.get("artists", [])):
        if node["type"] != "figure_legend":
            continue
        where = f"figure.artists[{k}]"
        if not len(node["labels"]) == len(node["entries"]) == len(node["entry_axes"]):
            raise bad(where, "is a legend without one label and one axes per entry")
        ids = [{n["id"]: n for n in axes[int(a)].get("artists", []) if "id" in n} if 0 <= a < len(axes) else {}
               for a in node["entry_axes"]]  # fmt: skip
        entries = [found.get(e) for found, e in zip(ids, node["entries"])]
        if any(e is None or e["type"] not in LEGEND_ENTRY_TYPES for e in entries):
            raise bad(f"{where}.entries", "must name lines, patches, collections or 3D lines or points of the axes")
        pixels += _legend_markers(node, entries, figure["dpi"], where)
    return pixels


def _legend_markers(node: Dict[str, Any], entries: List[Any], dpi: float, where: str) -> float:
    """The pixels a legend's entry markers rasterise; none may be over the largest marker."""
    pixels = 0.0
    scale = node.get("markerscale", 1.0)
    for entry in entries:
        size = scale * marker_points(entry)
        if size > MAX_MARKER_POINTS:
            raise bad(f"{where}.markerscale", f"makes a legend marker over {MAX_MARKER_POINTS:g} points")
        count = node.get("scatterpoints" if entry["type"] in ("collection", "points3d") else "numpoints", 1)
        pixels += count * (size * dpi / 72.0) ** 2
    return pixels


#: The largest marker a scene may draw, in points (the tables' bound on a marker size).
MAX_MARKER_POINTS = _POSITIVE_SIZE[1]
#: Node types a legend may list: what gets the same legend handler on any consumer.
LEGEND_ENTRY_TYPES = ("line", "patch", "collection", "line3d", "points3d")
#: Texts a legend entry counts as (its label, its handle and their packing cost about 3.5).
LEGEND_ENTRY_TEXTS = 4


def marker_points(node: Dict[str, Any]) -> float:
    """The marker size, in points, a legend entry draws its handle with (a scatter's
    sizes are areas; matplotlib's default marker size is 6)."""
    if node["type"] in ("line", "line3d"):
        return float(node.get("markersize", 6.0))
    sizes = node.get("sizes")
    return float(np.sqrt(np.max(sizes))) if isinstance(sizes, np.ndarray) and sizes.size else 6.0


def check_path(path: Dict[str, Any], where: str, limits: SceneLimits) -> None:
    """Codes as long as vertices, lengths summing, and the vertices a curved (polar) axes
    makes of a path bounded before it makes them."""
    n = len(path["vertices"])
    curved = n * path.get("interpolation_steps", 1)
    if curved > limits.max_curved_vertices:
        raise LimitExceededError(f"{where} interpolated vertices", curved, limits.max_curved_vertices)
    if "codes" in path and len(path["codes"]) != n:
        raise bad(where, "has a code count different from its vertex count")
    if "codes" in path and n and path["codes"][0] != MOVETO:
        raise bad(where, "has codes that do not start with MOVETO")  # matplotlib's Path refuses them
    if "lengths" in path:
        lengths = path["lengths"]
        if len(lengths) > limits.max_paths:
            raise LimitExceededError(f"{where} paths", len(lengths), limits.max_paths)
        if lengths.size and lengths.min() < 0 or int(lengths.sum()) != n:
            raise bad(where, "lengths must be non-negative and sum to the vertex count")


def check_norm(norm: Dict[str, Any], where: str) -> None:
    """The orders matplotlib's norms need, which it checks only when they first map data
    (that is, in the first draw)."""
    vmin, vmax = norm.get("vmin"), norm.get("vmax")
    if vmin is not None and vmax is not None and vmin > vmax:
        raise bad(where, "has vmin above vmax")
    if norm["kind"] == "log" and any(v is not None and v <= 0 for v in (vmin, vmax)):
        raise bad(where, "is a log norm with a limit at or below 0")
    centre = norm.get("vcenter")
    if norm["kind"] == "twoslope" and centre is not None:
        if (vmin is not None and not vmin < centre) or (vmax is not None and not centre < vmax):
            raise bad(where, "has vcenter not strictly between vmin and vmax")
    if norm["kind"] == "boundary":
        edges = norm.get("boundaries")
        if edges is None or len(edges) < 2 or not (np.diff(edges) > 0).all():
            raise bad(where, "is a boundary norm without two or more increasing boundaries")


def nested_rules(doc: Dict[str, Any], limits: SceneLimits) -> None:
    """Cross-field rules the tables cannot say, for structures that appear anywhere: paths
    (any map with ``vertices``), norms and colormap tables."""

    def walk(value: Any, where: str) -> None:
        if isinstance(value, dict):
            if "vertices" in value:
                check_path(value, where, limits)
            if isinstance(value.get("norm"), dict):
                check_norm(value["norm"], f"{where}.norm")
            for name in ("boundaries", "values"):  # colour bands: each is a quad of a colorbar, a bin of a norm
                bands = value.get(name)
                if isinstance(bands, np.ndarray) and len(bands) > limits.max_lut + 1:
                    raise LimitExceededError(f"{where}.{name}", len(bands), limits.max_lut + 1)
            if isinstance(value.get("lut"), np.ndarray):
                rows = len(value["lut"])
                if rows > limits.max_lut:
                    raise LimitExceededError(f"{where}.lut colours", rows, limits.max_lut)
                if rows == 0:
                    raise bad(f"{where}.lut", "must hold at least one colour")
            for k, v in value.items():
                walk(v, f"{where}.{k}")
        elif isinstance(value, list):
            for i, v in enumerate(value):
                walk(v, f"{where}[{i}]")

    walk(doc, "scene")


#: Points of a string with no size of its own: the largest default (``xx-large`` of 10 pt) and then some.
UNSIZED_POINTS = 20.0


def glyph_pixels(doc: Dict[str, Any]) -> float:
    """The pixels FreeType rasterises to draw every string of a checked scene once:
    characters times the em square at the figure's dpi. Each string is rasterised whole,
    on the canvas or not (100 characters at 1000 pt and 2000 dpi: 45 s per draw), so its
    cost is bounded here rather than by the figure's size. Tick labels count twice (both
    sides may be labelled)."""
    dpi = doc["figure"]["dpi"]

    def cost(chars: int, points: float) -> float:
        return chars * (points * dpi / 72.0) ** 2

    total = 0.0

    def walk(value: Any) -> None:
        nonlocal total
        if isinstance(value, dict):
            if isinstance(value.get("text"), str):
                total += cost(len(value["text"]), value.get("fontsize", UNSIZED_POINTS))
            if isinstance(value.get("labels"), list):
                size = value.get("style", {}).get("labelsize", value.get("fontsize", UNSIZED_POINTS))
                total += cost(2 * sum(map(len, value["labels"])) + len(value.get("offset", "")), size)
            if isinstance(value.get("title"), str):  # a legend's
                total += cost(len(value["title"]), value.get("title_fontsize", UNSIZED_POINTS))
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    walk(doc)
    return total
