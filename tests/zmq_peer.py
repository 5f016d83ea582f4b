"""A second process for the ZeroMQ tests: a producer or a consumer on real sockets.

    python zmq_peer.py push ENDPOINT COUNT          # connect PUSH, send COUNT figures
    python zmq_peer.py pull ENDPOINT COUNT          # bind PULL, unpack COUNT figures, report
    python zmq_peer.py pub ENDPOINT COUNT READY     # connect PUB to a hub; send hellos until READY says go
    python zmq_peer.py sub ENDPOINT COUNT READY     # connect SUB to a hub; report what it unpacked

The key is ``FIGWIRE_KEY`` in the environment (``figwire.key_from_env``). Reports are one
JSON line on stdout.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time

os.environ.setdefault("MPLBACKEND", "Agg")

import numpy as np  # noqa: E402
import zmq  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

import figwire  # noqa: E402
import figwire.zmq as fz  # noqa: E402


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 2**20


def _figure() -> "tuple[Figure, object]":
    fig = Figure(figsize=(3, 2))
    (line,) = fig.add_subplot().plot(np.zeros(200))
    return fig, line


def push(endpoint: str, count: int) -> None:
    key = figwire.key_from_env()
    sock = zmq.Context.instance().socket(zmq.PUSH)
    sock.setsockopt(zmq.LINGER, 60_000)
    sock.setsockopt(zmq.SNDHWM, 16)  # a short queue: the receiver's memory then measures the receiver
    sock.connect(endpoint)
    fig, line = _figure()
    for i in range(count):
        line.set_ydata(np.full(200, float(i)))
        fig.set_label(f"figure {i}")
        fz.send(sock, fig, key=key, parts=["pickle"], copy=True)  # the figure changes after each send
    sock.close()
    zmq.Context.instance().term()  # waits (up to LINGER) until the queue is delivered


def pull(endpoint: str, count: int) -> None:
    key = figwire.key_from_env()
    sock = fz.limit(zmq.Context.instance().socket(zmq.PULL))
    sock.setsockopt(zmq.RCVHWM, 16)
    sock.bind(endpoint)
    seen, rss, bad = set(), {}, []
    for n in range(1, count + 1):
        result = fz.recv(sock).unpack(key=key)
        ys = result.figure.axes[0].lines[0].get_ydata() if result.live else None
        label = result.header.figure.label
        if not (result.live and result.authenticated and ys is not None and f"figure {int(ys[0])}" == label):
            bad.append(label)
        seen.add(label)
        del result, ys
        if n in (count // 4, count):
            rss[n] = _rss_mb()
    print(json.dumps({"distinct": len(seen), "bad": bad[:5], "rss": rss}))


def pub(endpoint: str, count: int, ready: str) -> None:
    key = figwire.key_from_env()
    ctx = zmq.Context.instance()
    sock = ctx.socket(zmq.PUB)
    sock.connect(endpoint)
    go = ctx.socket(zmq.PULL)
    go.connect(ready)
    fig, line = _figure()
    while not go.poll(50):  # a hello until every subscriber has heard one (slow joiners)
        fz.send(sock, fig, key=key, prefix=[b"hello"], parts=["pickle"])
    go.recv()
    for i in range(count):
        line.set_ydata(np.full(200, float(i)))
        fig.set_label(f"figure {i}")
        fz.send(sock, fig, key=key, prefix=[b"figures"], parts=["pickle"], copy=True)
    sock.close(linger=10_000)
    go.close()
    ctx.term()


def sub(endpoint: str, count: int, ready: str) -> None:
    key = figwire.key_from_env()
    ctx = zmq.Context.instance()
    sock = ctx.socket(zmq.SUB)
    sock.setsockopt(zmq.SUBSCRIBE, b"")
    sock.connect(endpoint)
    tell = ctx.socket(zmq.PUSH)
    tell.connect(ready)
    labels, told = [], False
    deadline = time.monotonic() + 60
    while len(labels) < count and time.monotonic() < deadline:
        if not sock.poll(1000):
            continue
        received = fz.recv(sock)
        if received.prefix == (b"hello",):
            if not told:
                tell.send(b"ready")
                told = True
            continue
        result = received.unpack(key=key)
        assert result.live and result.authenticated, result.reason
        labels.append(result.header.figure.label)
    print(json.dumps({"labels": labels}))
    tell.close(linger=1000)


if __name__ == "__main__":
    mode, endpoint, count, *rest = sys.argv[1:]
    {"push": push, "pull": pull, "pub": pub, "sub": sub}[mode](endpoint, int(count), *rest)
