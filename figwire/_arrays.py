"""Rebuilding the numpy objects that figwire's pickler reduces itself.

These names are part of the format (spec §7.2): a figwire pickle calls
``figwire._arrays.<name>``, and the unpickler resolves any module path ending in
``figwire._arrays`` here, so a producer that vendors figwire under another package
still loads. They use only numpy's public API, which is why a figwire pickle
carries none of numpy's private module paths (``numpy._core`` / ``numpy.core``) for
the arrays it reduced, and so loads under numpy 1 and numpy 2 alike.
"""

from __future__ import annotations

from typing import Any, Dict, Optional, Tuple

import numpy as np

__all__ = ["base", "array", "view", "masked", "scalar"]

#: The MaskedArray attributes ``masked`` restores; anything else is ignored, so a
#: pickle cannot set arbitrary attributes through it.
MASKED_ATTRS = ("_sharedmask", "_hardmask", "_fill_value", "_isfield", "_baseclass")


def base(buffer: Any) -> np.ndarray:
    """A flat byte array over one buffer (out-of-band frame or in-band bytes), no copy."""
    return np.frombuffer(buffer, dtype=np.uint8)


def view(
    flat: np.ndarray, dtype: np.dtype, shape: Tuple[int, ...], strides: Tuple[int, ...], offset: int
) -> np.ndarray:
    """An array over ``flat``'s memory: views of one buffer stay views of one buffer."""
    return np.ndarray(shape, dtype, buffer=flat, offset=offset, strides=strides)


def array(data: bytes, dtype: np.dtype, shape: Tuple[int, ...], fortran: bool) -> np.ndarray:
    """A small array sent in-band. Writable, as a stock unpickled array is."""
    out = np.frombuffer(data, dtype=dtype).copy()
    return out.reshape(shape, order="F" if fortran else "C")


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
    out._mask = np.ma.nomask if mask is None else mask
    return out


def scalar(dtype: np.dtype, data: bytes) -> Any:
    """A numpy scalar (``np.float64(1.5)``) from its raw bytes."""
    return np.frombuffer(data, dtype=dtype)[0]
