"""Hand-written hostile pickles, one per risk class of issue 7: each is refused (or made
safe), and each test proves the effect did not happen, not only that an error came back.

Every pickle here names only what figwire's policy admits; they are what a producer the
client trusts too much could send with ``trust_unsigned=True``.
"""

from __future__ import annotations

import functools
import io
import pickle
import struct
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any, List

import matplotlib
import matplotlib.cbook as cbook
import matplotlib.projections
import matplotlib.pyplot as plt
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from matplotlib._enums import CapStyle
from matplotlib.axes import Axes
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.path import Path as MplPath
from matplotlib.text import Text
from matplotlib.ticker import FormatStrFormatter, LinearLocator
from test_security import Reduce, figwire_pickle, message_with_pickle

import figwire
from figwire import LoadPolicy

ROOT = Path(__file__).resolve().parents[1]


def op_str(text: str) -> bytes:
    data = text.encode()
    return pickle.SHORT_BINUNICODE + bytes([len(data)]) + data


def op_global(module: str, name: str) -> bytes:
    return op_str(module) + op_str(name) + pickle.STACK_GLOBAL


def then_a_figure(prefix: bytes) -> bytes:
    """``prefix`` (opcodes that leave the stack as they found it), then a real figure:
    the message is well-formed and loads a Figure, so only the prefix can get it refused."""
    figure = figwire_pickle(Figure())
    assert figure[:2] == pickle.PROTO + b"\x05"
    return pickle.PROTO + b"\x05" + prefix + figure[2:]


def unpack(stream: bytes, **kwargs: Any) -> figwire.Unpacked:
    return figwire.unpack(message_with_pickle(stream), trust_unsigned=True, **kwargs)


def refused(result: figwire.Unpacked, *words: str) -> None:
    assert not result.live and result.figure is None, result.notes
    assert "[pickle-refused]" in " ".join(result.notes), result.notes
    for word in words:
        assert word in result.reason, result.reason


def pack(fig: Figure) -> List[Any]:
    return figwire.pack(fig, parts=("pickle",))  # no image: the producer does not draw


# -- memory corruption: arrays only through the checked reconstructor ---------------


def test_an_object_dtype_over_message_bytes_is_refused() -> None:
    stream = figwire_pickle(Reduce(np.ndarray, (1,), np.dtype("O"), bytearray(8)))
    refused(unpack(stream), "object")


class ForgedDtype:
    """numpy's own dtype pickle with a forged BUILD state: an object field over float bytes."""

    def __reduce__(self) -> Any:
        return np.dtype, ("f8", False, True), (3, "<", None, ("a",), {"a": (np.dtype("O"), 0)}, 8, 8, 16)


def test_a_dtype_forged_through_build_never_reaches_numpy() -> None:
    stream = figwire_pickle(Reduce(np.ndarray, (1,), ForgedDtype(), bytearray(8)))
    refused(unpack(stream), "dtype")


def test_a_structured_field_outside_its_element_is_refused() -> None:
    class Outside:
        def __reduce__(self) -> Any:
            return np.dtype, ("V8", False, True), (3, "|", None, ("a",), {"a": (np.dtype("f8"), 4)}, 8, 1, 16)

    refused(unpack(figwire_pickle(Reduce(np.ndarray, (1,), Outside(), bytearray(8)))), "outside an element")


def test_strides_reaching_outside_the_buffer_are_refused() -> None:
    stream = figwire_pickle(Reduce(np.ndarray, (4,), np.dtype("f8"), bytearray(32), 0, (1 << 20,)))
    refused(unpack(stream), "reach outside")


def test_numpys_own_array_reduction_is_refused_by_default() -> None:
    stream = pickle.dumps(np.ma.masked_array([1.0, 2.0], mask=[0, 1]), protocol=4)
    refused(unpack(stream), "_mareconstruct")


# -- process-wide monkeypatching: BUILD on a class, an enum member --------------------


def test_build_on_a_class_is_put_back_and_refused() -> None:
    original = Text.__dict__["get_usetex"]
    # Text, then BUILD (None, {"get_usetex": <an admitted function>}): setattr(Text, ...).
    slot = (
        pickle.EMPTY_DICT
        + op_str("get_usetex")
        + op_global("matplotlib.artist", "_stale_axes_callback")
        + pickle.SETITEM
    )
    prefix = op_global("matplotlib.text", "Text") + pickle.NONE + slot + pickle.TUPLE2 + pickle.BUILD + pickle.POP
    result = unpack(then_a_figure(prefix))
    refused(result, "changed process-wide state", "matplotlib.text.Text")
    assert Text.__dict__["get_usetex"] is original


def test_renaming_a_class_to_fool_the_method_rules_is_put_back() -> None:
    slot = pickle.EMPTY_DICT + op_str("__qualname__") + op_str("Path") + pickle.SETITEM
    prefix = (
        op_global("matplotlib.figure", "SubFigure") + pickle.NONE + slot + pickle.TUPLE2 + pickle.BUILD + pickle.POP
    )
    refused(unpack(then_a_figure(prefix)), "matplotlib.figure.")
    from matplotlib.figure import SubFigure

    assert SubFigure.__qualname__ == "SubFigure"


def test_an_enum_member_changed_through_build_is_put_back() -> None:
    state = pickle.EMPTY_DICT + op_str("_value_") + op_str("round") + pickle.SETITEM
    prefix = op_global("matplotlib._enums", "CapStyle") + op_str("butt") + pickle.TUPLE1 + pickle.REDUCE
    prefix += state + pickle.BUILD + pickle.POP
    refused(unpack(then_a_figure(prefix)), "changed process-wide state", "enum member")
    assert CapStyle.butt.value == "butt"


def test_a_shared_unit_path_cannot_be_reached() -> None:
    stream = figwire_pickle(Reduce(Rectangle((0, 0), 1, 1).get_path))
    refused(unpack(stream), "get_path")
    assert MplPath.unit_rectangle()._interpolation_steps in (1, 100)


def test_whatever_a_load_changes_in_shared_state_is_put_back() -> None:
    """The guard itself: rcParams, registries and watched classes are compared and put back."""
    from figwire._guard import Guard

    usetex, projections = (
        matplotlib.rcParams["text.usetex"],
        dict(matplotlib.projections.projection_registry._all_projection_types),
    )
    with Guard(LoadPolicy()) as guard:
        guard.watch_class(Text)
        dict.__setitem__(matplotlib.rcParams, "text.usetex", not usetex)
        matplotlib.projections.projection_registry._all_projection_types["evil"] = Axes
        Text.get_usetex = lambda self: True  # type: ignore[method-assign]
        matplotlib.rcParams["backend"]  # noqa: B018  (reading resolves nothing here)
    assert sorted(guard.changes) == sorted(
        ["class matplotlib.text.Text", "matplotlib.projections.projection_registry", "rcParams"]
    )
    assert (
        matplotlib.rcParams["text.usetex"] == usetex
        and "get_usetex" not in vars(Text)
        or Text.get_usetex.__module__ == "matplotlib.text"
    )
    assert dict(matplotlib.projections.projection_registry._all_projection_types) == projections


def test_what_the_user_changes_between_loads_stays_changed() -> None:
    """Loads compare against copies kept from earlier loads: a change the user's own code
    made since (a class attribute, an rc setting, a table entry) must be copied anew,
    neither undone by the next load nor taken for the pickle's doing."""
    from matplotlib.markers import MarkerStyle

    fig, ax = _axes()
    ax.plot([0, 1], marker="o")
    frames = pack(fig)
    assert figwire.unpack(frames, trust_unsigned=True).live  # the copies are kept now
    before = (matplotlib.rcParams["lines.linewidth"], dict(MarkerStyle.markers))
    try:
        Text.figwire_test_marker = "user's"  # type: ignore[attr-defined]
        matplotlib.rcParams["lines.linewidth"] = 7.5
        MarkerStyle.markers["figwire-test"] = "user's"
        result = figwire.unpack(frames, trust_unsigned=True)
        assert result.live, result.reason
        assert vars(Text)["figwire_test_marker"] == "user's"
        assert matplotlib.rcParams["lines.linewidth"] == 7.5
        assert MarkerStyle.markers["figwire-test"] == "user's"
    finally:
        del Text.figwire_test_marker  # type: ignore[attr-defined]
        matplotlib.rcParams["lines.linewidth"] = before[0]
        MarkerStyle.markers.clear()
        MarkerStyle.markers.update(before[1])
    result = figwire.unpack(frames, trust_unsigned=True)
    assert result.live and "figwire_test_marker" not in vars(Text)


# -- no processes, files or imports while loading --------------------------------------


def test_usetex_text_path_at_load_starts_no_process(tmp_path: Path) -> None:
    # TextPath(..., usetex=True) would run latex (and make its cache folder) during the load.
    from matplotlib.textpath import TextPath

    stream = figwire_pickle(Reduce(TextPath, (0, 0), r"\input{/etc/passwd}", 12, None, "center", True))
    result = unpack(stream)
    refused(result, "attempted")
    assert "subprocess" in result.reason or "os." in result.reason or "open" in result.reason


def test_the_policy_refuses_named_dangerous_callables() -> None:
    from figwire._policy import explain

    for module, name in [
        ("matplotlib.cbook", "_check_and_log_subprocess"),
        ("matplotlib.backends.backend_pdf", "PdfFile"),
        ("matplotlib.texmanager", "TexManager"),
        ("matplotlib.font_manager", "FontManager"),
        ("matplotlib.font_manager", "_load_fontmanager"),
        ("matplotlib", "use"),
        ("matplotlib", "rcParams"),
        ("matplotlib.pyplot", "figure"),
        ("matplotlib.image", "imsave"),
        ("matplotlib.style", "use"),
        ("matplotlib.animation", "FFMpegWriter"),
        ("matplotlib.figure", "Figure.savefig"),
        ("matplotlib.backend_bases", "FigureCanvasBase.print_figure"),
        ("matplotlib.dviread", "Dvi"),
        ("builtins", "eval"),
        ("builtins", "open"),
        ("builtins", "__import__"),
        ("os", "system"),
        ("subprocess", "Popen"),
        ("importlib", "import_module"),
        ("numpy", "load"),
        ("numpy.ma.core", "_mareconstruct"),
    ]:
        assert explain(module, name) is not None, f"{module}.{name} is admitted"


# -- pyplot and the backend: nothing resolved, nothing registered -----------------------


def test_a_load_does_not_resolve_the_clients_backend() -> None:
    script = textwrap.dedent(
        """
        import pickle, sys
        sys.path.insert(0, sys.argv[1])
        import matplotlib.pyplot as plt
        from matplotlib.figure import Figure
        import figwire
        from test_security import message_with_pickle
        from matplotlib._pylab_helpers import Gcf
        from matplotlib.backend_bases import FigureCanvasBase, FigureManagerBase
        fig = Figure()  # registered by hand, as pyplot would: its pickle then asks to be re-registered
        Gcf.figs[1] = FigureManagerBase(FigureCanvasBase(fig), 1)
        stream = pickle.dumps(fig, protocol=5)
        Gcf.figs.clear()
        assert b"_restore_to_pylab" in stream
        assert plt._backend_mod is None
        result = figwire.unpack(message_with_pickle(stream), trust_unsigned=True)
        print(result.live, plt._backend_mod is None, plt.get_fignums())
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", script, str(ROOT / "tests")],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["True", "True", "[]"], out.stdout


# -- load-time exhaustion: sizes checked before allocating -----------------------------


def _quick(fn: Any) -> Any:
    start = time.perf_counter()
    value = fn()
    assert time.perf_counter() - start < 5, "a refusal must be quick"
    return value


def test_a_4gb_bytearray_is_refused_before_allocating() -> None:
    refused(_quick(lambda: unpack(figwire_pickle(Reduce(bytearray, 4_000_000_000)))), "bytearray")


def test_a_huge_memo_index_is_refused() -> None:
    prefix = pickle.NONE + pickle.LONG_BINPUT + struct.pack("<I", 1 << 28) + pickle.POP
    refused(_quick(lambda: unpack(then_a_figure(prefix))), "memory_headroom")


def test_a_set_of_a_huge_range_is_refused() -> None:
    refused(_quick(lambda: unpack(figwire_pickle(Reduce(set, range(30_000_000))))), "range")


def test_a_zero_stride_array_of_10_12_elements_is_refused() -> None:
    huge = Reduce(np.ndarray, (10**6, 10**6), np.dtype("f8"), bytearray(8), 0, (0, 0))  # 8 bytes, 8 TB of view
    refused(_quick(lambda: unpack(figwire_pickle(Reduce(np.log, huge)))), "max_array_bytes")


def test_a_class_factory_format_cannot_fill_a_cache() -> None:
    before = cbook._make_class_factory.cache_info().currsize  # type: ignore[attr-defined]
    stream = figwire_pickle(Reduce(cbook._picklable_class_constructor, Axes, "{:>1000000000}", "_axes_class", Axes))
    refused(_quick(lambda: unpack(stream)), "class-name format")
    assert cbook._make_class_factory.cache_info().currsize == before  # type: ignore[attr-defined]


def test_a_partial_of_a_class_is_refused() -> None:
    from matplotlib.textpath import TextPath

    fig = Figure()
    fig.add_subplot().xaxis.set_major_formatter(functools.partial(TextPath, (0, 0), "x", usetex=True))
    refused(unpack(figwire_pickle(fig)), "functools.partial")


# -- draw-time harm: the figure is checked before it is handed over -------------------


def _axes() -> Any:
    fig = Figure(figsize=(3, 2), dpi=50)
    return fig, fig.add_subplot()


def test_usetex_is_turned_off_and_said_so() -> None:
    fig, ax = _axes()
    ax.text(0.5, 0.5, r"\input{/etc/passwd}", usetex=True)
    result = figwire.unpack(pack(fig), trust_unsigned=True)
    assert result.live, result.reason
    (text,) = result.figure.axes[0].texts
    assert not text.get_usetex()
    assert any("usetex turned off" in n for n in result.notes)
    result.figure.canvas.draw()  # draws with mathtext/plain text, no latex


def test_usetex_stays_when_the_caller_opts_in() -> None:
    fig, ax = _axes()
    ax.text(0.5, 0.5, "x", usetex=True)
    result = figwire.unpack(pack(fig), trust_unsigned=True, policy=LoadPolicy(allow_usetex=True))
    assert result.live and result.figure.axes[0].texts[0].get_usetex()


def test_a_font_file_outside_the_font_folders_is_dropped(tmp_path: Path) -> None:
    import os

    fifo = tmp_path / "font.ttf"
    os.mkfifo(fifo)  # opening it would block the draw for ever
    fig, ax = _axes()
    ax.set_title("title")
    ax.title.get_fontproperties()._file = str(fifo)
    result = figwire.unpack(pack(fig), trust_unsigned=True)
    assert result.live, result.reason
    assert result.figure.axes[0].title.get_fontproperties().get_file() is None
    assert any("dropped" in n for n in result.notes)
    result.figure.canvas.draw()


@pytest.mark.parametrize(
    "harm, words",
    [
        (lambda ax: ax.xaxis.set_major_locator(LinearLocator(100_001)), "max_ticks"),
        (lambda ax: setattr(ax.plot([0, 1])[0].get_path(), "_interpolation_steps", 100_000_000), "interpolation steps"),
        (lambda ax: ax.yaxis.set_major_formatter(FormatStrFormatter("%0200000000d")), "max_format_width"),
        (lambda ax: ax.figure.set_size_inches(600, 600), "max_canvas_pixels"),
        (
            lambda ax: ax.imshow(
                np.zeros((2, 2)), cmap=LinearSegmentedColormap.from_list("big", ["r", "b"], N=50_000_000)
            ),
            "max_colormap_size",
        ),
        (lambda ax: ax.plot([0, 1])[0].set_agg_filter(np.log), "agg_filter"),
        (lambda ax: ax.plot([0, 1], dashes=(1e-9, 1e-9)), "dash pattern"),
        (lambda ax: ax.plot([0, 1])[0].set_sketch_params(1, 1e-6, 1), "sketch"),
    ],
    ids=["ticks", "interpolation", "format", "canvas", "colormap", "agg_filter", "dashes", "sketch"],
)
def test_draw_time_harm_is_refused_before_hand_over(harm: Any, words: str) -> None:
    fig, ax = _axes()
    harm(ax)
    refused(figwire.unpack(pack(fig), trust_unsigned=True), words)


def _no_process(monkeypatch: pytest.MonkeyPatch) -> List[Any]:
    """Record (and stop) every process the test's code tries to start."""
    started: List[Any] = []

    def refuse(self: Any, args: Any, *rest: Any, **kwargs: Any) -> None:
        started.append(args)
        raise RuntimeError("the test allows no process")

    monkeypatch.setattr(subprocess.Popen, "__init__", refuse)
    return started


def _hidden_usetex_text(fig: Figure) -> Text:
    """A text that no artist lists as a child: only what the test binds it into reaches it."""
    hidden = Text(0, 0, r"\input{/etc/passwd}", usetex=True)
    hidden.figure = fig
    return hidden


@pytest.mark.parametrize("how", ["another method", "partial", "admitted class"])
def test_an_instance_attribute_replacing_a_method_is_refused(how: str) -> None:
    # A tight bounding box calls line.get_window_extent; drawing a text calls get_usetex.
    fig, ax = _axes()
    (line,) = ax.plot([0, 1], clip_on=False)
    if how == "admitted class":
        target, name, value = ax.text(0.5, 0.5, r"\input{/etc/passwd}"), "get_usetex", object  # object() is truthy
    elif how == "another method":
        target, name, value = ax.text(0.5, 0.5, r"\input{/etc/passwd}"), "get_usetex", line.get_window_extent  # a Bbox: truthy
    else:
        hidden = _hidden_usetex_text(fig)
        target, name, value = line, "get_window_extent", functools.partial(Text.get_window_extent, hidden)
    setattr(target, name, value)
    refused(figwire.unpack(pack(fig), trust_unsigned=True), f".{name} is replaced on the instance")


def test_the_same_method_bound_to_another_object_is_accepted_and_what_it_is_bound_to_checked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # matplotlib's own delegation (a colorbar's axes pan and zoom through the Colorbar's
    # methods of the same names) loads live; the same shape aimed at a hidden usetex text
    # loads too, with that text checked like the figure's own.
    fig, ax = _axes()
    fig.colorbar(ax.imshow([[0, 1], [2, 3]]))
    (line,) = ax.plot([0, 1], clip_on=False)
    line.get_window_extent = _hidden_usetex_text(fig).get_window_extent
    result = figwire.unpack(pack(fig), trust_unsigned=True)
    assert result.live, result.reason
    assert any("usetex turned off" in n for n in result.notes), result.notes
    cax = result.figure.axes[1]
    assert cax._set_view_from_bbox.__self__ is cax._colorbar
    started = _no_process(monkeypatch)
    result.figure.savefig(io.BytesIO(), format="png", bbox_inches="tight")
    assert started == []


def test_a_usetex_text_bound_into_a_callable_the_figure_keeps_is_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    # Not in a method's place but where matplotlib keeps a callable of its own (a picker,
    # called with the mouse event): whatever a bound method the load made is bound to is
    # checked like the figure's artists.
    fig, ax = _axes()
    (line,) = ax.plot([0, 1])
    hidden = _hidden_usetex_text(fig)
    line.set_picker(hidden.get_window_extent)
    result = figwire.unpack(pack(fig), trust_unsigned=True)
    assert result.live, result.reason
    assert any("usetex turned off" in n for n in result.notes), result.notes
    assert not result.figure.axes[0].lines[0].get_picker().__self__.get_usetex()
    started = _no_process(monkeypatch)
    result.figure.savefig(io.BytesIO(), format="png", bbox_inches="tight")
    assert started == []


def test_a_path_bound_into_a_method_slot_is_checked_too() -> None:
    fig, ax = _axes()
    patch = ax.add_patch(Rectangle((0, 0), 1, 1))
    huge = MplPath([(0, 0), (1, 1)])
    huge._interpolation_steps = 100_000_000  # 8 GB when drawn
    patch.get_path = huge.copy  # type: ignore[method-assign]
    refused(figwire.unpack(pack(fig), trust_unsigned=True), "interpolation steps")


@pytest.mark.parametrize("coords", ["artist", "tuple"])
def test_an_annotation_measuring_a_hidden_text_gets_it_checked(coords: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # xycoords may be an artist, or an (x, y) pair of coordinate systems, each of which
    # may be one: the annotation measures it (get_window_extent) whenever it is drawn.
    fig, ax = _axes()
    hidden = _hidden_usetex_text(fig)
    ax.annotate("a", (0.5, 0.5), xycoords=hidden if coords == "artist" else (hidden, "data"))
    result = figwire.unpack(pack(fig), trust_unsigned=True)
    assert result.live, result.reason
    assert any("usetex turned off" in n for n in result.notes), result.notes
    started = _no_process(monkeypatch)
    result.figure.savefig(io.BytesIO(), format="png", bbox_inches="tight")
    assert started == []


def test_an_artist_in_a_slot_another_instance_left_empty_is_checked() -> None:
    # One arrow's patchB is None (as matplotlib leaves it); the other's holds a text that
    # no artist lists as a child: its arrow still reaches it when it is drawn. The walk
    # meets the last annotation first, so its type's check is learned from the empty one.
    from matplotlib.patches import FancyArrowPatch

    from figwire import _validate

    _validate._PLANS.pop(FancyArrowPatch, None)
    fig, ax = _axes()
    first = ax.annotate("a", (0.2, 0.2), xytext=(0.5, 0.5), arrowprops={"arrowstyle": "->"})
    ax.annotate("b", (0.8, 0.8), xytext=(0.5, 0.5), arrowprops={"arrowstyle": "->"})
    first.arrow_patch.patchB = _hidden_usetex_text(fig)
    result = figwire.unpack(pack(fig), trust_unsigned=True)
    assert result.live, result.reason
    assert any("usetex turned off" in n for n in result.notes), result.notes


def test_a_first_instance_without_a_key_does_not_blind_the_check_for_later_ones() -> None:
    # What is checked per artist type is learned from the instances seen, for the
    # process: a crafted first instance lacking a key must not hide that key on later ones.
    from matplotlib.table import Cell

    from figwire import _validate

    _validate._PLANS.pop(Cell, None)
    fig, ax = _axes()
    table = ax.table(cellText=[["a", "b"]])
    first, second = table[0, 0], table[0, 1]  # the walk meets the second first
    del second._text
    first._text = Text(0, 0, r"\input{/etc/passwd}", usetex=True)
    stream = pickle.dumps(fig, protocol=5)
    result = unpack(stream)
    assert result.live, result.reason
    assert any("usetex turned off" in n for n in result.notes), result.notes
    # (the second cell cannot draw: its text is gone. What matters is the first one's check.)


@pytest.mark.parametrize("where", ["same message", "earlier message"])
def test_a_decoy_leaving_a_method_slot_none_does_not_blind_the_check(where: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # None in a method slot is harmless, and what a type's instances were seen with is
    # kept for the process: the check of each instance's value must not be skipped for it.
    from figwire import _validate

    _validate._PLANS.pop(Text, None)
    fig, ax = _axes()
    ax.text(0.5, 0.5, r"\input{/etc/passwd}").get_usetex = object  # truthy when called
    decoy_fig, decoy_ax = (fig, ax) if where == "same message" else _axes()
    decoy = decoy_ax.text(0.1, 0.1, "decoy", visible=False)  # the walk meets the last child first
    decoy.get_usetex = None
    if where == "earlier message":
        assert figwire.unpack(pack(decoy_fig), trust_unsigned=True).live
    refused(figwire.unpack(pack(fig), trust_unsigned=True), "Text.get_usetex is replaced on the instance")


def test_a_decoy_holding_a_number_where_its_type_holds_an_artist_does_not_hide_the_next(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Whether an attribute holds an artist is looked at on every instance: a first cell
    # whose _text is 0 says nothing about the next cell's.
    from matplotlib.table import Cell

    from figwire import _validate

    _validate._PLANS.pop(Cell, None)
    fig, ax = _axes()
    table = ax.table(cellText=[["a", "b"]])
    evil, decoy = table[0, 0], table[0, 1]  # the walk meets the decoy first
    decoy.set_visible(False)
    decoy._text = 0
    evil._text = _hidden_usetex_text(fig)
    result = figwire.unpack(pack(fig), trust_unsigned=True)
    assert result.live, result.reason
    assert any("usetex turned off" in n for n in result.notes), result.notes
    assert not result.figure.axes[0].tables[0][0, 0]._text.get_usetex()


def test_a_font_whose_get_file_is_replaced_is_refused(tmp_path: Path) -> None:
    # Drawing opens prop.get_file(), not prop._file: a partial returning a constant path
    # in that slot would open any file (a FIFO blocks every draw).
    from matplotlib.axis import Axis

    fig, ax = _axes()
    prop = ax.set_title("title").get_fontproperties()
    prop.get_file = functools.partial(Axis._format_with_dict, {None: "/etc/passwd"}, None, None)
    refused(figwire.unpack(pack(fig), trust_unsigned=True), "FontProperties.get_file is replaced on the instance")


def test_what_a_partial_holds_in_its_containers_is_checked() -> None:
    from matplotlib.axis import Axis

    fig, ax = _axes()
    (line,) = ax.plot([0, 1])
    line.set_picker(functools.partial(Axis._format_with_dict, {None: [_hidden_usetex_text(fig)]}))
    result = figwire.unpack(pack(fig), trust_unsigned=True)
    assert result.live, result.reason
    assert any("usetex turned off" in n for n in result.notes), result.notes


def _draw_cost(how: str) -> Figure:
    """A figure whose draw would cost gigabytes or minutes, by one setting each (most
    reachable with public API: the client pays for them all the same)."""
    from matplotlib import dates, ticker
    from matplotlib.transforms import Bbox

    fig, ax = _axes()
    if how == "figure bbox":  # the renderer is sized by figure.bbox, not size x dpi
        fig.bbox = Bbox([[0, 0], [60000, 60000]])
    elif how == "locator of another axis":  # ticks come from locator.axis's view
        other = fig.add_subplot(2, 1, 2)
        other.set_xlim(0, 30)
        loc = ticker.MultipleLocator(1e-3)
        ax.xaxis.set_major_locator(loc)
        loc.set_axis(other.xaxis)
    elif how == "log base":  # subs are arange(1, base)
        ax.set_yscale("log")
        ax.yaxis.set_major_locator(ticker.LogLocator(base=3e8, subs="all"))
    elif how == "date minticks":
        ax.xaxis.set_major_locator(dates.AutoDateLocator(minticks=10**12))
    elif how == "filter radius":
        ax.imshow(np.zeros((4, 4)), interpolation="sinc").set_filterrad(400)
    elif how == "marker size":
        ax.plot([0.5], [0.5], "o", markersize=1e6)
    elif how == "tick size":
        ax.tick_params(length=1e6)
    elif how == "grid rows":
        gs = ax.get_subplotspec().get_gridspec()
        gs._nrows, gs._row_height_ratios = 500, [1] * 500
    elif how == "box teeth":
        ax.text(0.2, 0.5, "boxed", bbox={"boxstyle": "sawtooth,tooth_size=1e-6"})
    return fig


@pytest.mark.parametrize(
    "how, words",
    [
        ("figure bbox", "bbox is not its size"),
        ("locator of another axis", "over a view of 30"),
        ("log base", "LogLocator of base"),
        ("date minticks", "minticks"),
        ("filter radius", "filter radius"),
        ("marker size", "_markersize"),
        ("tick size", "1000000.0 points"),
        ("grid rows", "grid of 500 x 1"),
        ("box teeth", "teeth"),
    ],
)
def test_a_setting_that_scales_the_draw_is_bounded(how: str, words: str) -> None:
    refused(figwire.unpack(pack(_draw_cost(how)), trust_unsigned=True), words)


_SLOT_VALUES = ["text", "hidden usetex", "zero", "none", "missing"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    cells=st.lists(st.sampled_from(_SLOT_VALUES), min_size=2, max_size=6),
    shadows=st.lists(st.sampled_from(["absent", "none", "object"]), min_size=2, max_size=6),
)
def test_no_arrangement_of_instances_lets_a_usetex_text_through(cells: List[str], shadows: List[str]) -> None:
    # Whatever the pickle puts in each instance's slots, and in whichever order the
    # check meets them (and whatever earlier examples taught it about the types), no
    # text that would run TeX is handed over: the figure is refused, or every text the
    # cells hold has usetex off and no method slot that could turn it back on.
    fig, ax = _axes()
    table = ax.table(cellText=[["x"] * len(cells)])
    for i, (what, shadow) in enumerate(zip(cells, shadows + ["absent"] * len(cells))):
        cell = table[0, i]
        if what == "hidden usetex":
            cell._text = _hidden_usetex_text(fig)
        elif what == "zero":
            cell._text = 0
        elif what == "none":
            cell._text = None
        elif what == "missing":
            del cell._text
        text = cell.__dict__.get("_text")
        if isinstance(text, Text) and shadow != "absent":
            text.get_usetex = None if shadow == "none" else object
    result = figwire.unpack(pack(fig), trust_unsigned=True)
    if not result.live:
        assert "[pickle-refused]" in " ".join(result.notes), result.notes
        return
    for cell in result.figure.axes[0].tables[0].get_celld().values():
        text = cell.__dict__.get("_text")
        if isinstance(text, Text):
            assert not Text.get_usetex(text) and text.__dict__.get("get_usetex") is None


def _hidden_usetex_axes(fig: Figure, where: str) -> Axes:
    """An axes whose tick label runs TeX, taken out of the figure's children and held
    only where drawing still measures it."""
    from matplotlib.ticker import FixedFormatter, FixedLocator

    hidden = fig.add_subplot(3, 3, 9)
    hidden.xaxis.set_major_locator(FixedLocator([0.5]))
    hidden.xaxis.set_major_formatter(FixedFormatter([r"\input{/etc/passwd}"]))
    for tick in hidden.xaxis.get_major_ticks(1):
        tick.label1.set_usetex(True)
    for axis in (hidden.xaxis, hidden.yaxis):  # nothing the load binds points at it
        axis.callbacks = cbook.CallbackRegistry(signals=["units"])
    ax = fig.axes[0]
    if where == "axes stack":  # Figure.axes, which a tight bbox and tight layout measure
        fig._localaxes.remove(hidden)
    else:
        fig.delaxes(hidden)
        if where == "aligned labels":  # Axis.draw measures the ticks of aligned siblings
            fig._align_label_groups["x"].join(ax, hidden)
            ax.containers.append(hidden)  # what keeps it alive
        elif where == "colorbars":  # constrained layout measures an axes' colorbars
            hidden._colorbar_info = {
                "location": "right", "parents": [ax], "shrink": 1, "anchor": (0, 0.5),
                "panchor": (1, 0.5), "fraction": 0.15, "aspect": 20, "pad": 0.05,
            }  # fmt: skip
            ax._colorbars.append(hidden)
    return hidden


@pytest.mark.parametrize("where", ["axes stack", "aligned labels", "colorbars"])
def test_an_axes_held_only_where_drawing_measures_it_is_checked(where: str, monkeypatch: pytest.MonkeyPatch) -> None:
    fig = Figure(figsize=(3, 2), dpi=50, layout="constrained" if where == "colorbars" else None)
    fig.add_subplot().set_xlabel("x")
    _hidden_usetex_axes(fig, where)
    result = figwire.unpack(pack(fig), trust_unsigned=True)
    assert result.live, result.reason
    assert any("usetex turned off" in n for n in result.notes), result.notes
    started = _no_process(monkeypatch)
    result.figure.savefig(io.BytesIO(), format="png")
    if where == "axes stack":
        result.figure.savefig(io.BytesIO(), format="png", bbox_inches="tight")
    assert started == []


@pytest.mark.parametrize("kw", [{"grid_ls": (0, (1e-6, 1e-6))}, {"grid_linestyle": "--", "grid_linewidth": 1e-7}])
def test_a_tick_grid_dash_pattern_is_checked_as_drawing_scales_it(kw: Any) -> None:
    fig, ax = _axes()
    ax.xaxis._major_tick_kw.update(gridOn=True, **kw)
    ax.xaxis.majorTicks = []  # ticks are made at draw, from _major_tick_kw
    refused(figwire.unpack(pack(fig), trust_unsigned=True), "dash pattern")


def test_a_font_given_as_a_pattern_string_is_refused() -> None:
    fig, ax = _axes()
    ax.set_title("title")._fontproperties = ":file=/etc/passwd"  # a fontconfig pattern
    refused(figwire.unpack(pack(fig), trust_unsigned=True), "not FontProperties")


@pytest.mark.parametrize("attribute", ["_dpi", "_original_dpi"])
def test_every_dpi_a_draw_can_use_is_bounded(attribute: str) -> None:
    # savefig's default dpi is _original_dpi, which a pickle can set after the figure's
    # own __setstate__ has read it (a SETITEM on its state dict); Agg makes a dpi x dpi
    # hatch tile whatever the canvas size. The rule is checked on the figure directly.
    from figwire import _validate

    fig = Figure(figsize=(1 / 300, 1 / 300), dpi=50)
    fig.__dict__[attribute] = 30000.0
    if attribute == "_dpi":
        fig.dpi_scale_trans.clear().scale(30000.0)
    with pytest.raises(figwire.DecodeError, match="a dpi of 30000"):
        _validate.validate(fig, LoadPolicy())


@pytest.mark.parametrize("enabled", [True, False])
@pytest.mark.parametrize("message", ["a figure", "refused while loading"])
def test_the_garbage_collector_is_left_as_it_was(enabled: bool, message: str) -> None:
    # The load pauses cyclic collection (16 % of a figure's load); whatever the outcome,
    # the process gets it back as it was.
    import gc

    stream = pickle.dumps(_axes()[0], protocol=5)
    if message != "a figure":
        stream = then_a_figure(op_global("os", "system") + pickle.POP)
    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        result = unpack(stream)
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()
    assert result.live is (message == "a figure"), result.notes


@pytest.mark.parametrize("clip", ["patch", "path"])
def test_what_a_clip_path_holds_is_checked(clip: str) -> None:
    # A clip path is a transform node; a polar axes interpolates the path it clips to.
    from matplotlib.patches import PathPatch

    fig = Figure(figsize=(3, 2), dpi=50)
    ax = fig.add_subplot(projection="polar")
    (line,) = ax.plot([0, 1], [0, 1])
    path = MplPath([[0, 0], [1, 0], [1, 1]])
    path._interpolation_steps = 10**8
    if clip == "patch":
        line.set_clip_path(PathPatch(path, transform=ax.transData))  # a patch no tree holds
    else:
        line.set_clip_path(path, ax.transData)
    refused(figwire.unpack(pack(fig), trust_unsigned=True), "interpolation steps")


def test_limits_are_the_callers() -> None:
    fig, ax = _axes()
    ax.xaxis.set_major_locator(LinearLocator(500))
    assert figwire.unpack(pack(fig), trust_unsigned=True).live
    refused(figwire.unpack(pack(fig), trust_unsigned=True, policy=LoadPolicy(max_ticks=100)), "max_ticks")


# -- figwire's own side effect: polar bars ----------------------------------------------


def test_polar_bars_are_curved_for_that_figure_only() -> None:
    script = textwrap.dedent(
        """
        import pickle, sys
        sys.path.insert(0, sys.argv[1])
        import matplotlib; matplotlib.use("Agg")
        import numpy as np
        from matplotlib.path import Path
        import figwire
        frames = [bytes(f) for f in pickle.loads(sys.stdin.buffer.read())]
        assert Path.unit_rectangle()._interpolation_steps == 1
        result = figwire.unpack(frames, trust_unsigned=True)
        assert result.live, result.reason
        assert Path.unit_rectangle()._interpolation_steps == 1, "the load changed every rectangle"
        fig = result.figure
        again = figwire.unpack(figwire.pack(fig, parts=("pickle",)), trust_unsigned=True)
        assert again.live, again.reason
        stock = pickle.loads(pickle.dumps(fig))
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        def rgba(f):
            canvas = FigureCanvasAgg(f)
            canvas.draw()
            return np.asarray(canvas.buffer_rgba()).copy()
        sys.stdout.buffer.write(pickle.dumps([rgba(fig), rgba(again.figure), rgba(stock)]))
        """
    )
    fig = plt.figure(figsize=(3, 3), dpi=50)
    fig.add_subplot(projection="polar").bar([0, 1, 2], [1, 2, 3], width=1.5)
    frames = figwire.pack(fig, parts=("pickle",))
    fig.canvas.draw()
    expected = np.asarray(fig.canvas.buffer_rgba()).copy()
    plt.close(fig)
    out = subprocess.run(
        [sys.executable, "-c", script, str(ROOT / "tests")],
        input=pickle.dumps([bytes(memoryview(f)) for f in frames]),
        capture_output=True,
        timeout=120,
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    assert out.returncode == 0, out.stderr.decode()
    for rgba in pickle.loads(out.stdout):
        np.testing.assert_array_equal(rgba, expected)


def test_a_load_that_keeps_calling_costly_code_is_interrupted() -> None:
    import matplotlib._qhull  # noqa: F401  (imported lazily by Triangulation: a load may not import)
    from matplotlib.tri import Triangulation

    # Each Triangulation is a Delaunay triangulation of the same 3,000 points (milliseconds);
    # the pickle asks for 10,000 of them, for a few bytes each (the points are memoised once).
    points = np.random.default_rng(0).random((2, 3000))
    x, y = points
    stream = figwire_pickle([Reduce(Triangulation, x, y) for _ in range(10_000)])
    start = time.perf_counter()
    result = unpack(stream, policy=LoadPolicy(max_load_seconds=1))
    assert time.perf_counter() - start < 10
    refused(result, "max_load_seconds")


def _shared_tuple_hash_bomb(levels: int = 64) -> bytes:
    """A dict keyed by a tuple nested ``levels`` deep, each level holding the one below twice:
    hashing it walks 2**levels paths inside one C call (stock pickle.loads hangs on it)."""
    ops = pickle.EMPTY_TUPLE + pickle.MEMOIZE
    for i in range(levels):
        ops += pickle.BINGET + bytes([i]) + pickle.BINGET + bytes([i]) + pickle.TUPLE2 + pickle.MEMOIZE
    ops += pickle.EMPTY_DICT + pickle.BINGET + bytes([levels]) + pickle.NONE + pickle.SETITEM + pickle.POP
    return then_a_figure(ops)


def test_a_c_level_cpu_bomb_is_bounded_by_a_child_first_load() -> None:
    start = time.perf_counter()
    result = unpack(_shared_tuple_hash_bomb(), policy=LoadPolicy(isolate=True, max_load_seconds=1))
    assert time.perf_counter() - start < 15
    refused(result, "child process")


def test_an_isolated_first_load_of_a_real_figure_is_live() -> None:
    fig, ax = _axes()
    ax.plot([0, 1, 2])
    result = figwire.unpack(pack(fig), trust_unsigned=True, policy=LoadPolicy(isolate=True))
    assert result.live, result.reason


# -- fuzzing: a damaged pickle gives a result and leaves no trace ----------------------


def _fuzz_base() -> bytes:
    fig, ax = _axes()
    ax.plot([0, 1, 2], [2, 0, 1], "o-", label="line")
    ax.set_title("fuzz")
    ax.legend()
    return figwire_pickle(fig)


_BASE = _fuzz_base()


def _process_state() -> Any:
    from matplotlib._pylab_helpers import Gcf
    from matplotlib.lines import Line2D

    classes = (Text, Line2D, Figure, Axes, CapStyle)
    return (
        dict(dict.items(matplotlib.rcParams)),
        dict(Gcf.figs),
        {cls: dict(vars(cls)) for cls in classes},
        {m: dict(vars(m)) for m in CapStyle},
        dict(matplotlib.projections.projection_registry._all_projection_types),
    )


def _same_state(a: Any, b: Any) -> bool:
    def same(x: Any, y: Any) -> bool:
        return x.keys() == y.keys() and all(x[k] is y[k] for k in x)

    return (
        same(a[0], b[0])
        and same(a[1], b[1])
        and all(same(a[2][c], b[2][c]) for c in a[2])
        and all(same(a[3][m], b[3][m]) for m in a[3])
        and same(a[4], b[4])
    )


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edits=st.lists(st.tuples(st.integers(0, len(_BASE) - 1), st.integers(0, 255)), min_size=1, max_size=6))
def test_a_damaged_figure_pickle_gives_a_result_and_leaves_no_trace(edits: List[Any]) -> None:
    stream = bytearray(_BASE)
    for at, value in edits:
        stream[at] = value
    before = _process_state()
    result = unpack(bytes(stream))  # never raises once the envelope decodes
    assert result.live or result.reason
    assert _same_state(before, _process_state())


_TOKENS = [
    *(
        op_global(m, n)
        for m, n in [
            ("matplotlib.text", "Text"),
            ("matplotlib._enums", "CapStyle"),
            ("matplotlib.path", "Path"),
            ("matplotlib.figure", "Figure"),
            ("matplotlib.colors", "Normalize"),
            ("functools", "partial"),
            ("builtins", "getattr"),
            ("numpy", "ndarray"),
            ("numpy", "dtype"),
            ("builtins", "bytearray"),
            ("builtins", "set"),
            ("matplotlib.artist", "_stale_axes_callback"),
            ("matplotlib.lines", "Line2D"),
            ("collections", "OrderedDict"),
            ("builtins", "list"),
            ("matplotlib.transforms", "Affine2D"),
        ]
    ),
    *(
        op_str(t)
        for t in ("_value_", "get_usetex", "__qualname__", "transform", "savefig", "butt", "f8", "O", "_set_circle")
    ),
    pickle.NONE,
    pickle.NEWTRUE,
    pickle.BININT1 + b"\x01",
    pickle.BININT + struct.pack("<i", 10**9),
    pickle.EMPTY_DICT,
    pickle.EMPTY_LIST,
    pickle.EMPTY_TUPLE,
    pickle.EMPTY_SET,
    pickle.MARK,
    pickle.TUPLE1,
    pickle.TUPLE2,
    pickle.TUPLE3,
    pickle.TUPLE,
    pickle.REDUCE,
    pickle.BUILD,
    pickle.NEWOBJ,
    pickle.SETITEM,
    pickle.SETITEMS,
    pickle.APPEND,
    pickle.APPENDS,
    pickle.ADDITEMS,
    pickle.MEMOIZE,
    pickle.BINGET + b"\x00",
    pickle.POP,
    pickle.DUP,
    pickle.STOP,
]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tokens=st.lists(st.sampled_from(_TOKENS), min_size=1, max_size=24))
def test_random_opcode_programs_over_admitted_names_leave_no_trace(tokens: List[bytes]) -> None:
    before = _process_state()
    result = unpack(then_a_figure(b"".join(tokens)))
    assert result.live or result.reason
    assert _same_state(before, _process_state())


# -- found by a red-team pass on this loader ---------------------------------------------


def test_a_shared_class_level_array_written_through_a_returned_reference_is_put_back() -> None:
    import matplotlib.transforms as mt

    # IdentityTransform().get_matrix() returns the one _mtx every IdentityTransform shares.
    ident = op_global("matplotlib.transforms", "IdentityTransform") + pickle.EMPTY_TUPLE + pickle.REDUCE
    matrix = op_global("builtins", "getattr") + ident + op_str("get_matrix") + pickle.TUPLE2 + pickle.REDUCE
    matrix += pickle.EMPTY_TUPLE + pickle.REDUCE
    index = pickle.BININT1 + b"\x00" + pickle.BININT1 + b"\x00" + pickle.TUPLE2
    poke = matrix + index + pickle.BINFLOAT + struct.pack(">d", 5.0) + pickle.SETITEM + pickle.POP
    refused(unpack(then_a_figure(poke)), "IdentityTransform._mtx")
    assert mt.IdentityTransform._mtx.tolist() == np.identity(3).tolist()
    assert mt.Affine2D().transform([1, 1]).tolist() == [1.0, 1.0]


def test_cached_timezone_instances_cannot_be_reached() -> None:
    from figwire._policy import explain

    for name in ("tzoffset", "tzutc", "tzlocal"):  # dateutil returns cached, process-wide instances
        assert explain("dateutil.tz.tz", name) is not None


def test_a_dense_hatch_is_refused() -> None:
    fig, ax = _axes()
    ax.bar([0], [1], hatch="o" * 200)  # (count * 6) ** 2 circles per hatch cell
    refused(figwire.unpack(pack(fig), trust_unsigned=True), "max_hatch_density")


def test_wrapping_a_huge_text_is_turned_off() -> None:
    fig = Figure(figsize=(90, 1), dpi=10)
    for y in (0.2, 0.5, 0.8):  # 200 characters each: the third goes over 500 wrapped in all
        fig.text(0, y, "a " * 100, wrap=True, fontsize=1)
    result = figwire.unpack(pack(fig), trust_unsigned=True)
    assert result.live and [t.get_wrap() for t in result.figure.texts].count(False) == 1
    assert any("wrap turned off" in n for n in result.notes)


def test_an_exception_whose_message_raises_does_not_escape_unpack() -> None:
    empty_text = op_global("matplotlib.colors", "_create_empty_object_of_class") + op_global("matplotlib.text", "Text")
    empty_text += pickle.TUPLE1 + pickle.REDUCE
    exc = op_global("matplotlib.bezier", "NonIntersectingPathException") + empty_text + pickle.TUPLE1 + pickle.REDUCE
    body = op_global("matplotlib.cbook", "_exception_printer") + exc + pickle.TUPLE1 + pickle.REDUCE
    result = unpack(pickle.PROTO + b"\x05" + body + pickle.STOP)  # must not raise
    assert not result.live and "could not be formatted" in result.reason


def test_a_shared_array_reached_without_naming_its_class_is_put_back() -> None:
    import matplotlib.transforms as mt

    def call(obj: bytes, name: str) -> bytes:
        return (
            op_global("builtins", "getattr")
            + obj
            + op_str(name)
            + pickle.TUPLE2
            + pickle.REDUCE
            + pickle.EMPTY_TUPLE
            + pickle.REDUCE
        )

    log = op_global("matplotlib.scale", "LogTransform") + pickle.BININT1 + b"\x0a" + pickle.TUPLE1 + pickle.REDUCE
    matrix = call(call(log, "get_affine"), "get_matrix")  # IdentityTransform's shared _mtx
    index = pickle.BININT1 + b"\x00" + pickle.BININT1 + b"\x00" + pickle.TUPLE2
    poke = matrix + index + pickle.BINFLOAT + struct.pack(">d", 5.0) + pickle.SETITEM + pickle.POP
    refused(unpack(then_a_figure(poke)), "IdentityTransform._mtx")
    assert mt.Affine2D().transform([1, 1]).tolist() == [1.0, 1.0]


def test_text_an_artist_draws_itself_is_checked_too() -> None:
    fig, ax = _axes()
    table = ax.table(cellText=[["x"]])
    cell = table[0, 0]
    cell.get_text().set_usetex(True)  # a Cell draws its own text, which is not one of its children
    result = figwire.unpack(pack(fig), trust_unsigned=True)
    assert result.live, result.reason
    assert not result.figure.axes[0].tables[0][0, 0].get_text().get_usetex()


def test_a_path_effects_own_patch_is_checked() -> None:
    from matplotlib import patheffects

    fig, ax = _axes()
    (line,) = ax.plot([0, 1])
    line.set_path_effects([patheffects.PathPatchEffect(hatch="o" * 200)])
    refused(figwire.unpack(pack(fig), trust_unsigned=True), "max_hatch_density")


def test_tick_settings_cannot_smuggle_refused_line_properties() -> None:
    fig, ax = _axes()
    ax.xaxis._major_tick_kw.update(gridOn=True, grid_dashes=(1e-9, 1e-9))  # every tick made at draw gets it
    refused(figwire.unpack(pack(fig), trust_unsigned=True), "dash pattern")
