"""Property tests of the array path: whatever array a figure holds, ``unpack`` rebuilds it exactly.

Arrays of every dtype matplotlib figures hold (both byte orders), 0-d to 3-d, in every
layout (C, Fortran, strided, reversed, offset into a larger buffer, transposed), sized on
both sides of the out-of-band threshold, plain or masked (``nomask``, all, some, shared
with a view, hardened, with a fill value), ride in a figure through ``pack`` and
``unpack`` as a receiver gets them (read-only ``bytes`` frames). The rebuilt value must
equal the original bit for bit (data, mask, dtype, shape, masked-ness, fill value), be
writable, keep the aliasing between out-of-band arrays that shared memory, and, where the original
is contiguous and out-of-band, travel as a frame that is a view of the original memory.
The same holds for the arrays artists keep (lines, collections, images, meshes, contour
sets, quiver, text positions), whose figures must also render pixel-identically.
"""

from __future__ import annotations

from typing import Any, List

import figures
import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from matplotlib.figure import Figure

import figwire
from figwire._spec import OOB_THRESHOLD

_NUMERIC = ["f2", "f4", "f8", "i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8", "c8", "c16"]
_TIMES = ["M8[ns]", "M8[D]", "M8[s]", "m8[ms]", "m8[s]"]
DTYPES = (
    [np.dtype(bool), np.dtype("u1")]
    + [np.dtype(order + code) for code in _NUMERIC + _TIMES for order in "<>" if np.dtype(code).itemsize > 1]
    + [np.dtype("i1")]
)


@st.composite
def sizes(draw: Any, itemsize: int) -> int:
    """A total element count: tiny, or within a few elements of the out-of-band threshold."""
    at = OOB_THRESHOLD // itemsize
    return draw(st.one_of(st.integers(0, 12), st.integers(at - 3, at + 3), st.integers(at * 2, at * 2 + 5)))


def _shape(total: int, ndim: int, draw: Any) -> tuple:
    if ndim == 0:
        return ()
    if total == 0:
        dims = [draw(st.integers(0, 3)) for _ in range(ndim)]
        dims[draw(st.integers(0, ndim - 1))] = 0
        return tuple(dims)
    dims = [1] * ndim
    rest = total
    for i in range(ndim - 1):  # factor total into ndim dimensions, the leftover last
        divisors = [d for d in (2, 3, 4, 5, 7, 8) if rest % d == 0]
        if divisors:
            dims[i] = draw(st.sampled_from(divisors))
            rest //= dims[i]
    dims[-1] = rest
    return tuple(dims)


def _values(dtype: np.dtype, n: int, seed: int) -> np.ndarray:
    """``n`` elements of arbitrary bits (NaNs with payloads, NaT, extremes), as ``dtype``."""
    raw = np.random.default_rng(seed).integers(0, 256, size=n * dtype.itemsize, dtype=np.uint8)
    if dtype.kind == "b":
        raw &= 1
    return raw.view(dtype)


@st.composite
def arrays(draw: Any) -> np.ndarray:
    dtype = draw(st.sampled_from(DTYPES))
    ndim = draw(st.integers(0, 3))
    total = 1 if ndim == 0 else draw(sizes(dtype.itemsize))
    shape = _shape(total, ndim, draw)
    layout = draw(st.sampled_from(["C", "F", "strided", "reversed", "offset", "transposed"]))
    seed = draw(st.integers(0, 2**32 - 1))
    n = int(np.prod(shape))
    if layout == "C" or ndim == 0:
        return _values(dtype, n, seed).reshape(shape)
    if layout == "F":
        return np.asfortranarray(_values(dtype, n, seed).reshape(shape))
    if layout == "transposed":
        return _values(dtype, n, seed).reshape(shape[::-1]).T
    if layout == "offset":  # a view into the middle of a larger buffer
        return _values(dtype, n + 7, seed)[5 : 5 + n].reshape(shape)
    axis = draw(st.integers(0, ndim - 1))
    step = draw(st.sampled_from([2, 3])) * (-1 if layout == "reversed" else 1)
    big = list(shape)
    big[axis] *= abs(step)
    base = _values(dtype, int(np.prod(big)), seed).reshape(big)
    index = [slice(None)] * ndim
    index[axis] = slice(None, None, step)
    return base[tuple(index)]


@st.composite
def masked(draw: Any) -> np.ma.MaskedArray:
    data = draw(arrays())
    kind = draw(st.sampled_from(["nomask", "none", "all", "some"]))
    if kind == "nomask":
        out = np.ma.MaskedArray(data)
    else:
        flags = {"none": 0.0, "all": 1.0, "some": 0.3}[kind]
        mask = np.random.default_rng(draw(st.integers(0, 999))).random(data.shape) < flags
        out = np.ma.MaskedArray(data, mask=mask)
    if draw(st.booleans()):
        out.harden_mask()
    if draw(st.booleans()) and data.dtype.kind in "iufc":
        out.fill_value = _values(data.dtype, 1, 7)[0]
    return out


def _assert_same(a: Any, b: Any) -> None:
    assert type(b) is type(a)
    assert b.dtype == a.dtype and b.dtype.byteorder == a.dtype.byteorder and b.shape == a.shape
    assert np.ascontiguousarray(b).tobytes() == np.ascontiguousarray(a).tobytes()
    if isinstance(a, np.ma.MaskedArray):
        assert (b._mask is np.ma.nomask) == (a._mask is np.ma.nomask)
        assert np.ma.getmaskarray(b).tobytes() == np.ma.getmaskarray(a).tobytes()
        assert b.hardmask == a.hardmask
        assert np.asarray(b.fill_value).tobytes() == np.asarray(a.fill_value).tobytes()
        if b._mask is not np.ma.nomask and b.size:
            assert b._mask.flags.writeable
    if b.size:
        assert b.flags.writeable, "a user's in-place edit must work, as on a stock-pickled figure"


def _carry(values: List[Any]) -> List[Any]:
    """Send ``values`` inside a figure, received as read-only bytes; return the rebuilt list."""
    fig = Figure()
    fig.carried = values
    frames = figwire.pack(fig, parts=("pickle",))
    header = figwire.inspect(frames)
    _assert_frames_view_originals(values, frames, header)
    result = figwire.unpack([bytes(memoryview(f)) for f in frames], trust_unsigned=True)
    assert result.live, result.reason
    return result.figure.carried


def _assert_frames_view_originals(values: List[Any], frames: List[Any], header: Any) -> None:
    oob = [np.frombuffer(memoryview(frames[i]), np.uint8) for i in header.pickle.frames[1:]]
    for value in values:
        plain = np.ma.getdata(value)
        contiguous = plain.flags.c_contiguous or plain.flags.f_contiguous
        if contiguous and plain.nbytes >= OOB_THRESHOLD:
            assert any(np.shares_memory(plain, f) for f in oob), "a big contiguous array must not be copied by pack"


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large], deadline=None)
@given(st.lists(st.one_of(arrays(), masked()), min_size=1, max_size=3))
def test_any_array_or_masked_array_round_trips_exactly(values: List[Any]) -> None:
    originals, rebuilts = values, _carry(values)
    assert len(originals) == len(rebuilts)
    for original, rebuilt in zip(originals, rebuilts):
        _assert_same(original, rebuilt)


@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large], deadline=None)
@given(arrays())
def test_arrays_sharing_memory_still_share_it_and_a_shared_mask_stays_shared(data: np.ndarray) -> None:
    if data.ndim == 0 or data.size == 0:
        return
    view = data[::-1]
    m = np.ma.MaskedArray(data, mask=np.zeros(data.shape, bool))
    m_view = m[::-1]  # shares the mask: _sharedmask
    rebuilt = _carry([data, view, m, m_view])
    for original, back in zip([data, view, m, m_view], rebuilt):
        _assert_same(original, back)
    assert rebuilt[3]._sharedmask == m_view._sharedmask
    # Out-of-band arrays over one contiguous buffer keep their aliasing (the buffer is one
    # frame); small in-band ones, and strided views of a much larger buffer (each sends
    # only its own bytes), are separate copies, as in a stock pickle.
    root = data
    while isinstance(root.base, np.ndarray):
        root = root.base
    own = root.nbytes <= 2 * data.nbytes  # a view of a much larger buffer sends only its own bytes
    if data.nbytes >= OOB_THRESHOLD and (data.flags.c_contiguous or data.flags.f_contiguous) and own:
        assert np.shares_memory(rebuilt[0], rebuilt[1])
    if m.mask.nbytes >= OOB_THRESHOLD:
        assert np.shares_memory(rebuilt[2].mask, rebuilt[3].mask)


# -- arrays reached through artists -----------------------------------------------------


@st.composite
def data_1d(draw: Any, dtype: str = "f8") -> np.ndarray:
    n = draw(st.sampled_from([3, 50, OOB_THRESHOLD // 8 - 1, OOB_THRESHOLD // 8 + 1, 20_000]))
    values = np.random.default_rng(draw(st.integers(0, 999))).normal(size=n).astype(dtype)
    kind = draw(st.sampled_from(["plain", "nan", "masked", "reversed"]))
    if kind == "nan":
        values[:: max(1, n // 7)] = np.nan
    elif kind == "masked":
        return np.ma.masked_greater(values, 1.0)
    elif kind == "reversed":
        return values[::-1]
    return values


@st.composite
def field(draw: Any) -> np.ndarray:
    n = draw(st.sampled_from([6, 40, 91, 140]))  # 91 x 91 float64 is just over the threshold
    rng = np.random.default_rng(draw(st.integers(0, 999)))
    z = rng.normal(size=(n, n)).cumsum(axis=0)
    kind = draw(st.sampled_from(["plain", "nan", "masked_invalid", "fortran", "float32", "uint8"]))
    if kind == "nan":
        z[rng.random(z.shape) < 0.1] = np.nan
    elif kind == "masked_invalid":
        z[: n // 3, : n // 2] = np.nan
        return np.ma.masked_invalid(z)
    elif kind == "fortran":
        return np.asfortranarray(z)
    elif kind == "float32":
        return z.astype(np.float32)
    elif kind == "uint8":
        return (rng.random((n, n, draw(st.sampled_from([3, 4])))) * 255).astype(np.uint8)
    return z


def _artist_figure(kind: str, draw: Any) -> Figure:
    fig = Figure(figsize=(2.0, 1.5), dpi=40)
    ax = fig.add_subplot()
    if kind == "line":
        y = draw(data_1d())
        ax.plot(np.arange(len(y), dtype=float), y)
    elif kind == "scatter":
        x, y = draw(data_1d()), draw(data_1d())
        n = min(len(x), len(y))
        ax.scatter(x[:n], y[:n], c=np.arange(n), s=4)
    elif kind == "image":
        ax.imshow(draw(field()), interpolation="nearest")
    elif kind == "mesh":
        z = draw(field())
        ax.pcolormesh(z if z.ndim == 2 else z[..., 0])
    elif kind == "contour":
        z = draw(field())
        ax.contourf(z if z.ndim == 2 else z[..., 0].astype(float))
    elif kind == "quiver":
        z = draw(field())
        z = z if z.ndim == 2 else z[..., 0].astype(float)
        ax.quiver(z[::3, ::3], z.T[::3, ::3])
    else:  # text positions from numpy scalars
        x, y = np.ma.getdata(draw(data_1d()))[:2]
        ax.text(np.float64(x), np.float32(y), "label")
        ax.set_xlim(-3, 3)
        ax.set_ylim(-3, 3)
    return fig


def _artist_arrays(fig: Figure) -> List[Any]:
    ax = fig.axes[0]
    out: List[Any] = []
    for line in ax.lines:
        out += [line.get_xdata(), line.get_ydata(), line.get_xydata()]
    for c in ax.collections:
        out += [c.get_offsets(), *([] if c.get_array() is None else [c.get_array()])]
    out += [im.get_array() for im in ax.images]
    out += [np.asarray(t.get_position(), dtype=float) for t in ax.texts]
    return out


@settings(max_examples=80, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.data(), st.sampled_from(["line", "scatter", "image", "mesh", "contour", "quiver", "text"]), st.booleans())
def test_arrays_kept_by_artists_round_trip_and_render_identically(data: Any, kind: str, drawn: bool) -> None:
    fig = _artist_figure(kind, data.draw)
    if drawn:  # as an inline backend leaves it: caches filled, masks derived
        fig.canvas.draw()
    frames = figwire.pack(fig, parts=("pickle",))
    assert figwire.inspect(frames).pickle is not None, figwire.inspect(frames).missing
    result = figwire.unpack([bytes(memoryview(f)) for f in frames], trust_unsigned=True)
    assert result.live, result.reason
    originals, rebuilts = _artist_arrays(fig), _artist_arrays(result.figure)
    assert len(originals) == len(rebuilts)
    for original, rebuilt in zip(originals, rebuilts):
        _assert_same(np.asanyarray(original), np.asanyarray(rebuilt))
    np.testing.assert_array_equal(figures.render_rgba(result.figure), figures.render_rgba(fig))
