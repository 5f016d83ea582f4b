"""Method slots: an instance attribute that replaces a method of its object's class.

Drawing calls methods through the instance, so a value stored under a method's name runs
in the method's place: ``text.get_usetex = object`` (an admitted class, truthy once
called) makes a text whose usetex the check turned off run TeX, and
``font.get_file = partial(...)`` returning a constant path opens any file. ``_validate``
calls these on every object it reaches, on every instance: what one instance holds in a
slot says nothing about the next.
"""

from __future__ import annotations

import types
from typing import Any, Dict, FrozenSet, List, Optional, Tuple

from ._drawcost import label, refuse

__all__ = ["methods_of", "unshadowed", "no_shadowed_methods"]

#: type -> the names of the functions its class body (or a base's) defines
_METHODS: Dict[type, FrozenSet[str]] = {}
_FUNCTION_KINDS = (types.FunctionType, staticmethod, classmethod, types.BuiltinFunctionType)


def methods_of(kind: type) -> FrozenSet[str]:
    """The names of the methods ``kind`` and its bases define (kept: a fact of the class)."""
    names = _METHODS.get(kind)
    if names is None:
        names = _METHODS[kind] = frozenset(
            name for klass in kind.__mro__ for name, value in vars(klass).items() if isinstance(value, _FUNCTION_KINDS)
        )
    return names


#: type -> (the keys its instances were seen with, those of them that name a method)
_SLOTS: Dict[type, Tuple[FrozenSet[str], FrozenSet[str]]] = {}


def unshadowed(obj: Any) -> None:
    """``no_shadowed_methods`` for an object that is not an artist (a font, a path, a
    style, a locator...), at the cost of a subset test while its type's keys are known."""
    state = getattr(obj, "__dict__", None)
    if not state:
        return
    kind = type(obj)
    slots = _SLOTS.get(kind)
    if slots is None or not slots[0].issuperset(state):
        seen = frozenset(state) | (slots[0] if slots else frozenset())
        slots = _SLOTS[kind] = (seen, methods_of(kind).intersection(seen))
    if slots[1]:
        no_shadowed_methods(obj, state, slots[1])


def no_shadowed_methods(obj: Any, state: Any, names: Optional[FrozenSet[str]] = None) -> None:
    """Refuse an instance attribute that replaces a method of ``obj``'s class.

    Drawing calls methods through the instance, so ``text.get_usetex = object`` (an
    admitted class, and truthy once called) makes a text that the check turned off run
    TeX all the same, and ``font.get_file = partial(...)`` returning any path opens that
    file. What a figure's own objects store under a method's name is the same method
    bound to another object, or a reviewed replacement (``_delegates``). Checked on every
    instance: what one instance holds there says nothing about the next.
    """
    kind = type(obj)
    for key in (names if names is not None else methods_of(kind)).intersection(state):
        value = state[key]
        if value is None or _delegates(key, value):
            continue
        refuse(f"{kind.__name__}.{key} is replaced on the instance by {label(repr(value))}")


_REPLACING: List[Dict[str, FrozenSet[Any]]] = []


def _delegates(name: str, value: Any) -> bool:
    """``value`` is the same method bound to another object (how matplotlib delegates: a
    colorbar's axes pan and zoom through ``Colorbar._set_view`` and its kin), or one of the
    reviewed replacements in ``_policy.REPLACED_METHODS``. The load recorded the bound
    method, so the validator checks what it is bound to."""
    if not isinstance(value, types.MethodType):
        return False
    if getattr(value.__func__, "__name__", None) == name:
        return True
    if not _REPLACING:
        from ._policy import replacing_methods

        _REPLACING.append(replacing_methods())
    return value.__func__ in _REPLACING[0].get(name, ())
