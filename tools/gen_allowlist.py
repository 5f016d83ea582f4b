"""Generate ``figwire/_allowlist.py``: the exact globals and methods figure pickles may name.

Two steps, because the list is the union over every supported matplotlib/numpy:

1. ``record OUT.json`` (run in each environment, with figwire importable): pickles every
   figure of ``tests/figures.py`` with figwire's pickler (protocols 5 and 4), loads it with
   a recording unpickler and writes every ``(module, name)`` global and every method that
   ``builtins.getattr`` bound. It also enumerates the classes matplotlib and mpl_toolkits
   define under a few reviewed base classes (artists, transforms, scales, locators,
   formatters, norms, colormaps, layout engines, ...) so that figures the corpus does not
   hold still load; those are still exact names, written out one by one.
2. ``merge OUT.json... > figwire/_allowlist.py``: the union, minus ``DENY``.

Across the cross-version environments (built by ``tools/xver.py``)::

    for env in ~/.cache/figwire-xver/*/; do
        PYTHONPATH=. $env/bin/python tools/gen_allowlist.py record /tmp/allow/$(basename $env).json
    done
    python tools/gen_allowlist.py record /tmp/allow/local.json
    python tools/gen_allowlist.py merge /tmp/allow/*.json > figwire/_allowlist.py
Review the diff of ``_allowlist.py`` like code: every line is something a pickle may call.
"""

from __future__ import annotations

import importlib
import inspect
import io
import json
import pickle
import sys
from pathlib import Path
from typing import Any, Dict, List, Set, Tuple

ROOT = Path(__file__).resolve().parents[1]

#: Never allowed, whatever a recording saw: each can run code or touch files (notes:
#: matplotlib-pickling.md §4). ``FuncFormatter`` is allowed: matplotlib itself makes one
#: for ``set_xticks(labels=...)``, and it can only call callables the list allows.
DENY = frozenset(
    {
        ("matplotlib.cbook", "_check_and_log_subprocess"),
        ("matplotlib.backends.backend_pdf", "PdfFile"),
        ("matplotlib.backends.backend_pdf", "PdfPages"),
        ("matplotlib.font_manager", "FontManager"),
        ("matplotlib.texmanager", "TexManager"),
        ("builtins", "eval"),
        ("builtins", "exec"),
        ("builtins", "getattr"),  # replaced by the guarded getattr
        ("builtins", "__import__"),
        ("builtins", "open"),
    }
)

#: Builtins a figwire pickle may call whether or not the corpus met them: containers
#: and the types numpy scalars' ``.item()`` gives.
EXTRA = frozenset({("builtins", n) for n in ("bytearray", "complex", "frozenset", "object", "range", "set", "slice")})

#: Modules whose classes are enumerated (not all of matplotlib: backends, animation
#: writers, texmanager, sphinxext and testing stay out).
ENUMERATED_MODULES = (
    "matplotlib.artist",
    "matplotlib.axes._axes",
    "matplotlib.axes._base",
    "matplotlib.axes._secondary_axes",
    "matplotlib.axis",
    "matplotlib.collections",
    "matplotlib.colorbar",
    "matplotlib.colors",
    "matplotlib.container",
    "matplotlib.contour",
    "matplotlib.dates",
    "matplotlib.figure",
    "matplotlib.gridspec",
    "matplotlib.image",
    "matplotlib.layout_engine",
    "matplotlib.legend",
    "matplotlib.legend_handler",
    "matplotlib.lines",
    "matplotlib.markers",
    "matplotlib.offsetbox",
    "matplotlib.patches",
    "matplotlib.path",
    "matplotlib.projections.geo",
    "matplotlib.projections.polar",
    "matplotlib.quiver",
    "matplotlib.scale",
    "matplotlib.spines",
    "matplotlib.table",
    "matplotlib.text",
    "matplotlib.ticker",
    "matplotlib.transforms",
    "matplotlib.tri._triangulation",
    "matplotlib.tri._tricontour",
    "matplotlib.tri._tripcolor",
    "matplotlib.streamplot",
    "matplotlib.category",
    "matplotlib.units",
    "matplotlib.font_manager",
    "matplotlib.colorizer",
    "matplotlib._enums",
    "matplotlib.hatch",
    "matplotlib.patheffects",
    "matplotlib.bezier",
    "matplotlib.cbook",
    "matplotlib.sankey",
    "mpl_toolkits.mplot3d.axes3d",
    "mpl_toolkits.mplot3d.axis3d",
    "mpl_toolkits.mplot3d.art3d",
    "mpl_toolkits.axes_grid1.axes_divider",
    "mpl_toolkits.axes_grid1.axes_size",
    "mpl_toolkits.axes_grid1.axes_grid",
    "mpl_toolkits.axes_grid1.parasite_axes",
    "mpl_toolkits.axes_grid1.anchored_artists",
    "mpl_toolkits.axes_grid1.mpl_axes",
    "mpl_toolkits.axisartist.axislines",
    "mpl_toolkits.axisartist.axis_artist",
)

#: Base classes whose subclasses are plain data holders or drawing code.
SAFE_BASES = (
    ("matplotlib.artist", "Artist"),
    ("matplotlib.transforms", "TransformNode"),
    ("matplotlib.path", "Path"),
    ("matplotlib.ticker", "TickHelper"),
    ("matplotlib.scale", "ScaleBase"),
    ("matplotlib.colors", "Normalize"),
    ("matplotlib.colors", "Colormap"),
    ("matplotlib.markers", "MarkerStyle"),
    ("matplotlib.font_manager", "FontProperties"),
    ("matplotlib.layout_engine", "LayoutEngine"),
    ("matplotlib.gridspec", "GridSpecBase"),
    ("matplotlib.gridspec", "SubplotSpec"),
    ("matplotlib.gridspec", "SubplotParams"),
    ("matplotlib.figure", "SubplotParams"),
    ("matplotlib.units", "ConversionInterface"),
    ("matplotlib.category", "UnitData"),
    ("matplotlib.dates", "rrulewrapper"),
    ("matplotlib.patches", "_Style"),
    ("matplotlib.legend_handler", "HandlerBase"),
    ("matplotlib.container", "Container"),
    ("matplotlib.patheffects", "AbstractPathEffect"),
    ("matplotlib.colorizer", "Colorizer"),
    ("matplotlib.colorizer", "_ScalarMappable"),
    ("matplotlib.cm", "ScalarMappable"),
    ("mpl_toolkits.axes_grid1.axes_size", "_Base"),
    ("mpl_toolkits.axes_grid1.axes_divider", "Divider"),
    ("matplotlib.offsetbox", "DraggableBase"),
    ("enum", "Enum"),
)


#: Top-level modules a library allow-list may name; anything else a recording saw
#: (the test corpus's own helper functions, say) is for the caller's ``allow=``.
ROOTS = frozenset(
    {
        "builtins",
        "collections",
        "copyreg",
        "datetime",
        "enum",
        "functools",
        "inspect",
        "itertools",
        "numpy",
        "matplotlib",
        "mpl_toolkits",
    }
)


def _safe_bases() -> Tuple[type, ...]:
    bases = []
    for module, name in SAFE_BASES:
        try:
            bases.append(getattr(importlib.import_module(module), name))
        except (ImportError, AttributeError):
            continue  # not in this matplotlib version
    return tuple(bases)


def _enumerate_classes() -> Set[Tuple[str, str]]:
    bases = _safe_bases()
    found: Set[Tuple[str, str]] = set()
    for module_name in ENUMERATED_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        stack: List[Tuple[str, Any, bool]] = [(n, o, False) for n, o in vars(module).items() if inspect.isclass(o)]
        while stack:  # classes nested in an allowed one too: ArrowStyle.CurveB, BoxStyle.Round, ...
            qualname, klass, nested = stack.pop()
            if klass.__module__ != module_name or not (nested or issubclass(klass, bases)):
                continue
            found.add((module_name, qualname))
            stack.extend((f"{qualname}.{n}", o, True) for n, o in vars(klass).items() if inspect.isclass(o))
    return found


def _numpy_scalar_types() -> Set[Tuple[str, str]]:
    """numpy's numeric scalar types, which figwire pickles by calling (``numpy.float64(1.5)``)."""
    import numpy as np

    return {(t.__module__, t.__qualname__) for t in set(np.sctypeDict.values()) if np.dtype(t).kind in "biufc"}


def record(out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "tests"))
    import figures  # tests/figures.py

    from figwire import _pickler, _unpickler

    globals_: Set[Tuple[str, str]] = set()
    methods: Set[str] = set()

    class Recorder(pickle.Unpickler):
        def find_class(self, module: str, name: str) -> Any:
            if module.endswith("figwire._arrays"):
                return getattr(_unpickler._arrays, name)
            if (module, name) == ("builtins", "getattr"):

                def getattr_(owner: Any, attr: str) -> Any:
                    methods.add(_unpickler._method_key(owner, attr))
                    return getattr(owner, attr)

                return getattr_
            globals_.add((module, name))
            return super().find_class(module, name)

    for name in sorted(figures.CORPUS):
        fig = figures.CORPUS[name]()
        try:
            for protocol in (5, 4):
                pickled = _pickler.pickle_figure(fig, protocol)
                Recorder(io.BytesIO(pickled.data), buffers=pickled.buffers).load()
        except Exception as exc:  # reported, not fatal: the corpus may hold a figure this version cannot pickle
            print(f"{name}: {type(exc).__name__}: {exc}", file=sys.stderr)
        figures.close(fig)
    enumerated = _enumerate_classes() | _numpy_scalar_types()
    result = {
        "matplotlib": matplotlib.__version__,
        "python": sys.version.split()[0],
        "globals": sorted(globals_ | enumerated),
        "methods": sorted(methods),
    }
    out.write_text(json.dumps(result, indent=0))
    print(f"{out}: {len(globals_)} recorded globals, {len(enumerated)} enumerated classes, {len(methods)} methods")


def merge(paths: List[Path]) -> str:
    globals_: Set[Tuple[str, str]] = set()
    methods: Set[str] = set()
    versions = []
    for path in paths:
        data: Dict[str, Any] = json.loads(path.read_text())
        versions.append(f"{data['python']}/mpl {data['matplotlib']}")
        globals_.update((m, n) for m, n in data["globals"])
        methods.update(data["methods"])
    globals_ = {g for g in (globals_ | EXTRA) - DENY if g[0].partition(".")[0] in ROOTS}
    lines = [
        '"""The exact globals and methods a figure pickle may name. GENERATED by tools/gen_allowlist.py; do not edit.',
        "",
        f"Recorded in: {', '.join(sorted(versions))}.",
        '"""',
        "",
        "GLOBALS = frozenset(",
        "    {",
    ]
    lines += [f"        ({m!r}, {n!r})," for m, n in sorted(globals_)]
    lines += ["    }", ")", "", "METHODS = frozenset(", "    {"]
    lines += [f"        {m!r}," for m in sorted(methods)]
    lines += ["    }", ")", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    if sys.argv[1:2] == ["record"] and len(sys.argv) == 3:
        record(Path(sys.argv[2]))
    elif sys.argv[1:2] == ["merge"] and len(sys.argv) > 2:
        sys.stdout.write(merge([Path(p) for p in sys.argv[2:]]))
    else:
        sys.exit("usage: gen_allowlist.py record OUT.json | merge OUT.json...")
