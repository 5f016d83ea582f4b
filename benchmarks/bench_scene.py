"""The scene tier against what it replaces, in the same run, as ratios (issue: the scene tier).

Run from the repository root::

    python benchmarks/bench_scene.py            # rewrites benchmarks/results-scene.md
    python benchmarks/bench_scene.py --quick    # smoke test, prints only

Rows, for ``benchmarks/bench.py``'s figures (drawn once before measuring, as an inline
backend leaves them) and its method (round-robin rounds, medians of per-round ratios):

1. **pack**: the default ``figwire.pack(fig)`` (pickle + scene + PNG) vs the pickle + PNG
   pack it replaced (``parts=("pickle", "image/png")``); target <= 1.2x. The scene shares
   the PNG's draw.
2. **rebuild + first draw**: ``figwire.unpack`` of the scene-only message (no trust)
   plus an Agg draw, vs ``pickle.loads`` of the plain pickle plus an Agg draw; target <= 2x
   (<= 1.5x unchecked).
   ``unpack`` with no backend lays the figure out once to refuse what cannot draw (§16.7);
   the "unchecked" column is the same without that layout (``unpack(backend=...)``, whose
   window's first draw is the check), so the two show what the check costs; "window" adds
   what a window does after that draw, scoring it against the message's PNG (§16.7).
3. **bytes**: the scene part next to the pickle part and the PNG.
"""

from __future__ import annotations

import argparse
import gc
import pickle
import sys
from pathlib import Path
from typing import List, Optional, Sequence

import bench
from bench import Report, cell, dumps, fmt_b, get, per_round, round_robin
from matplotlib.backends.backend_agg import FigureCanvasAgg

import figwire
from figwire._codec import part_buffers
from figwire.scene import rebuild
from figwire.scene._likeness import Reference

NAMES = ("line 1e3", "line 1e5", "imshow 256", "imshow 2048", "scatter 1e3", "scatter 1e5", "dashboard 3x3", "surface3d 100")
QUICK = ("line 1e3", "imshow 256", "dashboard 3x3")
#: Rebuild + draw: 1.5x where a window's first draw is the check (``unpack(backend=...)``);
#: 2x for a headless ``unpack``, which also lays the figure out once to refuse what cannot draw.
PACK_TARGET, REBUILD_TARGET, CHECKED_TARGET = 1.2, 1.5, 2.0
OUTPUT = Path(__file__).with_name("results-scene.md")


def _scene_only(fig) -> List[bytes]:
    frames = figwire.pack(fig, parts=("scene",))
    return [bytes(memoryview(f)) for f in frames]


def section_pack(report: Report, names: Sequence[str], repeat: int) -> None:
    report.out("## 1. pack: default (pickle + scene + PNG) vs pickle + PNG")
    report.out()
    report.out("| figure | default pack | pickle + PNG | ratio (per-round) | target |")
    report.out("|---|---|---|---|---|")
    for name in names:
        fig = get(name).fig
        s = round_robin(
            {"default": lambda: figwire.pack(fig), "old": lambda: figwire.pack(fig, parts=("pickle", "image/png"))},
            repeat,
        )
        ratio = per_round(s["default"], s["old"])
        mark = report.target(f"pack with scene {name}", ratio, PACK_TARGET)
        report.out(f"| {name} | {cell(s['default'])} | {cell(s['old'])} | {ratio:.2f} | {mark} |")
    report.out()


def _as_a_window_does(fig_frames: List[bytes], header, png: bytes) -> None:
    """What ``unpack(backend=...)`` does for a scene: the PNG decoding on its thread while
    the figure is rebuilt (unchecked) and drawn, then the draw scored against it (§16.7)."""
    reference = Reference(png)
    figure = rebuild(part_buffers(fig_frames, header, header.scene), verify=False)[0]
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    reference.score(canvas.buffer_rgba())


def section_rebuild(report: Report, names: Sequence[str], repeat: int) -> None:
    report.out("## 2. rebuild + first draw: scene (no trust) vs `pickle.loads` + first draw")
    report.out()
    report.out(
        "\"unchecked\": rebuilt without the headless layout check, then drawn (a window's first draw is the check);"
        " \"window\": the same plus what a window adds, the draw scored against the message's PNG"
        " (`SceneLimits.min_likeness`, spec §16.7), the PNG decoding on its own thread meanwhile."
    )
    report.out()
    report.out(
        "| figure | scene unpack + draw | unchecked | window | pickle.loads + draw | ratio (per-round) | unchecked ratio"
        " | window ratio | target |"
    )
    report.out("|---|---|---|---|---|---|---|---|---|")
    for name in names:
        fig = get(name).fig
        frames, blob = _scene_only(fig), dumps(fig)
        result = figwire.unpack(frames)
        if result.tier != "scene":
            report.error(f"{name}: the scene did not rebuild: {result.reason}")
            continue
        header = figwire.inspect(frames)
        buffers = part_buffers(frames, header, header.scene)
        with_png = [bytes(memoryview(f)) for f in figwire.pack(fig, parts=("scene", "image/png"))]
        png_header = figwire.inspect(with_png)
        (png,) = part_buffers(with_png, png_header, png_header.fallbacks[0])
        gc.collect()
        s = round_robin(
            {
                "scene": lambda: bench._draw(figwire.unpack(frames).figure),
                "unchecked": lambda: bench._draw(rebuild(buffers, verify=False)[0]),
                "window": lambda: _as_a_window_does(with_png, png_header, png),
                "pickle": lambda: bench._draw(pickle.loads(blob)),
            },
            repeat,
        )
        ratio, unchecked = per_round(s["scene"], s["pickle"]), per_round(s["unchecked"], s["pickle"])
        window = per_round(s["window"], s["pickle"])
        mark = (
            f"{report.target(f'rebuild+draw {name}', ratio, CHECKED_TARGET)},"
            f" unchecked {report.target(f'unchecked rebuild+draw {name}', unchecked, REBUILD_TARGET)},"
            f" window {report.target(f'window rebuild+draw {name}', window, REBUILD_TARGET)}"
        )
        report.out(
            f"| {name} | {cell(s['scene'])} | {cell(s['unchecked'])} | {cell(s['window'])} | {cell(s['pickle'])}"
            f" | {ratio:.2f} | {unchecked:.2f} | {window:.2f} | {mark} |"
        )
    report.out()


def section_bytes(report: Report, names: Sequence[str]) -> None:
    report.out("## 3. bytes: the scene part next to the pickle part and the PNG")
    report.out()
    report.out(
        "The scene's arrays that the pickle frames already are borrowed (spec §5.6), not sent again: "
        "`scene` is the scene's whole size, `sent` what its own frames add to the message."
    )
    report.out()
    report.out("| figure | scene | of it borrowed | scene sent | pickle | scene / pickle | PNG | message | without borrowing |")
    report.out("|---|---|---|---|---|---|---|---|---|")
    for name in names:
        frames = figwire.pack(get(name).fig)
        header = figwire.inspect(frames)
        sizes = {p.name: sum(p.sizes) for p in header.parts}
        sent, pickled, png = sizes.get("scene", 0), sizes.get("pickle", 0), sizes.get("image/png", 0)
        lent = sum(memoryview(frames[i]).nbytes for i in header.scene.borrows) if header.scene else 0
        message = sum(memoryview(f).nbytes for f in frames)
        ratio = f"{(sent + lent) / pickled:.2f}" if pickled else "—"
        report.out(
            f"| {name} | {fmt_b(sent + lent)} | {fmt_b(lent)} | {fmt_b(sent)} | {fmt_b(pickled)} | {ratio} |"
            f" {fmt_b(png)} | {fmt_b(message)} | {fmt_b(message + lent)} ({(message + lent) / message:.2f}x) |"
        )
    report.out()


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="three figures, three rounds; prints only")
    parser.add_argument("--repeat", type=int, default=None, help="timed rounds after the warm-up (default 9)")
    args = parser.parse_args(argv)
    names = QUICK if args.quick else NAMES
    repeat = args.repeat or (3 if args.quick else 9)
    report = Report()
    report.out(f"# figwire scene benchmark ({bench.loadavg()} load)")
    report.out()
    report.out("\n".join(f"- {k}: {v}" for k, v in bench.machine()))
    report.out(f"- repeat: {repeat}")
    report.out()
    section_pack(report, names, repeat)
    section_rebuild(report, names, repeat)
    section_bytes(report, names)
    if not args.quick:
        OUTPUT.write_text("\n".join(report.lines) + "\n")
        print(f"wrote {OUTPUT}")
    return 1 if report.errors else 0


if __name__ == "__main__":
    sys.exit(main())
