"""figwire's command line: ``demo``, ``inspect``/``show``/``convert`` a ``.fgw`` file,
``listen`` for figures in windows, run a ``hub``.

The demo is a newcomer's first command: it shows the whole path (pack, the envelope, a
file on disk, unpack, live figure or fallback) in one process, and with ``--backend``
opens the figure in a real window. Every command fails with one line and exit status 2.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any, List, Optional, Sequence, Tuple

from . import inspect, join, pack, split, unpack
from ._auth import Key
from ._envelope import Header
from ._errors import FigwireError
from ._files import convert, load
from ._keys import key_from_env, key_from_file


def _summary(header: Header, frames: Sequence[Any]) -> List[str]:
    p = header.producer
    lines = [
        f"figwire format {header.version[0]}.{header.version[1]}, message {header.id}",
        f"producer: python {p['python']} matplotlib {p['matplotlib']} numpy {p['numpy']}, written by {p['figwire']}",
        f"figure: {header.figure.axes} axes, {header.figure.pixels[0]}x{header.figure.pixels[1]} px, titles {list(header.figure.titles)}",
        f"{'part':32} {'frames':>7} {'bytes':>12}  notes",
    ]
    for part in header.parts:
        notes = []
        if part.protocol is not None:
            notes.append(
                f"protocol {part.protocol}, {len(part.frames) - 1} out-of-band buffer(s), requires {dict(part.requires)}"
            )
        if part.name == "scene":
            notes.append(f"plain data, no code: {len(part.frames) - 1 + len(part.borrows)} array frame(s)")
        if part.borrows:
            lent = sum(memoryview(frames[i]).nbytes for i in part.borrows)
            notes.append(f"reads {len(part.borrows)} frame(s) of another part ({lent:,} bytes, not sent twice)")
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
    print(f"unpacked in {(time.perf_counter() - started) * 1e3:.1f} ms: live={result.live} ({result.tier}) reason={result.reason}")
    # Without the key (anyone the file reaches), the pickle is never loaded; the scene,
    # plain data, still gives a live figure on whatever matplotlib the reader has.
    anyone = unpack(split(message.read_bytes()))
    print(f"unpacked without the key: live={anyone.live} ({anyone.tier}), the pickle not used")
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

        if (
            result.figure is None
            or f"backend: live in {backend}" not in result.notes
            and not result.figure.canvas.manager
        ):
            why = [n[len("backend: ") :] for n in result.notes if n.startswith("backend: ")]
            raise OSError(f"cannot open a window with {backend}: {'; '.join(why) or 'no figure to show'}")
        print(f"showing it with {backend}; close the window to finish")
        plt.show()
    return 0 if result.live else 1


def _hub(frontend: str, backend: str) -> int:
    try:
        from .zmq import hub
    except ImportError as exc:
        raise OSError(f"the hub needs pyzmq (pip install 'figwire[zmq]'): {exc}") from None
    import zmq

    print(f"figwire hub: producers -> {frontend}, viewers <- {backend}", flush=True)
    try:
        hub(frontend, backend)
    except zmq.ZMQError as exc:
        raise OSError(f"cannot bind: {exc}") from None
    except KeyboardInterrupt:
        pass
    return 0


def _key(args: argparse.Namespace) -> Optional[Key]:
    """``--key-file``, else the environment's key (``FIGWIRE_KEY``/``FIGWIRE_KEY_FILE``)."""
    path = getattr(args, "key_file", None)
    return key_from_file(path) if path is not None else key_from_env()


def _inspect(args: argparse.Namespace) -> int:
    key = _key(args)
    frames = split(args.file.read_bytes())
    header = inspect(frames, key=key)
    if args.json:
        import base64

        wire = header.to_wire()
        wire["verified"] = key is not None and header.auth is not None
        print(json.dumps(wire, indent=2, default=lambda b: base64.b64encode(b).decode("ascii")))
        return 0
    print("\n".join(_summary(header, frames)))
    if key is not None:
        print("verified: " + ("the tag matches the key" if header.auth else "not signed"))
    return 0


def _show(args: argparse.Namespace) -> int:
    import matplotlib.pyplot as plt

    result = load(args.file, args.backend, key=_key(args), trust_unsigned=args.trust_unsigned)
    if result.figure is None:
        raise OSError(f"nothing to show: {result.reason}; {'; '.join(result.notes)}")
    print(f"{args.file}: {'live' if result.live else 'image (' + str(result.reason) + ')'} in {args.backend}")
    plt.show()
    return 0


def _convert(args: argparse.Namespace) -> int:
    target, how = convert(args.file, args.out, key=_key(args), trust_unsigned=args.trust_unsigned, dpi=args.dpi)
    print(f"wrote {target}: {how}")
    return 0


def _listen(args: argparse.Namespace) -> int:
    try:
        from ._listen import listen
    except ImportError as exc:
        raise OSError(f"the viewer needs pyzmq (pip install 'figwire[zmq]'): {exc}") from None
    import zmq

    key = _key(args)
    if args.signed_only and key is None:
        raise ValueError("--signed-only needs a key: --key-file, $FIGWIRE_KEY or $FIGWIRE_KEY_FILE")
    try:
        listen(
            args.endpoint,
            args.backend,
            key=key,
            connect=args.connect,
            trust_unsigned=args.trust_unsigned,
            replay=not args.no_replay_guard,
            progressive=not args.no_progressive,
            request_endpoint=args.request,
            count=args.count,
            log=lambda line: print(line, flush=True),
            signed_only=args.signed_only,
        )
    except zmq.ZMQError as exc:
        raise OSError(f"cannot {'connect to' if args.connect else 'bind'} {args.endpoint}: {exc}") from None
    return 0


def _console(args: argparse.Namespace) -> int:
    try:
        from .jupyter.console import main as console
    except ImportError as exc:
        raise OSError(f"the console needs jupyter_console (pip install 'figwire[jupyter]'): {exc}") from None
    return console(args.console_args, backend=args.backend)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m figwire",
        description="Move live matplotlib figures between processes. Start with `demo`; `listen` shows figures"
        " sent by scripts (MPLBACKEND=module://figwire.backend); `console` is a Jupyter console whose figures"
        " open as live windows. Every command fails with one line and exit status 2.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def keyed(cmd: argparse.ArgumentParser, trust: bool = True) -> None:
        cmd.add_argument("--key-file", type=Path, help="the shared key (default: $FIGWIRE_KEY or $FIGWIRE_KEY_FILE)")
        if trust:
            cmd.add_argument(
                "--trust-unsigned", action="store_true", help="load unsigned pickles (only for files you made yourself)"
            )

    run = commands.add_parser("demo", help="pack a sample figure, write demo.fgw, unpack it")
    run.add_argument(
        "--out", type=Path, default=Path("figwire-demo"), help="folder for the files (default: ./figwire-demo)"
    )
    run.add_argument("--backend", help="open the live figure in this GUI backend, e.g. TkAgg or QtAgg")

    read = commands.add_parser("inspect", help="print the envelope of a .fgw file")
    read.add_argument("file", type=Path)
    read.add_argument("--json", action="store_true", help="the envelope as JSON (bytes in base64)")
    keyed(read, trust=False)

    view = commands.add_parser("show", help="open a .fgw file in a window: live if it verifies, else its image")
    view.add_argument("file", type=Path)
    view.add_argument("--backend", default="TkAgg", help="GUI backend (default: TkAgg)")
    keyed(view)

    conv = commands.add_parser("convert", help="write a .fgw file's figure as PNG, SVG or PDF")
    conv.add_argument("file", type=Path)
    conv.add_argument("out", type=Path, help="the output file: .png, .svg or .pdf")
    conv.add_argument("--dpi", type=float, help="resolution when rendering the live figure")
    keyed(conv)

    lis = commands.add_parser(
        "listen",
        help="show figures sent to ENDPOINT (by module://figwire.backend or figwire.zmq.send) in windows",
        description="Bind a PULL socket at ENDPOINT (or, with --connect, connect a SUB socket to a"
        " hub) and open every figure received as a window: live when it verifies with the key,"
        " else its image with the reason. A figure sent again under the same label replaces its"
        " window. One line per figure.",
    )
    lis.add_argument("endpoint", help="e.g. tcp://127.0.0.1:5599 (the backend's default) or ipc:///tmp/figs")
    lis.add_argument("--backend", default="TkAgg", help="GUI backend (default: TkAgg)")
    lis.add_argument("--connect", action="store_true", help="connect a SUB socket (to a hub) instead of binding")
    lis.add_argument(
        "--request", metavar="ENDPOINT", help="the producer's REP endpoint: key L in an image window asks for it live"
    )
    lis.add_argument("--no-replay-guard", action="store_true", help="accept a message id seen before")
    lis.add_argument("--no-progressive", action="store_true", help="do not show the image before the live figure")
    lis.add_argument("--count", type=int, help="stop receiving after this many figures (windows stay open)")
    lis.add_argument(
        "--signed-only",
        action="store_true",
        help="refuse unsigned messages, images included (by default anyone who reaches the socket can open image windows)",
    )
    keyed(lis)

    con = commands.add_parser(
        "console",
        help="a Jupyter terminal console whose figures open as live windows",
        description="jupyter_console with figwire: starts a kernel (or attaches to one with"
        " --existing CONNECTION_FILE), loads the figwire extension in it, and opens each figure"
        " the kernel displays as a live window. Other arguments go to jupyter console.",
    )
    con.add_argument("--backend", default="TkAgg", help="GUI backend for the windows (default: TkAgg)")
    con.add_argument(
        "console_args", nargs=argparse.REMAINDER, help="arguments for jupyter console, e.g. --existing FILE"
    )

    fan = commands.add_parser(
        "hub",
        help="fan figures out: producers PUB to FRONTEND, viewers SUB to BACKEND (zmq.proxy)",
        description="Bind an XSUB socket at FRONTEND (producers connect PUB sockets) and an XPUB"
        " socket at BACKEND (viewers connect SUB sockets) and forward every message until"
        " interrupted. Messages pass unparsed: signed ones stay verifiable end to end.",
    )
    fan.add_argument("frontend", help="e.g. tcp://*:5601")
    fan.add_argument("backend", help="e.g. tcp://*:5602")
    return parser


def _console_args(argv: Sequence[str]) -> Tuple[str, List[str]]:
    """``console``'s ``--backend`` and, in their order, jupyter console's own arguments
    (argparse would move ``--existing FILE``'s value to the end)."""
    backend, rest, args = "TkAgg", [], list(argv)
    while args:
        arg = args.pop(0)
        if arg == "--backend" and args:
            backend = args.pop(0)
        elif arg.startswith("--backend="):
            backend = arg.partition("=")[2]
        else:
            rest.append(arg)
    return backend, rest


def main(argv: Optional[Sequence[str]] = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = _parser()
    if argv[:1] == ["console"] and not {"-h", "--help"} & set(argv):
        backend, rest = _console_args(argv[1:])
        args = argparse.Namespace(command="console", backend=backend, console_args=rest)
    else:
        args = parser.parse_args(argv)
    commands = {"inspect": _inspect, "show": _show, "convert": _convert, "listen": _listen, "console": _console}
    try:
        if args.command == "hub":
            return _hub(args.frontend, args.backend)
        if args.command == "demo":
            if args.backend is None:
                import matplotlib

                matplotlib.use("Agg")
            return demo(args.out, args.backend)
        return commands[args.command](args)
    except (FigwireError, OSError, ValueError) as exc:
        print(f"python -m figwire {args.command}: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
