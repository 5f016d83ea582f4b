"""What keeps a pickle load from reaching outside itself: one ``Guard`` per load.

The policy (``_policy``) decides which names a pickle may resolve; the reconstructors
(``_checked``) check the arguments of what it may call. Neither can see what an
admitted class does once it runs, nor pickle's own BUILD/SETITEM opcodes, which the C
unpickler applies to any object. The guard covers that, for the duration of one load:

* **No escape to the system.** An audit hook (``sys.addaudithook``, installed once, a
  no-op outside a load) refuses, on the loading thread only, the events a figure
  never needs while unpickling: processes, files, sockets, imports other than the
  policy's own, ``ctypes``, code objects, function attribute writes. A refused event
  raises inside the pickle and is remembered, so a caller that swallows the exception
  does not hide it.
* **Bounded time and memory** (``_limits``): a watchdog interrupts a load running past
  ``LoadPolicy.max_load_seconds``, and where ``RLIMIT_AS`` exists the address space may
  grow by at most ``LoadPolicy.memory_headroom`` while unpickling.
* **No state left behind.** Before: rcParams, pyplot's backend, matplotlib's
  registries and shared unit paths are snapshotted, and every class the pickle
  resolves is snapshotted when it is first resolved (enum members included). After,
  whatever the outcome: anything changed is put back and the load is refused
  (``Guard.changes``). BUILD with a slot state on a class is ``setattr(cls, ...)``:
  this is what makes it harmless. The copies (``_snapshot``) are kept between loads
  while what they copy is unchanged.
* **No self-registration.** ``Figure`` resolves to a loading subclass whose
  ``__setstate__`` drops ``_restore_to_pylab`` (which would make the load resolve the
  client's backend and open a window); each such figure is a plain ``Figure`` again
  before anyone sees it.
"""

from __future__ import annotations

import enum
import functools
import operator
import sys
import threading
from typing import Any, Dict, List, Optional, Tuple

from ._limits import LoadTimeout, Refused, limit_memory, unlimit_memory, watchdog
from ._loadpolicy import LoadPolicy
from ._snapshot import (
    copy_of,
    copy_value,
    covered,
    is_array,
    mutable_attributes,
    put_back,
    registries,
    restore_dict,
    same,
    same_content,
    shared_paths,
    shared_tables,
    table_copies,
)

__all__ = ["Guard", "Refused", "LoadTimeout"]


#: Audit events refused while loading (prefix match). Unpickling a figure opens no file
#: and starts nothing; matplotlib's own lazy imports of modules already loaded raise no
#: event, and the policy's imports are made with the guard paused. ``sys.unraisablehook``
#: and ``sys.excepthook`` are not here: Python raises them to *report* an error (CPython
#: 3.11's bytearray reports a spurious one when an allocation fails under the memory
#: cap, found by fuzzing), and refusing a report only garbles it.
REFUSED_EVENTS: Tuple[str, ...] = (
    "open",
    "import",
    "exec",
    "compile",
    "subprocess.",
    "os.",
    "pty.",
    "shutil.",
    "socket.",
    "ctypes.",
    "mmap.",
    "marshal.",
    "code.__new__",
    "function.__new__",
    "object.__setattr__",
    "object.__delattr__",
    "pickle.find_class",
    "sys.settrace",
    "sys.setprofile",
    "sys.addaudithook",
    "builtins.input",
    "cpython.",
    "webbrowser.",
    "urllib.",
    "http.",
    "ftplib.",
    "smtplib.",
    "tempfile.",
    "glob.",
    "sqlite3.",
    "winreg.",
    "_winapi.",
    "msvcrt.",
)

#: thread id -> the guard loading on that thread; empty outside loads (the hook's fast path).
_active: Dict[int, "Guard"] = {}
_hook_lock = threading.Lock()
_hook_installed = False


def _audit(event: str, args: Tuple[Any, ...]) -> None:
    # Called for every audited event of the process: ``builtins.id`` alone fires about a
    # thousand times while a small figure unpickles (transform trees key their parents by
    # id), so the common cases return first.
    if not _active or event == "builtins.id":
        return
    guard = _active.get(threading.get_ident())
    if guard is None or guard.paused or not event.startswith(REFUSED_EVENTS) or _source_read(event, args):
        return
    what = f"{event}{_short(args)}"
    guard.refusals.append(what)
    raise Refused(f"the pickle attempted {what} while loading")


def _source_read(event: str, args: Tuple[Any, ...]) -> bool:
    """Reading a Python source file: how warnings and tracebacks show their line (linecache)."""
    if event != "open" or len(args) < 2:
        return False
    path, mode = args[0], args[1]
    return isinstance(path, str) and path.endswith(".py") and isinstance(mode, str) and not set(mode) & set("wax+")


def _short(args: Tuple[Any, ...]) -> str:
    text = repr(args)
    return text if len(text) <= 120 else text[:117] + "..."


def _install_hook() -> None:
    global _hook_installed
    with _hook_lock:
        if not _hook_installed:
            sys.addaudithook(_audit)
            _hook_installed = True


class Guard:
    """One load's guard; use as ``with Guard(policy) as guard: ... guard.changes``."""

    def __init__(self, policy: LoadPolicy) -> None:
        self.policy = policy
        self.paused = False
        self.refusals: List[str] = []
        #: what the load changed in process-wide state (each already put back).
        self.changes: List[str] = []
        #: figures built during the load (their class is reset on exit).
        self.figures: List[Any] = []
        #: bytes the reconstructors allowed so far (``LoadPolicy.max_total_bytes``).
        self.total_bytes = 0
        #: every bound method and ``functools.partial`` the load made. Drawing may call
        #: one from anywhere (an instance attribute named like a method shadows it), so
        #: what each is bound to is checked like the figure's own artists (``_validate``).
        self.bound: List[Any] = []
        self._classes: Dict[type, Dict[str, Any]] = {}
        self._members: Dict[int, Tuple[Any, Dict[str, Any]]] = {}
        self._dicts: List[Tuple[str, Any, Dict[Any, Any]]] = []
        self._contents: List[Tuple[str, Any, Any]] = []
        #: the containers of ``_contents``, as they are and as saved, for one C-level compare.
        self._tables: Tuple[List[Any], List[Any]] = ([], [])
        self._objects: List[Tuple[str, Any, Dict[str, Any]]] = []
        #: the shared tables (``shared_tables``): names, values, copies; then the arrays'
        self._shared: Tuple[List[str], List[Any], List[Any], List[str], List[Any], List[Any]] = ([], [], [], [], [], [])
        self._backend: Tuple[Any, ...] = ()
        self._memory = False

    # The policy calls these while resolving names.
    def watch_class(self, cls: type) -> None:
        """Snapshot ``cls`` (and an enum's members) the first time this load resolves it."""
        if cls in self._classes:
            return
        self._classes[cls] = copy_of(cls, vars(cls))
        if cls not in covered:  # else ``shared_tables`` already watches its mutable values
            for name in mutable_attributes(cls):  # shared by every instance: compared by content
                self._watch_content(f"{cls.__module__}.{cls.__qualname__}.{name}", vars(cls)[name])
        if isinstance(cls, enum.EnumMeta):
            members: Dict[str, Any] = dict(cls.__members__)
            for member in members.values():
                state = getattr(member, "__dict__", None)
                if state is not None:
                    self._members[id(member)] = (member, dict(state))

    def _watch_content(self, name: str, value: Any) -> None:
        saved = copy_value(value)
        self._contents.append((name, value, saved))
        if not is_array(value):
            self._tables[0].append(value)
            self._tables[1].append(saved)

    def pause(self) -> "_Paused":
        return _Paused(self)

    def __enter__(self) -> "Guard":
        _install_hook()
        import matplotlib.figure  # noqa: F401  (its imports register unit converters: before the snapshot)

        self._snapshot_registries()
        for name, obj in shared_paths():
            self._objects.append((name, obj, copy_of(obj, vars(obj))))
        names, values, array_names, arrays = shared_tables()
        self._shared = (names, values, table_copies(values), array_names, arrays, [a.copy() for a in arrays])
        pyplot = sys.modules.get("matplotlib.pyplot")
        if pyplot is not None:
            self._backend = (pyplot, getattr(pyplot, "_backend_mod", None))
        if self.policy.memory_headroom:
            self._memory = limit_memory(self.policy.memory_headroom)
        _active[threading.get_ident()] = self
        if self.policy.max_load_seconds:
            watchdog.start(self.policy.max_load_seconds)
        return self

    def __exit__(self, *exc: Any) -> None:
        unchanged = self._unchanged()  # still guarded: a replaced value's __eq__ is the pickle's code
        if self.policy.max_load_seconds:
            watchdog.stop()
        _active.pop(threading.get_ident(), None)
        if self._memory:
            unlimit_memory()
        self._reset_figures()
        self._check_and_restore(unchanged)

    def _snapshot_registries(self) -> None:
        self._dicts = [(name, d, copy_of(d, d)) for name, d in registries()]

    def _reset_figures(self) -> None:
        from matplotlib.figure import Figure

        for figure in self.figures:
            if type(figure) is not Figure and isinstance(figure, Figure):
                figure.__class__ = Figure

    def _unchanged(self) -> bool:
        """Whether everything snapshotted is as it was: one C-level comparison per group.

        ``==`` on dicts and lists compares items with ``PyObject_RichCompareBool``, which
        takes identical objects as equal without calling anything, so unchanged tables
        cost no Python code (about 0.2 ms less per load than the item-by-item check,
        which runs only when this says something changed, to find and put it back).
        """
        try:
            return (
                all(map(operator.eq, map(vars, self._classes), self._classes.values()))
                and all(same(m.__dict__, saved) for m, saved in self._members.values())
                and all(map(operator.eq, *self._tables))
                and all(map(operator.eq, self._shared[1], self._shared[2]))
                and all(map(same_content, self._shared[4], self._shared[5]))
                and all(same_content(v, saved) for _, v, saved in self._contents if is_array(v))
                # dict.__eq__, not ==: rcParams is a Mapping too, whose __eq__ reads every item
                # through its validating __getitem__
                and all(map(dict.__eq__, (d for _, d, _ in self._dicts), (saved for _, _, saved in self._dicts)))
                and all(vars(obj) == saved for _, obj, saved in self._objects)
            )
        except Exception:  # an array held in a table has no single truth value: check item by item
            return False

    def _check_and_restore(self, unchanged: bool) -> None:
        if unchanged:
            self._check_backend()
            return
        for cls, saved in self._classes.items():
            if not same(vars(cls), saved):
                self.changes.append(f"class {cls.__module__}.{cls.__qualname__}")
                restore_dict(
                    vars(cls), saved, functools.partial(type.__setattr__, cls), functools.partial(type.__delattr__, cls)
                )
        for member, saved in self._members.values():
            if not same(member.__dict__, saved):
                self.changes.append(f"enum member {member!r}")
                member.__dict__.clear()
                member.__dict__.update(saved)
        names, values, saved_values, array_names, arrays, saved_arrays = self._shared
        shared = [*zip(names, values, saved_values), *zip(array_names, arrays, saved_arrays)]
        for name, value, saved in [*self._contents, *shared]:
            if not same_content(value, saved):
                self.changes.append(name)
                put_back(value, saved)
        for name, d, saved in self._dicts:
            if not same(d, saved):
                self.changes.append(name)
                restore_dict(d, saved, functools.partial(dict.__setitem__, d), functools.partial(dict.__delitem__, d))
        for name, obj, saved in self._objects:
            if not same(vars(obj), saved):
                self.changes.append(name)
                vars(obj).clear()
                vars(obj).update(saved)
        self._check_backend()

    def _check_backend(self) -> None:
        if self._backend:
            pyplot, backend = self._backend
            if getattr(pyplot, "_backend_mod", None) is not backend:
                self.changes.append("pyplot's backend")
                pyplot._backend_mod = backend


class _Paused:
    """The policy's own imports run with the guard paused (they open module files)."""

    def __init__(self, guard: Guard) -> None:
        self._guard = guard

    def __enter__(self) -> None:
        self._guard.paused = True

    def __exit__(self, *exc: Any) -> None:
        self._guard.paused = False
        self._guard._snapshot_registries()  # an import may register converters or projections


_loading_figure: Optional[type] = None


def loading_figure_class() -> type:
    """``Figure`` as a pickle resolves it: a subclass that never registers itself with pyplot.

    ``Figure.__setstate__`` honours ``_restore_to_pylab`` by resolving the backend and
    creating a manager (a window) in the middle of the load; this subclass drops the
    flag first. Instances are made plain ``Figure`` again when the load ends.
    """
    global _loading_figure
    if _loading_figure is None:
        from matplotlib.figure import Figure

        def __new__(cls: type, *args: Any, **kwargs: Any) -> Any:
            figure: Any = Figure.__new__(cls)
            guard = _active.get(threading.get_ident())
            if guard is not None:
                guard.figures.append(figure)
            return figure

        def __setstate__(self: Any, state: Any) -> None:
            if isinstance(state, dict):
                state.pop("_restore_to_pylab", None)
            Figure.__setstate__(self, state)  # type: ignore[attr-defined]

        _loading_figure = type(
            "Figure", (Figure,), {"__new__": __new__, "__setstate__": __setstate__, "__module__": "matplotlib.figure"}
        )
    return _loading_figure


def current() -> Optional[Guard]:
    """The guard of the load running on this thread, if any."""
    return _active.get(threading.get_ident())
