"""A drawn figure -> a scene document (the producer side of §16): plain data, no code.

The figure is described as it was last drawn (layout, aspect, colour mapping, legends
and contour labels resolved), so the caller draws it first; ``pack`` shares the PNG
fallback's draw when that was made at the figure's own dpi. Axes are frozen at their
drawn positions (the consumer does not re-run layout), artists are written in their
own coordinate space or baked (``_artists``), ticks as a snapshot of the recorded view
with the kind of locator and formatter that takes over after a pan or zoom.

A figure the scene has no form for (a third-party projection) raises
``Undescribable``; the producer then leaves the scene out and says why.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple, cast

import numpy as np
from matplotlib.axis import Axis
from matplotlib.text import Text

from . import Undescribable, _private
from ._artists import PARTS, describe_leaf
from ._colorbar import describe_colorbar, placement
from ._describe3d import describe_leaf3d, describe_view, is_3d
from ._describe_axis import describe_axis
from ._legend import describe_figure_legend, describe_legend
from ._order import draw_ranks, has_subfigures
from ._place import Node, Place, anchor_of, as_color, bounds_of
from ._schema import SUBPLOTPARS
from ._texts import text_metrics, text_style
from ._vocab import _DATA, LINESTYLES, PROJECTIONS, SCENE_VERSION, SPINE_SIDES

__all__ = ["describe", "draw_for_scene"]


#: FreeType renders no glyph beyond about 2**24 px from the origin (measured: a 10 pt label
#: at 16,777,204 px raises in ``FT_Render_Glyph``, farther ones in ``_set_transform``);
#: ``draw_for_scene(..., check_text=True)`` refuses a text anchored past half of that.
GLYPH_REACH = 2.0**23


def draw_for_scene(fig: Any, *, check_text: bool = False) -> None:
    """Lay ``fig`` out as Agg draws it at the figure's own dpi, without rendering pixels.
    With ``check_text``, a text drawn where FreeType cannot place a glyph (a hostile
    scene's text at 1e12 px) raises here, not in the caller's first draw.

    Not ``Figure.draw_without_rendering``: it draws with the figure's canvas' renderer,
    and a PDF or SVG canvas draws at 72 dpi, which leaves every display-space position
    (arrows, legends, offset texts) at the wrong scale for a figure of another dpi. An
    Agg renderer of the figure's size is used instead, and the figure's canvas is left
    alone."""
    from matplotlib.backends.backend_agg import RendererAgg

    width, height = fig.bbox.size
    renderer = RendererAgg(int(width), int(height), fig.dpi)
    disabled = _private.draw_disabled(renderer)
    if disabled is None:
        fig.draw(renderer)
        return
    with disabled:
        if check_text:  # an instance attribute, which leaving the context removes again
            renderer.draw_text = _text_within_reach  # type: ignore[method-assign]
        fig.draw(renderer)


def _text_within_reach(gc: Any, x: float, y: float, *args: Any, **kwargs: Any) -> None:
    """A ``draw_text`` that draws nothing and refuses a position FreeType cannot take
    (matplotlib skips a text at a non-finite position before it gets here)."""
    if max(abs(x), abs(y)) >= GLYPH_REACH:
        raise ValueError(f"a text at ({x:.3g}, {y:.3g}) px, where no glyph can be drawn")


def describe(fig: Any) -> Tuple[Dict[str, Any], List[Tuple[str, str]]]:
    """``(scene document, skipped)`` of a drawn figure."""
    place = Place(fig)
    axes_list = _all_axes(fig)
    for ax in axes_list:
        if ax.name not in PROJECTIONS:
            raise Undescribable(f"the figure has {ax.name!r} axes, which a scene does not carry")
    patch = fig.patch
    figure: Dict[str, Any] = {
        "size_inches": [float(v) for v in fig.get_size_inches()],
        "dpi": float(fig.dpi),
        "facecolor": as_color(patch.get_facecolor()),
        "edgecolor": as_color(patch.get_edgecolor()),
        "linewidth": float(patch.get_linewidth()),
        "frameon": bool(fig.get_frameon()),
    }
    if isinstance(fig.get_label(), str) and fig.get_label():
        figure["label"] = fig.get_label()
    colorbars = {ax: describe_colorbar(ax) for ax in axes_list}
    grid = _grid(fig, axes_list, colorbars)
    if grid is not None:
        figure["layout"], figure["gridspecs"] = grid[0], grid[1]
    sup = _private.sup_texts(fig) or {}
    for name, text in sup.items():
        if text.get_visible() and text.get_text():
            figure[name] = text_style(text, place)
            figure[name]["xy"] = [float(v) for v in text.get_position()]
            if grid is not None and getattr(text, "_autopos", True):  # the consumer's layout places it
                figure[name]["autopos"] = True
    cells = {} if grid is None else grid[2]
    ranks = draw_ranks(fig, [t for t in sup.values() if t.get_visible()]) if has_subfigures(fig) else {}
    node_maps: Dict[Any, Dict[Any, Node]] = {}  # each axes' artists described as one node: what legends list
    figure["axes"] = [_axes(ax, i, axes_list, place, cells, colorbars[ax], node_maps) for i, ax in enumerate(axes_list)]
    for ax, node in zip(axes_list, figure["axes"]):
        if id(ax) in ranks:
            node["zorder"] = ranks[id(ax)]
    _aligned_labels(fig, axes_list, figure["axes"])
    legends = (axes_list, node_maps)
    figure["artists"] = _figure_artists(fig, place, set(axes_list) | set(sup.values()), ranks, legends)
    doc: Dict[str, Any] = {"scene": f"{SCENE_VERSION[0]}.{SCENE_VERSION[1]}", "figure": figure}
    if place.skipped:
        doc["skipped"] = [{"node": n, "reason": r} for n, r in place.skipped]
    return doc, list(place.skipped)


def _engine(fig: Any) -> Optional[Dict[str, Any]]:
    """The figure's layout engine and its parameters, if it is constrained or tight."""
    getter = getattr(fig, "get_layout_engine", None)
    if getter is not None:  # matplotlib >= 3.6
        engine = getter()
        name = {"ConstrainedLayoutEngine": "constrained", "TightLayoutEngine": "tight"}.get(type(engine).__name__)
        if name is None or type(engine).__module__ != "matplotlib.layout_engine":
            return None
        params = engine.get()
    elif fig.get_constrained_layout():
        name, params = "constrained", fig.get_constrained_layout_pads(relative=False)
        params = dict(zip(("w_pad", "h_pad", "wspace", "hspace"), params))
    elif fig.get_tight_layout():
        name, params = "tight", _private.tight_parameters(fig) or {}
    else:
        return None
    keys = ("w_pad", "h_pad", "wspace", "hspace") if name == "constrained" else ("pad",)
    out: Dict[str, Any] = {"engine": name}
    out.update({k: float(params[k]) for k in keys if isinstance(params.get(k), (int, float))})
    if name == "constrained" and getter is not None and _private.layout_compress(engine):
        out["compress"] = True
    rect = params.get("rect")
    if rect is not None and len(rect) == 4:
        out["rect"] = [float(v) for v in rect]
    return out


def _grid(
    fig: Any, axes_list: List[Any], colorbars: Dict[Any, Any]
) -> Optional[Tuple[Dict[str, Any], List[Dict[str, Any]], Dict[Any, Any]]]:
    """``(layout, gridspecs, cells)`` when the figure's layout engine can be re-run by the
    consumer: every axes on a grid of the figure itself (twins, insets and secondary axes
    follow theirs), no subfigures. Else None, and the axes stay where they were drawn."""
    layout = _engine(fig)
    if layout is None and not _adjusted(fig):
        return None
    if has_subfigures(fig):
        return None
    children = {child for ax in axes_list for child in getattr(ax, "child_axes", ())}
    grids: List[Any] = []
    cells: Dict[Any, Any] = {}
    for ax in axes_list:
        if ax in children or (colorbars[ax] is not None and _beside(ax, axes_list, cells)):
            continue  # a colorbar made beside its parents: the consumer's layout places it
        spec = getattr(ax, "get_subplotspec", lambda: None)()
        grid = None if spec is None else spec.get_gridspec()
        if spec is None or grid is None or type(grid).__name__ != "GridSpec" or getattr(grid, "figure", fig) is not fig:
            return None  # a colorbar, an axes placed by hand, a nested grid: frozen instead
        if grid not in grids:
            grids.append(grid)
        cells[ax] = {
            "gridspec": grids.index(grid),
            "rows": [spec.rowspan.start, spec.rowspan.stop],
            "cols": [spec.colspan.start, spec.colspan.stop],
        }
    specs = []
    for grid in grids:
        out: Dict[str, Any] = {"nrows": grid.nrows, "ncols": grid.ncols}
        for name in ("width_ratios", "height_ratios"):
            ratios = getattr(grid, f"get_{name}")()
            if ratios is not None:
                out[name] = [float(r) for r in ratios]
        for name in ("wspace", "hspace"):
            if isinstance(getattr(grid, name, None), (int, float)):
                out[name] = float(getattr(grid, name))
        specs.append(out)
    return layout or _tight_once(fig), specs, cells


def _beside(ax: Any, axes_list: List[Any], cells: Dict[Any, Any]) -> bool:
    """Whether the colorbar ``ax`` was made beside axes of the grid (in ``cells`` so far)."""
    where = placement(ax, axes_list.index(ax), axes_list)
    parents = [] if where is None else [axes_list[p] for p in where["parents"]]
    return bool(parents) and all(p in cells for p in parents)


#: ``Figure.tight_layout``'s default pad, in font sizes.
_TIGHT_PAD = 1.08


def _adjusted(fig: Any) -> bool:
    """Whether ``fig.tight_layout()`` may have laid the figure out. From matplotlib 3.6
    the call leaves a placeholder layout engine behind; before, only the subplot
    parameters show it."""
    from matplotlib import rcParams

    getter = getattr(fig, "get_layout_engine", None)
    if getter is not None:
        return type(getter()).__name__ == "PlaceHolderLayoutEngine"
    params, defaults = fig.subplotpars, cast(Dict[str, Any], rcParams)
    return any(getattr(params, k) != defaults[f"figure.subplot.{k}"] for k in ("left", "right", "bottom", "top"))


def _tight_once(fig: Any) -> Dict[str, Any]:
    """A figure laid out once by ``fig.tight_layout()`` (the engine is gone afterwards):
    the consumer lays it out once with its own text metrics, as its own copy of the figure
    would be. The subplot parameters go with it, for the consumer to keep when its layout
    lands far from them (the producer moved them after its layout), or when its text
    metrics are the producer's (its layout would be the producer's)."""
    params = fig.subplotpars
    recorded = [float(getattr(params, k)) for k in SUBPLOTPARS]
    return {"engine": "tight", "once": True, "pad": _TIGHT_PAD, "subplotpars": recorded, "metrics": text_metrics()}


def _all_axes(fig: Any) -> List[Any]:
    """Every axes drawn: the figure's, its subfigures', and child axes (insets, secondary
    axes) right after their parent."""
    out: List[Any] = []

    def add(ax: Any) -> None:
        if ax in out or not ax.get_visible():
            return
        out.append(ax)
        for child in getattr(ax, "child_axes", ()):
            add(child)

    def walk(container: Any) -> None:
        for ax in container.axes:
            add(ax)
        for sub in getattr(container, "subfigs", ()):
            if sub.get_visible():
                walk(sub)

    walk(fig)
    return out


def _figure_artists(
    fig: Any, place: Place, axes: set, ranks: Dict[int, float], legends: Tuple[List[Any], Dict[Any, Any]]
) -> List[Node]:
    """Figure-level artists (suptitles, figure legends, subfigure backgrounds), baked to
    figure fraction where they are not in it already; at their ``ranks`` (``_order``)
    when the figure has subfigures. A legend ``Figure.legend()`` made from the axes'
    labelled artists also gets its ``figure_legend`` node (``legends``: the axes and
    their artists' nodes)."""
    nodes: List[Node] = []

    def walk(container: Any) -> None:
        for child in container.get_children():
            if child in axes or child is fig.patch or not child.get_visible():
                continue
            if child is getattr(container, "patch", None) and container is not fig:
                continue
            if hasattr(child, "subfigs") and hasattr(child, "axes") and child is not fig:
                # a subfigure draws as a unit: its background, then its texts, legends and subfigures
                if child.patch.get_visible():
                    z = ranks.get(id(child.patch), float(child.get_zorder()))
                    nodes.extend(_artist(child.patch, place, z, f"artists[{len(nodes)}]"))
                walk(child)
                continue
            drawn = _artist(child, place, ranks.get(id(child)), f"artists[{len(nodes)}]")
            legend = describe_figure_legend(child, *legends) if child in getattr(fig, "legends", ()) else None
            nodes.extend(drawn if legend is None else [*_drawn_by(drawn, "legend"), legend])

    walk(fig)
    return nodes


def _artist(artist: Any, place: Place, zorder: Optional[float], where: str) -> List[Node]:
    """A leaf's nodes, or its visible children's (legends, offset boxes, tables), which
    keep the container's zorder so that they stay together in drawing order."""
    if not artist.get_visible():
        return []
    arrow = getattr(artist, "arrow_patch", None) if isinstance(artist, Text) else None
    if arrow is not None or hasattr(artist, "xyann"):  # an annotation: drawn whole or not at all
        if _private.annotation_drawn(artist) is False:
            return []
    leaf = describe_leaf3d(artist, place, zorder) if is_3d(artist) else describe_leaf(artist, place, zorder)
    if leaf is not None and arrow is not None and arrow.get_visible():  # its arrow first, then its text
        leaf = _artist(arrow, place, float(artist.get_zorder()) if zorder is None else zorder, where) + leaf
    if leaf is not None:
        own = getattr(artist, "get_text", None) if type(artist).__name__ == "Cell" else None
        if own is not None:  # a table cell draws its text after its rectangle, at its zorder
            leaf += _artist(own(), place, float(artist.get_zorder()) if zorder is None else zorder, where)
        return leaf
    # a container draws its background first (a legend's frame, a box's patch), whatever
    # order get_children lists it in
    backgrounds = [getattr(artist, name, None) for name in ("legendPatch", "patch", "arrow_patch")]
    children = sorted(artist.get_children(), key=lambda c: not any(c is b for b in backgrounds))
    for name in PARTS.get(type(artist).__name__, ()):
        part = getattr(artist, name, None)
        children.extend(part if isinstance(part, (list, tuple)) else [part] if part is not None else [])
    text = getattr(artist, "get_text", None)
    extra = [text()] if callable(text) and hasattr(text(), "draw") else []
    if not children and not extra:
        place.skip(where, f"a {type(artist).__name__} is not carried (no scene form)")
        return []
    z = float(artist.get_zorder()) if zorder is None else zorder
    out: List[Node] = []
    for child in [*children, *extra]:
        out.extend(_artist(child, place, z, where))
    return out


def _axes(
    ax: Any,
    index: int,
    axes_list: List[Any],
    figure_place: Place,
    cells: Dict[Any, Any],
    colorbar: Any,
    node_maps: Dict[Any, Dict[Any, Node]],
) -> Dict[str, Any]:
    """One axes; ``colorbar``: its ``describe_colorbar``, when it is a colorbar the node can say."""
    fig = figure_place.figure
    where = f"axes[{index}]"
    place = Place(fig, ax, where, figure_place.skipped)
    bbox = fig.transFigure.inverted().transform_bbox(ax.bbox)
    out: Dict[str, Any] = {
        "position": bounds_of(bbox),
        "projection": ax.name,
        "xlim": [float(v) for v in ax.get_xlim()],
        "ylim": [float(v) for v in ax.get_ylim()],
        "facecolor": as_color(ax.patch.get_facecolor()),
        "patch_visible": bool(ax.patch.get_visible()),
        "frame_on": bool(ax.get_frame_on()) if callable(getattr(ax, "get_frame_on", None)) else True,
        "axis_on": bool(ax.axison),
        "axisbelow": {True: "true", False: "false"}.get(ax.get_axisbelow(), "line"),
        "zorder": float(ax.get_zorder()),
        "navigate": bool(ax.get_navigate()),
    }
    owned: set = set()
    if ax.name == "3d":
        out.update(_box3d(ax, fig))
    elif colorbar is None:
        out.update(_aspect(ax, fig))
    else:
        out["colorbar"], owned, box = colorbar
        out.update(_colorbar_box(ax, fig, box))
        where_placed = placement(ax, index, axes_list) if cells else None
        if where_placed is not None:
            out["colorbar"]["placement"] = where_placed
    for share, group in (("sharex", ax.get_shared_x_axes()), ("sharey", ax.get_shared_y_axes())):
        for j in range(index):
            if group.joined(ax, axes_list[j]):
                out[share] = j
                break
    out.update(_placement(ax, index, axes_list, cells, None if colorbar is None else colorbar[2]))
    follows = _private.secondary(ax)
    if follows is not None and follows[0] in axes_list[:index]:
        secondary = _secondary(follows, axes_list.index(follows[0]))
        if secondary is None:
            place.skip(where, "a secondary axis whose function is not monotonic: frozen, it does not follow zoom")
        else:
            out["secondary"] = secondary
    if ax.name == "polar":
        out["polar"] = {
            "theta_offset": float(ax.get_theta_offset()),
            "theta_direction": int(ax.get_theta_direction()),
            "rorigin": float(ax.get_rorigin()),
            "rlabel_position": float(ax.get_rlabel_position()),
        }
    out["xaxis"] = describe_axis(ax.xaxis, ax, place)
    out["yaxis"] = describe_axis(ax.yaxis, ax, place)
    if ax.name == "3d":
        out.update(describe_view(ax, place))
    out["titles"] = _titles(ax, place)
    out["spines"] = _spines(ax, place)
    skip = {*ax.spines.values(), ax.xaxis, ax.yaxis, ax.title, ax.patch, *getattr(ax, "child_axes", ())}
    skip.update((_private.side_titles(ax) or {}).values())
    artists: List[Node] = []
    node_of: Dict[Any, Node] = node_maps.setdefault(ax, {})  # artists described as one node: what a legend may list
    for child in ax.get_children():
        if child in skip or isinstance(child, Axis):
            continue
        nodes = _artist(child, place, None, f"{where}.artists[{len(artists)}]")
        if child in owned:
            nodes = _drawn_by(nodes, "colorbar")
        elif child is ax.get_legend():
            legend = describe_legend(child, node_of)
            nodes = nodes if legend is None else [*_drawn_by(nodes, "legend"), legend]
        elif len(nodes) == 1:
            node_of[child] = nodes[0]
        artists.extend(nodes)
    artists.extend(_spine_paths(ax, place, owned))
    out["artists"] = artists
    label = ax.get_label()
    if isinstance(label, str) and label and not label.startswith("<"):
        out["label"] = label
    return out


def _placement(ax: Any, index: int, axes_list: List[Any], cells: Dict[Any, Any], box: Any) -> Dict[str, Any]:
    """Where an axes goes when the consumer lays the figure out again: its grid cell, or
    with a twin (same cell, a shared axis) the axes it twins; an inset, always, as a
    place in its parent (so it follows the parent when the parent's box changes).
    ``box``: a colorbar's box before its extensions shrink it (display pixels)."""
    out: Dict[str, Any] = {}
    parent = next((p for p in axes_list[:index] if ax in getattr(p, "child_axes", ())), None)
    if parent is not None and _private.secondary(ax) is None and ax.name == "rectilinear" == parent.name:
        bounds = parent.transAxes.inverted().transform_bbox(ax.bbox if box is None else box)
        out["inset"] = {
            "parent": axes_list.index(parent),
            "bounds": bounds_of(bounds),
        }
        return out
    cell = cells.get(ax)
    if cell is None:
        return out
    for j in range(index):
        other = axes_list[j]
        if cells.get(other) == cell:
            for shared, group in (("x", ax.get_shared_x_axes()), ("y", ax.get_shared_y_axes())):
                if group.joined(ax, other):
                    out["twin"] = {"of": j, "shared": shared}
                    return out
    out["cell"] = cell
    return out


def _secondary(follows: Any, parent_index: int) -> Optional[Dict[str, Any]]:
    """A secondary axis as its parent, side, place and function, so that it follows the
    parent under zoom. The function is sampled over the parent's view (linear beyond it);
    None when it is not strictly monotonic there (``np.square`` over a view from -0.1)."""
    parent, orientation, location, forward = follows
    lo, hi = sorted(parent.get_xlim() if orientation == "x" else parent.get_ylim())
    x = np.linspace(lo, hi, 513)
    with np.errstate(all="ignore"):
        y = np.asarray(forward(x), float)
    start, stop = _monotonic_run(y)
    if (start, stop) != (0, len(x)):  # not invertible over the view: matplotlib's own axis is ill-defined there
        return None
    function = {"x": x, "y": y}
    return {"parent": parent_index, "orientation": orientation, "location": location, "function": function}


def _monotonic_run(y: np.ndarray) -> Tuple[int, int]:
    """``(start, stop)`` of the longest strictly monotonic run of finite samples."""
    sign = np.sign(np.diff(y))
    sign[~np.isfinite(sign)] = 0
    best, start = (0, 0), 0
    for i in range(1, len(sign) + 1):
        if i == len(sign) or sign[i] == 0 or sign[i] != sign[start]:
            if sign[start] != 0 and i + 1 - start > best[1] - best[0]:
                best = (start, i + 1)
            start = i
    return best


def _aspect(ax: Any, fig: Any) -> Dict[str, Any]:
    """An axes' aspect, so that it keeps it under zoom as the producer's would (the box
    is reshaped from its original position). Axes placed by a locator (colorbars,
    dividers) are frozen where they were drawn instead."""
    from matplotlib.transforms import TransformedBbox

    if ax.get_axes_locator() is not None:
        return {}
    out: Dict[str, Any] = {}
    aspect = ax.get_aspect()
    box = ax.get_box_aspect() if hasattr(ax, "get_box_aspect") else None
    if aspect != "auto":
        out["aspect"] = float(aspect)
        out["adjustable"] = ax.get_adjustable()
    if box is not None:
        out["box_aspect"] = float(box)
    if out:
        anchor = ax.get_anchor()
        out["anchor"] = anchor_of(anchor)
        parent = ax.figure  # the (sub)figure the position is a fraction of
        original = TransformedBbox(ax.get_position(original=True), parent.transSubfigure)
        bounds = fig.transFigure.inverted().transform_bbox(original)
        out["original_position"] = bounds_of(bounds)
    return out


def _box3d(ax: Any, fig: Any) -> Dict[str, Any]:
    """A 3D axes' box before it is squared (its own ``apply_aspect`` squares it again)."""
    from matplotlib.transforms import TransformedBbox

    original = TransformedBbox(ax.get_position(original=True), ax.figure.transSubfigure)
    return {
        "original_position": bounds_of(fig.transFigure.inverted().transform_bbox(original)),
        "anchor": anchor_of(ax.get_anchor()),
    }


def _colorbar_box(ax: Any, fig: Any, box: Any) -> Dict[str, Any]:
    """A colorbar axes' box before its extensions shrink it (the consumer's colorbar
    shrinks it again), its box aspect and anchor."""
    out: Dict[str, Any] = {"original_position": bounds_of(fig.transFigure.inverted().transform_bbox(box))}
    if ax.get_box_aspect() is not None:
        out["box_aspect"] = float(ax.get_box_aspect())
    out["anchor"] = anchor_of(ax.get_anchor())
    return out


def _titles(ax: Any, place: Place) -> List[Node]:
    texts = dict(_private.side_titles(ax) or {}, center=ax.title)
    pad = _private.title_pad(ax)
    auto = _private.title_autopos(ax)
    out = []
    for loc, title in texts.items():
        if title.get_text() and title.get_visible():
            node = text_style(title, place)
            node["loc"] = loc
            if pad is not None:
                node["pad"] = pad
            node["xy"] = [float(v) for v in title.get_position()]
            if auto is not False:
                node["autopos"] = True
            out.append(node)
    return out


def _aligned_labels(fig: Any, axes_list: List[Any], nodes: List[Node]) -> None:
    """Axes whose labels ``Figure.align_xlabels``/``align_ylabels`` (or titles,
    ``align_titles``) aligned get the same group number (scene 1.5): the consumer aligns
    them again, with its own text metrics."""
    index = {ax: i for i, ax in enumerate(axes_list)}
    for axis, groups in (_private.aligned_labels(fig) or {}).items():
        for number, group in enumerate(g for g in groups if all(ax in index for ax in g)):
            for ax in group:
                nodes[index[ax]]["align_titles" if axis == "title" else f"align_{axis}labels"] = number


def _spines(ax: Any, place: Place) -> List[Node]:
    out = []
    for name, spine in ax.spines.items():
        node: Node = {"name": name, "visible": bool(spine.get_visible())}
        node["color"] = as_color(spine.get_edgecolor())
        node["linewidth"] = float(spine.get_linewidth())
        style = spine.get_linestyle()
        node["linestyle"] = style if style in LINESTYLES else "-"
        moved_to = _spine_placement(spine) if name in SPINE_SIDES else None
        if moved_to is not None and moved_to[0] == "outward":
            node["position"] = [moved_to[1]]
        elif moved_to is not None:  # scene 1.5: placed by the consumer; drawn by _spine_paths for older ones
            node["visible"] = False
            if _DATA[0] <= moved_to[1] <= _DATA[1]:  # not NaN
                node["placement"], node["at"] = moved_to
        bounds = spine.get_bounds() if hasattr(spine, "get_bounds") else None
        if bounds is not None and bounds[0] is not None:
            node["bounds"] = [float(bounds[0]), float(bounds[1])]
        out.append(node)
    return out


def _drawn_by(nodes: List[Node], maker: str) -> List[Node]:
    """A colorbar's or a legend's own artists, marked: a consumer that makes the colorbar
    or legend leaves them out, one that does not know it (scene 1.0) draws them as drawn."""
    return [dict(node, drawn_by=maker) for node in nodes]


def _spine_paths(ax: Any, place: Place, owned: set) -> List[Node]:
    """Spines a consumer's axes may not have, or placed where only a path can say (a
    colorbar's outline, a spine at data zero): drawn as patches in axes fraction."""
    out = []
    for name, spine in ax.spines.items():
        standard = name in SPINE_SIDES or (ax.name == "polar" and name in ("polar", "inner", "start", "end"))
        moved_to = _spine_placement(spine) if name in SPINE_SIDES else None
        moved = moved_to is not None and moved_to[0] != "outward"
        if (standard and not moved) or not spine.get_visible():
            continue
        path = spine.get_transform().transform_path(spine.get_path())
        vertices = place.from_display(path.vertices, "axes")
        node: Node = {
            "type": "patch",
            "zorder": float(spine.get_zorder()),
            "clip": False,
            "space": "axes",
            "path": {
                "vertices": vertices,
                **({"codes": np.asarray(path.codes, np.uint8)} if path.codes is not None else {}),
            },
            "edgecolor": as_color(spine.get_edgecolor()),
            "linewidth": float(spine.get_linewidth()),
        }
        if moved:
            node["spine"] = name  # scene 1.5: left out by a consumer that placed the spine itself
        out.extend(_drawn_by([node], "colorbar") if spine in owned else [node])
    return out


def _spine_placement(spine: Any) -> Optional[Tuple[str, float]]:
    """A side spine's position as ``(kind, amount)``: ``outward`` in points, ``axes``
    fraction or ``data`` value; matplotlib's shorthands ``center`` and ``zero`` are
    ``("axes", 0.5)`` and ``("data", 0.0)`` (its own ``get_spine_transform`` reads them so)."""
    position = spine.get_position()
    if isinstance(position, str):
        return {"center": ("axes", 0.5), "zero": ("data", 0.0)}.get(position)
    try:
        kind, amount = position
        return (str(kind), float(amount)) if kind in ("outward", "axes", "data") else None
    except (TypeError, ValueError):
        return None
