"""Saying *what* in a figure cannot be pickled, and where it is held.

Pickling a figure pickles one big object graph, and the error pickle raises names only
the object it choked on ("Can't pickle local object 'f.<locals>.<lambda>'"), not the
artist that holds it, which is what a user can change. Only when pickling has already
failed, this module searches the figure for the culprit:

1. each artist's own state is pickled with every *other* artist cut off (a persistent id
   stands for it) and without transforms' links to their parents (which reach every
   other transform of the figure, and whatever any of those holds), so exactly the
   artists that hold something unpicklable, themselves or in a transform they use, fail;
2. inside the first such artist, the search descends into the failing attribute,
   item or reduce argument, down to the deepest value that still fails.

The result reads like "Axes 'Sales' .xaxis.major.formatter.func: a local function
('make.<locals>.<lambda>'): ...". It costs a few extra pickling passes, on the failure
path only.
"""

from __future__ import annotations

import io
import itertools
import pickle
import types
from typing import Any, Iterator, List, Optional, Tuple

__all__ = ["describe"]

_MAX_DEPTH = 12
_MAX_CHILDREN = 10_000
_MAX_CANDIDATES = 200
#: A transform's links to the transforms built on it: invalidation, not ownership.
_PARENTS = "_parents"


class _CutPickler(pickle.Pickler):
    """Pickles an object with every artist but ``keep`` replaced by a persistent id, and
    transforms without their parent links."""

    def __init__(self, keep: Any) -> None:
        from matplotlib.artist import Artist
        from matplotlib.transforms import TransformNode

        super().__init__(io.BytesIO(), pickle.HIGHEST_PROTOCOL)
        self._keep = keep
        self._artist = Artist
        self._transform = TransformNode

    def persistent_id(self, obj: Any) -> Optional[int]:
        if obj is not self._keep and isinstance(obj, self._artist):
            return id(obj)
        return None

    def reducer_override(self, obj: Any) -> Any:
        if not isinstance(obj, self._transform):
            return NotImplemented
        reduced = obj.__reduce_ex__(pickle.HIGHEST_PROTOCOL)
        state = reduced[2] if len(reduced) > 2 else None
        if isinstance(state, dict) and _PARENTS in state:
            state = {k: v for k, v in state.items() if k != _PARENTS}
            reduced = (*reduced[:2], state, *reduced[3:])
        return reduced


def _error(obj: Any, keep: Any) -> Optional[BaseException]:
    try:
        _CutPickler(keep).dump(obj)
    except RecursionError:
        return None  # too deep to tell; not this value's own fault
    except Exception as exc:
        return exc
    return None


def _children(obj: Any) -> Iterator[Tuple[str, Any]]:
    """What pickling ``obj`` would pickle next, with a path step naming each."""
    if isinstance(obj, dict):
        for key, value in list(obj.items())[:_MAX_CHILDREN]:
            yield f"[{key!r}]", value
        return
    if isinstance(obj, (list, tuple, set, frozenset)):
        for i, value in enumerate(list(obj)[:_MAX_CHILDREN]):
            yield f"[{i}]", value
        return
    if isinstance(obj, (type, types.FunctionType, types.BuiltinFunctionType, types.ModuleType)):
        return
    try:
        reduced = obj.__reduce_ex__(pickle.HIGHEST_PROTOCOL)
    except Exception:
        return
    if not isinstance(reduced, tuple):
        return
    if len(reduced) > 1 and isinstance(reduced[1], tuple):
        for i, arg in enumerate(reduced[1]):
            if arg is not type(obj):  # an unpicklable class is reported as its instance
                yield f"(reduce arg {i})", arg
    state = reduced[2] if len(reduced) > 2 else None
    parts: Tuple[Any, ...] = state if isinstance(state, tuple) and len(state) == 2 else (state,)  # (dict, slots)
    dicts = [part for part in parts if isinstance(part, dict)]
    if all(isinstance(part, dict) or part is None for part in parts):
        for part in dicts:
            for key, value in part.items():
                if key != _PARENTS:  # not pickled by _CutPickler either
                    yield f".{key}", value
    elif state is not None:
        yield "(state)", state


def _what(value: Any) -> str:
    """A user's name for an unpicklable value."""
    qualname = getattr(value, "__qualname__", None)
    if isinstance(value, types.FunctionType) and qualname is not None:
        if value.__name__ == "<lambda>":
            return f"a lambda ({value.__module__}.{qualname})"
        if "<locals>" in qualname:
            return f"a local function ({value.__module__}.{qualname})"
        return f"the function {value.__module__}.{qualname}"
    if isinstance(value, type) and qualname is not None:
        if "<locals>" in qualname:
            return f"a local class ({value.__module__}.{qualname})"
        return f"the class {value.__module__}.{qualname}"
    t = type(value)
    if "<locals>" in t.__qualname__:
        return f"an instance of the local class {t.__module__}.{t.__qualname__}"
    module = t.__module__
    if module.startswith(("matplotlib.backends", "tkinter", "PyQt", "PySide", "wx", "gi")):
        return f"a GUI object ({module}.{t.__qualname__})"
    return f"a {module}.{t.__qualname__}"


def _label(artist: Any) -> str:
    """``"XAxis of Axes 'Sales'"``: the artist's type, its label or title, its axes."""
    from matplotlib.axes._base import _AxesBase

    own = _own_label(artist)
    axes = getattr(artist, "axes", None)
    if isinstance(axes, _AxesBase) and axes is not artist:
        return f"{own} of {_own_label(axes)}"
    return own


def _own_label(artist: Any) -> str:
    name = type(artist).__name__
    for getter in ("get_label", "get_title"):
        text = getattr(artist, getter, None)
        try:
            value = text() if callable(text) else None
        except Exception:
            value = None
        if isinstance(value, str) and value and not value.startswith("_"):
            return f"{name} {value[:40]!r}"
    return name


def _descend(value: Any, artist_type: Any) -> Tuple[List[str], Any]:
    """The path to the deepest child of ``value`` that still fails to pickle."""
    path: List[str] = []
    seen = {id(value)}
    for _ in range(_MAX_DEPTH):
        for step, child in _children(value):
            if id(child) in seen or isinstance(child, artist_type):
                continue
            if _error(child, None) is not None:
                path.append(step)
                seen.add(id(child))
                value = child
                break
        else:
            break
    return path, value


def describe(fig: Any, exc: BaseException) -> str:
    """Why ``fig`` cannot be pickled, naming the artist and attribute that hold the culprit.

    ``exc`` is what pickling the whole figure raised; it is quoted at the end. Falls
    back to ``exc`` alone when no single artist is to blame.
    """
    from matplotlib.artist import Artist

    cause = f"{type(exc).__name__}: {exc}"
    try:
        artists = [fig, *fig.findobj(include_self=False)]
    except Exception:
        return cause
    # Several artists can reach one culprit (the spines of an axes use its transform):
    # the one holding it most directly, by the shortest path, is the one to name.
    best: Optional[Tuple[Any, List[str], Any]] = None
    failing = (a for a in artists if _error(a, a) is not None)
    for artist in itertools.islice(failing, _MAX_CANDIDATES):
        path, value = _descend_artist(artist, Artist)
        if best is None or len(path) < len(best[1]):
            best = (artist, path, value)
    if best is None:
        return cause
    artist, path, value = best
    if not path:
        return f"{_label(artist)} cannot be pickled ({cause})"
    return f"{_label(artist)} {''.join(path)} holds {_what(value)}, which cannot be pickled ({cause})"


def _descend_artist(artist: Any, artist_type: Any) -> Tuple[List[str], Any]:
    try:
        state = artist.__getstate__()
    except Exception:
        return [], artist
    if not isinstance(state, dict):
        return [], artist
    for key, value in state.items():
        if isinstance(value, artist_type) or key == _PARENTS:
            continue
        if _error(value, None) is not None:
            path, deepest = _descend(value, artist_type)
            return [f".{key}", *path], deepest
    return [], artist
