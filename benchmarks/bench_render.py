"""Benchmark ``figwire._render.render(fig, ["image/png"])`` against ``fig.savefig(format="png")``.

Run from the repository root: ``python benchmarks/bench_render.py [--encoders] [--clock cpu]``.

The figure set and method follow /work/shared/notes/performance.md: ``Figure`` +
``FigureCanvasAgg`` (no pyplot), 6.4x4.8 in at 100 dpi (the dashboard 12x9 in),
seeded data, each figure drawn once before measuring, one warm-up round, then
``--repeats`` rounds in which savefig, render and a bare Agg draw (the floor: no
encoding at all) run round-robin, in an order that rotates every round. gc is off
inside each timed call and collected between calls. Cells are median (min); the
ratio column is the median of per-round render/savefig ratios. Sizes are the PNG
bytes each produces. ``--encoders`` adds an encode-only table of the options
considered, on each figure's already-drawn buffer.
"""

from __future__ import annotations

import argparse
import functools
import gc
import importlib.util
import io
import math
import statistics
import sys
import time
import zlib
from pathlib import Path
from typing import Any, Callable, Dict, List

import numpy as np
from matplotlib.figure import Figure

ROOT = Path(__file__).resolve().parents[1]


def _load_render() -> Any:
    """``figwire._render`` from this checkout, even when ``figwire/__init__`` cannot import."""
    sys.path.insert(0, str(ROOT))
    try:
        import figwire._render as module

        return module
    except Exception:
        spec = importlib.util.spec_from_file_location("figwire._render", ROOT / "figwire" / "_render.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules["figwire._render"] = module  # savefig imports the canvas by this name
        spec.loader.exec_module(module)
        return module


_render = _load_render()


# The same figures as bench.py's PNG section (drawn once, which savefig redoes anyway).
sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import FIGURES as _BUILT  # noqa: E402

FIGURES: Dict[str, Callable[[], Figure]] = {
    name: functools.partial(lambda build: build().fig, build) for name, build in _BUILT.items() if "NaN" not in name
}


def savefig_png(fig: Figure) -> bytes:
    out = io.BytesIO()
    fig.savefig(out, format="png")
    return out.getvalue()


def render_png(fig: Figure) -> bytes:
    (rendering,) = _render.render(fig, ["image/png"])
    return rendering.data


def agg_draw(fig: Figure) -> bytes:
    fig.canvas.draw()
    return b""


#: ``--clock cpu`` (process CPU time) is steadier than wall time on a shared machine.
CLOCKS = {"wall": time.perf_counter, "cpu": time.process_time}
_clock = CLOCKS["wall"]


def _timed(fn: Callable[[], object]) -> float:
    gc.collect()
    gc.disable()
    try:
        start = _clock()
        fn()
        return _clock() - start
    finally:
        gc.enable()


def _cell(samples: List[float]) -> str:
    return f"{_ms(statistics.median(samples))} ({_ms(min(samples))})"


def _ms(seconds: float) -> str:
    return f"{seconds * 1e3:.1f}ms" if seconds < 1 else f"{seconds:.2f}s"


def _kb(n: int) -> str:
    return f"{n / 1e3:.1f}kB"


def _geomean(values: List[float]) -> float:
    return math.exp(statistics.fmean(math.log(v) for v in values))


def bench_figures(repeats: int) -> None:
    variants = {"savefig": savefig_png, "render": render_png, "draw": agg_draw}
    print(
        "| figure | px | savefig png | render png | render/savefig (per-round) | Agg draw only | draw/savefig"
        " | savefig size | render size |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    ratios: Dict[str, List[float]] = {"render": [], "draw": []}
    totals: Dict[str, List[float]] = {k: [0.0, 0.0] for k in variants}  # sums of medians, of minima
    for name, make in FIGURES.items():
        fig = make()
        fig.canvas.draw()
        sizes = {k: len(fn(fig)) for k, fn in variants.items()}  # warm-up round
        samples: Dict[str, List[float]] = {k: [] for k in variants}
        order = list(variants)
        for _ in range(repeats):
            for key in order:
                samples[key].append(_timed(functools.partial(variants[key], fig)))
            order = order[1:] + order[:1]
        for key in ratios:
            ratios[key].append(statistics.median(t / s for t, s in zip(samples[key], samples["savefig"])))
        for key, (median_sum, min_sum) in totals.items():
            totals[key] = [median_sum + statistics.median(samples[key]), min_sum + min(samples[key])]
        w, h = fig.canvas.get_width_height()
        cells = [name, f"{w}x{h}", _cell(samples["savefig"]), _cell(samples["render"]), f"{ratios['render'][-1]:.2f}"]
        cells += [_cell(samples["draw"]), f"{ratios['draw'][-1]:.2f}", _kb(sizes["savefig"]), _kb(sizes["render"])]
        print("| " + " | ".join(cells) + " |")
    print()
    for key, label in [("render", "render/savefig"), ("draw", "Agg draw alone/savefig (the floor)")]:
        by_median, by_min = (totals[key][i] / totals["savefig"][i] for i in range(2))
        print(
            f"- {label}: geometric mean {_geomean(ratios[key]):.3f}; total-time ratio {by_median:.3f}"
            f" (sum of medians; {by_min:.3f} by minima)"
        )
    print(f"- total time, sum of medians: savefig {_ms(totals['savefig'][0])}, render {_ms(totals['render'][0])}")


def _pillow(level: int) -> Callable[[np.ndarray, float], bytes]:
    from PIL import Image

    def encode(rgba: np.ndarray, dpi: float) -> bytes:
        out = io.BytesIO()
        image = Image.frombuffer("RGBA", rgba.shape[1::-1], rgba, "raw", "RGBA", 0, 1)
        image.save(out, format="png", compress_level=level, dpi=(dpi, dpi))
        return out.getvalue()

    return encode


def _zlib_no_filter(rgba: np.ndarray, dpi: float) -> bytes:
    """Filter type None at zlib level 1, rows fed to zlib without a copy (size reference only)."""
    rows = rgba.reshape(rgba.shape[0], -1)
    deflate = zlib.compressobj(1)
    pieces = []
    for row in rows:
        pieces += [deflate.compress(b"\x00"), deflate.compress(row)]
    return b"".join(pieces) + deflate.flush()


def bench_encoders(repeats: int) -> None:
    encoders = {
        "Pillow level 6 (savefig)": _pillow(6),
        "Pillow level 1": _pillow(1),
        "zlib 1, filter None": _zlib_no_filter,
        "Up + Z_RLE (figwire)": _render.encode_png,
    }
    print("\n### Encode only, on the drawn buffer: median (min), size")
    print("| figure | " + " | ".join(encoders) + " |")
    print("|---|" + "---|" * len(encoders))
    for name, make in FIGURES.items():
        fig = make()
        fig.canvas.draw()
        rgba = np.asarray(fig.canvas.buffer_rgba())  # type: ignore[attr-defined]
        cells = []
        for encode in encoders.values():
            size = len(encode(rgba, 100.0))
            samples = [_timed(functools.partial(encode, rgba, 100.0)) for _ in range(repeats)]
            cells.append(f"{_cell(samples)}, {_kb(size)}")
        print(f"| {name} | " + " | ".join(cells) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--clock", choices=CLOCKS, default="wall")
    parser.add_argument("--encoders", action="store_true", help="also time the encoder options")
    args = parser.parse_args()
    global _clock
    _clock = CLOCKS[args.clock]
    import matplotlib

    print(
        f"matplotlib {matplotlib.__version__}, numpy {np.__version__}, Python {sys.version.split()[0]};"
        f" {args.clock} clock, {args.repeats} repeats\n"
    )
    bench_figures(args.repeats)
    if args.encoders:
        bench_encoders(args.repeats)


if __name__ == "__main__":
    main()
