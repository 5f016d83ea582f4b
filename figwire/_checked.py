"""The callables a pickle may *call* while loading, each checking its arguments first.

This is the short, reviewed list of ``_policy``'s "callable at load" names. A name here
resolves to the checked function, never to the real callable, so the real one cannot
be reached with unchecked arguments (pickle's NEWOBJ needs a class and refuses these).
Every size is checked before anything is allocated, against the load's ``LoadPolicy``.

Arrays (spec §7.2): figwire's pickler rebuilds arrays by calling ``numpy.ndarray``
over a byte buffer and ``numpy.dtype`` for their dtypes, and numpy's own dtype pickling
then applies a BUILD state to the dtype, which can forge fields at any offset or an
object dtype over raw bytes (memory corruption). ``numpy.dtype`` therefore resolves to
``_DType``, a stand-in that checks that state and is accepted only by the array
reconstructors here, which build the real dtype themselves: plain numeric, bool,
datetime and string kinds, never object or structured.
"""

from __future__ import annotations

import functools
import re
import sys
from typing import Any, Callable, Dict, Optional, Tuple

import numpy as np

from . import _arrays
from ._guard import current
from ._loadpolicy import DEFAULT_LOAD_POLICY, LoadPolicy

__all__ = ["CALLABLE_AT_LOAD", "LoadRefused"]


class LoadRefused(Exception):
    """A reconstructor's arguments are outside what a figure can need."""


def _policy() -> LoadPolicy:
    guard = current()
    return guard.policy if guard is not None else DEFAULT_LOAD_POLICY


def _charge(nbytes: int, what: str) -> None:
    guard = current()
    policy = guard.policy if guard is not None else DEFAULT_LOAD_POLICY
    if nbytes > policy.max_array_bytes:
        raise LoadRefused(f"{what} of {nbytes} bytes is over LoadPolicy.max_array_bytes ({policy.max_array_bytes})")
    if guard is not None:
        guard.total_bytes += nbytes
        if guard.total_bytes > policy.max_total_bytes:
            raise LoadRefused(
                f"the pickle's arrays add up to over LoadPolicy.max_total_bytes ({policy.max_total_bytes})"
            )


def _count(n: int, what: str) -> None:
    limit = _policy().max_container_items
    if n > limit:
        raise LoadRefused(f"{what} of {n} items is over LoadPolicy.max_container_items ({limit})")


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
            raise LoadRefused(f"dtype state {_short(state)} is not a plain dtype's")
        _, order, subarray, names, fields, elsize, alignment, flags = state[:8]
        if subarray is not None:
            raise LoadRefused("a dtype with a subarray")
        if order not in ("<", ">", "|", "="):
            raise LoadRefused(f"dtype byte order {order!r}")
        for value in (elsize, alignment, flags):
            if type(value) is not int:
                raise LoadRefused(f"dtype state {_short(state)} is not a plain dtype's")
        self.order = order
        if len(state) == 9 and state[8] is not None:
            metadata = state[8]
            if not (isinstance(metadata, tuple) and len(metadata) == 2 and isinstance(metadata[1], tuple)):
                raise LoadRefused(f"dtype metadata {_short(metadata)}")
            unit = metadata[1]
            if not (
                len(unit) == 4
                and isinstance(unit[0], bytes)
                and _UNIT.fullmatch(unit[0])
                and unit[1] == 1 == unit[2] == unit[3]
            ):
                raise LoadRefused(f"datetime unit {_short(unit)}")
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
                raise LoadRefused(f"structured dtype field {_short(name)}: {_short(entry)}")
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


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def dtype(spec: Any, align: Any = False, copy: Any = False) -> _DType:
    if (
        not isinstance(spec, str)
        or not _SPEC.fullmatch(spec)
        or not isinstance(align, bool)
        or not isinstance(copy, bool)
    ):
        raise LoadRefused(f"numpy.dtype{_short((spec, align, copy))}")
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
        raise LoadRefused(f"array shape {_short(shape)}")
    for n in shape:
        if type(n) is not int or n < 0:
            raise LoadRefused(f"array shape {_short(shape)}")
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
        raise LoadRefused(f"array strides {_short(strides)} / offset {_short(offset)} for shape {shape}")
    count = 1
    for n in shape:
        count *= n
    _charge(count * real.itemsize, f"an array of shape {shape}")
    if not count:
        return
    low = high = offset
    for n, s in zip(shape, strides):
        if type(s) is not int:
            raise LoadRefused(f"array strides {_short(strides)}")
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
        raise LoadRefused(f"array order {_short(order)}")
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
        raise LoadRefused(f"a {real} scalar from {_short(data)}")
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
    _count(len(items), "an object array")
    return _arrays.objects(items, shape)


def ufunc(name: Any) -> Any:
    if not isinstance(name, str) or len(name) > 64:
        raise LoadRefused(f"numpy ufunc {_short(name)}")
    return _arrays.ufunc(name)


def _number_type(t: type) -> Callable[[Any], Any]:
    def make(value: Any = 0) -> Any:
        if type(value) not in (int, float, complex, bool):
            raise LoadRefused(f"numpy.{t.__name__}({_short(value)})")
        return t(value)

    make.__qualname__ = make.__name__ = t.__name__
    return make


# -- builtins and the standard library ----------------------------------------------


def _bytearray(source: Any = b"", encoding: Any = None) -> bytearray:
    if isinstance(source, str) and encoding == "latin-1":  # protocol < 3
        source = source.encode("latin-1")
    if not isinstance(source, bytes):
        raise LoadRefused(f"bytearray({type(source).__name__})")
    _charge(len(source), "a bytearray")
    return bytearray(source)


def _items(what: str, make: Callable[[Any], Any]) -> Callable[..., Any]:
    def build(items: Any = ()) -> Any:
        if not isinstance(items, (list, tuple)):
            raise LoadRefused(f"{what}() of a {type(items).__name__}")
        _count(len(items), f"a {what}")
        return make(items)

    build.__qualname__ = build.__name__ = what
    return build


_NUMBERS = (int, float, np.integer, np.floating)


def _range(*args: Any) -> range:
    if not 1 <= len(args) <= 3 or not all(isinstance(a, (int, np.integer)) and not isinstance(a, bool) for a in args):
        raise LoadRefused(f"range{_short(args)}")
    r = range(*args)
    _count(len(r), "a range")
    return r


def _slice(*args: Any) -> slice:
    if not 1 <= len(args) <= 3 or not all(a is None or isinstance(a, _NUMBERS) for a in args):
        raise LoadRefused(f"slice{_short(args)}")
    return slice(*args)


def _complex(real: Any = 0.0, imag: Any = 0.0) -> complex:
    if type(real) not in (int, float) or type(imag) not in (int, float):
        raise LoadRefused(f"complex{_short((real, imag))}")
    return complex(real, imag)


def _ordered_dict(items: Any = ()) -> Any:
    from collections import OrderedDict

    if not isinstance(items, (list, tuple)):
        raise LoadRefused(f"OrderedDict() of a {type(items).__name__}")
    _count(len(items), "an OrderedDict")
    return OrderedDict(items)


class _Partial(functools.partial):  # type: ignore[type-arg,unused-ignore]
    """``functools.partial`` as a pickle builds it: its function must be one the policy admitted.

    It pickles back as a plain ``functools.partial`` (``__reduce__``), so a figure
    loaded here re-pickles exactly as the original did.
    """

    def __setstate__(self, state: Any) -> None:
        if not isinstance(state, tuple) or len(state) != 4:
            raise LoadRefused("a functools.partial state that is not (func, args, kwds, dict)")
        _check_partial_func(state[0])
        super().__setstate__(state)  # type: ignore[misc]

    def __reduce__(self) -> Any:
        return functools.partial, (self.func,), (self.func, self.args, self.keywords or None, self.__dict__ or None)


def _check_partial_func(func: Any) -> None:
    from ._policy import is_admitted_callable_value

    if not is_admitted_callable_value(func):
        raise LoadRefused(f"a functools.partial of {_short(func)}, which is not an admitted function or method")


def _partial(func: Any, *args: Any, **kwargs: Any) -> "functools.partial[Any]":
    _check_partial_func(func)
    return _Partial(func, *args, **kwargs)


_CLASS_NAME_FORMAT = re.compile(r"[A-Za-z0-9_]{0,32}\{(\.__name__)?\}[A-Za-z0-9_]{0,32}")


def _picklable_class_constructor(mixin_class: Any, fmt: Any, attr_name: Any, base_class: Any) -> Any:
    """``matplotlib.cbook._picklable_class_constructor``: the classes ``_make_class_factory`` makes.

    Its ``fmt`` becomes a class name (``"{}Polar"``) and the result is cached for the
    process: only a short name pattern and admitted classes are accepted.
    """
    from matplotlib import cbook

    from ._policy import is_admitted_class

    if not (isinstance(fmt, str) and len(fmt) <= 64 and _CLASS_NAME_FORMAT.fullmatch(fmt)):
        raise LoadRefused(f"a class-name format {_short(fmt)}")
    if attr_name is not None and not (isinstance(attr_name, str) and attr_name.isidentifier() and len(attr_name) <= 64):
        raise LoadRefused(f"a class attribute name {_short(attr_name)}")
    for cls in (mixin_class, base_class):
        if not is_admitted_class(cls):
            raise LoadRefused(f"a class factory over {_short(cls)}")
    return _as_matplotlib(cbook._picklable_class_constructor, mixin_class, fmt, attr_name, base_class)  # type: ignore[attr-defined]


def _picklable_norm_constructor(*args: Any) -> Any:
    """``matplotlib.colors._picklable_norm_constructor``: a norm class made from a scale class."""
    from matplotlib import colors

    from ._policy import is_admitted_class

    if not args or len(args) > 5 or not all(is_admitted_class(a) or not isinstance(a, type) for a in args):
        raise LoadRefused(f"a norm class from {_short(args)}")
    for a in args:
        if callable(a) and not isinstance(a, type):
            raise LoadRefused(f"a norm class from {_short(args)}")
    return _as_matplotlib(colors._picklable_norm_constructor, *args)  # type: ignore[attr-defined]


def _as_matplotlib(factory: Callable[..., Any], *args: Any) -> Any:
    """Run one of matplotlib's class factories, its arguments checked, with the guard paused.

    The first call in a process *creates* the class (a class statement, then
    ``setattr(cls, "__name__", ...)``, which the guard refuses from a pickle as
    ``object.__setattr__``) and caches it; only later calls find it made. A consumer
    that never made that class itself (another process) must be able to.
    """
    guard = current()
    if guard is None:
        return factory(*args)
    with guard.pause():
        return factory(*args)


def _create_empty_object_of_class(cls: Any) -> Any:
    """``matplotlib.colors._create_empty_object_of_class``: ``cls.__new__(cls)`` for an admitted class."""
    from ._policy import is_admitted_class

    if not is_admitted_class(cls):
        raise LoadRefused(f"an empty object of {_short(cls)}")
    return cls.__new__(cls)


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

#: (module, name) -> the checked callable a pickle gets instead of the real one.
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
    ("builtins", "bytearray"): _bytearray,
    ("builtins", "set"): _items("set", set),
    ("builtins", "frozenset"): _items("frozenset", frozenset),
    ("builtins", "range"): _range,
    ("builtins", "slice"): _slice,
    ("builtins", "complex"): _complex,
    ("collections", "OrderedDict"): _ordered_dict,
    ("functools", "partial"): _partial,
    ("matplotlib.cbook", "_picklable_class_constructor"): _picklable_class_constructor,
    ("matplotlib.colors", "_picklable_norm_constructor"): _picklable_norm_constructor,
    ("matplotlib.colors", "_create_empty_object_of_class"): _create_empty_object_of_class,
}

#: figwire's own reconstructors (``figwire._arrays.<name>``), checked.
OWN = {"base": base, "masked": masked, "scalar": scalar, "objects": objects, "ufunc": ufunc}
