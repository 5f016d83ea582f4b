"""The one place figwire unpickles, so that it can be gated in one place.

A pickle is code: loading one runs whatever callables it names. This unpickler resolves
only the exact ``(module, name)`` pairs on the allow-list (``_allowlist``), plus pairs a
caller adds explicitly; a module-prefix rule is not used because it was shown to allow
command execution through matplotlib itself (notes: matplotlib-pickling.md §4). Figure
pickles call ``builtins.getattr`` to rebuild bound methods; it is replaced by a guarded
version that only returns methods on the method allow-list.

This is defence in depth, not a licence to load untrusted bytes: the allowed classes
still run their own ``__setstate__`` and drawing code on the state the pickle sets.
``unpack`` loads a pickle only from a message the caller trusts.
"""

from __future__ import annotations

import io
import pickle
from typing import Any, Callable, Dict, FrozenSet, Iterable, Sequence, Tuple

from . import _arrays
from ._allowlist import GLOBALS, METHODS
from ._errors import DecodeError
from ._spec import ErrorCode

_ARRAYS_MODULE = "figwire._arrays"


def _refuse(what: str) -> DecodeError:
    return DecodeError(
        ErrorCode.PICKLE_REFUSED,
        f"the pickle names {what}, which is not on figwire's allow-list "
        "(add it with unpack(..., allow=[(module, name)]) if you trust it)",
    )


def _method_key(owner: Any, name: str) -> str:
    """``"module:Qualname"`` of the function ``getattr(owner, name)`` would bind, found statically."""
    klass = owner if isinstance(owner, type) else type(owner)
    for k in klass.__mro__:
        if name in k.__dict__:
            func = k.__dict__[name]
            func = getattr(func, "__func__", func)  # classmethod / staticmethod
            module = getattr(func, "__module__", None) or getattr(k, "__module__", "builtins")
            return f"{module}:{getattr(func, '__qualname__', name)}"
    return f"{klass.__module__}:{klass.__qualname__}.{name}"


def _guarded_getattr(methods: FrozenSet[str]) -> Callable[..., Any]:
    decided: Dict[Tuple[type, str], bool] = {}  # (owner's type, name) -> allowed; per load

    def getattr_(owner: Any, name: Any, *default: Any) -> Any:
        if default or not isinstance(name, str):
            raise _refuse(f"getattr{(type(owner).__name__, name)!r} with unusual arguments")
        key = (owner if isinstance(owner, type) else type(owner), name)
        allowed = decided.get(key)
        if allowed is None:
            allowed = decided[key] = _method_key(owner, name) in methods
        if not allowed:
            raise _refuse(f"the method {_method_key(owner, name)}")
        return getattr(owner, name)

    return getattr_


#: Allowed globals already imported: (module, name) -> object. Resolving costs an
#: import and an attribute walk; a figure pickle names ~80 of them.
_resolved: Dict[Tuple[str, str], Any] = {}


class _RestrictedUnpickler(pickle.Unpickler):
    def __init__(self, file: io.BytesIO, buffers: Sequence[Any], allowed: FrozenSet[Tuple[str, str]]) -> None:
        super().__init__(file, buffers=buffers)
        self._allowed = allowed
        self._getattr = _guarded_getattr(METHODS)

    def find_class(self, module: str, name: str) -> Any:
        if module == _ARRAYS_MODULE or module.endswith("." + _ARRAYS_MODULE):
            if name in _arrays.__all__:
                return getattr(_arrays, name)
        elif module == "builtins" and name == "getattr":
            return self._getattr
        elif (module, name) in self._allowed:
            found = _resolved.get((module, name))
            if found is None:
                found = _resolved[module, name] = super().find_class(module, name)
            return found
        raise _refuse(f"{module}.{name}")


def load(data: Any, buffers: Sequence[Any], allow: Iterable[Tuple[str, str]] = ()) -> Any:
    """Unpickle ``data`` with out-of-band ``buffers`` through the allow-list.

    Raises ``DecodeError(PICKLE_REFUSED)`` for a name not allowed; any other exception
    is the pickle's own failure and propagates for the caller to report.
    """
    extra = frozenset((str(m), str(n)) for m, n in allow)
    allowed = GLOBALS | extra if extra else GLOBALS
    return _RestrictedUnpickler(io.BytesIO(data), buffers, allowed).load()
