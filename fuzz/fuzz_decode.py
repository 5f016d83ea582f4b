"""Coverage-guided fuzzing of figwire's decode paths with atheris (libFuzzer).

The invariant, for any input: ``split``, ``inspect``, ``verify`` and ``unpack`` return a
result or raise a ``FigwireError``; never another exception, never a hang, never
unbounded memory. libFuzzer enforces the last two (``-timeout``, ``-rss_limit_mb``).

Each input is read as one of six shapes (its first byte chooses):

0. a joined message (``.fgw`` bytes): ``split``, then ``inspect`` and ``unpack`` with a key;
1. a signed seed message with bytes of the input written over one frame, or frames
   dropped, repeated or appended: ``verify`` and ``unpack`` with the key (all refused);
2. an unsigned seed message with an input envelope: ``inspect`` and ``unpack`` (no pickle loads);
3. a seed message with an input pickle stream, loaded with ``trust_unsigned=True``:
   figwire's hardened loader on arbitrary bytes, which must fall back, not raise;
4. a control message (spec §15.2) with an input map, alone or followed by the tag of a
   signed request: ``decode_control`` with and without the key;
5. a seed message whose scene document (spec §16) is the input: ``unpack`` with no key
   (the scene needs none), and a figure it rebuilds must draw.

Run (from the repository root; ``pip install -e ".[test,fuzz]"``)::

    python fuzz/fuzz_decode.py -max_total_time=600 -rss_limit_mb=4096 -timeout=20 fuzz/corpus
    python fuzz/fuzz_decode.py -atheris_runs=2000        # a bounded smoke run (tests/test_fuzz_atheris.py)

A crash writes the input to ``crash-<hash>``; replay it with ``python fuzz/fuzz_decode.py crash-<hash>``.
"""

from __future__ import annotations

import os
import sys
from dataclasses import replace

os.environ.setdefault("MPLBACKEND", "Agg")

import atheris  # noqa: E402

with atheris.instrument_imports(include=["figwire"]):
    import figwire
    from figwire._codec import encode_envelope
    from figwire._control import Request, decode_control, encode_control
    from figwire._spec import CONTROL_MAGIC, ENVELOPE_MAGIC
    from figwire.scene import _build, draw_for_scene  # noqa: F401  (_build: instrumented too)

import numpy as np  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

KEY = b"figwire fuzzing key, not a secret: 0123456789"


def _seed_figure() -> Figure:
    fig = Figure(figsize=(2, 1.5), dpi=40)
    ax = fig.add_subplot()
    ax.plot(np.arange(10_000.0), np.cos(np.arange(10_000.0)))  # out-of-band buffers
    ax.set_title("seed")
    return fig


def _scene_seed_figure() -> Figure:
    """Small arrays only, so that the whole scene is the one document frame the input replaces."""
    fig = Figure(figsize=(2, 1.5), dpi=40)
    ax = fig.add_subplot()
    ax.plot([0, 1, 3], [2, 1, 4], "o--", label="line")
    ax.scatter([1, 2], [3, 1], c=[0.2, 0.8], s=[10, 40])
    ax.imshow(np.arange(16.0).reshape(4, 4), extent=(0, 3, 0, 4))
    ax.bar([0.5, 2.5], [1, 2], hatch="/")
    ax.annotate("peak", (3, 4), (1, 3.5), arrowprops={"arrowstyle": "->"})
    ax.legend()
    ax.set_title("$x^2$ scene")
    return fig


SIGNED = [bytes(f) for f in figwire.pack(_seed_figure(), key=KEY)]
SCENE = [bytes(f) for f in figwire.pack(_scene_seed_figure(), parts=("scene", "image/png"))]
UNSIGNED = [bytes(f) for f in figwire.pack(_seed_figure(), parts=("pickle",))]
LIMITS = figwire.Limits(max_message_bytes=1 << 24, max_frames=64)
REQUEST = encode_control(Request(label="seed"), key=KEY)


def _decode(frames: list) -> None:
    """The decode calls whose only allowed failure is a FigwireError."""
    try:
        figwire.inspect(frames, limits=LIMITS)
    except figwire.FigwireError:
        pass
    try:
        figwire.verify(frames, KEY, limits=LIMITS)
    except figwire.FigwireError:
        pass
    try:
        result = figwire.unpack(frames, key=KEY, limits=LIMITS)
    except figwire.FigwireError:
        return
    if result.tier == "pickle" and not result.authenticated:
        raise AssertionError("a pickle loaded from an unauthenticated message")


def test_one_input(data: bytes) -> None:
    if not data:
        return
    shape = data[0] % 6  # the first byte, plainly: seeds below rely on it
    fdp = atheris.FuzzedDataProvider(data[1:])
    if shape == 0:
        try:
            frames = figwire.split(fdp.ConsumeBytes(fdp.remaining_bytes()), limits=LIMITS)
        except figwire.FigwireError:
            return
        _decode(list(frames))
    elif shape == 1:
        frames = list(SIGNED)
        k = fdp.ConsumeIntInRange(0, len(frames) - 1)
        action = fdp.ConsumeIntInRange(0, 3)
        if action == 0:  # overwrite part of frame k
            at = fdp.ConsumeIntInRange(0, max(0, len(frames[k]) - 1))
            patch = fdp.ConsumeBytes(fdp.ConsumeIntInRange(0, 64))
            frames[k] = frames[k][:at] + patch + frames[k][at + len(patch) :]
        elif action == 1:
            del frames[k]
        elif action == 2:
            frames.insert(fdp.ConsumeIntInRange(0, len(frames)), frames[k])
        else:
            frames.append(fdp.ConsumeBytes(fdp.remaining_bytes()))
        if frames == SIGNED:
            return
        try:
            figwire.unpack(frames, key=KEY, limits=LIMITS)
        except figwire.FigwireError as exc:
            if exc.code.value not in ("auth-failed", "limit-exceeded"):
                raise AssertionError(f"a tampered signed message gave {exc.code.value}") from None
            return
        raise AssertionError("a tampered signed message was accepted")
    elif shape == 2:
        _decode([ENVELOPE_MAGIC + fdp.ConsumeBytes(fdp.remaining_bytes()), *UNSIGNED[1:]])
    elif shape == 5:
        _scene(fdp.ConsumeBytes(fdp.remaining_bytes()))
    elif shape == 4:
        with_tag = fdp.ConsumeBool()
        frames = [CONTROL_MAGIC + fdp.ConsumeBytes(fdp.remaining_bytes())] + ([REQUEST[1]] if with_tag else [])
        for key in (None, KEY):
            try:
                _, signed = decode_control(frames, key=key, limits=LIMITS)
            except figwire.FigwireError:
                continue
            if signed and frames[0] != REQUEST[0]:
                raise AssertionError("a changed control message verified")
    else:
        frames = [UNSIGNED[0], fdp.ConsumeBytes(len(UNSIGNED[1])).ljust(len(UNSIGNED[1]), b"."), *UNSIGNED[2:]]
        try:
            result = figwire.unpack(frames, trust_unsigned=True, limits=LIMITS)
        except figwire.FigwireError:
            return
        assert result.live or result.reason


def _scene(document: bytes) -> None:
    """The seed message with ``document`` as its scene's document frame (the envelope
    re-encoded with that frame's size, so that the scene itself is what is tested)."""
    header = figwire.inspect(SCENE)
    scene = header.scene
    parts = tuple(replace(p, sizes=(len(document),)) if p is scene else p for p in header.parts)
    frames = [encode_envelope(replace(header, parts=parts)), *SCENE[1:]]
    frames[scene.frames[0]] = document
    result = figwire.unpack(frames, limits=LIMITS)  # no key, no opt-in: never a pickle, never an exception
    if result.tier == "scene":
        draw_for_scene(result.figure)  # a figure the scene tier returns draws
    elif result.live:
        raise AssertionError(f"live by {result.tier} without authentication")


def seeds() -> dict:
    """Starting inputs, one per shape: libFuzzer mutates real messages far sooner than it
    would invent one."""
    small = [bytes(f) for f in figwire.pack(Figure(figsize=(1, 1)), parts=("pickle",), key=KEY)]
    return {
        "joined-signed": b"\x00" + figwire.join(small),
        "joined-unsigned": b"\x00" + figwire.join(UNSIGNED[:2]),
        "tamper": b"\x01\x00\x00\x00",
        "envelope": b"\x02" + UNSIGNED[0][len(ENVELOPE_MAGIC) :],
        "pickle": b"\x03" + UNSIGNED[1],
        "control": b"\x04\x01" + REQUEST[0][len(CONTROL_MAGIC) :],
        "scene": b"\x05" + SCENE[figwire.inspect(SCENE).scene.frames[0]],
    }


def main() -> None:
    corpus = [a for a in sys.argv[1:] if not a.startswith("-")]
    if corpus and os.path.isdir(corpus[0]) and not os.listdir(corpus[0]):
        for name, data in seeds().items():
            with open(os.path.join(corpus[0], name), "wb") as f:
                f.write(data)
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
