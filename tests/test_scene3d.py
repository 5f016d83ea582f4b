"""Scene 1.3: 3D axes travel as data and come back live.

Every figure here is drawn by matplotlib and compared by pixels: the rebuilt figure
against the original at the recorded view, and again after both are turned and zoomed
the same way (the consumer projects the 3D data itself, so a turn shows what the
producer's figure would show). Hostile 3D scenes are refused before anything is built.
"""

from __future__ import annotations

from typing import Any, Callable, Dict

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from skimage.metrics import structural_similarity
from test_scene import _VALUES, _paths, _replaced, draws_or_is_refused

import figwire
from figwire import DecodeError
from figwire.scene import check_scene, decode_scene, describe, draw_for_scene, encode_scene, rebuild

SIZE, DPI = (5.0, 4.0), 80


def pixels(fig: Any) -> np.ndarray:
    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    canvas.draw()
    return np.asarray(canvas.buffer_rgba())[..., :3].copy()


def ssim(a: np.ndarray, b: np.ndarray) -> float:
    return float(structural_similarity(a, b, channel_axis=2, data_range=255)) if a.shape == b.shape else 0.0


def live(fig: Any) -> Any:
    """The figure rebuilt from an unsigned scene-only message (no trust needed)."""
    result = figwire.unpack(figwire.pack(fig, parts=["scene"]))
    assert result.tier == "scene" and result.live, result.reason
    return result


def _grid(n: int = 25):
    x = np.linspace(-2.0, 2.0, n)
    xx, yy = np.meshgrid(x, x)
    return xx, yy, np.sin(xx) * np.cos(yy)


def _axes(**kw: Any):
    fig = Figure(figsize=SIZE, dpi=DPI)
    return fig, fig.add_subplot(projection="3d", **kw)


def surface_cmap():
    fig, ax = _axes()
    ax.plot_surface(*_grid(), cmap="viridis", edgecolor="k", linewidth=0.2)
    ax.set(xlabel="x", ylabel="y", zlabel="z", title="surface")
    return fig


def surface_shaded_alpha():
    fig, ax = _axes()
    ax.plot_surface(*_grid(), color="C1", alpha=0.6, shade=True)
    ax.plot_wireframe(*_grid(9), color="k", linewidth=0.5)
    return fig


def scatter_legend():
    fig, ax = _axes()
    rng = np.random.default_rng(1)
    pts = rng.normal(size=(3, 80))
    ax.scatter(*pts, c=pts[0], s=10 + 30 * np.abs(pts[1]), marker="^", label="cloud")
    ax.scatter(*(pts[:, :10] + 3), color="r", edgecolors="k", depthshade=False, label="shifted")
    ax.plot([0, 3], [0, 3], [0, 3], "g-o", markevery=[0, 1], label="path")
    ax.legend()
    return fig


def bars_and_text():
    fig, ax = _axes()
    for z, c in zip([0, 10, 20], ["r", "g", "b"]):
        ax.bar(np.arange(6), np.arange(6) % 4 + 1, zs=z, zdir="y", color=c, alpha=0.8, hatch="//" if z else None)
    ax.bar3d([1, 3], [0, 15], [0, 0], 0.8, 3, [2, 4], color="C4", shade=True)
    ax.text(2, 5, 4, "along x", zdir="x", color="m")
    ax.text(0, 20, 2, "along (1,1,0)", zdir=(1, 1, 0))
    ax.text2D(0.05, 0.95, "2D text", transform=ax.transAxes)
    return fig


def contours_offsets():
    fig, ax = _axes()
    xx, yy, zz = _grid()
    ax.plot_surface(xx, yy, zz, alpha=0.3, edgecolor="royalblue", lw=0.3, rstride=4, cstride=4)
    ax.contourf(xx, yy, zz, zdir="z", offset=-1.5, cmap="coolwarm")
    ax.contour(xx, yy, zz, zdir="x", offset=-2.5, cmap="coolwarm")
    ax.contour(xx, yy, zz, zdir="y", offset=2.5, colors="k", linewidths=0.8)
    ax.set(xlim=(-2.5, 2), ylim=(-2, 2.5), zlim=(-1.5, 1))
    return fig


def voxels_quiver_stem():
    fig = Figure(figsize=(8.0, 3.0), dpi=DPI)
    a = fig.add_subplot(131, projection="3d")
    filled = np.zeros((4, 4, 4), bool)
    filled[0, 0, :] = filled[:, 1, 1] = filled[2, 2, 2] = True
    a.voxels(filled, facecolors="#1f77b430", edgecolor="k")
    b = fig.add_subplot(132, projection="3d")
    g = np.meshgrid(*[np.linspace(-1, 1, 4)] * 3)
    b.quiver(*g, -g[1], g[0], 0.2 * g[2], length=0.3, normalize=True, color="C3")
    c = fig.add_subplot(133, projection="3d")
    t = np.linspace(0, 2 * np.pi, 12)
    c.stem(np.cos(t), np.sin(t), t, bottom=1, orientation="z")
    c.errorbar(np.cos(t), np.sin(t), t, zerr=0.3, fmt="none", ecolor="C2")
    return fig


def camera_and_panes():
    fig, ax = _axes(proj_type="persp", focal_length=0.3)
    ax.plot_trisurf(*np.random.default_rng(2).uniform(-1, 1, (2, 60)), np.linspace(0, 1, 60), cmap="magma")
    ax.view_init(elev=15, azim=120, roll=20)
    ax.set_box_aspect((2, 1, 0.5), zoom=0.8)
    ax.xaxis.set_pane_color((1.0, 0.9, 0.9, 1.0))
    ax.zaxis.line.set_color("r")
    ax.grid(False)
    return fig


def vertical_y_axis_off():
    fig, ax = _axes()
    t = np.linspace(0, 6 * np.pi, 300)
    ax.plot(np.cos(t), t / 10, np.sin(t), color="C0", lw=2)
    ax.view_init(elev=20, azim=-40, vertical_axis="y")
    ax.computed_zorder = False
    ax.set_axis_off()
    return fig


FIGURES: Dict[str, Callable[[], Any]] = {f.__name__: f for f in (surface_cmap, surface_shaded_alpha, scatter_legend,
    bars_and_text, contours_offsets, voxels_quiver_stem, camera_and_panes, vertical_y_axis_off)}  # fmt: skip


@pytest.mark.parametrize("name", FIGURES)
def test_a_3d_figure_is_live_by_scene_and_looks_the_same(name: str) -> None:
    fig = FIGURES[name]()
    result = live(fig)
    assert result.skipped == () or all("3D" not in reason for _, reason in result.skipped), result.skipped
    assert [ax.name for ax in result.figure.axes] == [ax.name for ax in fig.axes]
    assert ssim(pixels(result.figure), pixels(fig)) >= 0.99


@pytest.mark.parametrize("name", FIGURES)
def test_a_rebuilt_3d_figure_turns_and_zooms_like_the_original(name: str) -> None:
    """Liveness: both figures turned and zoomed alike draw alike, and their limits agree."""
    fig = FIGURES[name]()
    built = live(fig).figure
    for original, rebuilt in zip(fig.axes, built.axes):
        (lo, hi), elev, azim = original.get_xlim(), original.elev + 25, original.azim - 50
        for ax in (original, rebuilt):
            ax.view_init(elev=elev, azim=azim)
            ax.set_xlim(lo + (hi - lo) / 4, hi)
        for axis in "xyz":
            assert np.allclose(getattr(rebuilt, f"get_{axis}lim")(), getattr(original, f"get_{axis}lim")())
        assert (rebuilt.elev, rebuilt.azim) == pytest.approx((original.elev, original.azim))
    assert ssim(pixels(built), pixels(fig)) >= 0.97


def test_3d_artists_keep_their_own_order_and_colours() -> None:
    """The scene carries data before depth sorting and colours before depth shading: a
    point's colour follows the point, whichever way the figure is turned."""
    fig, ax = _axes()
    ax.scatter([0, 1, 2], [0, 0, 0], [0, 1, 2], color=["r", "g", "b"], s=[10, 20, 30], depthshade=False)
    draw_for_scene(fig)
    doc, _ = describe(fig)
    node = next(n for n in doc["figure"]["axes"][0]["artists"] if n["type"] == "points3d")
    assert node["xyz"].tolist() == [[0, 0, 0], [1, 0, 1], [2, 0, 2]]
    assert node["facecolors"][:, :3].tolist() == [[1, 0, 0], [0, 0.5, 0], [0, 0, 1]]
    assert node["sizes"].tolist() == [10, 20, 30] and node["depthshade"] is False


def test_a_3d_scene_from_another_producer_keeps_its_limits_or_makes_its_own() -> None:
    """Limits the user set are kept; limits matplotlib chose are chosen again from the
    data (``autoscale``), so a consumer's own margins apply."""
    fig, ax = _axes()
    ax.plot([0, 1], [0, 2], [0, 3])
    ax.set_ylim(-5, 5)
    draw_for_scene(fig)
    doc, _ = describe(fig)
    view = doc["figure"]["axes"][0]["view3d"]
    assert view["autoscale"] == [1.0, 0.0, 1.0] and view["datalim"] == [0.0, 1.0, 0.0, 2.0, 0.0, 3.0]
    doc["figure"]["axes"][0]["xlim"] = [-100.0, 100.0]  # what another matplotlib's margins made
    built, _ = rebuild(encode_scene(doc))
    assert built.axes[0].get_xlim() == pytest.approx(ax.get_xlim())  # made again from the data
    assert built.axes[0].get_ylim() == pytest.approx((-5, 5))


# -- hostile 3D scenes: refused before anything is built ----------------------------------------


def _doc() -> Dict[str, Any]:
    fig = FIGURES["scatter_legend"]()
    draw_for_scene(fig)
    return describe(fig)[0]


def _node(doc: Dict[str, Any], kind: str) -> Dict[str, Any]:
    return next(n for n in doc["figure"]["axes"][0]["artists"] if n["type"] == kind)


HOSTILE = {
    "xyz of two columns": lambda d: _node(d, "points3d").update(xyz=np.zeros((3, 2))),
    "xyz of ints": lambda d: _node(d, "line3d").update(xyz=np.zeros((3, 3), np.int64)),
    "elevation past any angle": lambda d: d["figure"]["axes"][0]["view3d"].update(elev=1e9),
    "zoom of zero": lambda d: d["figure"]["axes"][0]["view3d"].update(zoom=0.0),
    "box of a negative side": lambda d: d["figure"]["axes"][0]["view3d"].update(box_aspect=[1.0, -1.0, 1.0]),
    "focal length of 1e-9": lambda d: d["figure"]["axes"][0]["view3d"].update(focal_length=1e-9),
    "a 3D node in a 2D axes": lambda d: d["figure"]["axes"][0].update(projection="rectilinear"),
    "a 3D node at figure level": lambda d: d["figure"].setdefault("artists", []).append(_node(d, "line3d")),
    "a 3D axes that is an inset": lambda d: d["figure"]["axes"].append(
        dict(d["figure"]["axes"][0], inset={"parent": 0, "bounds": [0.0, 0.0, 0.5, 0.5]})
    ),
    "margins of -1": lambda d: d["figure"]["axes"][0]["view3d"].update(margins=[-1.0, 0.0, 0.0]),
    "a projection this consumer does not know (as 3d is to scene 1.2)": lambda d: d["figure"]["axes"][0].update(
        projection="4d"
    ),
    "more polygons than max_paths (each is built as an object)": lambda d: d["figure"]["axes"][0]["artists"].append(
        {"type": "polys3d", "polygons": {"vertices": np.zeros((1 << 19, 3)), "lengths": np.ones(1 << 19, np.int64)}}
    ),
    "an unknown vertical axis": lambda d: d["figure"]["axes"][0]["view3d"].update(vertical_axis="w"),
    "a text3d zdir of 2 numbers": lambda d: d["figure"]["axes"][0]["artists"].append(
        {"type": "text3d", "text": "t", "xyz": [0.0, 0.0, 0.0], "zdir": [1.0, 0.0]}
    ),
}


@pytest.mark.parametrize("name", HOSTILE)
def test_a_hostile_3d_scene_is_refused_before_it_is_built(name: str) -> None:
    doc = _doc()
    HOSTILE[name](doc)
    with pytest.raises(DecodeError):
        check_scene(decode_scene(encode_scene(doc)))


# -- properties ----------------------------------------------------------------------------------

_coords = st.floats(-1e3, 1e3, allow_nan=False, width=32)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    points=st.lists(st.tuples(_coords, _coords, _coords), min_size=1, max_size=40),
    kind=st.sampled_from(["plot", "scatter", "polys", "lines", "bar"]),
    elev=st.floats(-90, 90),
    azim=st.floats(-180, 180),
    ortho=st.booleans(),
)
def test_any_3d_data_rebuilds_to_the_same_pixels(points, kind, elev, azim, ortho) -> None:
    """Any points, as any of the 3D artist kinds, seen from any angle: the rebuilt figure
    draws what the original draws."""
    from mpl_toolkits.mplot3d.art3d import Line3DCollection, Poly3DCollection

    fig, ax = _axes(proj_type="ortho" if ortho else "persp")
    xyz = np.asarray(points, float)
    if kind == "plot":
        ax.plot(*xyz.T, "o-", color="C1")
    elif kind == "scatter":
        ax.scatter(*xyz.T, c=np.arange(len(xyz)), s=np.linspace(5, 60, len(xyz)))
    elif kind == "polys" and len(xyz) >= 3:
        ax.add_collection3d(Poly3DCollection([xyz[i : i + 3] for i in range(0, len(xyz) - 2, 3)], facecolors="C2", edgecolors="k"))
        ax.auto_scale_xyz(*xyz.T)
    elif kind == "lines" and len(xyz) >= 2:
        ax.add_collection3d(Line3DCollection([xyz[i : i + 2] for i in range(0, len(xyz) - 1, 2)], colors="C3"))
        ax.auto_scale_xyz(*xyz.T)
    else:
        ax.bar(xyz[:, 0], np.abs(xyz[:, 1]) + 1, zs=xyz[:, 2].mean(), zdir="y", width=5)
    ax.view_init(elev=elev, azim=azim)
    rebuilt = live(fig).figure
    assert ssim(pixels(rebuilt), pixels(fig)) >= 0.99


@pytest.fixture(scope="module")
def doc_3d() -> Dict[str, Any]:
    """One 3D document with every 3D node type and a camera with every field."""
    fig = FIGURES["bars_and_text"]()
    ax = fig.axes[0]
    ax.scatter([0, 1], [0, 1], [0, 1], label="points")
    ax.plot([0, 1], [1, 0], [0, 2], label="line")
    ax.plot_wireframe(*np.meshgrid([0, 1], [0, 1]), np.ones((2, 2)))
    ax.contour(*np.meshgrid([0.0, 1, 2], [0.0, 1, 2]), np.arange(9.0).reshape(3, 3), offset=0)
    ax.legend()
    draw_for_scene(fig)
    return describe(fig)[0]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_changed_field_of_a_3d_scene_draws_or_is_refused(doc_3d, data) -> None:
    """Any field of a 3D document replaced by any value: the figure builds and draws, or
    the consumer refuses it with a figwire error; never another exception."""
    types = {n["type"] for n in doc_3d["figure"]["axes"][0]["artists"]}
    assert {"line3d", "points3d", "polys3d", "lines3d", "patch3d", "text3d", "legend"} <= types
    path = data.draw(st.sampled_from([p for p, _ in _paths(doc_3d)]))
    draws_or_is_refused(_replaced(doc_3d, path, data.draw(_VALUES)))
