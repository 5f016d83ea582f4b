"""The callables a pickle may *call* while loading, each checking its arguments first.

This is the short, reviewed list of ``_policy``'s "callable at load" names. A name here
resolves to the checked function, never to the real callable, so the real one cannot
be reached with unchecked arguments (pickle's NEWOBJ needs a class and refuses these).
Every size is checked before anything is allocated, against the load's ``LoadPolicy``.

The numpy names are in ``_checked_numpy``; the budget they all charge is ``_budget``.
"""

from __future__ import annotations

import functools
import re
from typing import Any, Callable, Dict, Optional, Tuple

import numpy as np

from . import _checked_numpy
from ._budget import LoadRefused, charge, charge_items, short
from ._guard import current

__all__ = ["CALLABLE_AT_LOAD", "OWN", "LoadRefused"]


# -- builtins and the standard library ----------------------------------------------


def _bytearray(source: Any = b"", encoding: Any = None) -> bytearray:
    if isinstance(source, str) and encoding == "latin-1":  # protocol < 3
        source = source.encode("latin-1")
    if not isinstance(source, bytes):
        raise LoadRefused(f"bytearray({type(source).__name__})")
    charge(len(source), "a bytearray")
    return bytearray(source)


def _items(what: str, make: Callable[[Any], Any]) -> Callable[..., Any]:
    def build(items: Any = ()) -> Any:
        if not isinstance(items, (list, tuple)):
            raise LoadRefused(f"{what}() of a {type(items).__name__}")
        charge_items(len(items), f"a {what}")
        return make(items)

    build.__qualname__ = build.__name__ = what
    return build


_NUMBERS = (int, float, np.integer, np.floating)


def _range(*args: Any) -> range:
    if not 1 <= len(args) <= 3 or not all(isinstance(a, (int, np.integer)) and not isinstance(a, bool) for a in args):
        raise LoadRefused(f"range{short(args)}")
    r = range(*args)
    charge_items(len(r), "a range")
    return r


def _slice(*args: Any) -> slice:
    if not 1 <= len(args) <= 3 or not all(a is None or isinstance(a, _NUMBERS) for a in args):
        raise LoadRefused(f"slice{short(args)}")
    return slice(*args)


def _complex(real: Any = 0.0, imag: Any = 0.0) -> complex:
    if type(real) not in (int, float) or type(imag) not in (int, float):
        raise LoadRefused(f"complex{short((real, imag))}")
    return complex(real, imag)


def _ordered_dict(items: Any = ()) -> Any:
    from collections import OrderedDict

    if not isinstance(items, (list, tuple)):
        raise LoadRefused(f"OrderedDict() of a {type(items).__name__}")
    charge_items(len(items), "an OrderedDict")
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
        _record(self)

    def __reduce__(self) -> Any:
        return functools.partial, (self.func,), (self.func, self.args, self.keywords or None, self.__dict__ or None)


def _check_partial_func(func: Any) -> None:
    from ._policy import is_admitted_callable_value

    if not is_admitted_callable_value(func):
        raise LoadRefused(f"a functools.partial of {short(func)}, which is not an admitted function or method")


def _partial(func: Any, *args: Any, **kwargs: Any) -> "functools.partial[Any]":
    _check_partial_func(func)
    return _record(_Partial(func, *args, **kwargs))


def _record(made: Any) -> Any:
    """Tell the load's guard about a callable it made (its arguments are checked later)."""
    guard = current()
    if guard is not None:
        guard.bound.append(made)
    return made


_CLASS_NAME_FORMAT = re.compile(r"[A-Za-z0-9_]{0,32}\{(\.__name__)?\}[A-Za-z0-9_]{0,32}")


def _picklable_class_constructor(mixin_class: Any, fmt: Any, attr_name: Any, base_class: Any) -> Any:
    """``matplotlib.cbook._picklable_class_constructor``: the classes ``_make_class_factory`` makes.

    Its ``fmt`` becomes a class name (``"{}Polar"``) and the result is cached for the
    process: only a short name pattern and admitted classes are accepted.
    """
    from matplotlib import cbook

    from ._policy import is_admitted_class

    if not (isinstance(fmt, str) and len(fmt) <= 64 and _CLASS_NAME_FORMAT.fullmatch(fmt)):
        raise LoadRefused(f"a class-name format {short(fmt)}")
    if attr_name is not None and not (isinstance(attr_name, str) and attr_name.isidentifier() and len(attr_name) <= 64):
        raise LoadRefused(f"a class attribute name {short(attr_name)}")
    for cls in (mixin_class, base_class):
        if not is_admitted_class(cls):
            raise LoadRefused(f"a class factory over {short(cls)}")
    return _as_matplotlib(cbook._picklable_class_constructor, mixin_class, fmt, attr_name, base_class)  # type: ignore[attr-defined]


def _picklable_norm_constructor(*args: Any) -> Any:
    """``matplotlib.colors._picklable_norm_constructor``: a norm class made from a scale class."""
    from matplotlib import colors

    from ._policy import is_admitted_class

    if not args or len(args) > 5 or not all(is_admitted_class(a) or not isinstance(a, type) for a in args):
        raise LoadRefused(f"a norm class from {short(args)}")
    for a in args:
        if callable(a) and not isinstance(a, type):
            raise LoadRefused(f"a norm class from {short(args)}")
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
        raise LoadRefused(f"an empty object of {short(cls)}")
    return cls.__new__(cls)


#: (module, name) -> the checked callable a pickle gets instead of the real one.
CALLABLE_AT_LOAD: Dict[Tuple[str, str], Optional[Callable[..., Any]]] = {
    **_checked_numpy.CALLABLE_AT_LOAD,
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
OWN = _checked_numpy.OWN
