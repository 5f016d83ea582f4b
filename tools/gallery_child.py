"""The gallery harness's child: run one example, then measure every figure it left open.

Usage (by ``tools/gallery.py``, in a fresh temporary working directory)::

    MPLBACKEND=Agg python tools/gallery_child.py EXAMPLE.py

The example runs as ``__main__`` (a fresh module in ``sys.modules``, so classes it
defines pickle as they would in a kernel), with its own directory first on
``sys.path``, ``plt.show`` a no-op and ``plt.pause`` drawing without sleeping. Then
each figure left open is drawn once (as an inline backend leaves it) and measured:
its second and third draws (the reference, and whether redraws are stable), a stock
``pickle`` round trip, and figwire's ``pack``/``unpack(trust_unsigned=True)`` with the
globals and methods its pickle names. Pixels are the Agg canvas buffer at the
figure's dpi, so every comparison has the same size by construction unless the
figure itself changed size.

Output is one line per figure on stdout, ``MARKER`` + a JSON ``FigureRecord``, then an
``error`` line if the example raised, and a ``done`` line; the parent ignores every
other line (the example's own prints).
"""

from __future__ import annotations

import builtins
import io
import json
import pickle
import re
import sys
import time
import types
from dataclasses import asdict
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple

from gallery_records import LIBRARY_OWNERS, MARKER, FigureRecord

_REFUSED = re.compile(r"the pickle names (?P<what>.+?), which figwire's loading policy does not admit")
_METHOD = "the method "


def _emit(out: Any, kind: str, **payload: Any) -> None:
    # A leading newline: an example may leave a line unterminated (print(..., end="")).
    out.write(f"\n{MARKER}{json.dumps({'kind': kind, **payload})}\n")
    out.flush()


def _error_text(exc: BaseException) -> str:
    message = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {message[0][:300] if message else ''}".rstrip(": ")


def _patch_pyplot() -> None:
    """No windows and no waiting: ``show`` returns, ``pause`` draws a stale figure and returns."""
    import matplotlib.pyplot as plt
    from matplotlib import _pylab_helpers

    def pause(interval: float) -> None:
        manager = _pylab_helpers.Gcf.get_active()
        if manager is not None and manager.canvas.figure.stale:
            manager.canvas.draw_idle()

    plt.show = lambda *args, **kwargs: None
    plt.pause = pause


def run_example(path: Path) -> Optional[str]:
    """Execute ``path`` as ``__main__``; the exception's text if it raised, else None."""
    main = types.ModuleType("__main__")
    main.__file__ = str(path)
    main.__builtins__ = builtins  # type: ignore[attr-defined]
    sys.modules["__main__"] = main
    sys.argv = [str(path)]
    sys.path[0] = str(path.parent)  # replaces tools/, so the example cannot import the harness's modules
    try:
        exec(compile(path.read_bytes(), str(path), "exec"), main.__dict__)
    except SystemExit as exc:
        if exc.code not in (None, 0):
            return _error_text(exc)
    except BaseException as exc:  # an example's KeyboardInterrupt or GeneratorExit is its failure too
        return _error_text(exc)
    return None


# -- pixels -------------------------------------------------------------------------------


def render(fig: Any) -> Any:
    """The figure drawn by Agg at its dpi, as an H x W x 4 uint8 array (a copy: the next draw reuses the buffer)."""
    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    canvas.draw()
    return np.array(canvas.buffer_rgba())


def compare(a: Any, b: Any) -> Tuple[str, Optional[float], Optional[int]]:
    """(text, share of differing pixels, largest channel difference) of two renders."""
    import numpy as np

    if a.shape != b.shape:
        return f"size {b.shape[1]}x{b.shape[0]}, not {a.shape[1]}x{a.shape[0]}", None, None
    diff = np.abs(a.astype(np.int16) - b.astype(np.int16))
    if not diff.any():
        return "identical", None, None
    fraction = float(diff.any(axis=2).mean())
    return f"differs: {100 * fraction:.3f} % of pixels, max {int(diff.max())}", fraction, int(diff.max())


def _render_text(fig: Any, reference: Any) -> Tuple[Optional[Any], str]:
    try:
        pixels = render(fig)
    except Exception as exc:
        return None, f"render failed: {_error_text(exc)}"
    return pixels, compare(reference, pixels)[0] if reference is not None else "no reference"


# -- the stock round trip --------------------------------------------------------------------


def stock_round_trip(fig: Any, reference: Any) -> Tuple[str, Optional[str], Optional[Any]]:
    """(status, pixels vs reference, pixels) of ``pickle.loads(pickle.dumps(fig, protocol=5))``."""
    import matplotlib.pyplot as plt

    try:
        data = pickle.dumps(fig, protocol=5)
    except Exception as exc:
        return f"dump failed: {_error_text(exc)}", None, None
    try:
        copy = pickle.loads(data)
    except Exception as exc:
        return f"load failed: {_error_text(exc)}", None, None
    pixels, text = _render_text(copy, reference)
    plt.close(copy)  # a pyplot figure's copy registers itself with pyplot
    return "ok", text, pixels


# -- figwire -------------------------------------------------------------------------------


class _Recorder(pickle.Unpickler):
    """Loads a pickle unrestricted, recording each global and each ``getattr`` method lookup."""

    def __init__(self, data: Any, buffers: List[Any]) -> None:
        from figwire._policy import method_key  # the key figwire's method rules are reported in

        super().__init__(io.BytesIO(data), buffers=buffers)
        self._method_key = method_key
        self.globals: Dict[str, None] = {}
        self.methods: Dict[str, None] = {}
        self.functions: Dict[str, None] = {}

    def find_class(self, module: str, name: str) -> Any:
        self.globals[f"{module}:{name}"] = None
        if (module, name) == ("builtins", "getattr"):
            return self._getattr
        return super().find_class(module, name)

    def _getattr(self, obj: Any, name: str, *default: Any) -> Any:
        owner = obj if isinstance(obj, type) else type(obj)  # a classmethod's owner is the class itself
        self.methods[f"{owner.__module__}:{owner.__qualname__}.{name}"] = None
        self.functions[self._method_key(obj, name)] = None
        return getattr(obj, name, *default)


def pickled_names(frames: List[Any], header: Any) -> Dict[str, Any]:
    """The ``globals``, ``methods``, ``method_functions`` and ``globals_error`` fields: what the figwire
    pickle of ``frames`` names, sorted."""
    from figwire._codec import part_buffers

    stream, *buffers = part_buffers(frames, header, header.pickle)
    recorder = _Recorder(stream, buffers)
    error = None
    try:
        recorder.load()
    except Exception as exc:
        error = _error_text(exc)
    return dict(
        globals=tuple(sorted(recorder.globals)),
        methods=tuple(sorted(recorder.methods)),
        method_functions=tuple(sorted(recorder.functions)),
        globals_error=error,
    )


def owner_class(module: str, example_dir: Path) -> str:
    """Who a module belongs to: a library, numpy, the standard library, the example, or other."""
    mod = sys.modules.get(module)
    file = getattr(mod, "__file__", None)
    if module == "__main__" or (file and Path(file).resolve().parent == example_dir.resolve()):
        return "example"
    top = module.split(".")[0]
    if top in (*LIBRARY_OWNERS, "numpy"):
        return top
    return "stdlib" if top in sys.stdlib_module_names else "other"


def refused_name(reason: Optional[str], names: Tuple[str, ...]) -> Tuple[Optional[str], Optional[str]]:
    """(refused name, its module) from an unpack reason; the module from the recorded globals."""
    found = _REFUSED.search(reason or "")
    if found is None:
        return None, None
    what = found.group("what")
    if what.startswith(_METHOD):
        what = what[len(_METHOD) :]
        return what, what.split(":")[0]
    for name in names:
        module, _, attr = name.partition(":")
        if f"{module}.{attr}" == what:
            return what, module
    prefixes = [".".join(what.split(".")[:k]) for k in range(what.count("."), 0, -1)]
    return what, next((p for p in prefixes if p in sys.modules), what.rpartition(".")[0])


def _timed(call: Callable[[], Any]) -> Tuple[Any, float]:
    start = time.perf_counter()
    value = call()
    return value, round((time.perf_counter() - start) * 1000, 2)


def _figwire_fields(fig: Any, reference: Any, stock_render: Any, example_dir: Path) -> Dict[str, Any]:
    """The figwire fields of a ``FigureRecord``: pack, unpack, the names it uses, the live figure's pixels."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    import figwire

    out: Dict[str, Any] = dict(packed=False, missing=None, live=False, reason=None, refused=None, owner=None)
    out.update(pixels=None, pixels_vs_stock=None, diff_fraction=None, max_diff=None, pack_ms=None, unpack_ms=None)
    out.update(globals=(), methods=(), method_functions=(), globals_error=None)
    try:
        frames, out["pack_ms"] = _timed(lambda: figwire.pack(fig))
    except Exception as exc:
        out["missing"] = f"pack raised {_error_text(exc)}"
        return out
    header = figwire.inspect(frames)
    out["packed"], out["missing"] = header.pickle is not None, header.missing.get("pickle")
    if header.pickle is not None:
        out.update(pickled_names(frames, header))
    pickle_only = figwire.strip(frames, ["pickle", "image/png"])  # the pickle tier; the scene has its own fields
    result, out["unpack_ms"] = _timed(lambda: figwire.unpack(pickle_only, trust_unsigned=True))
    out["live"], out["reason"] = result.live, result.reason
    out["refused"], module = refused_name(result.reason, out["globals"])
    out["owner"] = None if module is None else owner_class(module, example_dir)
    out.update(_scene_fields(frames, header, reference))
    if out["live"]:
        FigureCanvasAgg(result.figure)  # an unpacked figure has a plain FigureCanvasBase
        pixels, out["pixels"] = _render_text(result.figure, reference)
        if pixels is not None and reference is not None:
            _, out["diff_fraction"], out["max_diff"] = compare(reference, pixels)
        if pixels is not None and stock_render is not None:
            out["pixels_vs_stock"] = compare(stock_render, pixels)[0]
    return out


def ssim(a: Any, b: Any) -> Optional[float]:
    """Structural similarity of two renders (scikit-image), None without it or on a size mismatch."""
    try:
        from skimage.metrics import structural_similarity
    except ImportError:
        return None
    if a.shape != b.shape:
        return None
    return round(float(structural_similarity(a[..., :3], b[..., :3], channel_axis=2, data_range=255)), 4)


def _scene_fields(frames: List[Any], header: Any, reference: Any) -> Dict[str, Any]:
    """The scene column: the message without its pickle, unpacked with no trust at all,
    the rebuilt figure's render against the reference."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    import figwire

    if header.scene is None:
        return {"scene": f"not sent: {header.missing.get('scene', 'no scene part')}"}
    result = figwire.unpack(figwire.strip(frames, ["scene", "image/png"]))
    if result.tier != "scene":
        return {"scene": f"not live: {result.reason}"}
    FigureCanvasAgg(result.figure)
    try:
        pixels = render(result.figure)
    except Exception as exc:
        return {"scene": f"not live: the rebuilt figure failed to draw: {_error_text(exc)}"}
    score = None if reference is None else ssim(reference, pixels)
    from figwire.scene._likeness import likeness

    png = result.fallbacks.get("image/png")
    alike = None if png is None else likeness(pixels, png)
    return {
        "scene": "live",
        "scene_ssim": score,
        "scene_skipped": len(result.skipped),
        "scene_likeness": None if alike is None else round(alike, 4),
    }


def measure(fig: Any, number: int, example: str, example_dir: Path) -> FigureRecord:
    """Every measurement of one open figure, each step guarded so one failure costs only its fields."""
    draw_error = reference = stable = None
    try:
        fig.canvas.draw()  # as an inline backend leaves a figure: caches filled
        reference = render(fig)
        stable = compare(reference, render(fig))[0] == "identical"
    except Exception as exc:
        draw_error = _error_text(exc)
    stock, stock_pixels, stock_render = stock_round_trip(fig, reference)
    return FigureRecord(
        example=example,
        category=Path(example).parent.name,
        number=number,
        label=str(fig.get_label()),
        draw_error=draw_error,
        stable=stable,
        stock=stock,
        stock_pixels=stock_pixels,
        **_figwire_fields(fig, reference, stock_render, example_dir),
    )


def main(argv: List[str]) -> int:
    out = sys.stdout  # kept before the example runs: an example may replace sys.stdout
    path = Path(argv[1]).resolve()
    example = f"{path.parent.name}/{path.name}"
    import matplotlib

    matplotlib.use("Agg")
    _patch_pyplot()
    error = run_example(path)
    if error is not None:
        _emit(out, "error", error=error)
    else:
        import matplotlib.pyplot as plt

        _emit(out, "ran")
        for number in plt.get_fignums():
            fig = plt.figure(number)
            _emit(out, "figure", **asdict(measure(fig, number, example, path.parent)))
            plt.close(fig)
    _emit(out, "done")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
