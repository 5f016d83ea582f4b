"""Big arrays travel as their own frames, are not copied again on unpack, and keep their exact type."""

from __future__ import annotations

import io
import tracemalloc

import figures
import numpy as np
import pytest

import figwire
from figwire import _pickler, _unpickler


def _frame_array(frame) -> np.ndarray:
    return np.frombuffer(memoryview(frame), dtype=np.uint8)


def test_big_image_data_is_one_out_of_band_frame_shared_on_unpack() -> None:
    fig = figures.CORPUS["big_image"]()
    data = fig.axes[0].images[0].get_array()
    frames = figwire.pack(fig, parts=("pickle",))
    part = figwire.inspect(frames).pickle
    assert len(part.frames) == 2, "pickle stream + one out-of-band buffer"
    assert part.sizes[1] == data.data.nbytes == 4096 * 4096 * 8
    assert part.sizes[0] < 1 << 20, "the stream itself holds no array data"

    image = figwire.unpack(frames, trust_unsigned=True).figure.axes[0].images[0].get_array()
    assert isinstance(image, np.ma.MaskedArray) and image.mask is np.ma.nomask
    assert np.shares_memory(image.data, _frame_array(frames[part.frames[1]])), "unpack must not copy the frame"
    np.testing.assert_array_equal(image.data, data.data)


def test_line_views_share_one_frame_and_message_stays_small() -> None:
    fig = figures.CORPUS["big_line"]()
    line = fig.axes[0].lines[0]
    user_bytes = line.get_xdata().nbytes + line.get_ydata().nbytes
    frames = figwire.pack(fig, parts=("pickle",))
    part = figwire.inspect(frames).pickle
    # Each distinct buffer once: x and y as given, and the N x 2 _xy that _x, _y and (from
    # matplotlib 3.11) the path's vertices are views of; 3.10 keeps the vertices apart.
    distinct = {id(_pickler._root(a)): _pickler._root(a).nbytes for a in (line._xorig, line._yorig, line._xy, line._path.vertices)}
    assert sum(part.sizes[1:]) == sum(distinct.values())
    if np.shares_memory(line._path.vertices, line._xy):
        total = sum(memoryview(f).nbytes for f in frames)
        assert total <= 2.2 * user_bytes, f"message {total} B for {user_bytes} B of data"

    rebuilt = figwire.unpack(frames, trust_unsigned=True).figure.axes[0].lines[0]
    assert np.shares_memory(rebuilt._xy, rebuilt._x) and np.shares_memory(rebuilt._xy, rebuilt._y)
    np.testing.assert_array_equal(rebuilt.get_xdata(), line.get_xdata())


def test_pack_does_not_copy_array_data() -> None:
    fig = figures.CORPUS["big_image"]()
    nbytes = fig.axes[0].images[0].get_array().data.nbytes
    tracemalloc.start()
    try:
        figwire.pack(fig, parts=("pickle",))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 0.10 * nbytes, f"peak {peak} B while packing {nbytes} B of image"


def _round_trip(obj, protocol: int = 5):
    out = io.BytesIO()
    pickler = _pickler.FigurePickler(out, protocol)
    pickler.dump(obj)
    assert not any(m.startswith(("numpy._core", "numpy.core")) for m in pickler.modules)
    return _unpickler.load(out.getvalue(), [memoryview(b) for b in pickler.buffers])


BIG = 1 << 17  # elements: above the out-of-band threshold for every dtype below

ARRAYS = {
    "small float": np.arange(5.0),
    "zero-d": np.array(3),
    "empty": np.zeros((0, 3)),
    "fortran": np.asfortranarray(np.arange(12.0).reshape(3, 4)),
    "strided": np.arange(20.0)[::3],
    "negative stride": np.arange(10)[::-1],
    "big-endian": np.arange(6, dtype=">f4"),
    "datetime": np.arange("2024-01-01", "2024-01-09", dtype="datetime64[D]"),
    "timedelta": np.arange(4).astype("timedelta64[s]"),
    "structured": np.zeros(3, dtype=[("a", "i4"), ("b", "f8")]),
    "bool": np.array([True, False]),
    "complex": np.array([1 + 2j]),
    "strings": np.array(["a", "bc"]),
    "objects": np.array([1, "x", None, (2, 3)], dtype=object),
    "big": np.linspace(0, 1, BIG),
    "big fortran": np.asfortranarray(np.ones((512, 300))),
    "big strided": np.arange(3 * BIG, dtype=np.float32)[::3],
    "big datetime": np.arange(BIG).astype("datetime64[ms]"),
}


@pytest.mark.parametrize("protocol", [5, 4])
@pytest.mark.parametrize("name", sorted(ARRAYS))
def test_arrays_round_trip_exactly(name: str, protocol: int) -> None:
    a = ARRAYS[name]
    b = _round_trip(a, protocol)
    assert type(b) is np.ndarray and b.dtype == a.dtype and b.shape == a.shape
    assert b.flags.f_contiguous == a.flags.f_contiguous or a.ndim < 2
    if a.dtype.hasobject:
        assert b.tolist() == a.tolist()
    else:
        np.testing.assert_array_equal(b, a)


MASKED = {
    "nomask": np.ma.MaskedArray(np.arange(4.0)),
    "all-false mask array": np.ma.MaskedArray(np.arange(4.0), mask=np.zeros(4, bool)),
    "some masked": np.ma.masked_greater(np.arange(6.0), 3),
    "hard mask + fill": np.ma.MaskedArray(np.arange(3), mask=[0, 1, 0], hard_mask=True, fill_value=-7),
    "big nomask": np.ma.MaskedArray(np.linspace(0, 1, BIG)),
    "big masked": np.ma.masked_less(np.linspace(-1, 1, BIG), 0),
}


@pytest.mark.parametrize("name", sorted(MASKED))
def test_masked_arrays_keep_their_masked_ness_exactly(name: str) -> None:
    a = MASKED[name]
    b = _round_trip(a)
    assert type(b) is np.ma.MaskedArray
    assert (b._mask is np.ma.nomask) == (a._mask is np.ma.nomask)
    np.testing.assert_array_equal(np.ma.getmaskarray(b), np.ma.getmaskarray(a))
    np.testing.assert_array_equal(b.data, a.data)
    assert b.hardmask == a.hardmask and b.fill_value == a.fill_value


@pytest.mark.parametrize(
    "value",
    [np.float64(1.5), np.float32(0.1), np.int8(-3), np.uint64(2**63), np.bool_(True), np.complex64(1j),
     np.datetime64("2024-02-29T12:00", "m"), np.timedelta64(5, "D"), np.longdouble(1) / 3, np.str_("txt")],
    ids=repr,
)
def test_numpy_scalars_round_trip_exactly(value) -> None:
    back = _round_trip(value)
    assert type(back) is type(value) and back.dtype == value.dtype and back.tobytes() == value.tobytes()


def test_ufuncs_are_named_publicly() -> None:
    assert _round_trip(np.log) is np.log
