"""The loading policy's rules, against figures nobody wrote for figwire and callables that must never load.

``tests/data/gallery-names.json`` holds every global and bound method the pickles of
matplotlib's own gallery name (``tools/gallery.py --json``, then ``tools/policy.py
names``), recorded on each matplotlib of the cross-version matrix the gallery was run
on. The rules must admit all of them there; the xver test runs the same check inside
each matrix environment whose matplotlib minor has a recording.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
import types
from pathlib import Path

import matplotlib
import pytest
from xver_support import missing_pythons

from figwire import _checked, _policy

ROOT = Path(__file__).resolve().parents[1]
NAMES = ROOT / "tests" / "data" / "gallery-names.json"
sys.path.insert(0, str(ROOT / "tools"))
import policy as policy_tool  # noqa: E402


def test_the_rules_admit_every_name_the_gallery_uses_here() -> None:
    recorded = json.loads(NAMES.read_text())["versions"]
    minor = ".".join(matplotlib.__version__.split(".")[:2])
    assert any(v.startswith(minor + ".") for v in recorded), f"no gallery names recorded for matplotlib {minor}"
    assert policy_tool.check(NAMES) == []


DANGEROUS = [
    ("matplotlib.cbook", "_check_and_log_subprocess"),  # runs a command
    ("matplotlib.cbook", "get_sample_data"),
    ("matplotlib.cbook", "to_filehandle"),
    ("matplotlib.cbook", "_lock_path"),
    ("matplotlib.backends.backend_pdf", "PdfFile"),  # creates or truncates any file
    ("matplotlib.backends.backend_pdf", "PdfPages"),
    ("matplotlib.backends.backend_agg", "RendererAgg"),  # allocates width x height x 4
    ("matplotlib.texmanager", "TexManager"),
    ("matplotlib.dviread", "Dvi"),
    ("matplotlib.font_manager", "FontManager"),
    ("matplotlib.font_manager", "_load_fontmanager"),
    ("matplotlib.font_manager", "json_dump"),
    ("matplotlib.font_manager", "findfont"),
    ("matplotlib.textpath", "TextToPath"),
    ("matplotlib._mathtext", "Parser"),
    ("matplotlib", "use"),
    ("matplotlib", "rc"),
    ("matplotlib", "rcParams"),
    ("matplotlib", "RcParams"),
    ("matplotlib.pyplot", "figure"),
    ("matplotlib.pyplot", "switch_backend"),
    ("matplotlib.image", "imsave"),
    ("matplotlib.image", "imread"),
    ("matplotlib.style", "use"),
    ("matplotlib.style.core", "use"),
    ("matplotlib.animation", "FFMpegWriter"),
    ("matplotlib.widgets", "Button"),
    ("matplotlib.testing", "subprocess_run_helper"),
    ("matplotlib.figure", "Figure.savefig"),
    ("matplotlib.figure", "Figure.show"),
    ("matplotlib.backend_bases", "FigureCanvasBase.print_figure"),
    ("matplotlib.cm", "ColormapRegistry"),
    ("matplotlib.colors", "_ColorMapping"),
    ("matplotlib.path", "Path.unit_rectangle"),
    ("builtins", "eval"),
    ("builtins", "exec"),
    ("builtins", "open"),
    ("builtins", "__import__"),
    ("builtins", "bytes"),
    ("os", "system"),
    ("subprocess", "Popen"),
    ("importlib", "import_module"),
    ("numpy", "load"),
    ("numpy", "fromfile"),
    ("numpy.ma.core", "_mareconstruct"),
    ("numpy._core.multiarray", "_reconstruct"),
    ("pickle", "loads"),
    ("functools", "reduce"),
    ("operator", "attrgetter"),
]


@pytest.mark.parametrize("module, name", DANGEROUS, ids=[f"{m}.{n}" for m, n in DANGEROUS])
def test_known_dangerous_callables_are_refused(module: str, name: str) -> None:
    assert _policy.explain(module, name) is not None


@pytest.mark.parametrize("name", ["savefig", "print_png", "show", "set_usetex", "write_png", "start_event_loop"])
def test_denied_method_names_are_refused_on_any_admitted_class(name: str) -> None:
    from matplotlib.figure import Figure
    from matplotlib.text import Text

    for owner in (Figure, Text):
        assert _policy.method_refusal(owner, name) is not None


def test_every_admitted_name_follows_the_rules() -> None:
    """A property of the whole admitted set here: no denied module, no stray function, no dunder."""
    for line in policy_tool.admitted():
        if line.startswith("methods of") or "  (" in line:
            continue  # families and reviewed names: their own tests
        module, _, name = line.partition(":")
        assert not _policy._module_denied(module), line
        obj = getattr(importlib.import_module(module), name)
        if isinstance(obj, types.FunctionType):
            reviewed = (module, name) in _policy.REVIEWED or (module, name) in _checked.CALLABLE_AT_LOAD
            assert module in _policy.DATA_MODULES or reviewed, f"{line}: a function outside the data modules"
        else:
            assert isinstance(obj, type), line


def test_data_modules_are_pure_arithmetic() -> None:
    """F1 admits every function of a data module, so each must import nothing that does I/O."""
    import ast
    import inspect

    for name in _policy.DATA_MODULES:
        tree = ast.parse(inspect.getsource(importlib.import_module(name)))
        imported = {
            alias.name if isinstance(node, ast.Import) else f"{node.module}.{alias.name}"
            for node in ast.walk(tree)
            if isinstance(node, (ast.Import, ast.ImportFrom))
            for alias in node.names
        }
        assert imported <= {"numpy", "matplotlib._api", "functools.partial"}, (name, imported)


def test_a_method_is_re_resolved_on_the_subclass_that_overrides_it() -> None:
    from matplotlib.transforms import Affine2D, CompositeGenericTransform, Transform

    for cls in (Transform, Affine2D, CompositeGenericTransform):
        assert _policy.method_refusal(cls, "transform") is None
    # The same name on a class outside the family is refused.
    from matplotlib.text import Text

    assert _policy.method_refusal(Text, "transform") is not None


@pytest.mark.xver
def test_the_rules_admit_the_gallery_names_in_every_recorded_matrix_environment() -> None:
    import xver

    recorded = {".".join(v.split(".")[:2]) for v in json.loads(NAMES.read_text())["versions"]}
    specs = [s for s in xver.load_specs() if ".".join(s.matplotlib.split(".")[:2]) in recorded]
    missing = missing_pythons([s.name for s in specs])
    if missing is not None:
        pytest.skip(str(missing))
    root = xver.pyenv_root()
    for spec in specs:
        python = xver.ensure_env(spec, root).python
        done = subprocess.run(
            [str(python), str(ROOT / "tools" / "policy.py"), "check", str(NAMES)],
            capture_output=True,
            text=True,
            timeout=300,
            cwd=ROOT,
            env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        )
        assert done.returncode == 0, f"{spec.name}:\n{done.stdout}{done.stderr}"
