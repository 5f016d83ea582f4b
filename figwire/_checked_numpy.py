"""The checked numpy reconstructors: dtypes, arrays, scalars, figwire's own array reductions.

Arrays (spec §7.2): figwire's pickler rebuilds arrays by calling ``numpy.ndarray``
over a byte buffer and ``numpy.dtype`` for their dtypes, and numpy's own dtype pickling
then applies a BUILD state to the dtype, which can forge fields at any offset or an
object dtype over raw bytes (memory corruption). ``numpy.dtype`` therefore resolves to
``_DType``, a stand-in that checks that state and is accepted only by the array
reconstructors here, which build the real dtype themselves: plain numeric, bool,
datetime and string kinds, never object or structured.
"""

from __future__ import annotations

import re
import sys
from typing import Any, Callable, Dict, Optional, Tuple

import numpy as np

from . import _arrays
from ._budget import LoadRefused, charge, charge_items, short

__all__ = ["CALLABLE_AT_LOAD", "OWN"]

# -- dtypes and arrays --------------------------------------------------------------

#: Kinds an array or scalar may have: bool, ints, floats, complex, datetimes, bytes, str,
#: raw void; structured (fields) only through ``_DType._fields``' checks; never object.
_KINDS = frozenset("biufcmMSUV")
_SPEC = re.compile(r"[a-zA-Z]\d{0,4}")
_UNIT = re.compile(rb"(Y|M|W|D|h|m|s|ms|us|ns|ps|fs|as|generic)")
_NATIVE = "<" if sys.byteorder == "little" else ">"
_dtypes: Dict[Tuple[str, str, Optional[bytes], int], np.dtype] = {}


class _DType:
    """What ``numpy.dtype(spec, align, copy)`` gives a pickle: a checked description.

    numpy's dtype pickle is ``dtype('f8', False, True)`` and then a BUILD with
    ``(version, byteorder, subarray, names, fields, elsize, alignment, flags[, metadata])``.
    Accepted: a byte order, a datetime unit, and for a structured dtype its fields, each
    a checked ``_DType`` at an offset that lies inside the element. The real dtype is
    made from those, so no state from the message ever reaches a numpy dtype.
    """

    __slots__ = ("spec", "order", "unit", "_dtype")

    def __init__(self, spec: str) -> None:
        self.spec = spec
        self.order = "="
        self.unit: Optional[bytes] = None
        self._dtype: Optional[np.dtype] = None

    def __setstate__(self, state: Any) -> None:
        if not isinstance(state, tuple) or len(state) not in (8, 9) or state[0] not in (3, 4):
            raise LoadRefused(f"dtype state {short(state)} is not a plain dtype's")
        _, order, subarray, names, fields, elsize, alignment, flags = state[:8]
        if subarray is not None:
            raise LoadRefused("a dtype with a subarray")
        if order not in ("<", ">", "|", "="):
            raise LoadRefused(f"dtype byte order {order!r}")
        for value in (elsize, alignment, flags):
            if type(value) is not int:
                raise LoadRefused(f"dtype state {short(state)} is not a plain dtype's")
        self.order = order
        if len(state) == 9 and state[8] is not None:
            metadata = state[8]
            if not (isinstance(metadata, tuple) and len(metadata) == 2 and isinstance(metadata[1], tuple)):
                raise LoadRefused(f"dtype metadata {short(metadata)}")
            unit = metadata[1]
            if not (
                len(unit) == 4
                and isinstance(unit[0], bytes)
                and _UNIT.fullmatch(unit[0])
                and unit[1] == 1 == unit[2] == unit[3]
            ):
                raise LoadRefused(f"datetime unit {short(unit)}")
            self.unit = unit[0]
        self._dtype = None
        if names is not None or fields is not None:
            self._dtype = self._fields(names, fields, elsize)
        dtype = self.dtype()
        if elsize not in (-1, dtype.itemsize):
            raise LoadRefused(f"dtype {dtype} with an element size of {elsize}")

    def _fields(self, names: Any, fields: Any, elsize: int) -> np.dtype:
        """A structured dtype: every field a checked plain dtype lying wholly inside the element."""
        if not self.spec.startswith("V") or not isinstance(names, tuple) or not isinstance(fields, dict):
            raise LoadRefused("dtype fields on a dtype that is not a structured one")
        if len(names) != len(fields) or not 0 < elsize <= 1 << 20 or len(names) > 1024:
            raise LoadRefused(f"a structured dtype of {len(names)} fields in {elsize} bytes")
        formats, offsets = [], []
        for name in names:
            entry = fields.get(name) if isinstance(name, str) else None
            if not (
                isinstance(entry, tuple) and len(entry) == 2 and type(entry[0]) is _DType and type(entry[1]) is int
            ):
                raise LoadRefused(f"structured dtype field {short(name)}: {short(entry)}")
            sub, offset = entry[0].dtype(), entry[1]
            if offset < 0 or offset + sub.itemsize > elsize:
                raise LoadRefused(
                    f"structured dtype field {name!r} at offset {offset} outside an element of {elsize} bytes"
                )
            formats.append(sub)
            offsets.append(offset)
        return np.dtype({"names": list(names), "formats": formats, "offsets": offsets, "itemsize": elsize})

    def dtype(self) -> np.dtype:
        if self._dtype is None:
            key = (self.spec, self.order, self.unit, 0)
            found = _dtypes.get(key)
            if found is None:
                text = self.spec + (f"[{self.unit.decode()}]" if self.unit else "")
                found = np.dtype(text)
                if (
                    found.kind not in _KINDS
                    or found.hasobject
                    or found.fields is not None
                    or found.subdtype is not None
                ):
                    raise LoadRefused(f"arrays of dtype {found} (object and structured dtypes are refused)")
                if self.order in "<>" and self.order != _NATIVE and found.byteorder != "|":
                    found = found.newbyteorder(self.order)  # type: ignore[arg-type]
                _dtypes[key] = found
            self._dtype = found
        return self._dtype


def dtype(spec: Any, align: Any = False, copy: Any = False) -> _DType:
    if (
        not isinstance(spec, str)
        or not _SPEC.fullmatch(spec)
        or not isinstance(align, bool)
        or not isinstance(copy, bool)
    ):
        raise LoadRefused(f"numpy.dtype{short((spec, align, copy))}")
    stub = _DType(spec)
    stub.dtype()  # refuses an object or structured kind now
    return stub


def _real(d: Any) -> np.dtype:
    if type(d) is _DType:
        return d._dtype if d._dtype is not None else d.dtype()
    raise LoadRefused(f"an array dtype given as {type(d).__name__}")


_PICKLE_BUFFER: Any = getattr(__import__("pickle"), "PickleBuffer", bytes)
_BYTES_LIKE = (bytes, bytearray, memoryview, _PICKLE_BUFFER)


def _buffer_size(buffer: Any) -> int:
    t = type(buffer)
    if t is bytearray or t is bytes:
        return len(buffer)
    if t is np.ndarray:
        if buffer.ndim != 1 or buffer.itemsize != 1:
            raise LoadRefused("an array over an array that is not flat bytes")
        return int(buffer.nbytes)
    if isinstance(buffer, _BYTES_LIKE):
        return memoryview(buffer).nbytes
    raise LoadRefused(f"an array over a {t.__name__}")


def _shape(shape: Any) -> Tuple[int, ...]:
    if type(shape) is not tuple or len(shape) > 32:
        raise LoadRefused(f"array shape {short(shape)}")
    for n in shape:
        if type(n) is not int or n < 0:
            raise LoadRefused(f"array shape {short(shape)}")
    return shape


def ndarray(shape: Any, dtype: Any, buffer: Any, offset: Any = 0, strides: Any = None, order: Any = "C") -> np.ndarray:
    """``numpy.ndarray(shape, dtype, buffer, offset, strides, order)`` with every argument checked.

    The dtype must be a checked ``_DType`` and the buffer plain bytes. numpy itself refuses
    a shape, offset or strides that reach outside the buffer; what it does not refuse is
    a view whose strides make it much larger than its buffer (zero strides: 10**12
    elements over 8 bytes), so a strided view's logical size is charged against the
    policy. Called once per array (a small figure holds hundreds), so kept lean.
    """
    if type(dtype) is not _DType:
        raise LoadRefused(f"an array dtype given as {type(dtype).__name__}")
    real = dtype.dtype()
    t = type(buffer)
    if (
        t is not bytearray
        and (t is not np.ndarray or buffer.ndim != 1 or buffer.itemsize != 1)
        and not isinstance(buffer, _BYTES_LIKE)
    ):
        raise LoadRefused(f"an array over a {t.__name__}")
    if strides is not None:
        _check_view(_shape(shape), real, strides, offset, _buffer_size(buffer))
    return np.ndarray(shape, real, buffer, offset, strides, order)


def _check_view(shape: Tuple[int, ...], real: np.dtype, strides: Any, offset: Any, size: int) -> None:
    if type(strides) is not tuple or len(strides) != len(shape) or type(offset) is not int or offset < 0:
        raise LoadRefused(f"array strides {short(strides)} / offset {short(offset)} for shape {shape}")
    count = 1
    for n in shape:
        count *= n
    charge(count * real.itemsize, f"an array of shape {shape}")
    if not count:
        return
    low = high = offset
    for n, s in zip(shape, strides):
        if type(s) is not int:
            raise LoadRefused(f"array strides {short(strides)}")
        reach = s * (n - 1)
        if reach < 0:
            low += reach
        else:
            high += reach
    if low < 0 or high + real.itemsize > size:
        raise LoadRefused(f"array strides {strides} reach outside a buffer of {size} bytes")


def frombuffer(buffer: Any, dtype: Any, shape: Any, order: Any) -> np.ndarray:
    """numpy's own protocol-5 array reduction (``numpy._core.numeric._frombuffer``), checked."""
    shape = _shape(shape)
    if order not in ("C", "F"):
        raise LoadRefused(f"array order {short(order)}")
    return ndarray(shape, dtype, buffer, 0, None, order)


def base(buffer: Any) -> np.ndarray:
    _buffer_size(buffer)
    return _arrays.base(buffer)


def masked(data: Any, mask: Any, attrs: Any) -> np.ma.MaskedArray:
    if type(data) is not np.ndarray:
        raise LoadRefused(f"masked-array data given as {type(data).__name__}")
    if mask is not None and not (type(mask) is np.ndarray and mask.dtype == np.bool_ and mask.shape == data.shape):
        raise LoadRefused("a mask that is not a boolean array of the data's shape")
    if not isinstance(attrs, dict):
        raise LoadRefused("masked-array attributes that are not a dict")
    attrs = {k: v for k, v in attrs.items() if k != "_baseclass"}  # always ndarray here
    return _arrays.masked(data, mask, attrs)


def scalar(dtype: Any, data: Any) -> Any:
    real = _real(dtype)
    if not isinstance(data, bytes) or len(data) != real.itemsize:
        raise LoadRefused(f"a {real} scalar from {short(data)}")
    return _arrays.scalar(real, data)


def objects(items: Any, shape: Any) -> np.ndarray:
    shape = _shape(shape)
    if not isinstance(items, list):
        raise LoadRefused("object-array items that are not a list")
    count = 1
    for n in shape:
        count *= n
    if count != len(items):
        raise LoadRefused(f"{len(items)} items for an object array of shape {shape}")
    charge_items(len(items), "an object array")
    return _arrays.objects(items, shape)


def ufunc(name: Any) -> Any:
    if not isinstance(name, str) or len(name) > 64:
        raise LoadRefused(f"numpy ufunc {short(name)}")
    return _arrays.ufunc(name)


def _number_type(t: type) -> Callable[[Any], Any]:
    def make(value: Any = 0) -> Any:
        if type(value) not in (int, float, complex, bool):
            raise LoadRefused(f"numpy.{t.__name__}({short(value)})")
        return t(value)

    make.__qualname__ = make.__name__ = t.__name__
    return make


def _numpy_scalars() -> Dict[Tuple[str, str], Callable[..., Any]]:
    out: Dict[Tuple[str, str], Callable[..., Any]] = {}
    names = (
        "float16 float32 float64 longdouble complex64 complex128 int8 int16 int32 int64 uint8 uint16 uint32 uint64 intc uintc"
        " int_ uint longlong ulonglong short ushort byte ubyte double single half cdouble csingle intp uintp"
    )
    for name in names.split():
        t = getattr(np, name, None)
        if isinstance(t, type):
            out["numpy", t.__name__] = out["numpy", name] = _number_type(t)
    return out


_NUMPY_ARRAYS = {
    "_reconstruct": None,  # numpy's own ndarray reduction: a BUILD on a real array; refused
    "_frombuffer": frombuffer,
    "scalar": scalar,
}

#: (module, name) -> the checked callable, for numpy's names.
CALLABLE_AT_LOAD: Dict[Tuple[str, str], Optional[Callable[..., Any]]] = {
    ("numpy", "ndarray"): ndarray,
    ("numpy", "dtype"): dtype,
    **{
        (m, n): f
        for m in ("numpy._core.multiarray", "numpy.core.multiarray")
        for n, f in _NUMPY_ARRAYS.items()
        if n != "_frombuffer"
    },
    **{(m, "_frombuffer"): frombuffer for m in ("numpy._core.numeric", "numpy.core.numeric")},
    ("numpy.ma.core", "_mareconstruct"): None,
    **_numpy_scalars(),
}

#: figwire's own reconstructors (``figwire._arrays.<name>``), checked.
OWN = {"base": base, "masked": masked, "scalar": scalar, "objects": objects, "ufunc": ufunc}
