"""Rebuilding the numpy objects that figwire's pickler reduces itself.

Most arrays need no function of figwire's: they are rebuilt by calling the public
``numpy.ndarray(shape, dtype, buffer, offset, strides, order)`` constructor directly
(a C call per array; small figures hold a hundred small arrays), over a ``bytearray``
sent in-band or a view of an out-of-band frame. The functions here cover the rest.

These names are part of the format (spec §7.2): a figwire pickle calls
``figwire._arrays.<name>``, and the unpickler resolves any module path ending in
``figwire._arrays`` here, so a producer that vendors figwire under another package
still loads. Everything uses numpy's public API only, which is why a figwire pickle
names none of numpy's private modules (``numpy._core`` / ``numpy.core``) for the
arrays it reduced, and so loads under numpy 1 and numpy 2 alike.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

import numpy as np

__all__ = ["base", "masked", "scalar", "objects", "ufunc"]

#: The MaskedArray attributes ``masked`` restores; anything else is ignored, so a
#: pickle cannot set arbitrary attributes through it.
MASKED_ATTRS = ("_sharedmask", "_hardmask", "_fill_value", "_isfield", "_baseclass")


def base(buffer: Any) -> np.ndarray:
    """A flat byte array over one out-of-band frame, no copy; arrays are views of it."""
    return np.frombuffer(buffer, dtype=np.uint8)


def masked(data: np.ndarray, mask: Optional[np.ndarray], attrs: Dict[str, Any]) -> np.ma.MaskedArray:
    """A MaskedArray with exactly its mask: ``None`` means ``nomask`` (no mask array at all).

    numpy's own reduction always materialises a full boolean mask; this keeps
    ``nomask`` as ``nomask`` so masked-ness survives exactly.
    """
    out = data.view(np.ma.MaskedArray)
    for name in MASKED_ATTRS:
        if name in attrs:
            value = attrs[name]
            if name == "_baseclass" and not (isinstance(value, type) and issubclass(value, np.ndarray)):
                continue
            out.__dict__[name] = value
    out._mask = np.ma.nomask if mask is None else mask  # type: ignore[attr-defined]
    return out


def scalar(dtype: np.dtype, data: bytes) -> Any:
    """A numpy scalar from its raw bytes, for kinds its Python value cannot carry
    exactly (datetimes keep their unit, long doubles their precision)."""
    return np.frombuffer(data, dtype=dtype)[0]


def objects(items: List[Any], shape: Tuple[int, ...]) -> np.ndarray:
    """An object array (e.g. of datetimes) from its items in C order."""
    out = np.empty(len(items), dtype=object)
    for i, item in enumerate(items):  # element-wise: a slice assignment would broadcast nested sequences
        out[i] = item
    return out.reshape(shape)


def ufunc(name: str) -> np.ufunc:
    """A numpy ufunc (``np.log``) by its public name."""
    found = getattr(np, name, None)
    if not isinstance(found, np.ufunc):
        raise ValueError(f"numpy has no ufunc {name!r}")
    return found
