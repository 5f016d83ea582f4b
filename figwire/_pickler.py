"""Pickling a figure: detached, with big arrays out-of-band, and knowing what it imports.

One ``reducer_override`` does three jobs in the single pass pickling already makes:

* **Detach.** ``Figure.__getstate__`` marks pyplot-managed figures ``_restore_to_pylab``,
  which makes *loading* create a window through whatever backend is current. The flag is
  dropped, so the receiver decides where the figure goes.
* **Arrays.** matplotlib keeps image data and scatter offsets as ``MaskedArray``, whose
  stock reduction copies data and a full mask in-band, and Line2D keeps several views of
  one buffer, each of which stock pickle writes out again. Arrays are reduced to views of
  their base buffer, each base sent once as an out-of-band ``PickleBuffer`` (protocol 5)
  when large, and masks keep ``nomask``. See ``_arrays`` for the loading side.
* **Requires.** Every class and function the pickle names passes through here once (the
  pickler memoises), so the modules it imports are collected without a second pass.

The per-object cost is one dict lookup on the type: figures pickle thousands of objects.
"""

from __future__ import annotations

import io
import os
import pickle
import sys
import sysconfig
import types
import warnings
from typing import Any, Dict, List, Set, Tuple

import numpy as np
from matplotlib.figure import Figure

from . import _arrays
from ._spec import OOB_THRESHOLD

_OTHER, _GLOBAL, _ARRAY, _MASKED, _SCALAR, _RAW_SCALAR, _UFUNC, _FIGURE, _BASE = range(9)

_FUNCTION_TYPES = (types.FunctionType, types.BuiltinFunctionType)

#: Classification of every type met so far; types are few, objects are many.
_kinds: Dict[type, int] = {}


class _Base:
    """Stands for one base buffer while pickling, so the pickler memoises it once."""

    __slots__ = ("array",)

    def __init__(self, array: np.ndarray) -> None:
        self.array = array


def _classify(t: type) -> int:
    if t is np.ndarray:
        kind = _ARRAY
    elif t is np.ma.MaskedArray:
        kind = _MASKED
    elif issubclass(t, np.generic) and t is not np.object_:
        # A scalar whose Python value (``.item()``) is exact is rebuilt by calling its
        # public type, ``numpy.float64(1.5)``; others (datetimes keep their unit, long
        # doubles their precision) go by bytes, and so do booleans: numpy 2 names their
        # type ``numpy.bool``, which numpy 1 lacks.
        dtype = np.dtype(t)
        exact = (
            dtype.kind in "iu"
            or (dtype.kind == "f" and dtype.itemsize <= 8)
            or (dtype.kind == "c" and dtype.itemsize <= 16)
        )
        kind = _SCALAR if exact else _RAW_SCALAR
    elif t is np.ufunc:
        kind = _UFUNC
    elif issubclass(t, Figure):
        kind = _FIGURE
    elif issubclass(t, type) or issubclass(t, _FUNCTION_TYPES):
        kind = _GLOBAL
    elif t is _Base:
        kind = _BASE
    else:
        kind = _OTHER
    _kinds[t] = kind
    return kind


def _flat_bytes(a: np.ndarray) -> Tuple[np.ndarray, str]:
    """``a``'s bytes as a 1-D uint8 array (a view when ``a`` is contiguous), and their order.

    Going through uint8 works for every dtype: datetimes, for one, refuse the buffer
    protocol, and ``bytearray()`` of a 0-d integer array reads it as a length.
    """
    a = _plain(a)
    if a.flags.c_contiguous:
        return a.reshape(-1).view(np.uint8), "C"
    if a.flags.f_contiguous:
        return a.T.reshape(-1).view(np.uint8), "F"
    return np.ascontiguousarray(a).reshape(-1).view(np.uint8), "C"


def _contiguous(a: np.ndarray) -> bool:
    return bool(a.flags.c_contiguous or a.flags.f_contiguous)


def _root(a: np.ndarray) -> np.ndarray:
    """The array at the bottom of a view chain: the one whose memory the views share.

    It may be an ndarray subclass: drawing a figure leaves plain views whose base is a
    ``MaskedArray`` (``pcolormesh`` of data with NaNs, a masked line). Callers read its
    memory through ``_plain``, never through the subclass's own methods, which would
    also reshape or view the mask, whose itemsize and shape are not the data's.
    """
    while isinstance(a.base, np.ndarray):
        a = a.base
    return a


def _plain(a: np.ndarray) -> np.ndarray:
    """``a``'s memory as a plain ndarray (no copy); ``a`` itself when it is one."""
    return a if type(a) is np.ndarray else a.view(np.ndarray)


class FigurePickler(pickle.Pickler):
    """A ``pickle.Pickler`` for figures; see the module docstring."""

    def __init__(self, file: io.BytesIO, protocol: int) -> None:
        super().__init__(file, protocol, buffer_callback=self._in_band if protocol >= 5 else None)
        self.protocol = protocol
        self.modules: Set[str] = set()
        #: The out-of-band buffers, in the order the stream asks for them: flat byte
        #: views of the arrays' own memory (frames are views, never PickleBuffers).
        self.buffers: List[np.ndarray] = []
        #: figwire's own reductions that raised, each then pickled the stock way.
        self.failures: List[str] = []
        self._bases: Dict[int, _Base] = {}
        self._ours: Dict[int, pickle.PickleBuffer] = {}

    def _in_band(self, buffer: pickle.PickleBuffer) -> bool:
        """Only figwire's own base buffers go out-of-band; any other (an ndarray
        subclass's own reduction, say) stays in the stream."""
        return id(buffer) not in self._ours

    def reducer_override(self, obj: Any) -> Any:
        t = type(obj)
        kind = _kinds.get(t)
        if kind is None:
            kind = _classify(t)
        if kind == _OTHER:
            return NotImplemented
        if kind == _GLOBAL:
            module = getattr(obj, "__module__", None)
            if module is not None:
                self.modules.add(module)
            return NotImplemented
        try:
            return self._reduce(kind, obj)
        except Exception as exc:
            # A bug of figwire's, not the figure's: pickle this object the stock way
            # (correct, only in-band and slower) and say so, rather than lose the pickle.
            self.failures.append(f"{t.__module__}.{t.__qualname__}: {type(exc).__name__}: {exc}")
            return NotImplemented

    def _reduce(self, kind: int, obj: Any) -> Any:
        if kind == _ARRAY:
            return self._reduce_array(obj)
        if kind == _MASKED:
            return self._reduce_masked(obj)
        if kind == _SCALAR:
            return type(obj), (obj.item(),)
        if kind == _RAW_SCALAR:
            return _arrays.scalar, (obj.dtype, obj.tobytes())
        if kind == _UFUNC:  # by public name: numpy moved where ufuncs pickle from
            return _arrays.ufunc, (obj.__name__,)
        if kind == _FIGURE:
            return self._reduce_figure(obj)
        flat = _flat_bytes(obj.array)[0]  # _BASE
        buffer = pickle.PickleBuffer(flat)  # type: ignore[arg-type]
        self._ours[id(buffer)] = buffer
        self.buffers.append(flat)
        return _arrays.base, (buffer,)

    def _reduce_array(self, a: np.ndarray) -> Any:
        if a.dtype.hasobject:
            if a.dtype != object:
                return NotImplemented  # structured with object fields: rare, numpy's own way
            return _arrays.objects, (a.ravel().tolist(), a.shape)
        if self.protocol < 5 or a.nbytes < OOB_THRESHOLD:
            if a.flags.c_contiguous and a.ndim and a.dtype.kind in "biufc":
                # The common case (small transform matrices, paths) at one C-level copy.
                # Not for 0-d arrays: ``bytearray()`` reads an integer one as a length.
                return np.ndarray, (a.shape, a.dtype, bytearray(a), 0, None, "C")
            flat, order = _flat_bytes(a)
            return np.ndarray, (a.shape, a.dtype, bytearray(flat.data), 0, None, order)
        root = _root(a)
        holder = self._bases.get(id(root))
        if holder is None:
            # Share the base only when it is contiguous and not much larger than this
            # view; otherwise send this array's own bytes (a contiguous copy if need be).
            if not _contiguous(root) or root.nbytes > 2 * a.nbytes:
                if not _contiguous(a):
                    a = np.ascontiguousarray(a)
                root = a
                holder = self._bases.get(id(root))
            if holder is None:
                holder = self._bases[id(root)] = _Base(root)
        offset = a.__array_interface__["data"][0] - root.__array_interface__["data"][0]
        return np.ndarray, (a.shape, a.dtype, holder, offset, a.strides)

    def _reduce_masked(self, m: np.ma.MaskedArray) -> Any:
        mask = m._mask  # type: ignore[attr-defined]
        attrs = {k: m.__dict__[k] for k in _arrays.MASKED_ATTRS if k in m.__dict__}
        return _arrays.masked, (m.view(np.ndarray), None if mask is np.ma.nomask else mask, attrs)

    def _reduce_figure(self, fig: Figure) -> Any:
        reduced = fig.__reduce_ex__(self.protocol)
        state = reduced[2]
        if isinstance(state, dict) and "_restore_to_pylab" in state:
            state = dict(state)
            del state["_restore_to_pylab"]
            reduced = (*reduced[:2], state, *reduced[3:])
        return reduced


def _is_stdlib(top: str) -> bool:
    names = getattr(sys, "stdlib_module_names", None)
    if names is not None:
        return top in names
    if top in sys.builtin_module_names:  # Python 3.9: no list; builtins, or files beside os
        return True
    path = getattr(sys.modules.get(top), "__file__", None)
    if path is None:  # a namespace package (mpl_toolkits) is not the standard library
        return False
    return os.path.dirname(path).startswith(sysconfig.get_paths()["stdlib"]) and "site-packages" not in path


def _requires(modules: Set[str]) -> Tuple[Dict[str, str], bool]:
    """Top-level packages (with versions) of ``modules``, and whether numpy's private modules are among them."""
    requires: Dict[str, str] = {}
    for module in modules:
        top = module.partition(".")[0]
        if top in requires or module.endswith(_OWN_MODULE) or _is_stdlib(top):
            continue
        requires[top] = str(getattr(sys.modules.get(top), "__version__", ""))
    numpy_private = any(m.startswith(("numpy._core", "numpy.core")) for m in modules)
    return dict(sorted(requires.items())), numpy_private


_OWN_MODULE = "figwire._arrays"


class Pickled:
    """The result of ``pickle_figure``: the stream, its out-of-band buffers, what it imports."""

    __slots__ = ("data", "buffers", "requires", "numpy_private", "protocol")

    def __init__(
        self, data: bytes, buffers: List[memoryview], requires: Dict[str, str], numpy_private: bool, protocol: int
    ):
        self.data = data
        self.buffers = buffers
        self.requires = requires
        self.numpy_private = numpy_private
        self.protocol = protocol


class Unpicklable(Exception):
    """The figure's own state cannot be pickled; the message names what and where."""


def pickle_figure(fig: Figure, protocol: int) -> Pickled:
    """Pickle ``fig`` with figwire's reductions.

    Raises ``Unpicklable`` when the figure holds something pickle cannot carry (a
    lambda, a local class, a GUI object), naming the artist that holds it. A failure
    in figwire's own reductions never costs the pickle: the object is pickled the stock
    way instead, and a ``RuntimeWarning`` reports the bug.
    """
    out = io.BytesIO()
    pickler = FigurePickler(out, protocol)
    try:
        pickler.dump(fig)
    except Exception as exc:
        from ._unpicklable import describe

        try:
            why = describe(fig, exc)
        except Exception:  # the search is a diagnosis: it must never be why pack fails
            why = f"{type(exc).__name__}: {exc}"
        raise Unpicklable(why) from exc
    if pickler.failures:
        warnings.warn(
            "figwire bug: its own reduction failed for "
            + "; ".join(sorted(set(pickler.failures)))
            + " (pickled the stock way instead; please report it)",
            RuntimeWarning,
            stacklevel=4,  # pack's caller
        )
    requires, numpy_private = _requires(pickler.modules)
    return Pickled(out.getvalue(), [b.data for b in pickler.buffers], requires, numpy_private, protocol)
