"""Which names a figure pickle may resolve: rules over the installed packages, not a recording.

Two kinds of admission, kept apart because a pickle can *call* anything it can name:

**May be called while loading** (``_checked.CALLABLE_AT_LOAD``): a short, reviewed list
of constructors and reconstructors (arrays, dtypes, numpy scalars, ``bytearray``,
``set``, ``partial``, matplotlib's class factories...). Each name resolves to a checking
function, never to the real callable.

**May be referenced** (a value stored in the figure, or a class pickle instantiates
with ``cls.__new__`` and fills with BUILD), by these rules, evaluated per name on the
matplotlib that is installed and cached:

* *C1, classes*: a class defined in matplotlib or mpl_toolkits, in a module that is not
  on ``DENIED_MODULES`` (backends, pyplot, animation, widgets, texmanager, dviread,
  testing, styles, rc setup, C extensions...), and that is not and
  does not derive from a class on ``DENIED_CLASSES``. Nested classes (``ArrowStyle.CurveB``)
  and the classes ``_make_class_factory`` makes are classes like any other.
* *F1, functions of data modules*: every function of ``DATA_MODULES`` (colormap data
  such as ``matplotlib._cm._flag_red``, 3D projections): pure arithmetic on their arguments.
* *F2, reviewed functions and values*: ``REVIEWED`` (a few of matplotlib's own
  callbacks, numpy's z-sort functions, datetime/dateutil value types, plain builtin
  types), each with the reason it is needed.
* *M1, methods by family*: a bound method (pickled as ``getattr(obj, name)``) or a
  ``Class.function`` global is admitted when its owner's class is admitted by C1 and
  ``name`` belongs to a family (``METHOD_FAMILIES``) of a base in the owner's MRO: the
  transform callables transforms compose, the marker setter a MarkerStyle stores, the
  callbacks matplotlib connects with ``_connect_picklable``... The function it binds
  must itself be defined in an admitted module, so an override is re-resolved on the
  subclass that defines it. Never "every method of a class", never a dunder other than
  ``__call__``, never a name on ``DENIED_METHODS`` (``savefig``, ``print_*``, ``show``...).

Everything else is refused, with the rule that refused it. A caller may admit more
exact names with ``unpack(..., allow=[(module, name)])``.
"""

from __future__ import annotations

import importlib
import re
import sys
import types
from typing import Any, Callable, Dict, FrozenSet, Optional, Pattern, Tuple, Union

from . import _checked
from ._errors import DecodeError
from ._spec import ErrorCode

__all__ = ["Policy", "is_admitted_class", "explain"]

ROOTS = ("matplotlib", "mpl_toolkits")

#: Modules (and their submodules) nothing is referenced from: they write files, start
#: processes, hold process-wide registries and state, or are C extensions.
DENIED_MODULES: Tuple[str, ...] = (
    "matplotlib.backends",
    "matplotlib.backend_bases",
    "matplotlib.backend_managers",
    "matplotlib.backend_tools",
    "matplotlib.pyplot",
    "matplotlib.pylab",
    "matplotlib._pylab_helpers",
    "matplotlib.animation",
    "matplotlib._animation_data",
    "matplotlib.widgets",
    "matplotlib._blocking_input",
    "matplotlib.texmanager",
    "matplotlib.dviread",
    "matplotlib._afm",
    "matplotlib._type1font",
    "matplotlib.ft2font",
    "matplotlib.testing",
    "matplotlib.tests",
    "matplotlib.sphinxext",
    "matplotlib.style",
    "matplotlib.rcsetup",
    "matplotlib._api",
    "matplotlib._docstring",
    "matplotlib._internal_utils",
    "matplotlib._version",
    "matplotlib._path",
    "matplotlib._image",
    "matplotlib._tri",
    "matplotlib._qhull",
    "matplotlib._c_internal_utils",
    "matplotlib._ttconv",
    "matplotlib._png",
    "matplotlib._contour",
    "matplotlib._mathtext",  # the parser and font loaders: state no figure pickles, code that opens fonts
    "matplotlib._mathtext_data",
    "matplotlib.mathtext",
    "mpl_toolkits.mplot3d.tests",
    "mpl_toolkits.axes_grid1.tests",
    "mpl_toolkits.axisartist.tests",
)

#: Classes (and their subclasses) never admitted, though their module is.
DENIED_CLASSES: FrozenSet[str] = frozenset(
    {
        "matplotlib.font_manager:FontManager",  # scans and caches the system's fonts
        "matplotlib.cm:ColormapRegistry",
        "matplotlib.colors:ColorSequenceRegistry",
        "matplotlib.units:Registry",
        "matplotlib.RcParams",
        "matplotlib.colors:_ColorMapping",  # the named-colour table's class
        "matplotlib.font_manager:_JSONEncoder",  # writes the font cache
        "matplotlib.textpath:TextToPath",  # loads fonts; TextPath does not need it pickled
    }
)

#: F1: pure arithmetic (colormap data; the projection an Axes3D of 3.5 stores as a value).
DATA_MODULES: FrozenSet[str] = frozenset({"matplotlib._cm", "mpl_toolkits.mplot3d.proj3d"})

#: F2: exact names admitted as values, each for a reason a figure needs it.
REVIEWED: Dict[Tuple[str, str], str] = {
    ("matplotlib.artist", "_stale_axes_callback"): "every artist's stale callback",
    ("matplotlib.cbook", "_exception_printer"): "CallbackRegistry's exception handler",
    ("matplotlib.colorbar", "_remove_cbar_axes"): "a colorbar axes' remove method",
    ("builtins", "object"): "plain object() sentinels (pickled as NEWOBJ of object)",
    ("matplotlib.backend_bases", "_key_handler"): "the figure's key callback (picklable cid)",
    ("matplotlib.backend_bases", "_mouse_handler"): "the figure's mouse callback (picklable cid)",
    ("matplotlib.backend_bases", "FigureCanvasBase"): "a detached figure's canvas class (older matplotlib)",
    ("matplotlib.backend_bases", "FigureManagerBase"): "older matplotlib",
    ("matplotlib.backend_bases", "MouseButton"): "an enum held by event state",
    ("matplotlib.backend_tools", "Cursors"): "an enum held by artists that set cursors",
    ("matplotlib.backends.backend_agg", "FigureCanvasAgg"): "matplotlib <= 3.8 pickles name the canvas class",
    ("matplotlib.widgets", "LockDraw"): "matplotlib <= 3.8 pickles hold the canvas's widget lock",
    ("numpy", "average"): "mplot3d's z-sort function",
    ("numpy", "min"): "mplot3d's z-sort function",
    ("numpy", "max"): "mplot3d's z-sort function",
    ("datetime", "datetime"): "date values",
    ("datetime", "date"): "date values",
    ("datetime", "time"): "date values",
    ("datetime", "timedelta"): "date values",
    ("datetime", "timezone"): "date values",
    ("dateutil.rrule", "rrule"): "date locators",
    ("dateutil.rrule", "weekday"): "date locators",
    # Not dateutil's tz classes: tzutc() and tzoffset() return cached, process-wide
    # instances, which a BUILD would rewrite for everyone (no gallery figure names them).
    ("itertools", "count"): "the property cycle's counter",
    ("inspect", "Signature"): "norm classes made by make_norm_from_scale",
    ("inspect", "Parameter"): "norm classes made by make_norm_from_scale",
    ("inspect", "_ParameterKind"): "norm classes made by make_norm_from_scale",
    ("inspect", "_empty"): "norm classes made by make_norm_from_scale",
    **{
        ("builtins", t): "a plain type held as a value (a legend handler map's key)"
        for t in ("tuple", "list", "dict", "str", "int", "float", "bool")
    },
}

#: M1: (base class, names or a pattern, why). A method is admitted when its name is in
#: the family of a base of its owner's class.
Family = Tuple[str, Union[FrozenSet[str], Pattern[str]], str]
METHOD_FAMILIES: Tuple[Family, ...] = (
    (
        "matplotlib.transforms:TransformNode",
        frozenset(
            {
                "transform",
                "transform_affine",
                "transform_non_affine",
                "transform_path",
                "transform_path_affine",
                "transform_path_non_affine",
                "transform_point",
                "transform_angles",
                "inverted",
                "get_matrix",
                "get_affine",
                "frozen",
            }
        ),
        "the transform callables that blended/composite transforms and FuncTransform hold",
    ),
    (
        "matplotlib.markers:MarkerStyle",
        re.compile(r"_set_[a-z0-9_]+"),
        "the marker setter a MarkerStyle stores (getattr(self, '_set_' + name))",
    ),
    (
        "matplotlib.colors:Normalize",
        frozenset({"__call__", "inverse"}),
        "a norm and its inverse as a colorbar's scale functions",
    ),
    (
        "matplotlib.colorbar:Colorbar",
        frozenset(
            {
                "_cbar_cla",
                "_forward_boundaries",
                "_inverse_boundaries",
                "_get_view",
                "_set_view",
                "_set_view_from_bbox",
                "drag_pan",
            }
        ),
        "the colorbar's scale functions and navigation callbacks",
    ),
    (
        "matplotlib.artist:Artist",
        frozenset(
            {
                "get_window_extent",
                "pick",
                "delaxes",
                "_remove_axes",
                "_remove_suplabel",
                "_remove_legend",
                "_unit_change_handler",
                "_unstale_viewLim",
                "_remove_any_twin",
                "_sync_lims",
                "_button_press",
                "_button_release",
                "_on_move",
                "_findoffset",
            }
        ),
        "callbacks matplotlib connects with _connect_picklable, remove methods, annotation coordinates",
    ),
    (
        "matplotlib.offsetbox:DraggableBase",
        frozenset({"on_motion", "on_pick", "on_release", "_picker"}),
        "draggable legends and annotations",
    ),
    ("matplotlib.cbook:CallbackRegistry", frozenset({"disconnect"}), "a disconnect callback matplotlib stores"),
    ("matplotlib.axis:Axis", frozenset({"_format_with_dict"}), "set_ticklabels with a dict (a partial of it)"),
    (
        "mpl_toolkits.axes_grid1.axes_divider:Divider",
        frozenset({"_locate", "get_subplotspec", "__call__"}),
        "divider axes locators",
    ),
    ("matplotlib.path:Path", frozenset({"copy"}), "figwire's per-figure bar paths (unpack)"),
)

#: Instance attributes that hold a *different* method in place of their class's one:
#: (attribute, owner, method, why). The draw-time check refuses any other replacement
#: of a method but the same method bound to another object (``_validate``), because
#: drawing calls methods through the instance: ``text.get_usetex = obj.truthy_method``
#: would run TeX on a text whose usetex the check turned off. Matplotlib 3.8-3.11 makes
#: one such replacement (a grep of its sources for stores into another object's method
#: names); figwire makes the other.
REPLACED_METHODS: Tuple[Tuple[str, str, str, str], ...] = (
    ("cla", "matplotlib.colorbar:Colorbar", "_cbar_cla", "a colorbar's axes clear through their Colorbar"),
    ("get_path", "matplotlib.path:Path", "copy", "figwire's own curved polar bars (_unpack._curve_polar_bars)"),
)


def replacing_methods() -> Dict[str, FrozenSet[Any]]:
    """``REPLACED_METHODS`` resolved: attribute -> the functions it may hold bound."""
    found: Dict[str, FrozenSet[Any]] = {}
    for attribute, owner, method, _why in REPLACED_METHODS:
        module, qualname = owner.split(":")
        func = vars(_resolve_qualname(importlib.import_module(module), qualname))[method]
        found[attribute] = found.get(attribute, frozenset()) | {func}
    return found


#: Built-in owners whose methods matplotlib stores: ``Artist._remove_method`` is a list's ``remove``.
BUILTIN_METHODS: FrozenSet[Tuple[type, str]] = frozenset({(list, "remove")})

DENIED_METHODS: Pattern[str] = re.compile(
    r"savefig|print_\w*|_print_\w*|show|set_usetex|set_file|set_fname|set_fontfile|write\w*|save\w*|"
    r"open\w*|start_event_loop|mainloop|new_manager|switch_backends?|_fig_to_\w*"
)

_GETATTR = ("builtins", "getattr")
_OWN_ARRAYS = "figwire._arrays"


def _refused(what: str, rule: str) -> DecodeError:
    return DecodeError(
        ErrorCode.PICKLE_REFUSED,
        f"the pickle names {what}, which figwire's loading policy does not admit ({rule}); "
        "add it with unpack(..., allow=[(module, name)]) if you trust it",
    )


_module_decisions: Dict[str, bool] = {}


def _module_denied(module: str) -> bool:
    found = _module_decisions.get(module)
    if found is None:
        found = module == "matplotlib" or any(module == d or module.startswith(d + ".") for d in DENIED_MODULES)
        _module_decisions[module] = found
    return found


def _in_roots(module: str) -> bool:
    return module.partition(".")[0] in ROOTS


def _key(obj: Any) -> str:
    return f"{getattr(obj, '__module__', '?')}:{getattr(obj, '__qualname__', '?')}"


_class_decisions: Dict[type, Optional[str]] = {}


def _class_refusal(cls: type) -> Optional[str]:
    """Why C1 refuses ``cls`` (None when it admits it)."""
    found = _class_decisions.get(cls, "")
    if found != "":
        return found
    why: Optional[str] = None
    module = getattr(cls, "__module__", "") or ""
    if not _in_roots(module):
        why = "C1: a class from outside matplotlib and mpl_toolkits"
    elif _module_denied(module):
        why = f"C1: module {module} is on the module deny-list"
    else:
        for base in cls.__mro__:
            if _key(base) in DENIED_CLASSES:
                why = f"C1: {_key(base)} is on the class deny-list"
                break
    _class_decisions[cls] = why
    return why


def is_admitted_class(obj: Any) -> bool:
    return isinstance(obj, type) and _class_refusal(obj) is None


def _family_allows(cls: type, name: str) -> bool:
    for base_key, names, _why in METHOD_FAMILIES:
        if not any(_key(b) == base_key for b in cls.__mro__):
            continue
        if isinstance(names, frozenset):
            if name in names:
                return True
        elif names.fullmatch(name):
            return True
    return False


_method_decisions: Dict[Tuple[type, str], Optional[str]] = {}


def _method_refusal(cls: type, name: str) -> Optional[str]:
    """Why M1 refuses ``cls.name`` as a value (None when it admits it)."""
    key = (cls, name)
    if key in _method_decisions:
        return _method_decisions[key]
    why: Optional[str] = None
    if (cls, name) in BUILTIN_METHODS:
        why = None
    elif name.startswith("__") and name != "__call__":
        why = "M1: a dunder method"
    elif DENIED_METHODS.fullmatch(name):
        why = "M1: a name on the method deny-list"
    elif _class_refusal(cls) is not None:
        why = f"M1: its owner {_key(cls)} is not admitted"
    elif not _family_allows(cls, name):
        why = "M1: not in a method family of its class"
    else:
        func = _defining_function(cls, name)
        module = getattr(func, "__module__", None) or ""
        if func is None or not _in_roots(module) or _module_denied(module):
            why = f"M1: it is defined in {module or 'no module'}"
    _method_decisions[key] = why
    return why


def _defining_function(cls: type, name: str) -> Any:
    for k in cls.__mro__:
        if name in k.__dict__:
            found = k.__dict__[name]
            return getattr(found, "__func__", found)
    return None


def method_key(owner: Any, name: str) -> str:
    """``"module:Qualname"`` of the function ``getattr(owner, name)`` binds, found statically."""
    cls = owner if isinstance(owner, type) else type(owner)
    func = _defining_function(cls, name)
    return _key(func) if func is not None else f"{_key(cls)}.{name}"


def explain_method(owner: Any, name: str) -> str:
    return f"the method {method_key(owner, name)}"


def method_refusal(owner: Any, name: Any) -> Optional[str]:
    if not isinstance(name, str):
        return "M1: a method name that is not a string"
    cls = owner if isinstance(owner, type) else type(owner)
    return _method_refusal(cls, name)


def is_admitted_callable_value(func: Any) -> bool:
    """Whether ``func`` may be a ``functools.partial``'s function: an admitted function or
    bound method (never a class: a partial would call it later with the pickle's arguments)."""
    if isinstance(func, types.MethodType):
        return method_refusal(func.__self__, func.__name__) is None
    if isinstance(func, types.BuiltinMethodType) and isinstance(getattr(func, "__self__", None), list):
        return func.__name__ == "remove"
    if isinstance(func, types.FunctionType):
        module = func.__module__ or ""
        if module in DATA_MODULES or (module, func.__qualname__) in REVIEWED:
            return True
        owner_name, _, attr = func.__qualname__.rpartition(".")
        owner = _resolve_qualname(sys.modules.get(module), owner_name) if owner_name else None
        return isinstance(owner, type) and _method_refusal(owner, attr) is None
    return False


def _resolve_qualname(module: Any, qualname: str) -> Any:
    obj = module
    for part in qualname.split("."):
        if obj is None or part.startswith("__"):
            return None
        obj = obj.__dict__.get(part) if isinstance(obj, (type, types.ModuleType)) else None
    if isinstance(obj, staticmethod):  # ``Class.helper`` stored as a value: the plain function
        obj = obj.__func__
    return obj


class Policy:
    """Resolves ``(module, name)`` for one load; see the module docstring for the rules."""

    def __init__(
        self, allow: FrozenSet[Tuple[str, str]], watch: Callable[[type], None], pause: Callable[[], Any]
    ) -> None:
        self._allow = allow
        self._watch = watch
        self._pause = pause

    def resolve(self, module: str, name: str) -> Any:
        checked = _checked.CALLABLE_AT_LOAD.get((module, name), _MISSING)
        if checked is not _MISSING:
            if checked is None and (module, name) in self._allow:  # the caller's explicit opt-in
                return self._import(module, name)
            if checked is None:
                raise _refused(
                    f"{module}.{name}", "numpy's own reduction of an array subclass; figwire's pickler never writes it"
                )
            return checked
        if module == _OWN_ARRAYS or module.endswith("." + _OWN_ARRAYS):
            found = _checked.OWN.get(name)
            if found is None:
                raise _refused(f"{module}.{name}", "not one of figwire's array reconstructors")
            return found
        if (module, name) in self._allow:  # the caller's explicit opt-in: the real object
            return self._watched(self._import(module, name))
        found = _admitted.get((module, name))
        if found is not None:
            return self._watched(found)
        obj = self._admit(module, name)
        _admitted[module, name] = obj
        return self._watched(obj)

    def _admit(self, module: str, name: str) -> Any:
        """The object the rules admit for ``module.name`` (raises the refusal otherwise)."""
        if (module, name) in REVIEWED:
            return self._import(module, name)
        if not _in_roots(module):
            raise _refused(f"{module}.{name}", "outside matplotlib and mpl_toolkits, only reviewed names are admitted")
        if _module_denied(module):
            raise _refused(f"{module}.{name}", f"module {module} is on the module deny-list")
        obj = self._import(module, name)
        if isinstance(obj, type):
            why = _class_refusal(obj)
            if why is not None:
                raise _refused(f"{module}.{name}", why)
            if obj.__module__ == "matplotlib.figure" and obj.__qualname__ == "Figure":
                from ._guard import loading_figure_class

                return loading_figure_class()
            return obj
        if isinstance(obj, types.FunctionType):
            if module in DATA_MODULES and obj.__module__ == module:
                return obj
            owner_name, _, attr = name.rpartition(".")
            owner = _resolve_qualname(sys.modules.get(module), owner_name) if owner_name else None
            if isinstance(owner, type):
                why = _method_refusal(owner, attr)
                if why is None:
                    return obj
                raise _refused(f"{module}.{name}", why)
            raise _refused(f"{module}.{name}", "F1: functions are admitted only from data modules or by review")
        raise _refused(f"{module}.{name}", f"a {type(obj).__name__}, not a class or function")

    def _watched(self, obj: Any) -> Any:
        if isinstance(obj, type):
            self._watch(obj)
        return obj

    def _import(self, module: str, name: str) -> Any:
        found = sys.modules.get(module)
        if found is None:
            try:
                with self._pause():
                    found = importlib.import_module(module)
            except Exception as exc:
                raise DecodeError(
                    ErrorCode.PICKLE_REFUSED, f"the pickle names {module}.{name}, and importing {module} failed: {exc}"
                ) from None
        obj = _resolve_qualname(found, name)
        if obj is None:
            raise DecodeError(
                ErrorCode.LOAD_FAILED, f"the pickle names {module}.{name}, which this environment does not have"
            )
        return obj


_MISSING = object()

#: (module, name) -> what the rules admitted; the rules depend only on what is installed.
_admitted: Dict[Tuple[str, str], Any] = {}


def explain(module: str, name: str) -> Optional[str]:
    """Why the rules refuse ``module.name`` here (None when they admit it): for tests and tools."""
    policy = Policy(frozenset(), lambda cls: None, _NoPause)
    try:
        policy.resolve(module, name)
    except DecodeError as exc:
        return str(exc)
    return None


class _NoPause:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: Any) -> None:
        return None
