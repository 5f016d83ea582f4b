"""figwire's loading policy against real figures: what its rules admit, and whether that is enough.

The policy (``figwire/_policy.py``) is rules over the installed packages, not a list.
This tool is how the rules are reviewed and tested::

    python tools/policy.py names RECORDS.json... > tests/data/gallery-names.json
        The names the gallery harness's figures use (``tools/gallery.py --json``), per
        matplotlib version: every global and every bound method their pickles name.
        Only figures whose pickles name nothing but matplotlib, mpl_toolkits, numpy,
        dateutil, figwire and the standard library count (an example's own classes are
        the caller's to allow).
    python tools/policy.py check [NAMES.json]
        Evaluates the rules, in this environment, on the names recorded for this
        matplotlib's minor version; prints each refusal with its rule; exit 1 if any.
    python tools/policy.py admitted
        Every class, function and method family the rules admit here, for review
        (diff it between matplotlib versions).

Exit status 2 with one line on stderr for a bad argument or file.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import sys
from pathlib import Path
from typing import Any, Dict, Iterable, List, Set

ROOT = Path(__file__).resolve().parents[1]
NAMES = ROOT / "tests" / "data" / "gallery-names.json"
ELIGIBLE = ("matplotlib", "mpl_toolkits", "numpy", "dateutil", "figwire")


def _eligible(module: str) -> bool:
    top = module.partition(".")[0]
    return top in ELIGIBLE or top in getattr(sys, "stdlib_module_names", ()) or top == "builtins"


def names(paths: Iterable[Path]) -> Dict[str, Any]:
    out: Dict[str, Dict[str, Set[str]]] = {}
    for path in paths:
        data = json.loads(path.read_text())
        version = data["run"].get("matplotlib") or data["run"].get("versions", {}).get("matplotlib")
        entry = out.setdefault(str(version), {"globals": set(), "methods": set()})
        for example in data["examples"]:
            for fig in example.get("figures", []):
                globals_ = fig.get("globals") or ()
                if not fig.get("packed") or not all(_eligible(g.partition(":")[0]) for g in globals_):
                    continue
                entry["globals"].update(globals_)
                entry["methods"].update(fig.get("methods") or ())
    return {
        "about": "Names the gallery harness's figures use, per matplotlib version (tools/policy.py names).",
        "versions": {v: {k: sorted(s) for k, s in e.items()} for v, e in sorted(out.items())},
    }


def _resolve(module: str, qualname: str) -> Any:
    obj: Any = importlib.import_module(module)
    try:
        for part in qualname.split("."):
            obj = getattr(obj, part)
    except AttributeError:
        found = _made_by_factory(module, qualname)
        if found is None:
            raise
        return found
    return obj


def _made_by_factory(module: str, qualname: str) -> Any:
    """A class ``_make_class_factory`` makes (``AxesHostAxes``): not a module attribute, so
    made here the way the figure's code made it, from the module's ``*_class_factory``."""
    import matplotlib.axes

    mod = importlib.import_module(module)
    bases = {matplotlib.axes.Axes, getattr(mod, "Axes", matplotlib.axes.Axes)}
    for name, factory in vars(mod).items():
        if not (name.endswith("class_factory") and callable(factory)):
            continue
        for base in bases:
            try:
                made = factory(base)
            except Exception:
                continue
            if getattr(made, "__qualname__", None) == qualname:
                return made
    return None


def check(path: Path) -> List[str]:
    """Each recorded name the rules refuse here, with the reason (empty: all admitted)."""
    import matplotlib

    from figwire import _policy

    versions = json.loads(path.read_text())["versions"]
    minor = ".".join(matplotlib.__version__.split(".")[:2])
    recorded = [v for v in versions if ".".join(v.split(".")[:2]) == minor]
    if not recorded:
        return [f"no names recorded for matplotlib {minor} (recorded: {', '.join(versions)})"]
    problems: List[str] = []
    for version in recorded:
        for entry in versions[version]["globals"]:
            module, _, name = entry.partition(":")
            if module.endswith("figwire._arrays") or (module, name) == ("builtins", "getattr"):
                continue
            why = _policy.explain(module, name)
            if why is not None and "[load-failed]" not in why:  # absent from this patch release: not the rules' doing
                problems.append(f"{entry}: {why}")
        for entry in versions[version]["methods"]:
            module, _, dotted = entry.partition(":")
            owner_name, _, method = dotted.rpartition(".")
            if module == "builtins":
                owner: Any = getattr(__import__("builtins"), owner_name)
            else:
                try:
                    owner = _resolve(module, owner_name)
                except Exception as exc:
                    problems.append(f"{entry}: its owner does not resolve here ({exc})")
                    continue
            why = _policy.method_refusal(owner, method)
            if why is not None:
                problems.append(f"{entry}: {why}")
    return problems


def _modules(policy: Any) -> List[str]:
    """Every module of matplotlib and mpl_toolkits the module rule does not deny (test packages skipped)."""
    found: List[str] = []
    todo = [(root, list(importlib.import_module(root).__path__)) for root in policy.ROOTS]
    while todo:
        prefix, path = todo.pop()
        for info in pkgutil.iter_modules(path, prefix + "."):
            if policy._module_denied(info.name) or info.name.rsplit(".", 1)[-1] == "tests":
                continue
            found.append(info.name)
            if info.ispkg:
                try:
                    todo.append((info.name, list(importlib.import_module(info.name).__path__)))
                except Exception:
                    continue
    return sorted(found)


def admitted() -> List[str]:
    """Every class and data-module function the rules admit in this environment."""
    from figwire import _policy

    lines: List[str] = []
    for module_name in _modules(_policy):
        try:
            module = importlib.import_module(module_name)
        except Exception:
            continue
        for name, obj in sorted(vars(module).items()):
            if getattr(obj, "__module__", None) == module_name and _policy.explain(module_name, name) is None:
                lines.append(f"{module_name}:{name}")
    lines.extend(f"{m}:{n}  ({why})" for (m, n), why in sorted(_policy.REVIEWED.items()))
    for base, family, why in _policy.METHOD_FAMILIES:
        shown = family.pattern if hasattr(family, "pattern") else ", ".join(sorted(family))  # type: ignore[union-attr]
        lines.append(f"methods of {base}: {shown}  ({why})")
    return lines


def main(argv: List[str]) -> int:
    if not argv or argv[0] not in ("names", "check", "admitted"):
        print("usage: policy.py names RECORDS.json... | check [NAMES.json] | admitted", file=sys.stderr)
        return 2
    command, args = argv[0], argv[1:]
    try:
        if command == "names":
            if not args:
                raise ValueError("names needs at least one records file")
            print(json.dumps(names(Path(a) for a in args), indent=1))
            return 0
        if command == "check":
            problems = check(Path(args[0]) if args else NAMES)
            for line in problems:
                print(line)
            import matplotlib

            print(f"policy check on matplotlib {matplotlib.__version__}: {len(problems)} refused", file=sys.stderr)
            return 1 if problems else 0
        print("\n".join(admitted()))
        return 0
    except (OSError, ValueError, KeyError) as exc:
        print(f"policy.py: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
