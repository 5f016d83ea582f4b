"""What a load's guard (``_guard``) compares process-wide state against.

The state a figure pickle has no business changing: matplotlib's registries and
rcParams, the shared unit paths, and every mutable class-level value of the matplotlib
classes loaded (the ``shared_tables``), plus each class a pickle resolves. Before a
load each is copied, after it each is compared with its copy and, if changed, put back
from it. The copies are kept between loads (``copy_of``, ``table_copies``).
"""

from __future__ import annotations

import itertools
import operator
import sys
from typing import Any, Callable, Dict, List, Set, Tuple

__all__ = [
    "Tables",
    "copy_of",
    "covered",
    "copy_value",
    "is_array",
    "mutable_attributes",
    "put_back",
    "registries",
    "restore_dict",
    "same",
    "same_content",
    "shared_paths",
    "shared_tables",
    "table_copies",
]


def registries() -> List[Tuple[str, Any]]:
    """Process-wide dicts a figure pickle has no business changing, by name.

    (The named-colour table is left out: only ``_ColorMapping.__setitem__`` writes it, which
    no admitted name reaches, and it is 1,900 entries to compare on every load.)
    """
    import matplotlib
    import matplotlib.colors
    import matplotlib.scale
    import matplotlib.units

    found: List[Tuple[str, Any]] = [
        ("rcParams", matplotlib.rcParams),
        ("matplotlib.units.registry", matplotlib.units.registry),
        ("matplotlib.scale._scale_mapping", getattr(matplotlib.scale, "_scale_mapping", None)),
        ("matplotlib.colormaps", getattr(getattr(matplotlib, "colormaps", None), "_cmaps", None)),
    ]
    projections = sys.modules.get("matplotlib.projections")
    registry = getattr(getattr(projections, "projection_registry", None), "_all_projection_types", None)
    found.append(("matplotlib.projections.projection_registry", registry))
    return [(name, d) for name, d in found if isinstance(d, dict)]


def shared_paths() -> List[Tuple[str, Any]]:
    from matplotlib.path import Path

    return [(f"Path.{n}()", getattr(Path, n)()) for n in ("unit_rectangle", "unit_circle", "unit_circle_righthalf")]


def same(a: Any, b: Dict[Any, Any]) -> bool:
    """Whether mapping ``a`` holds exactly ``b``'s keys, bound to the very same objects."""
    if isinstance(a, dict):  # rcParams: a dict whose own values() goes through validation
        values, keys = dict.values(a), dict.keys(a)
    else:
        values, keys = a.values(), a.keys()
    return len(a) == len(b) and all(map(operator.is_, values, map(b.get, keys, itertools.repeat(_ABSENT))))


_ABSENT = object()

#: Copies that loads compare against, kept between loads and shared by them (never
#: changed once made): id -> (the object, its copy). A load reuses a copy while the object
#: still holds the very same items, and makes a new one when the user's own code changed
#: the object since. Copying afresh on every load cost a small figure about 0.3 ms of its
#: 2.4 ms: each copy touches every item of every class, registry and table (refcounts),
#: and freeing it touches them again, while a comparison reads only the tables.
_copies: Dict[int, Tuple[Any, Any]] = {}
_MAX_COPIES = 1 << 14


def copy_of(obj: Any, items: Any) -> Dict[Any, Any]:
    """A copy of the mapping ``items`` (``obj``'s own, or ``obj``), the kept one if unchanged."""
    kept = _copies.get(id(obj))
    if kept is not None and kept[0] is obj:
        try:
            # dict.__eq__ for rcParams, a dict whose Mapping __eq__ reads items through validation;
            # identical items compare without calling anything
            if (dict.__eq__(items, kept[1]) if isinstance(items, dict) else items == kept[1]) is True:
                return kept[1]
        except Exception:  # an item whose comparison fails: take a new copy
            pass
    if len(_copies) >= _MAX_COPIES:  # classes made on the fly by factories: bounded
        _copies.clear()
    copy = dict(dict.items(items)) if isinstance(items, dict) else dict(items)
    _copies[id(obj)] = (obj, copy)
    return copy


def table_copies(values: List[Any]) -> List[Any]:
    """Copies of the shared tables ``values`` (``shared_tables``), the kept ones if unchanged."""
    global _tables_kept
    kept_values, copies = _tables_kept
    if kept_values is values:
        try:
            if all(map(operator.eq, values, copies)):
                return copies
        except Exception:
            pass
    copies = [v.copy() for v in values]
    _tables_kept = (values, copies)
    return copies


_tables_kept: Tuple[Any, List[Any]] = (None, [])


_mutables: Dict[type, Tuple[str, ...]] = {}
Tables = Tuple[List[str], List[Any], List[str], List[Any]]
_tables: Tuple[int, Tables] = (-1, ([], [], [], []))
#: the classes whose mutable class-level values ``shared_tables`` already lists
covered: Set[type] = set()


def shared_tables() -> Tables:
    """Every mutable class-level value of every class in the matplotlib modules loaded, as
    ``(names, values)`` of the dicts, lists and sets, then ``(names, values)`` of the arrays.

    A pickle can reach one without naming its class (``LogTransform().get_affine()`` is an
    ``IdentityTransform``, whose ``get_matrix()`` is the one matrix they all share), so
    they are all compared, not only those of the classes the pickle resolved. The lists
    are found once per set of loaded modules; each load copies them whole and compares
    the first in one C-level pass.
    """
    global _tables
    if _tables[0] != len(sys.modules):
        modules = [m for n, m in list(sys.modules.items()) if n.partition(".")[0] in ("matplotlib", "mpl_toolkits")]
        found: Tables = ([], [], [], [])
        seen: Set[int] = set()
        for module in modules:
            for cls in list(vars(module).values()):
                if isinstance(cls, type) and cls.__module__ == module.__name__ and id(cls) not in seen:
                    seen.add(id(cls))
                    covered.add(cls)
                    for name in mutable_attributes(cls):
                        value = vars(cls)[name]
                        names, values = (found[2], found[3]) if is_array(value) else (found[0], found[1])
                        names.append(f"{cls.__module__}.{cls.__qualname__}.{name}")
                        values.append(value)
        _tables = (len(sys.modules), found)
    return _tables[1]


def mutable_attributes(cls: type) -> Tuple[str, ...]:
    """The names of ``cls``'s own mutable class-level values (an identity matrix shared by
    every IdentityTransform, a marker table): a call can return one, and SETITEM writes it."""
    found = _mutables.get(cls)
    if found is None:
        import numpy as np

        found = _mutables[cls] = tuple(
            name
            for name, value in vars(cls).items()
            if "cache" not in name.lower()  # caches change as a matter of course (ColorConverter.cache)
            and (
                (isinstance(value, np.ndarray) and value.flags.writeable and value.size <= 1 << 16)
                or (type(value) in (dict, list, set) and len(value) <= 1 << 12)
            )
        )
    return found


def is_array(value: Any) -> bool:
    return type(value) not in (dict, list, set)


def copy_value(value: Any) -> Any:
    return value.copy()


def same_content(value: Any, saved: Any) -> bool:
    if type(value) in (dict, list, set):
        if len(value) != len(saved):
            return False
        if isinstance(value, dict):
            return same(value, saved)
        if isinstance(value, list):
            return all(map(operator.is_, value, saved))
        return value == saved
    return value.shape == saved.shape and value.dtype == saved.dtype and value.tobytes() == saved.tobytes()


def put_back(value: Any, saved: Any) -> None:
    if type(value) is dict:
        value.clear()
        value.update(saved)
    elif type(value) is list:
        value[:] = saved
    elif type(value) is set:
        value.clear()
        value.update(saved)
    else:
        value[...] = saved


def restore_dict(
    target: Any, saved: Dict[Any, Any], set_item: Callable[[Any, Any], None], del_item: Callable[[Any], None]
) -> None:
    for key in [k for k in list(target) if k not in saved]:
        del_item(key)
    for key, value in saved.items():
        if key not in target or target[key] is not value:
            set_item(key, value)
