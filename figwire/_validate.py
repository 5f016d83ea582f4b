"""Checking a loaded figure before it is handed over: what it would do when drawn.

A pickle that loaded through the policy can still describe a figure whose *drawing*
hurts the client: text with ``usetex=True`` runs ``latex`` on the producer's TeX, a
font path opens any file (a FIFO blocks the draw for ever), a ``LinearLocator`` asks for
100,001 ticks, a path asks for 10**8 interpolation steps, a tick format for a
200,000,000-digit field, a colormap for 5e7 entries, a canvas for 30000x30000 pixels.
``validate`` walks what drawing walks (the artist tree, every artist any attribute of an
artist holds, plus the objects that callbacks, formatters and annotation coordinates are
bound to) and either refuses the figure with the reason, or makes it safe and says what
it changed (``usetex`` off, a foreign font file dropped). The bounds on what a draw costs
are in ``_drawcost``, the check of method slots in ``_slots``; the limits are the
caller's ``LoadPolicy``.
"""

from __future__ import annotations

import os
import types
import weakref
from functools import partial
from itertools import compress
from operator import itemgetter, not_
from typing import Any, Dict, FrozenSet, Iterable, List, Optional, Set, Tuple

from . import _drawcost
from ._drawcost import Refusal, label, refuse
from ._errors import DecodeError
from ._loadpolicy import LoadPolicy
from ._slots import methods_of, no_shadowed_methods, unshadowed
from ._spec import ErrorCode

__all__ = ["validate"]

_TEXT, _AXIS = 1, 2
_WRAP_LIMIT = 500
#: Attributes that hold an artist which is not drawn through its holder (its parents).
#: type -> (kind, the state keys checked, the keys that held inert values, the others, the
#: keys seen that name one of its methods, whether it has no children, the keys seen, and
#: getters of the checked and the inert keys' values, a tuple in one C call): what
#: is checked, and where each instance's values are looked at cheaply or in full; never a
#: decision about a value (each instance's are looked at), so kept for the process.
_Plan = Tuple[int, Tuple[str, ...], Tuple[str, ...], Tuple[str, ...], FrozenSet[str], bool, FrozenSet[str], Any, Any]
_PLANS: Dict[type, _Plan] = {}
#: type of an object a bound callable holds -> (its check, whether its artists are walked)
_REACH: Dict[type, Tuple[Optional[str], bool]] = {}


#: Attributes that refer back to an artist's parents, which it never draws.
_NOT_DRAWN = frozenset({"figure", "_parent_figure", "axes", "_axes", "_remove_method", "_root_figure"})
#: the types of values seen that hold nothing drawing reaches (``_inert``; kept, a fact of the type)
_INERT: Set[type] = {str, bytes, int, float, complex, bool, type(None)}
_SEQUENCES = frozenset({list, tuple, set, frozenset})
#: the types of values seen that are not artists but may hold one, and all that are not artists
_HOLDERS: Set[type] = set()
_NOT_ARTISTS: Set[type] = set(_INERT)
_ARTISTS: Set[type] = set()
_INERT_KIND, _HOLDER, _ARTIST = 0, 1, 2
#: types whose instances hash and compare by identity (every artist, path and marker
#: style): the walk's ``seen`` holds them as themselves. Others go in by ``id()``, which
#: costs ten times more once an audit hook is installed (the guard's is): Python calls
#: the hook for every ``id()`` of the process.
_BY_IDENTITY: Set[type] = set()
_BY_ID: Set[type] = set()


def _key(obj: Any) -> Any:
    """What ``seen`` holds for ``obj``: itself when its type hashes by identity, else its id."""
    kind = type(obj)
    if kind in _BY_IDENTITY:
        return obj
    if kind not in _BY_ID:
        (_BY_IDENTITY if kind.__hash__ is object.__hash__ and kind.__eq__ is object.__eq__ else _BY_ID).add(kind)
        return _key(obj)
    return id(obj)


def _classify(kind: type, artist: type) -> int:
    """What values of ``kind`` are (kept: a fact of the type)."""
    if kind in _INERT:
        return _INERT_KIND
    if kind in _ARTISTS:
        return _ARTIST
    if kind in _HOLDERS:
        return _HOLDER
    if issubclass(kind, artist):
        _ARTISTS.add(kind)
        return _ARTIST
    _NOT_ARTISTS.add(kind)
    if _inert(kind):
        _INERT.add(kind)
        return _INERT_KIND
    _HOLDERS.add(kind)
    return _HOLDER


def validate(figure: Any, policy: LoadPolicy, bound: Iterable[Any] = ()) -> List[str]:
    """Check ``figure`` against ``policy``: the notes of what was made safe, or
    ``DecodeError(PICKLE_REFUSED)`` naming what is over a limit.

    ``bound`` are the bound methods and partials the load made (``_unpickler.load``).
    Drawing can reach any of them, not only those the figure's tree holds where
    matplotlib keeps callables: an instance attribute named like a method shadows the
    method (``line.get_window_extent = text.get_window_extent``, called by a tight
    bounding box). So whatever each is bound to is checked as the figure's own artists
    are: a ``usetex`` text bound that way would otherwise run ``latex`` at draw time.
    """
    notes: List[str] = []
    try:
        _Walk(policy, notes).run(figure, bound)
    except Refusal as exc:
        raise DecodeError(ErrorCode.PICKLE_REFUSED, f"the figure was refused before drawing: {exc}") from None
    return notes


class _Walk:
    def __init__(self, policy: LoadPolicy, notes: List[str]) -> None:
        self.policy = policy
        self.notes = notes
        self.seen: Set[Any] = set()  # what was walked or checked, by ``_key``
        self.held: Set[Any] = set()  # the holders ``holds`` has looked into, by ``_key``
        self.stack: List[Any] = []
        self.font_dirs = _font_dirs()
        self.wrapped = 0
        self.dpi = 72.0
        self.checks = self._make_checks()
        self.funcs: Dict[Tuple[str, ...], Tuple[Any, ...]] = {}  # a plan's keys -> their checks
        from matplotlib.artist import Artist
        from matplotlib.axis import Axis, Tick
        from matplotlib.cbook import CallbackRegistry
        from matplotlib.colors import Colormap
        from matplotlib.text import Text

        self.Artist, self.Axis, self.Registry, self.Colormap, self.Text = Artist, Axis, CallbackRegistry, Colormap, Text
        self.Tick = Tick
        from matplotlib.font_manager import FontProperties
        from matplotlib.markers import MarkerStyle
        from matplotlib.path import Path
        from matplotlib.ticker import Formatter, Locator

        self.reachable = (FontProperties, MarkerStyle, Path, Formatter, Locator)
        self.FontProperties = FontProperties

    def run(self, figure: Any, bound: Iterable[Any] = ()) -> None:
        for part in ("bbox", "bbox_inches", "dpi_scale_trans"):
            unshadowed(getattr(figure, part, None))
        _drawcost.canvas(figure, self.policy)
        self.dpi = float(figure.dpi)
        self.push(figure)
        for registry in (getattr(figure, "_canvas_callbacks", None),):
            self.callbacks(registry)
        for func in bound:
            self.callable(func)
        while self.stack:
            self.artist(self.stack.pop())

    def push(self, obj: Any) -> None:
        if isinstance(obj, self.Artist):
            key = obj if type(obj) in _BY_IDENTITY else _key(obj)
            if key not in self.seen:
                self.seen.add(key)
                self.stack.append(obj)

    def artist(self, a: Any) -> None:
        # The hot loop: a small figure has ~130 artists, a 3x3 dashboard ~1400.
        state = a.__dict__
        plan = _PLANS.get(type(a))
        if plan is None or not plan[6].issuperset(state.keys()):  # a key none of its type had before
            plan = _PLANS[type(a)] = self._plan(a, state, plan)
        kind, keys, quiet, loud, shadowable, leaf, _, of_keys, of_quiet = plan
        if shadowable:
            no_shadowed_methods(a, state, shadowable)
        funcs = self.funcs.get(keys)
        if funcs is None:
            funcs = self.funcs[keys] = tuple(map(self.checks.__getitem__, keys))
        try:
            values = of_keys(state)  # one C call: most instances have every key their type had
        except KeyError:
            values = tuple(map(state.get, keys))
        for check, value in zip(funcs, values):
            if value is not None:
                check(a, value)
        # Artists an artist draws or measures without listing them as children (a table
        # Cell's text, an arrow's patchB, a figure's axes stack): every artist its
        # attributes hold is walked, found on each instance (what another instance held
        # there says nothing about this one). Containers are looked into only for artists
        # that have children: one without children (a line, a patch, a text) iterates no
        # container of artists when it draws (its path effects and clip path are checks).
        seen, stack, get = self.seen, self.stack, state.get
        try:
            held = of_quiet(state)
        except KeyError:
            held = tuple(map(get, quiet))
        if _INERT.issuperset(map(type, held)):  # a C-level pass over most keys
            if loud and not leaf:
                self.holds(_not_inert(map(get, loud)))
            elif loud:  # no children: it draws only artists its attributes hold themselves
                values = tuple(map(get, loud))
                if not _NOT_ARTISTS.issuperset(map(type, values)):
                    for value in values:
                        self.push(value)
        else:  # a key that held only numbers and strings before holds more here
            self.holds(_not_inert(map(get, quiet + loud)))
            _PLANS[type(a)] = self._plan(a, state, plan)
        if kind & _TEXT:
            self.text(a, state)
        if kind & _AXIS:  # its get_children() would compute ticks (a locator call): walk the ticks it has
            self.axis(a)
            children = _axis_children(state)
        elif leaf:  # the class's get_children is Artist's own, which holds none
            return
        else:  # the class's, not an instance attribute of that name (a bound method the load made)
            children = type(a).get_children(a)
        for child in children:
            if isinstance(child, self.Artist):
                key = child if type(child) in _BY_IDENTITY else _key(child)
                if key not in seen:
                    seen.add(key)
                    stack.append(child)

    def holds(self, values: List[Any]) -> None:
        """Walk every artist ``values`` hold: directly, or inside lists, tuples, sets,
        dicts, weak references and any other object's attributes (a figure's axes stack,
        the groups its labels are aligned in, an axes' colorbars: drawing measures what
        these hold). Only types that hold nothing drawing reaches are not looked into
        (``_inert``). A holder shared by many artists is looked into once."""
        seen, held, stack, Artist = self.seen, self.held, self.stack, self.Artist
        while values:
            value = values.pop()
            kind = type(value)
            if kind in _INERT or (kind in _SEQUENCES and _INERT.issuperset(map(type, value))):  # most: in C
                continue
            if isinstance(value, Artist):
                key = _key(value)
                if key not in seen:
                    seen.add(key)
                    stack.append(value)
                continue
            if kind not in _HOLDERS and _classify(kind, Artist) == _INERT_KIND:
                continue
            key = _key(value)
            if key in held:
                continue
            held.add(key)
            if isinstance(value, dict):
                values.extend(_not_inert(value.keys()))
                values.extend(_not_inert(value.values()))
            elif isinstance(value, (list, tuple, set, frozenset)):
                values.extend(_not_inert(value))
            elif isinstance(value, weakref.ref):
                values.append(value())
            elif isinstance(value, types.MethodType):
                values.append(value.__self__)
            elif isinstance(value, partial):
                values.extend((value.func, value.args, value.keywords))
            else:
                state = getattr(value, "__dict__", None)
                if state:
                    values.extend(_not_inert(state.values()))

    def _plan(self, a: Any, state: Any, before: Optional[_Plan]) -> _Plan:
        """How artists of ``type(a)`` are checked: the state keys with a check; the keys
        that held only numbers, strings and other inert values (each instance's are checked
        to be so in one C-level pass) and the others (looked into on each instance); the
        keys seen that name a method (each instance's values there are checked); whether
        the type has no children; every key its instances were seen with. Kept for the
        process and widened (never narrowed) by each instance that does not fit it."""
        kind = _TEXT * isinstance(a, self.Text) | _AXIS * isinstance(a, self.Axis)
        keys = tuple(k for k in self.checks if k in state or k in ("_agg_filter", "_sketch"))
        seen = set(state)
        for value_type in {type(v) for v in state.values()}:
            _classify(value_type, self.Artist)
        loud = {k for k, v in state.items() if type(v) not in _INERT}
        if before is not None:
            keys = tuple(dict.fromkeys(before[1] + keys))
            seen |= before[6]
            loud.update(before[3])
        leaf = type(a).get_children is self.Artist.get_children
        quiet = tuple(k for k in seen if k not in loud and k not in _NOT_DRAWN)
        loud_keys = tuple(k for k in loud if k not in _NOT_DRAWN)
        shadowable = methods_of(type(a)).intersection(seen)
        return kind, keys, quiet, loud_keys, shadowable, leaf, frozenset(seen), _getter(keys), _getter(quiet)

    def _make_checks(self) -> Dict[str, Any]:
        def agg_filter(a: Any, value: Any) -> None:
            refuse(f"{type(a).__name__} has an agg_filter (a callable run on the rendered pixels)")

        def sketch(a: Any, value: Any) -> None:
            if not (value[1] >= 0.5 and value[0] <= 1000):
                refuse(f"{type(a).__name__} has sketch parameters {value!r}")

        def paths(a: Any, value: Any) -> None:
            for path in value:
                self.path(a, path)

        def marker(a: Any, value: Any) -> None:
            unshadowed(value)
            if getattr(value, "_path", None) is not None:
                self.path(a, value._path)

        def cmap(a: Any, value: Any) -> None:
            value = getattr(value, "cmap", value)  # a Colorizer holds the colormap
            if isinstance(value, self.Colormap):
                self.colormap(value)

        def coords(a: Any, value: Any) -> None:
            # An artist, a transform, a callable, or an (x, y) pair of them: the annotation
            # measures or calls each whenever it is drawn.
            for system in value if isinstance(value, tuple) else (value,):
                if not isinstance(system, str):
                    self.callable(system)
                    self.reach(system)

        def artist(a: Any, value: Any) -> None:
            self.push(value)

        def clip(a: Any, value: Any) -> None:
            # A clip path is a transform node (not looked into), but drawing transforms
            # the path it holds, or the path of the patch it was made from.
            unshadowed(value)
            held = vars(value)
            self.push(held.get("_patch"))
            if held.get("_path") is not None:
                self.path(a, held["_path"])

        def effects(a: Any, value: Any) -> None:
            for effect in value or ():  # PathPatchEffect draws its own patch, hatch and all
                for attr in getattr(effect, "__dict__", {}).values():
                    self.push(attr)

        def hatches(a: Any, value: Any) -> None:
            for hatch in [value] if isinstance(value, str) else value:
                if hatch is not None and (not isinstance(hatch, str) or len(hatch) > self.policy.max_hatch_density):
                    refuse(
                        f"{type(a).__name__} has a hatch of {len(hatch) if isinstance(hatch, str) else hatch!r} characters (LoadPolicy.max_hatch_density)"
                    )

        return {
            "_agg_filter": agg_filter,
            "_sketch": sketch,
            "_dash_pattern": lambda a, v: _drawcost.dashes(a, (v,)),
            "_linestyles": _drawcost.dashes,
            "_markersize": lambda a, v: _drawcost.marker_size(a, "_markersize", v, self.dpi, self.policy),
            "_markeredgewidth": lambda a, v: _drawcost.marker_size(a, "_markeredgewidth", v, self.dpi, self.policy),
            "_filterrad": _drawcost.filter_radius,
            "_subplotspec": _drawcost.grid,
            "_bbox_transmuter": _drawcost.box_style,
            "_path": self.path,
            "_paths": paths,
            "_marker": marker,
            "cmap": cmap,
            "_colorizer": cmap,
            "callbacks": self.registry,
            "_callbacks": self.registry,
            "xycoords": coords,
            "_xycoords": coords,  # matplotlib 3.10+
            "_textcoords": coords,
            "_hatch": hatches,
            "_path_effects": effects,
            "hatches": hatches,
            "_clippath": clip,
            "_bbox_patch": artist,  # drawn by its Text, not one of its children
            "arrow_patch": artist,
        }

    def text(self, t: Any, state: Any) -> None:
        text = state.get("_text")
        if isinstance(text, str) and state.get("_wrap"):
            # Wrapping measures every prefix of a line: quadratic in its length, so the
            # figure's wrapped text is bounded in total, not per text.
            self.wrapped += len(text)
            if self.wrapped > _WRAP_LIMIT:
                t.set_wrap(False)
                self.notes.append(
                    f"wrap turned off for a text of {len(text)} characters (over {_WRAP_LIMIT} wrapped in all)"
                )
        if state.get("_usetex") and not self.policy.allow_usetex:
            t.set_usetex(False)
            self.notes.append(f"usetex turned off for text {label(state.get('_text'))} (LoadPolicy.allow_usetex)")
        prop = state.get("_fontproperties")
        if prop is not None:
            if not isinstance(prop, self.FontProperties):  # a str is a fontconfig pattern: ":file=/etc/passwd"
                refuse(f"a text's font properties are a {type(prop).__name__}, not FontProperties")
            self.font(prop)

    def font(self, prop: Any) -> None:
        unshadowed(prop)  # drawing opens prop.get_file()
        path = getattr(prop, "_file", None)
        if path is not None:
            real = os.path.realpath(os.fsdecode(path)) if isinstance(path, (str, bytes, os.PathLike)) else None
            if real is None or not any(real.startswith(d) for d in self.font_dirs):
                prop._file = None
                self.notes.append(f"font file {path!r} dropped: outside matplotlib's and the system's font directories")
        size = getattr(prop, "_size", None)
        if isinstance(size, (int, float)) and not 0 <= size <= 10_000:
            refuse(f"a font size of {size} points")

    def path(self, a: Any, path: Any) -> None:
        unshadowed(path)
        steps = getattr(path, "_interpolation_steps", 1)
        if not isinstance(steps, int) or steps > self.policy.max_interpolation_steps:
            refuse(
                f"{type(a).__name__} has a path of {steps!r} interpolation steps (LoadPolicy.max_interpolation_steps)"
            )
        vertices = getattr(path, "_vertices", None)
        if vertices is not None and len(vertices) > self.policy.max_path_vertices:
            refuse(f"{type(a).__name__} has a path of {len(vertices)} vertices")

    def colormap(self, cmap: Any) -> None:
        unshadowed(cmap)
        n = getattr(cmap, "N", 0)
        if not isinstance(n, int) or n > self.policy.max_colormap_size:
            refuse(f"colormap {getattr(cmap, 'name', '?')!r} of {n!r} entries (LoadPolicy.max_colormap_size)")

    def axis(self, axis: Any) -> None:
        state = axis.__dict__
        if "_tick_class" in state and not (
            isinstance(state["_tick_class"], type) and issubclass(state["_tick_class"], self.Tick)
        ):
            refuse(f"{type(axis).__name__} makes its ticks with {state['_tick_class']!r}")
        for name in ("_major_tick_kw", "_minor_tick_kw"):  # every tick made while drawing gets these
            _drawcost.tick_settings(axis, state.get(name) or {}, self.dpi, self.policy)
        view = axis.get_view_interval()
        for ticker in (axis.major, axis.minor):
            self.locator(ticker.locator, view)
            self.formatter(ticker.formatter)
            self.callable(getattr(ticker.formatter, "func", None))

    def locator(self, loc: Any, view: Any) -> None:
        unshadowed(loc)
        _drawcost.locator(loc, view, self.policy)

    def formatter(self, fmt: Any) -> None:
        unshadowed(fmt)
        _drawcost.formatter(fmt, self.policy)

    def registry(self, a: Any, registry: Any) -> None:
        if registry.__class__ is not self.Registry or registry.callbacks:  # the common case: none
            self.callbacks(registry)

    def callbacks(self, registry: Any) -> None:
        if not isinstance(registry, self.Registry) or not registry.callbacks:
            return
        for by_id in list(registry.callbacks.values()):
            for ref in list(by_id.values()):
                self.callable(ref() if callable(ref) and not isinstance(ref, types.MethodType) else ref)

    def callable(self, func: Any) -> None:
        """Draw or event time calls ``func``: check what it is bound to."""
        if isinstance(func, partial):
            self.callable(func.func)
            for arg in (*func.args, *(func.keywords or {}).values()):
                self.reach(arg)
        elif isinstance(func, types.MethodType):
            self.reach(func.__self__)
        elif func is not None and hasattr(func, "_artist"):  # text.OffsetFrom
            self.push(func._artist)

    def reach(self, obj: Any) -> None:
        """Check ``obj``, which a callable is bound to, by what it is: an artist is walked
        like the figure's own; a path, marker, colormap or font gets its draw-time check; a
        formatter or locator its check and, like anything else, the artists it holds walked.
        (Callables it holds need no walk: the load recorded every one it made.)"""
        if isinstance(obj, self.Artist):
            self.push(obj)
            return
        if isinstance(obj, _ATOMS):
            return
        key = _key(obj)
        if key in self.seen:
            return
        self.seen.add(key)
        if isinstance(obj, (list, tuple, set, frozenset, dict)):  # a partial's arguments
            items = [*obj.keys(), *obj.values()] if isinstance(obj, dict) else list(obj)
            while items:  # not recursive: the load may nest containers deeper than the stack
                item = items.pop()
                if isinstance(item, (list, tuple, set, frozenset, dict)):
                    if id(item) not in self.seen:
                        self.seen.add(id(item))
                        items.extend([*item.keys(), *item.values()] if isinstance(item, dict) else item)
                else:
                    self.reach(item)
            return
        unshadowed(obj)
        kind = type(obj)
        how = _REACH.get(kind)
        if how is None:
            how = _REACH[kind] = self._reach_plan(kind)
        check, holds_artists = how
        if check is not None:
            getattr(self, check)(obj)
        if holds_artists:
            for value in list(getattr(obj, "__dict__", {}).values()):
                self.push(value)

    def _reach_plan(self, kind: type) -> Tuple[Optional[str], bool]:
        FontProperties, MarkerStyle, Path, Formatter, Locator = self.reachable
        if issubclass(kind, (type, types.ModuleType, types.FunctionType, types.BuiltinFunctionType)):
            return None, False
        for base, check, holds in (
            (Path, "path_of", False),
            (MarkerStyle, "marker_of", False),
            (self.Colormap, "colormap", False),
            (FontProperties, "font", False),
            (Formatter, "formatter", True),
            (Locator, "locator_of", True),
        ):
            if issubclass(kind, base):
                return check, holds
        return None, True

    def path_of(self, path: Any) -> None:
        self.path(path, path)

    def marker_of(self, marker: Any) -> None:
        self.checks["_marker"](marker, marker)

    def locator_of(self, locator: Any) -> None:
        self.locator(locator, None)


#: values that hold nothing to check
_ATOMS = (str, bytes, int, float, complex, type(None))
_INERT_BASES: List[type] = []


def _getter(keys: Tuple[str, ...]) -> Any:
    """``keys``' values of a state dict, as a tuple (``KeyError`` if one is missing)."""
    if len(keys) > 1:
        return itemgetter(*keys)
    if keys:
        return lambda state, key=keys[0]: (state[key],)
    return lambda state: ()


def _not_inert(values: Iterable[Any]) -> List[Any]:
    """The values whose type is not known to be inert, picked in C (most are numbers)."""
    values = list(values)
    return list(compress(values, map(not_, map(_INERT.__contains__, map(type, values)))))


def _inert(kind: type) -> bool:
    """Whether values of ``kind`` hold nothing that drawing reaches as an artist: numbers,
    strings, arrays, enums, classes, functions and modules; transforms, bounding boxes and
    paths (drawing computes with their numbers and child transforms, never draws through
    them); markers, fonts and colormaps (checked where an artist holds them); callback
    registries (what they call is checked as callbacks, or was recorded by the load)."""
    if not _INERT_BASES:
        import enum

        import numpy as np
        from matplotlib.cbook import CallbackRegistry
        from matplotlib.colors import Colormap
        from matplotlib.font_manager import FontProperties
        from matplotlib.markers import MarkerStyle
        from matplotlib.path import Path
        from matplotlib.transforms import TransformNode

        _INERT_BASES.extend(
            [
                str, bytes, bytearray, memoryview, int, float, complex, range, slice, type(None), np.ndarray,
                np.generic, np.dtype, type, types.FunctionType, types.BuiltinFunctionType, types.ModuleType,
                enum.Enum, TransformNode, Path, MarkerStyle, FontProperties, Colormap, CallbackRegistry,
            ]
        )  # fmt: skip
    return issubclass(kind, tuple(_INERT_BASES))


def _axis_children(state: Any) -> List[Any]:
    found = [state.get("label"), state.get("offsetText")]
    for name in ("majorTicks", "minorTicks"):
        ticks = state.get(name)
        found.extend(getattr(ticks, "__dict__", {}).get("_ticks", ()) if not isinstance(ticks, list) else ticks)
    return [c for c in found if c is not None]


_dirs: List[str] = []


def _font_dirs() -> List[str]:
    """matplotlib's own font folder and the system's font folders (realpaths, with a separator)."""
    if not _dirs:
        import matplotlib
        from matplotlib import font_manager

        candidates = [os.path.join(matplotlib.get_data_path(), "fonts")]
        for name in ("X11FontDirectories", "OSXFontDirectories", "MSFontDirectories"):
            candidates.extend(getattr(font_manager, name, []) or [])
        candidates.extend(
            [
                "/usr/share/fonts",
                "/usr/local/share/fonts",
                os.path.expanduser("~/.fonts"),
                os.path.expanduser("~/.local/share/fonts"),
            ]
        )
        _dirs.extend(sorted({os.path.join(os.path.realpath(str(d)), "") for d in candidates}))
    return _dirs
