"""``python -m figwire demo`` packs a sample figure and unpacks it; ``inspect FILE.fgw`` reads one.

The demo is a newcomer's first command: it shows the whole path (pack, the envelope, a
file on disk, unpack, live figure or fallback) in one process, and with ``--backend``
opens the figure in a real window.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any, List, Optional, Sequence

from . import inspect, join, pack, split, unpack
from ._envelope import Header
from ._errors import FigwireError
from ._keys import key_from_file


def _summary(header: Header, frames: Sequence[Any]) -> List[str]:
    p = header.producer
    lines = [
        f"figwire format {header.version[0]}.{header.version[1]}, message {header.id}",
        f"producer: python {p['python']} matplotlib {p['matplotlib']} numpy {p['numpy']} figwire {p['figwire']}",
        f"figure: {header.figure.axes} axes, {header.figure.pixels[0]}x{header.figure.pixels[1]} px, titles {list(header.figure.titles)}",
        f"{'part':32} {'frames':>7} {'bytes':>12}  notes",
    ]
    for part in header.parts:
        notes = []
        if part.protocol is not None:
            notes.append(
                f"protocol {part.protocol}, {len(part.frames) - 1} out-of-band buffer(s), requires {dict(part.requires)}"
            )
        if part.width is not None:
            notes.append(f"{part.width}x{part.height} px at {part.dpi:g} dpi")
        if part.codec:
            notes.append(part.codec)
        lines.append(f"{part.media_type:32} {len(part.frames):>7} {sum(part.sizes):>12,}  {'; '.join(notes)}")
    lines += [f"missing {name}: {why}" for name, why in header.missing.items()]
    if header.auth is not None:
        lines.append(f"signed: {header.auth.alg}" + (f", key {header.auth.key_id}" if header.auth.key_id else ""))
    lines.append(f"total: {len(frames)} frames, {sum(memoryview(f).nbytes for f in frames):,} bytes")
    return lines


def _sample_figure() -> Any:
    import numpy as np
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6.4, 4.8), label="figwire demo")
    ax1, ax2 = fig.subplots(1, 2)
    x = np.linspace(0, 4 * np.pi, 400)
    ax1.plot(x, np.sin(x), label="sin")
    ax1.plot(x, np.cos(x), label="cos")
    ax1.legend()
    ax1.set_title("lines")
    y, z = np.mgrid[-2:2:300j, -2:2:300j]
    image = ax2.imshow(np.exp(-(y**2 + z**2)) * np.cos(3 * z), cmap="viridis")
    fig.colorbar(image, ax=ax2, shrink=0.6)
    ax2.set_title("image")
    fig.suptitle("packed by figwire")
    return fig


def demo(out: Path, backend: Optional[str]) -> int:
    import secrets

    fig = _sample_figure()
    key = secrets.token_bytes(32)  # the key a kernel and its client would share
    started = time.perf_counter()
    frames = pack(fig, key=key)
    packed = time.perf_counter() - started
    print("\n".join(_summary(inspect(frames), frames)))
    out.mkdir(parents=True, exist_ok=True)
    message = out / "demo.fgw"
    message.write_bytes(join(frames))
    print(f"\npacked in {packed * 1e3:.1f} ms; wrote {message}")

    # The message is signed: unpack verifies it with the shared key before using any of
    # it, and only then may its pickle load (a pickle is code).
    started = time.perf_counter()
    result = unpack(split(message.read_bytes()), backend=backend, key=key)
    print(f"unpacked in {(time.perf_counter() - started) * 1e3:.1f} ms: live={result.live} reason={result.reason}")
    for media_type, data in result.fallbacks.items():
        path = out / ("demo-fallback" + {"image/png": ".png", "image/svg+xml": ".svg"}.get(media_type, ".pdf"))
        path.write_bytes(data)
        print(f"wrote the {media_type} fallback to {path}")
    if result.live and backend is None:
        path = out / "demo-live.png"
        result.figure.savefig(path)
        print(f"rendered the live figure to {path}")
    if backend is not None:
        import matplotlib.pyplot as plt

        print(f"showing it with {backend}; close the window to finish")
        plt.show()
    return 0 if result.live else 1


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m figwire", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("demo", help="pack a sample figure, write demo.fgw, unpack it")
    run.add_argument(
        "--out", type=Path, default=Path("figwire-demo"), help="folder for the files (default: ./figwire-demo)"
    )
    run.add_argument("--backend", help="open the live figure in this GUI backend, e.g. TkAgg or QtAgg")
    read = commands.add_parser("inspect", help="print the envelope of a .fgw file")
    read.add_argument("file", type=Path)
    read.add_argument("--key-file", type=Path, help="verify the message with the key in this file first")
    args = parser.parse_args(argv)
    try:
        if args.command == "demo":
            if args.backend is None:
                import matplotlib

                matplotlib.use("Agg")
            return demo(args.out, args.backend)
        key = None if args.key_file is None else key_from_file(args.key_file)
        frames = split(args.file.read_bytes())
        print("\n".join(_summary(inspect(frames, key=key), frames)))
        if key is not None:
            print("verified: " + ("the tag matches the key" if inspect(frames).auth else "not signed"))
        return 0
    except (FigwireError, OSError) as exc:
        print(f"python -m figwire {args.command}: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
