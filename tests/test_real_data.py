"""Figures with real data: masked arrays over the out-of-band threshold, writable arrays
after unpack, and ``pack`` telling the figure's own unpicklable state from figwire's bugs.

Regression for issue 6: any masked array over 64 KiB made ``pack`` drop the pickle
("cannot reshape array of size 90000 into shape (720000,)"): a plain view whose base
is a ``MaskedArray`` was flattened through the subclass, which reshaped its mask too.
Drawing a figure leaves such views behind (pcolormesh of NaNs, a masked line), so
every figure is checked both as built and as an inline backend leaves it (drawn).
"""

from __future__ import annotations

import pickle
import warnings

import figures
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

import figwire
from figwire import _pickler

MASKED_FIGURES = ("pcolormesh_nan", "imshow_masked_invalid", "masked_line", "masked_image")


def _arrays(fig: Figure) -> list:
    """The data arrays a user reaches through the figure's artists, in a stable order."""
    out = []
    for ax in fig.axes:
        out += [a for line in ax.lines for a in (line.get_xdata(), line.get_ydata())]
        out += [c.get_array() for c in ax.collections if c.get_array() is not None]
        out += [im.get_array() for im in ax.images]
    return out


def _same(a, b) -> None:
    assert type(a) is type(b) and a.dtype == b.dtype and a.shape == b.shape
    if isinstance(a, np.ma.MaskedArray):
        assert (a._mask is np.ma.nomask) == (b._mask is np.ma.nomask)
        np.testing.assert_array_equal(np.ma.getmaskarray(a), np.ma.getmaskarray(b))
        assert a.fill_value == b.fill_value
        a, b = a.data, b.data
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("drawn", [False, True], ids=["built", "drawn"])
@pytest.mark.parametrize("name", MASKED_FIGURES)
def test_masked_data_figures_pack_a_pickle_and_unpack_live_and_identical(name: str, drawn: bool) -> None:
    fig = figures.CORPUS[name]()
    if drawn:
        fig.canvas.draw()
    frames = figwire.pack(fig, parts=("pickle",))
    header = figwire.inspect(frames)
    assert header.pickle is not None, header.missing
    if name != "masked_image":  # the small one: under the threshold, in-band
        assert len(header.pickle.frames) > 1, "the big masked arrays travel out-of-band"

    result = figwire.unpack(frames, trust_unsigned=True)
    assert result.live, result.reason
    originals, rebuilts = _arrays(fig), _arrays(result.figure)
    assert len(originals) == len(rebuilts)
    for original, rebuilt in zip(originals, rebuilts):
        _same(original, rebuilt)
    np.testing.assert_array_equal(figures.render_rgba(result.figure), figures.render_rgba(fig))


def test_masked_array_under_a_view_chain_at_the_size_that_broke() -> None:
    # 90,000 elements, 720,000 bytes; ``astype`` makes a MaskedArray that owns its memory,
    # as matplotlib's colour mapping does, so a plain view of it has a MaskedArray base.
    data = np.ma.masked_invalid(np.where(np.eye(300) > 0, np.nan, 1.0)).astype(np.float64)
    view = data.view(np.ndarray)
    assert isinstance(view.base, np.ma.MaskedArray)
    fig = Figure()
    fig.add_subplot().plot(view[0], view[1])
    fig.keep = (data, view)  # both reach the pickle: the data and a view sharing its memory
    result = figwire.unpack(figwire.pack(fig, parts=("pickle",)), trust_unsigned=True)
    assert result.live, result.reason
    rebuilt_data, rebuilt_view = result.figure.keep
    _same(data, rebuilt_data)
    np.testing.assert_array_equal(rebuilt_view, view)


# -- writable by default ------------------------------------------------------------------


def _received(frames, kind):
    """Frames as a receiver gets them: ``bytes`` (a file, ``recv(copy=True)``) or ``bytearray``."""
    return [kind(memoryview(f)) for f in frames]


def test_unpacked_arrays_are_writable_when_frames_are_read_only() -> None:
    fig = figures.CORPUS["imshow_masked_invalid"]()
    frames = _received(figwire.pack(fig, parts=("pickle",)), bytes)
    image = figwire.unpack(frames, trust_unsigned=True).figure.axes[0].images[0]
    array = image.get_array()
    array[array.mask] = 0  # a user's in-place edit, as with a stock-pickled figure
    array.mask[:5] = True
    assert array.flags.writeable and array.mask.flags.writeable


def test_writable_frames_are_used_in_place_and_zero_copy_keeps_read_only_views() -> None:
    fig = figures.CORPUS["masked_line"]()
    packed = figwire.pack(fig, parts=("pickle",))
    part = figwire.inspect(packed).pickle
    writable = _received(packed, bytearray)
    line = figwire.unpack(writable, trust_unsigned=True).figure.axes[0].lines[0]
    frame_arrays = [np.frombuffer(writable[i], dtype=np.uint8) for i in part.frames[1:]]
    assert any(np.shares_memory(line.get_xdata(), f) for f in frame_arrays), "a writable frame is not copied"
    line.get_ydata()[0] = 5

    read_only = _received(packed, bytes)
    view = figwire.unpack(read_only, trust_unsigned=True, zero_copy=True).figure.axes[0].lines[0].get_xdata()
    assert not view.flags.writeable
    assert any(np.shares_memory(view, np.frombuffer(read_only[i], dtype=np.uint8)) for i in part.frames[1:])
    with pytest.raises(ValueError):
        view[0] = 1


# -- pack tells the figure's own faults from figwire's ------------------------------------


def _lambda_formatter() -> Figure:
    fig, ax = plt.subplots()
    ax.plot([1, 2])
    ax.set_title("Sales")
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{x:.0f}"))
    return fig


def _local_class() -> Figure:
    class Marker:  # defined in a function: pickle cannot name it
        pass

    fig = Figure()
    fig.add_subplot().plot([1, 2], label="walk")[0].marker_note = Marker()
    return fig


@pytest.mark.parametrize(
    "build, where, what",
    [
        (_lambda_formatter, "XAxis of Axes 'Sales' .major._formatter.func", "a lambda"),
        (_local_class, "Line2D 'walk' of Axes .marker_note", "an instance of the local class"),
    ],
)
def test_unpicklable_state_is_named_with_the_artist_that_holds_it(build, where: str, what: str) -> None:
    missing = figwire.inspect(figwire.pack(build())).missing["pickle"]
    assert missing.startswith(f"the figure cannot be pickled: {where} holds {what}"), missing


def test_a_bug_in_figwires_reducers_does_not_cost_the_pickle(monkeypatch) -> None:
    def broken(self, m):
        raise RuntimeError("simulated reducer bug")

    monkeypatch.setattr(_pickler.FigurePickler, "_reduce_masked", broken)
    fig = figures.CORPUS["pcolormesh_nan"]()
    with pytest.warns(RuntimeWarning, match="figwire bug: .*MaskedArray: RuntimeError: simulated reducer bug"):
        frames = figwire.pack(fig, parts=("pickle",))
    assert figwire.inspect(frames).pickle is not None
    # A stock pickle (the figure's own, loaded with stock pickle) is the same figure...
    stock = pickle.loads(pickle.dumps(fig, protocol=5))
    np.testing.assert_array_equal(figures.render_rgba(stock), figures.render_rgba(fig))
    # ...but figwire's loader refuses numpy's own MaskedArray reduction: it would BUILD a real
    # array and dtype from the message's bytes. The refusal names it; the fallback is there.
    result = figwire.unpack(frames, trust_unsigned=True)
    assert not result.live and "numpy.ma.core._mareconstruct" in result.reason


@pytest.mark.parametrize("drawn", [False, True], ids=["built", "drawn"])
def test_wherever_stock_pickle_succeeds_figwire_packs_a_pickle(drawn: bool) -> None:
    names = [n for n in sorted(figures.CORPUS) if n not in figures.BIG]
    for name in names:
        fig = figures.CORPUS[name]()
        if drawn:
            fig.canvas.draw()
        try:
            pickle.dumps(fig, protocol=5)
        except Exception:
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("error", RuntimeWarning)  # no reducer may have failed either
            header = figwire.inspect(figwire.pack(fig, parts=("pickle",)))
        assert header.pickle is not None, f"{name}: {header.missing}"
        figures.close(fig)


def test_a_failing_diagnosis_still_reports_the_pickling_error(monkeypatch) -> None:
    import figwire._unpicklable

    def broken(fig, exc):
        raise RecursionError("diagnosis failed")

    monkeypatch.setattr(figwire._unpicklable, "describe", broken)
    missing = figwire.inspect(figwire.pack(_lambda_formatter())).missing["pickle"]
    assert missing.startswith("the figure cannot be pickled: ") and "lambda" in missing
