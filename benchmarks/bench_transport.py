"""Transport benchmarks: figwire over ZeroMQ against what a user would write by hand.

Two processes on tcp loopback, in the same run, as ratios of medians:

* **latency**: from "show" in the sender to the live figure drawn (Agg) in the receiver.
  Hand-written: ``pickle.dumps(fig, protocol=5)`` -> ``send`` -> ``pickle.loads`` -> draw.
  figwire, as ``module://figwire.backend`` sends (its ``_Sender``): the signed live part
  first, then the PNG; the receiver verifies, unpacks, draws. Also the one-message form
  (``figwire.zmq.send(sock, fig)``: pickle + PNG together) with its time to first
  pixels (the PNG decoded) for progressive display. Target: figwire <= 1.1x by hand.
* **throughput**: figures/s and MB/s of the same frames, ``figwire.zmq.send``/``recv``
  vs raw ``send_multipart``/``recv_multipart`` (``copy=False`` both). Target >= 0.9x.

    python benchmarks/bench_transport.py [--repeat 9] [--output benchmarks/results-transport.md]
"""

from __future__ import annotations

import argparse
import io
import os
import pickle
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Dict, List

os.environ.setdefault("MPLBACKEND", "Agg")
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import zmq  # noqa: E402

import figwire  # noqa: E402
import figwire.zmq as fz  # noqa: E402
from figwire.backend import SenderConfig, _Sender  # noqa: E402

KEY = b"benchmark key, not a secret: 0123456789abcdef"
FIGURES = ["line 1e3", "dashboard 3x3", "imshow 2048"]
LATENCY_TARGET = 1.10
THROUGHPUT_TARGET = 0.90


# -- the receiving process -----------------------------------------------------------------


def receiver(ack: str) -> None:
    """Receive until told to stop: draw every live figure and ack the time it was drawn."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image

    ctx = zmq.Context()
    pull, push = ctx.socket(zmq.PULL), ctx.socket(zmq.PUSH)
    port = pull.bind_to_random_port("tcp://127.0.0.1")
    push.connect(ack)
    push.send(b"%d" % port)
    while True:
        parts = pull.recv_multipart(copy=False)
        head = bytes(parts[0].buffer[:4])
        if head == b"stop":
            return
        if head == b"cnt:":  # throughput: count messages, ack at the last
            n = int(bytes(parts[0].buffer[4:]))
            for _ in range(n - 1):
                pull.recv_multipart(copy=False)
            push.send(b"%f" % time.monotonic())
            continue
        if head == b"raw:":
            n = int(bytes(parts[0].buffer[4:]))
            for _ in range(n - 1):
                fz.recv(pull)
            push.send(b"%f" % time.monotonic())
            continue
        if head != figwire._spec.ENVELOPE_MAGIC:  # by hand
            fig = pickle.loads(parts[0].buffer)
            FigureCanvasAgg(fig).draw()
            push.send(b"%f" % time.monotonic())
            continue
        peek = figwire.inspect(parts)
        if peek.pickle is None and peek.related is not None:  # a pair's image half: a viewer skips it
            push.send(b"images")
            continue
        shown: Dict[str, float] = {}

        def first_pixels(header: Any, fallbacks: Any) -> None:
            png = fallbacks.get("image/png")
            if png is not None and header.pickle is not None:
                Image.open(io.BytesIO(bytes(png))).convert("RGBA").load()
                shown["first"] = time.monotonic()  # noqa: B023 (called before the loop moves on)

        result = figwire.unpack(parts, key=KEY, on_verified=first_pixels)
        assert result.live, result.reason
        FigureCanvasAgg(result.figure).draw()
        drawn = time.monotonic()
        push.send(b"%f %f" % (drawn, shown.get("first", drawn)))


# -- the sending side ----------------------------------------------------------------------


class Link:
    def __init__(self) -> None:
        self.ctx = zmq.Context()
        self.ack = self.ctx.socket(zmq.PULL)
        port = self.ack.bind_to_random_port("tcp://127.0.0.1")
        self.proc = subprocess.Popen([sys.executable, __file__, "--receiver", f"tcp://127.0.0.1:{port}"])
        self.endpoint = f"tcp://127.0.0.1:{int(self.ack.recv())}"
        self.push = self.ctx.socket(zmq.PUSH)
        self.push.connect(self.endpoint)
        self.sender = _Sender(SenderConfig(endpoint=self.endpoint, key=figwire.Key(KEY)))
        self.blake3 = None
        if "blake3" in figwire._auth.available_algorithms():
            self.blake3 = _Sender(SenderConfig(endpoint=self.endpoint, key=figwire.Key(KEY, "blake3")))

    def wait(self) -> List[float]:
        """The receiver's ack: the time(s) it reports (time.monotonic is system-wide)."""
        return [float(x) for x in self.ack.recv().split()]

    def close(self) -> None:
        self.push.send(b"stop")
        self.proc.wait(30)
        self.sender.close()
        if self.blake3 is not None:
            self.blake3.close()
        self.ctx.destroy(linger=0)


def latency(link: Link, fig: Any, repeat: int) -> Dict[str, List[float]]:
    out: Dict[str, List[float]] = {
        "hand": [], "figwire": [], "blake3": [], "one message": [], "first pixels": [], "first pixels, no scene": []
    }

    def hand() -> None:
        t0 = time.monotonic()
        link.push.send(pickle.dumps(fig, protocol=5))
        out["hand"].append(link.wait()[0] - t0)

    def backend() -> None:
        t0 = time.monotonic()
        link.sender.send(fig)  # live part, then the PNG
        out["figwire"].append(link.wait()[0] - t0)
        assert link.ack.recv() == b"images"

    def backend_blake3() -> None:
        if link.blake3 is None:
            out["blake3"].append(float("nan"))
            return
        t0 = time.monotonic()
        link.blake3.send(fig)
        out["blake3"].append(link.wait()[0] - t0)
        assert link.ack.recv() == b"images"

    def one_message() -> None:  # pack's default parts: pickle, scene, PNG
        t0 = time.monotonic()
        fz.send(link.sender._socket, fig, key=KEY, copy=True)
        drawn, first = link.wait()
        out["one message"].append(drawn - t0)
        out["first pixels"].append(first - t0)

    def one_message_no_scene() -> None:  # a producer that knows its viewers load pickles
        t0 = time.monotonic()
        fz.send(link.sender._socket, fig, key=KEY, copy=True, parts=["pickle", "image/png"])
        out["first pixels, no scene"].append(link.wait()[1] - t0)

    order = [hand, backend, backend_blake3, one_message, one_message_no_scene]
    for run in order:  # warm-up
        run()
    for key in out:
        out[key].clear()
    for _ in range(repeat):
        for run in order:
            run()
        order = order[1:] + order[:1]
    return out


def throughput(link: Link, frames: List[bytes], n: int, repeat: int) -> Dict[str, List[float]]:
    out: Dict[str, List[float]] = {"raw": [], "figwire": []}
    for _ in range(repeat + 1):
        for name in ("raw", "figwire"):
            t0 = time.monotonic()
            if name == "raw":
                link.push.send_multipart([b"cnt:%d" % n], copy=False)
                for _ in range(n - 1):
                    link.push.send_multipart(frames, copy=False)
            else:
                link.push.send_multipart([b"raw:%d" % n])
                for _ in range(n - 1):
                    fz.send(link.push, frames)
            out[name].append(link.wait()[0] - t0)
    return {k: v[1:] for k, v in out.items()}


def main(argv: Any = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--figures", default=",".join(FIGURES), help="comma-separated (default: %(default)s)")
    parser.add_argument("--output", type=Path, default=HERE / "results-transport.md")
    parser.add_argument("--receiver", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.receiver:
        receiver(args.receiver)
        return 0
    import bench

    link = Link()
    lines = [
        "# Transport benchmarks",
        "",
        f"`python benchmarks/bench_transport.py --repeat {args.repeat}`, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())},"
        f" load {os.getloadavg()[0]:.2f}; {bench.source_id()}",
        "",
        "## Latency: show in the sender -> live figure drawn in the receiver (tcp loopback, two processes)",
        "",
        "| figure | by hand (dumps, send, loads, draw) | figwire backend (hmac-sha256 live part, then PNG) | ratio"
        " | same, keyed BLAKE3 | ratio | one message (pickle, scene, PNG): live | its first pixels | first pixels / by hand"
        " | one message without the scene: first pixels / by hand | target (default) |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    failed = []
    try:
        figures = [n for n in args.figures.split(",") if n]
        for name in figures:
            fig = bench.get(name).fig
            s = latency(link, fig, args.repeat)
            ratio = statistics.median(f / h for f, h in zip(s["figwire"], s["hand"]))
            first = statistics.median(f / h for f, h in zip(s["first pixels"], s["hand"]))
            lean = statistics.median(f / h for f, h in zip(s["first pixels, no scene"], s["hand"]))
            fast = statistics.median(f / h for f, h in zip(s["blake3"], s["hand"]))
            mark = "PASS" if ratio <= LATENCY_TARGET else "FAIL"
            if mark == "FAIL":
                failed.append(f"latency {name}")
            lines.append(
                f"| {name} | {bench.cell(s['hand'])} | {bench.cell(s['figwire'])} | {ratio:.2f} | "
                f"{bench.cell(s['blake3'])} | {fast:.2f} | "
                f"{bench.cell(s['one message'])} | {bench.cell(s['first pixels'])} | {first:.2f} | {lean:.2f} |"
                f" ≤ {LATENCY_TARGET} {mark} |"
            )
        lines += [
            "",
            "## Throughput: the same frames, figwire.zmq.send/recv vs raw send_multipart/recv_multipart (copy=False)",
            "",
            "| figure | messages | message bytes | raw | figwire | figures/s (figwire) | MB/s (figwire) | ratio (raw time / figwire time) | target |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for name in figures:
            frames = [bytes(f) for f in figwire.pack(bench.get(name).fig, parts=["pickle"], key=KEY)]
            size = sum(len(f) for f in frames)
            n = max(20, min(2000, int(2e9 / size)))
            s = throughput(link, frames, n, args.repeat)
            ratio = statistics.median(r / f for r, f in zip(s["raw"], s["figwire"]))
            mark = "PASS" if ratio >= THROUGHPUT_TARGET else "FAIL"
            if mark == "FAIL":
                failed.append(f"throughput {name}")
            t = statistics.median(s["figwire"])
            lines.append(
                f"| {name} | {n} | {bench.fmt_b(size)} | {bench.cell(s['raw'])} | {bench.cell(s['figwire'])} |"
                f" {n / t:.0f} | {n * size / t / 1e6:.0f} | {ratio:.2f} | ≥ {THROUGHPUT_TARGET} {mark} |"
            )
    finally:
        link.close()
    lines += ["", f"Targets missed: {', '.join(failed) or 'none'}.", ""]
    text = "\n".join(lines)
    print(text)
    args.output.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
