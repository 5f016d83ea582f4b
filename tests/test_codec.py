"""The codec's contract: limits, codecs, digests, framing, zero-copy, and what it never imports."""

from __future__ import annotations

import subprocess
import sys
import zlib

import figures
import msgpack
import numpy as np
import pytest
from matplotlib.figure import Figure

import figwire
from figwire import ErrorCode, Limits, _codec


@pytest.fixture(scope="module")
def frames():
    return figwire.pack(figures.CORPUS["lines"](), parts=("pickle", "image/png"), msg_id="x", created=0.0)


def code_of(call) -> ErrorCode:
    with pytest.raises(figwire.FigwireError) as info:
        call()
    return info.value.code


@pytest.mark.parametrize(
    "kwargs",
    [{"parts": "pickle"}, {"parts": ("pickle", "image/gif")}, {"parts": ("pickle", "pickle")}, {"protocol": 3}, {"codec": "lz4"}, {"digest": "md5"}],
)
def test_bad_pack_arguments_are_encode_errors(kwargs) -> None:
    with pytest.raises(figwire.EncodeError) as info:
        figwire.pack(Figure(), **kwargs)
    assert info.value.code is ErrorCode.INVALID_ARGUMENT and isinstance(info.value, ValueError)


def test_limits_are_enforced_and_configurable(frames) -> None:
    assert code_of(lambda: figwire.inspect(frames, limits=Limits(max_frames=2))) is ErrorCode.LIMIT_EXCEEDED
    assert code_of(lambda: figwire.inspect(frames, limits=Limits(max_envelope_bytes=64))) is ErrorCode.LIMIT_EXCEEDED
    assert code_of(lambda: figwire.inspect(frames, limits=Limits(max_message_bytes=1000))) is ErrorCode.LIMIT_EXCEEDED
    assert code_of(lambda: figwire.unpack(frames, limits=Limits(max_parts=1))) is ErrorCode.LIMIT_EXCEEDED
    with pytest.raises(ValueError):
        Limits(max_frames=0)


def test_truncated_or_missing_frames_are_frame_mismatches(frames) -> None:
    assert code_of(lambda: figwire.inspect(frames[:-1])) is ErrorCode.FRAME_MISMATCH
    assert code_of(lambda: figwire.inspect([frames[0], frames[1][:-1], *frames[2:]])) is ErrorCode.FRAME_MISMATCH


def test_digest_mismatch_fails_only_that_part() -> None:
    sent = figwire.pack(figures.CORPUS["lines"](), digest="sha256")
    header = figwire.inspect(sent)
    cases = ((header.fallbacks[0], "pickle", True), (header.scene, "image/png", False), (header.pickle, "scene", True))
    for damaged, survivor, trusted in cases:
        frames = list(sent)
        frames[damaged.frames[0]] = bytearray(frames[damaged.frames[0]])
        frames[damaged.frames[0]][-1] ^= 1
        result = figwire.unpack(frames, trust_unsigned=trusted)
        assert result.tier == survivor and ("image/png" in result.fallbacks) == (damaged.role != "fallback")
        assert any(ErrorCode.DIGEST_MISMATCH.value in note for note in result.notes)


def test_missing_codec_is_reported_not_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("zstandard")
    sent = figwire.pack(figures.CORPUS["lines"](), codec="zstd")
    monkeypatch.setattr(_codec, "_zstd", lambda: None)
    result = figwire.unpack(sent, trust_unsigned=True)
    assert result.tier == "scene" and ErrorCode.CODEC_UNAVAILABLE.value in result.notes[0]
    assert "image/png" in result.fallbacks  # PNG (and the scene: arrays) are never compressed


def test_a_compressed_frame_cannot_inflate_past_its_declared_size() -> None:
    bomb = zlib.compress(bytes(50_000_000))
    with pytest.raises(figwire.DecodeError) as info:
        _codec._decompress("zlib", memoryview(bomb), 1000)
    assert info.value.code is ErrorCode.CODEC_ERROR


def test_envelope_is_decoded_from_private_contiguous_bytes(monkeypatch: pytest.MonkeyPatch, frames) -> None:
    """msgpack < 1.2 had a use-after-free on non-contiguous input: only bytes reach unpackb."""
    seen = []
    real = msgpack.unpackb
    monkeypatch.setattr(msgpack, "unpackb", lambda data, **kw: seen.append(type(data)) or real(data, **kw))
    figwire.inspect([memoryview(bytearray(frames[0])), *frames[1:]])
    assert seen == [bytes]
    strided = memoryview(np.frombuffer(bytes(frames[0]) * 2, np.uint8)[::2])
    assert code_of(lambda: figwire.inspect([strided, *frames[1:]])) is ErrorCode.MALFORMED


def test_join_split_is_zero_copy_aligned_and_strict(frames) -> None:
    blob = figwire.join(frames)
    back = figwire.split(blob)
    assert [bytes(f) for f in back] == [bytes(f) for f in frames]
    base = np.frombuffer(blob, np.uint8)
    for view in back:
        assert np.shares_memory(np.frombuffer(view, np.uint8), base)
        assert (np.frombuffer(view, np.uint8).ctypes.data - base.ctypes.data) % 64 == 0
    assert figwire.unpack(back, trust_unsigned=True).live
    assert code_of(lambda: figwire.split(blob + b"\0")) is ErrorCode.FRAME_MISMATCH
    assert code_of(lambda: figwire.split(blob[:-65])) is ErrorCode.FRAME_MISMATCH
    assert code_of(lambda: figwire.split(b"GIF89a" + blob)) is ErrorCode.MALFORMED


def test_import_and_inspect_touch_neither_matplotlib_nor_numpy_nor_the_transports(tmp_path, frames) -> None:
    path = tmp_path / "m.fgw"
    path.write_bytes(figwire.join(frames))
    code = (
        "import sys, figwire\n"
        f"h = figwire.inspect(figwire.split(open({str(path)!r}, 'rb').read()))\n"
        "assert h.figure.titles and h.pickle is not None\n"
        "bad = [m for m in ('matplotlib', 'numpy', 'zmq', 'figwire.zmq', 'figwire.jupyter', 'figwire.backend')"
        " if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_frames_travel_over_real_zmq_sockets_without_copies() -> None:
    zmq = pytest.importorskip("zmq")
    fig = figures.CORPUS["big_image"]()
    frames = figwire.pack(fig)
    context = zmq.Context()
    try:
        push, pull = context.socket(zmq.PUSH), context.socket(zmq.PULL)
        port = pull.bind_to_random_port("tcp://127.0.0.1")
        push.connect(f"tcp://127.0.0.1:{port}")
        push.send_multipart(frames, copy=False)
        assert pull.poll(10_000), "nothing arrived"
        received = pull.recv_multipart(copy=False)
        result = figwire.unpack(received, trust_unsigned=True)
        assert result.live and bytes(result.fallbacks["image/png"][:4]) == b"\x89PNG"
        data = result.figure.axes[0].images[0].get_array().data
        oob = figwire.inspect(received).pickle.frames[1]
        assert np.shares_memory(data, np.frombuffer(received[oob].buffer, np.uint8))
    finally:
        context.destroy(linger=0)
