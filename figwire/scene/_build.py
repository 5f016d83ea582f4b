"""A checked scene -> a live matplotlib figure, through matplotlib's public API (§16.7).

Nothing from the message is executed: every value was checked by ``_check`` and is
passed to matplotlib's constructors and setters as data. The figure is made without
pyplot (``Figure()``, a plain canvas). With the scene's layout engine, axes go in their
grid cells and this matplotlib lays them out, as it would its own copy of the figure;
without one, axes are placed where the producer drew them. A setting this matplotlib does not know (a newer interpolation
stage, a scale added later) is reported in ``skipped`` and left at its default; any
other failure propagates, and the caller shows the image instead of half a figure.
"""

from __future__ import annotations

from contextlib import nullcontext
from typing import Any, Callable, Dict, List, Optional, Set, Tuple, cast

import matplotlib
import numpy as np
from matplotlib.figure import Figure

from ._build3d import BUILDERS_3D, grid_rc, seed_data_limits, set_view
from ._build_artists import build_artist
from ._colorbar import build_colorbar
from ._legend import build_figure_legend, build_legend
from ._schema import SUBPLOTPARS, TIGHT_TOLERANCE
from ._texts import text_metrics
from ._ticks import SnapshotFormatter, SnapshotLocator, native_formatter, native_locator
from ._vocab import SPINE_SIDES

__all__ = ["build"]

Skipped = List[Tuple[str, str]]
_GEO = ("aitoff", "hammer", "lambert", "mollweide")
#: How far from its axes (in axes lengths) a consumer places a moved spine itself.
SPINE_REACH = 100.0
_BUILD_RC: Dict[str, Any] = {"figure.autolayout": False, "figure.constrained_layout.use": False, "axes.titley": None}


class Builder:
    """Builds one figure; collects what this matplotlib could not honour."""

    def __init__(self) -> None:
        self.skipped: Skipped = []
        #: each axes' artists built from nodes with an ``id``, by the axes' ``where``: what legends list
        self.built: Dict[str, Dict[int, Any]] = {}

    def attempt(self, where: str, setter: Callable[..., Any], *args: Any, **kwargs: Any) -> bool:
        """Call a setter whose argument this matplotlib may not know; report a refusal."""
        try:
            setter(*args, **kwargs)
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            self.skipped.append((where, f"not supported by matplotlib {matplotlib.__version__}: {exc}"))
            return False
        return True


def build(doc: Dict[str, Any]) -> Tuple[Any, Skipped]:
    """``(figure, skipped)`` for a document that passed ``check_scene``."""
    builder = Builder()
    # One rc context for the whole build (each costs a copy of rcParams, 0.4 ms): the
    # figure takes no layout engine from this process' rcParams (the scene says which),
    # and titles are placed as by default (the scene says where not).
    with matplotlib.rc_context(cast(Any, _BUILD_RC)):
        return _build(doc["figure"], builder)


def _build(spec: Dict[str, Any], builder: Builder) -> Tuple[Any, Skipped]:
    fig = Figure(
        figsize=spec["size_inches"],
        dpi=spec["dpi"],
        facecolor=spec.get("facecolor", "white"),
        edgecolor=spec.get("edgecolor", "white"),
        linewidth=spec.get("linewidth", 0.0),
        frameon=spec.get("frameon", True),
    )
    if "label" in spec:
        fig.set_label(spec["label"])
    grids = _layout(fig, spec, builder)
    for name in ("suptitle", "supxlabel", "supylabel"):
        if name in spec and hasattr(fig, name):
            at = dict(zip("xy", spec[name]["xy"])) if "xy" in spec[name] else {}
            if spec[name].get("autopos"):  # the layout places y (a supylabel's x), as it did for the producer
                at.pop("x" if name == "supylabel" else "y", None)
            text = getattr(fig, name)(spec[name]["text"], **at)
            _style_text(text, spec[name], builder, f"figure.{name}")
    made: List[Any] = []
    for i, axes in enumerate(spec.get("axes", [])):
        made.append(_axes(fig, axes, made, grids, builder, f"figure.axes[{i}]"))
    _align_labels(fig, made, spec.get("axes", []))
    _figure_artists(fig, spec.get("artists", []), len(made), builder)
    layout = spec.get("layout", {})
    if layout.get("once") and layout["engine"] == "tight":
        cells = [(ax, axes["position"]) for ax, axes in zip(made, spec.get("axes", [])) if "cell" in axes]
        _tight_once(fig, layout, cells, builder)
    return fig, builder.skipped


def _align_labels(fig: Any, made: List[Any], specs: List[Dict[str, Any]]) -> None:
    """The producer's aligned axis labels and titles (scene 1.5), aligned by this
    matplotlib (titles from 3.9 on, which has ``align_titles``). matplotlib aligns axes
    in grid cells only, which a consumer makes for a figure with a layout engine; axes
    placed where they were drawn keep their own labels' places."""
    for key in ("align_xlabels", "align_ylabels", "align_titles"):
        align: Optional[Callable[[List[Any]], Any]] = getattr(fig, key, None)
        groups: Dict[int, List[Any]] = {}
        for ax, spec in zip(made, specs):
            if key in spec:
                groups.setdefault(spec[key], []).append(ax)
        for group in groups.values():
            if len(group) > 1 and align is not None:
                align(group)


def _figure_artists(fig: Any, nodes: List[Dict[str, Any]], n_axes: int, builder: Builder) -> None:
    """Figure-level artists in order; a figure legend (scene 1.4) is made by ``Figure.legend``
    over the axes' built artists, after them (so that a constrained layout makes room for
    it), and its leaves, just before its node, are drawn as they were only if it cannot be."""
    legends = [k for k, node in enumerate(nodes) if node["type"] == "figure_legend"]
    for j, node in enumerate(nodes):
        if node["type"] != "figure_legend" and not (node.get("drawn_by") == "legend" and legends):
            _build_node(node, fig, None, builder, f"figure.artists[{j}]")
    built = [builder.built.get(f"figure.axes[{i}]", {}) for i in range(n_axes)]
    for k in legends:
        if build_figure_legend(fig, nodes[k], built, builder, f"figure.artists[{k}]"):
            _tex_free(fig.legends[-1], builder, f"figure.artists[{k}]")
            continue
        j = k
        while j > 0 and nodes[j - 1].get("drawn_by") == "legend":
            j -= 1
        for i in range(j, k):
            _build_node(nodes[i], fig, None, builder, f"figure.artists[{i}]")


def _tex_free(legend: Any, builder: Builder, where: str) -> None:
    for text in (*legend.get_texts(), legend.get_title()):
        text.set_usetex(False)
        _check_math(text, builder, where)


def _tight_once(fig: Any, layout: Dict[str, Any], cells: List[Tuple[Any, List[float]]], builder: Builder) -> None:
    """``fig.tight_layout()`` once, with this matplotlib's text metrics, from where the
    producer drew the axes (there the recorded tick labels hold, a custom formatter's
    included, so the layout makes room for the labels the producer's did). The
    producer's subplot parameters are used instead when that fails, or moves an axes'
    corner more than ``TIGHT_TOLERANCE`` (figure fraction) from where the producer drew
    it: they were moved after the producer's own layout."""
    if "subplotpars" in layout and layout.get("metrics") == text_metrics():
        return  # measured as the producer measures: its layout is this matplotlib's own
    laid_out = builder.attempt("figure.layout", fig.tight_layout, **_layout_params(layout))
    if "subplotpars" not in layout:
        return
    for ax, (x0, y0, width, height) in cells:
        box = ax.get_position()
        moved = np.abs(np.subtract([box.x0, box.y0, box.x1, box.y1], [x0, y0, x0 + width, y0 + height]))
        if not laid_out or moved.max() > TIGHT_TOLERANCE:
            fig.subplots_adjust(**dict(zip(SUBPLOTPARS, layout["subplotpars"])))
            return


def _layout(fig: Any, spec: Dict[str, Any], builder: Builder) -> List[Any]:
    """The figure's layout engine, set so the consumer lays the axes out itself (with its
    own text metrics, as its own figure would be), and the grids the axes' cells name."""
    layout = spec.get("layout")
    if layout is None:
        return []
    engine, params = layout["engine"], _layout_params(layout)
    if layout.get("once") and engine == "tight":  # no engine: build() lays it out once it is all there
        if "subplotpars" in layout:  # from where the producer drew: its recorded tick labels hold there
            fig.subplots_adjust(**dict(zip(SUBPLOTPARS, layout["subplotpars"])))
        return _grids(fig, spec)
    if hasattr(fig, "set_layout_engine"):  # matplotlib >= 3.6
        builder.attempt("figure.layout", fig.set_layout_engine, engine, **params)
    elif engine == "constrained":
        fig.set_constrained_layout(True)
        builder.attempt(
            "figure.layout",
            fig.set_constrained_layout_pads,
            **{k: v for k, v in params.items() if k not in ("rect", "compress")},
        )
    else:
        fig.set_tight_layout(params)
    return _grids(fig, spec)


def _grids(fig: Any, spec: Dict[str, Any]) -> List[Any]:
    """The grids the axes' cells name."""
    grids = []
    for grid in spec.get("gridspecs", []):
        kwargs = {k: grid[k] for k in ("width_ratios", "height_ratios", "wspace", "hspace") if k in grid}
        grids.append(fig.add_gridspec(grid["nrows"], grid["ncols"], **kwargs))
    return grids


def _layout_params(layout: Dict[str, Any]) -> Dict[str, Any]:
    """The engine's parameters, as its constructor (or ``tight_layout``) takes them."""
    names = ("w_pad", "h_pad", "wspace", "hspace", "compress") if layout["engine"] == "constrained" else ("pad",)
    params: Dict[str, Any] = {k: layout[k] for k in names if k in layout}
    if "rect" in layout:
        params["rect"] = tuple(layout["rect"])
    return params


def _place(fig: Any, spec: Dict[str, Any], made: List[Any], grids: List[Any], kwargs: Dict[str, Any]) -> Any:
    """A new axes where the scene says: a twin of an earlier one, an inset in one, a grid
    cell (the consumer's layout engine places it), or the recorded position."""
    if "twin" in spec:
        parent = made[spec["twin"]["of"]]
        return parent.twinx() if spec["twin"]["shared"] == "x" else parent.twiny()
    if "inset" in spec and kwargs["projection"] == "rectilinear":
        return made[spec["inset"]["parent"]].inset_axes(spec["inset"]["bounds"], label=kwargs["label"])
    if "cell" in spec and grids:
        cell = spec["cell"]
        (r0, r1), (c0, c1) = (int(v) for v in cell["rows"]), (int(v) for v in cell["cols"])
        return fig.add_subplot(grids[cell["gridspec"]][r0:r1, c0:c1], **kwargs)
    return fig.add_axes(spec.get("original_position", spec["position"]), **kwargs)


def _axes(fig: Any, spec: Dict[str, Any], made: List[Any], grids: List[Any], builder: Builder, where: str) -> Any:
    projection = spec.get("projection", "rectilinear")
    kwargs: Dict[str, Any] = {"projection": projection, "label": spec.get("label") or f"figwire-scene-{len(made)}"}
    for share in ("sharex", "sharey"):
        if share in spec and projection == "rectilinear":
            kwargs[share] = made[spec[share]]
    if "secondary" in spec:
        return _secondary(fig, spec, made, builder, where)
    colorbar = spec.get("colorbar")  # made by this matplotlib: its scale, limits and spines are its own
    if colorbar is None:
        with matplotlib.rc_context(cast(Any, grid_rc(spec))) if projection == "3d" else nullcontext():
            ax = _place(fig, spec, made, grids, kwargs)
    else:
        ax = build_colorbar(fig, colorbar, made, lambda: _place(fig, spec, made, grids, kwargs))
    ax.set_autoscale_on(False)
    if projection == "3d":
        ax.set_autoscalez_on(False)
    if "box_aspect" in spec:
        builder.attempt(f"{where}.box_aspect", ax.set_box_aspect, spec["box_aspect"])
    if "anchor" in spec:
        ax.set_anchor(tuple(spec["anchor"]))
    if "aspect" in spec:
        builder.attempt(f"{where}.aspect", ax.set_aspect, spec["aspect"], adjustable=spec.get("adjustable", "box"))
    ax.set_zorder(spec.get("zorder", 0.0))
    ax.set_facecolor(spec.get("facecolor", "white"))
    ax.patch.set_visible(spec.get("patch_visible", True))
    if callable(getattr(ax, "set_frame_on", None)):  # not on a 3D axes of matplotlib 3.11
        ax.set_frame_on(spec.get("frame_on", True))
    ax.set_axisbelow({"true": True, "false": False, "line": "line"}[spec.get("axisbelow", "line")])
    ax.set_navigate(spec.get("navigate", True))
    names = (("xaxis", "x"), ("yaxis", "y"), ("zaxis", "z")) if projection == "3d" else (("xaxis", "x"), ("yaxis", "y"))
    if projection == "3d":
        seed_data_limits(ax, spec)
    for name, axis_name in names:
        if colorbar is None:
            _scale(ax, axis_name, spec.get(name, {}), builder, f"{where}.{name}")
    if projection == "polar":
        polar = spec.get("polar", {})
        ax.set_theta_offset(polar.get("theta_offset", 0.0))
        ax.set_theta_direction(polar.get("theta_direction", 1) or 1)
        if "rorigin" in polar:
            ax.set_rorigin(polar["rorigin"])
        if "rlabel_position" in polar:
            ax.set_rlabel_position(polar["rlabel_position"])
    if projection not in _GEO and colorbar is None:  # geographic axes have fixed limits
        builder.attempt(f"{where}.xlim", ax.set_xlim, *spec["xlim"])
        builder.attempt(f"{where}.ylim", ax.set_ylim, *spec["ylim"])
    if projection == "3d":
        if "zlim" in spec:
            builder.attempt(f"{where}.zlim", ax.set_zlim, *spec["zlim"])
        set_view(ax, spec, builder, where)
    drawn = {node["spine"] for node in spec.get("artists", []) if node["type"] == "patch" and "spine" in node}
    placed = {
        spine["name"]
        for spine in (spec.get("spines", []) if colorbar is None else ())
        if _spine(ax, spine, drawn, builder, f"{where}.spines")
    }
    for name, axis_name in names:  # after the spines: moving one resets its axis' ticks
        _axis(ax, axis_name, spec.get(name, {}), builder, f"{where}.{name}")
    for title in spec.get("titles", []):
        at = dict(zip("xy", title.get("xy", ())))
        if title.get("autopos"):  # matplotlib places y, above the axes' decorations (axes.titley is None here)
            at.pop("y", None)
        text = ax.set_title(title["text"], loc=title["loc"], pad=title.get("pad"), **at)
        _style_text(text, _title_style(title), builder, f"{where}.titles")
    _artists(fig, ax, spec.get("artists", []), colorbar is not None, builder, where, placed)
    if not spec.get("axis_on", True):
        ax.set_axis_off()
    return ax


def _artists(
    fig: Any, ax: Any, nodes: List[Dict[str, Any]], colorbar: bool, builder: Builder, where: str, placed: Set[str]
) -> None:
    """An axes' artists in order; a colorbar's own are left to the colorbar, a legend's
    own to the legend made over the artists its entries name (drawn as they were if it
    cannot be made here), and a moved spine's path to the spine, once ``placed``."""
    legends = [k for k, node in enumerate(nodes) if node["type"] == "legend"]
    built: Dict[int, Any] = {}
    for k, node in enumerate(nodes):
        maker = node.get("drawn_by")
        if node["type"] == "legend" or (maker == "colorbar" and colorbar) or (maker == "legend" and legends):
            continue
        if node.get("spine") in placed:
            continue
        artist = _build_node(node, fig, ax, builder, f"{where}.artists[{k}]")
        if "id" in node:
            built[node["id"]] = artist
    builder.built[where] = built
    for k in legends:
        if build_legend(ax, nodes[k], built, builder, f"{where}.artists[{k}]"):
            _tex_free(ax.get_legend(), builder, f"{where}.artists[{k}]")
        else:
            for j, node in enumerate(nodes[:k]):
                if node.get("drawn_by") == "legend":
                    _build_node(node, fig, ax, builder, f"{where}.artists[{j}]")


def _build_node(node: Dict[str, Any], fig: Any, ax: Any, builder: Builder, where: str) -> Any:
    """One artist node: a 3D one (the checker allows those in 3D axes only), or a 2D one."""
    make = BUILDERS_3D.get(node["type"])
    return build_artist(node, fig, ax, builder, where) if make is None else make(node, fig, ax, builder, where)


def _secondary(fig: Any, spec: Dict[str, Any], made: List[Any], builder: Builder, where: str) -> Any:
    """A secondary axis of an earlier axes, through the parent's own ``secondary_?axis``."""
    follows = spec["secondary"]
    parent = made[follows["parent"]]
    forward, inverse = _sampled(follows["function"])
    make = parent.secondary_xaxis if follows["orientation"] == "x" else parent.secondary_yaxis
    ax = make(follows["location"], functions=(forward, inverse))
    name = follows["orientation"]
    for spine in spec.get("spines", []):  # before the axis: moving a spine resets its ticks
        _spine(ax, spine, set(), builder, f"{where}.spines")
    _axis(ax, name, spec.get(f"{name}axis", {}), builder, f"{where}.{name}axis")
    return ax


def _sampled(function: Dict[str, Any]) -> Tuple[Callable[[Any], Any], Callable[[Any], Any]]:
    """``(forward, inverse)`` through a function's samples, extended linearly beyond them."""
    x, y = np.asarray(function["x"], float), np.asarray(function["y"], float)
    order = np.argsort(y)
    xs, ys = x[order], y[order]

    def forward(v: Any) -> Any:
        return _extrapolated(v, x, y)

    def inverse(v: Any) -> Any:
        return _extrapolated(v, ys, xs)

    return forward, inverse


def _scale(ax: Any, name: str, spec: Dict[str, Any], builder: Builder, where: str) -> None:
    scale = spec.get("scale", "linear")
    setter = getattr(ax, f"set_{name}scale")
    if scale == "linear":
        return
    if scale == "function":
        builder.attempt(where, setter, "function", functions=_sampled(spec["function"]))
        return
    kwargs = {k: spec[k] for k in ("base", "linthresh", "linscale", "linear_width") if k in spec}
    if scale == "log":
        kwargs = {k: v for k, v in kwargs.items() if k == "base"}
    elif scale == "logit":
        kwargs = {}
    elif scale == "asinh":
        kwargs = {k: v for k, v in kwargs.items() if k in ("base", "linear_width")}
    builder.attempt(where, setter, scale, **kwargs)


def _extrapolated(v: Any, x: np.ndarray, y: np.ndarray) -> Any:
    """Piecewise-linear ``x -> y`` through the samples, extended linearly beyond them
    (a zoom out of the recorded view keeps a monotonic, invertible scale)."""
    v = np.asarray(v, float)
    out = np.interp(v, x, y)
    lo_slope = (y[1] - y[0]) / (x[1] - x[0])
    hi_slope = (y[-1] - y[-2]) / (x[-1] - x[-2])
    out = np.where(v < x[0], y[0] + (v - x[0]) * lo_slope, out)
    return np.where(v > x[-1], y[-1] + (v - x[-1]) * hi_slope, out)


def _axis(ax: Any, name: str, spec: Dict[str, Any], builder: Builder, where: str) -> None:
    axis = getattr(ax, f"{name}axis")
    axis.set_visible(spec.get("visible", True))
    if "label" in spec:
        label = getattr(ax, f"set_{name}label")(spec["label"]["text"], labelpad=spec.get("labelpad"))
        _style_text(label, _placed_by_matplotlib(spec["label"]), builder, f"{where}.label")
        if "label_coords" in spec:  # placed by hand (scene 1.5), not from the tick labels
            axis.set_label_coords(*spec["label_coords"])
    if "label_position" in spec:
        position = spec["label_position"]
        if (name == "x") == (position in ("bottom", "top")):
            axis.set_label_position(position)
    view = tuple(axis.get_view_interval()) + ((spec["length"],) if "length" in spec else ())
    default_locator, default_formatter = axis.get_major_locator(), axis.get_major_formatter()
    major = spec.get("major")
    if major is not None:
        locator = native_locator(spec, default_locator, abs(view[1] - view[0]), list(major["locs"]))
        formatter = native_formatter(spec, default_formatter, locator)
        axis.set_major_locator(SnapshotLocator(major["locs"], view, locator))
        axis.set_major_formatter(
            SnapshotFormatter(major["locs"], major["labels"], major.get("offset", ""), view, formatter)
        )
        _tick_style(ax, name, "major", major.get("style", {}), builder, where)
    minor = spec.get("minor")
    if minor is not None:
        native = axis.get_minor_locator() if spec.get("locator", "default") in ("default", "log") else None
        axis.set_minor_locator(SnapshotLocator(minor["locs"], view, native))
        axis.set_minor_formatter(
            SnapshotFormatter(minor["locs"], minor["labels"], "", view, axis.get_minor_formatter())
        )
        _tick_style(ax, name, "minor", minor.get("style", {}), builder, where)
    offset = spec.get("offset_text")
    if offset is not None:
        text = axis.get_offset_text()
        text.set_color(offset.get("color", "black"))
        text.set_fontsize(offset.get("fontsize", 10.0))
    _never_tex(axis)


def _never_tex(axis: Any) -> None:
    """Tick labels never use TeX, whatever this process' ``text.usetex``: recorded labels
    are the producer's strings. Ticks are made at draw time from rcParams, each copying
    the first tick's label properties, so the first major and minor ticks are set here."""
    for tick in (*axis.get_major_ticks(1), *axis.get_minor_ticks(1)):
        tick.label1.set_usetex(False)
        tick.label2.set_usetex(False)
    axis.get_offset_text().set_usetex(False)


def _tick_style(ax: Any, name: str, which: str, style: Dict[str, Any], builder: Builder, where: str) -> None:
    sides = ("bottom", "top") if name == "x" else ("left", "right")
    kwargs: Dict[str, Any] = {
        key: style[key]
        for key in (
            "length",
            "width",
            "color",
            "pad",
            "direction",
            "labelsize",
            "labelcolor",
            "labelrotation",
            "grid_color",
            "grid_linewidth",
            "grid_linestyle",
        )  # fmt: skip
        if key in style
    }
    if "grid_color" in style:  # a grid line's own alpha (rc grid.alpha) would override the colour's
        kwargs["grid_color"], kwargs["grid_alpha"] = tuple(style["grid_color"][:3]), style["grid_color"][3]
    for flag, side in (("tick1", sides[0]), ("tick2", sides[1])):
        if flag in style:
            kwargs[side] = style[flag]
    for flag, side in (("label1", sides[0]), ("label2", sides[1])):
        if flag in style:
            kwargs[f"label{side}"] = style[flag]
    builder.attempt(f"{where}.{which}.style", ax.tick_params, axis=name, which=which, **kwargs)
    if "grid" in style and ax.name != "3d":  # a 3D axes has one grid switch (its view3d's)
        ax.grid(style["grid"], which=which, axis=name)


def _spine(ax: Any, spec: Dict[str, Any], drawn: Set[str], builder: Builder, where: str) -> bool:
    """Style and place one spine; True when it was moved to an axes fraction or a data
    value here (scene 1.5), so that the patch that drew it there (for older consumers) is
    left out. It is shown if that patch exists: the spine's own ``visible`` is false for
    those consumers' sake."""
    spine = ax.spines.get(spec["name"]) if hasattr(ax.spines, "get") else None
    if spine is None:
        return False  # a spine only the producer's axes had is drawn as a path (an artist node)
    placed = "placement" in spec and "at" in spec and spec["name"] in SPINE_SIDES and _near(ax, spec)
    if placed:
        placed = builder.attempt(where, spine.set_position, (spec["placement"], spec["at"]))
    spine.set_visible(spec["name"] in drawn if placed else spec.get("visible", True))
    if "color" in spec:
        spine.set_edgecolor(spec["color"])
    if "linewidth" in spec:
        spine.set_linewidth(spec["linewidth"])
    if "linestyle" in spec:
        spine.set_linestyle(spec["linestyle"])
    if spec.get("position") and spec["position"][0] != 0.0:  # set_position resets the axis' ticks: only when moved
        builder.attempt(where, spine.set_position, ("outward", spec["position"][0]))
    if "bounds" in spec:
        builder.attempt(where, spine.set_bounds, *spec["bounds"])
    return placed


def _near(ax: Any, spec: Dict[str, Any]) -> bool:
    """Whether a moved spine's place is within ``SPINE_REACH`` axes lengths of its axes at
    the recorded view. Farther, its tick labels land where FreeType cannot place a glyph
    (a hostile ``at`` of 1e300), which would refuse the whole scene; such a spine is left
    to its patch instead, as an older consumer draws it."""
    at = spec["at"]
    if spec["placement"] == "data":
        vertical = spec["name"] in ("left", "right")
        point = (at, ax.get_ylim()[0]) if vertical else (ax.get_xlim()[0], at)
        with np.errstate(all="ignore"):
            fraction = ax.transAxes.inverted().transform(ax.transData.transform(point))[0 if vertical else 1]
    else:
        fraction = at
    return bool(np.isfinite(fraction)) and abs(fraction) <= SPINE_REACH


def _style_text(text: Any, spec: Dict[str, Any], builder: Builder, where: str) -> None:
    """Font and colour of a title, axis label or text node; never TeX, never a font file."""
    text.set_usetex(False)
    _check_math(text, builder, where)
    text.set_color(spec.get("color", "black"))
    if "family" in spec and spec["family"]:
        text.set_family(spec["family"])
    for key, setter in (("fontsize", text.set_fontsize), ("style", text.set_style), ("variant", text.set_variant),
                        ("weight", text.set_weight), ("stretch", text.set_stretch), ("ha", text.set_ha), ("va", text.set_va),
                        ("rotation", text.set_rotation), ("rotation_mode", text.set_rotation_mode),
                        ("linespacing", text.set_linespacing), ("wrap", text.set_wrap)):  # fmt: skip
        if key in spec:
            builder.attempt(f"{where}.{key}", setter, spec[key])
    if "math_fontfamily" in spec and hasattr(text, "set_math_fontfamily"):
        builder.attempt(f"{where}.math_fontfamily", text.set_math_fontfamily, spec["math_fontfamily"])
    if "bbox" in spec:
        _text_box(text, spec["bbox"], builder, where)


def _placed_by_matplotlib(spec: Dict[str, Any]) -> Dict[str, Any]:
    """A title's or axis label's style without its alignment: matplotlib aligns those
    itself from their side and location, and versions differ (3.9 sets a top x label's
    ``va`` to baseline, 3.11 to bottom), so the consumer's own choice is kept."""
    return {k: v for k, v in spec.items() if k not in ("ha", "va")}


def _title_style(spec: Dict[str, Any]) -> Dict[str, Any]:
    """A title's style, with an alignment the producer chose (``set_title(..., va='bottom')``,
    as matplotlib's polar demo does): a title's own is ``baseline`` and its ``loc``, on
    every matplotlib, so any other was set by hand."""
    style = _placed_by_matplotlib(spec)
    if spec.get("va", "baseline") != "baseline":
        style["va"] = spec["va"]
    if spec.get("ha", spec.get("loc", "center")) != spec.get("loc", "center"):
        style["ha"] = spec["ha"]
    return style


def _check_math(text: Any, builder: Builder, where: str) -> None:
    """Mathtext this matplotlib cannot parse (a command added later) would fail the first
    draw: such a text is drawn as its plain characters instead, and reported."""
    string = text.get_text()
    if string.count("$") < 2 or string.count("$") == string.count("\\$"):
        return
    from matplotlib.mathtext import MathTextParser

    try:
        MathTextParser("path").parse(string, 72, text.get_fontproperties())
    except Exception as exc:
        text.set_parse_math(False) if hasattr(text, "set_parse_math") else text.set_text(string.replace("$", ""))
        builder.skipped.append((where, f"mathtext this matplotlib cannot parse is drawn as plain text: {exc}"[:300]))


def _text_box(text: Any, spec: Dict[str, Any], builder: Builder, where: str) -> None:
    from matplotlib.patches import BoxStyle

    style_args = {k: spec[k] for k in ("pad", "rounding_size", "tooth_size") if k in spec}
    try:
        style = BoxStyle(spec["boxstyle"], **style_args)
    except (ValueError, TypeError, KeyError) as exc:
        builder.skipped.append((f"{where}.bbox", f"box style not supported here: {exc}"))
        style = BoxStyle("square", pad=spec.get("pad", 0.3))
    props: Dict[str, Any] = {"boxstyle": style, "facecolor": spec.get("facecolor", "none")}
    props.update({k: spec[k] for k in ("edgecolor", "linewidth", "linestyle") if k in spec})
    text.set_bbox(props)


def check_first_draw(fig: Any) -> None:
    """Lay ``fig`` out once, as Agg would draw it, and leave it as built.

    The checks bound every value on its own, but matplotlib refuses some combinations
    of in-range values (a 10 pt font at 3 dpi, an aspect box of 1e-300 beside limits of
    1e303), so the first draw is tried here and any exception refuses the scene. The
    axes, and the subplot parameters a tight layout adjusts, are put back where the build
    left them: a layout engine is not a fixed point (its result depends on where it
    starts), and the caller's first draw should be the one the producer's image shows."""
    from ._describe import draw_for_scene

    params = fig.subplotpars
    margins = {k: getattr(params, k) for k in ("left", "bottom", "right", "top", "wspace", "hspace")}
    placed = [(ax, ax.get_position(original=True), ax.get_position(), ax.get_in_layout()) for ax in fig.get_axes()]
    draw_for_scene(fig, check_text=True)  # a text where FreeType places no glyph fails here
    params.update(**margins)  # a tight layout adjusts them (not through subplots_adjust: that would move the axes)
    for ax, original, active, in_layout in placed:
        ax.set_position(original, which="original")  # public; it takes the axes out of the layout...
        ax.set_position(active, which="active")
        ax.set_in_layout(in_layout)  # ...so that is put back too
