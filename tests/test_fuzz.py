"""The decode invariant: any bytes give a result or a FigwireError, never another exception."""

from __future__ import annotations

import dataclasses

import figures
import msgpack
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import figwire
from figwire import _codec
from figwire._spec import ENVELOPE_MAGIC

VALID = figwire.pack(figures.CORPUS["lines"](), parts=("pickle", "image/png"), digest="sha256", codec="zlib", msg_id="f", created=0.0)
ENVELOPE = bytes(VALID[0])
JOINED = figwire.join(VALID)
PLAIN = figwire.pack(figures.CORPUS["lines"](), parts=("pickle", "image/png"))


def decodes_or_refuses(call) -> None:
    try:
        call()
    except figwire.FigwireError:
        pass


def unpack_untrusted(frames) -> None:
    result = figwire.unpack(frames)
    assert result.reason is not None and result.figure is None


@given(st.lists(st.binary(max_size=64), max_size=5), st.booleans())
def test_any_frames(frames, with_magic) -> None:
    if frames and with_magic:
        frames[0] = ENVELOPE_MAGIC + frames[0]
    decodes_or_refuses(lambda: figwire.inspect(frames))
    decodes_or_refuses(lambda: unpack_untrusted(frames))


def msgpack_values():
    scalars = st.none() | st.booleans() | st.integers(-(2**63), 2**64 - 1) | st.floats() | st.text(max_size=8) | st.binary(max_size=8)
    return st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=20)


@given(st.dictionaries(st.sampled_from(["figwire", "id", "created", "producer", "figure", "parts", "missing", "x"]), msgpack_values()))
def test_any_envelope_map(wire) -> None:
    frame = ENVELOPE_MAGIC + msgpack.packb(wire, use_bin_type=True)
    decodes_or_refuses(lambda: figwire.inspect([frame]))


@given(st.data())
def test_envelope_with_one_field_replaced(data) -> None:
    wire = msgpack.unpackb(ENVELOPE[len(ENVELOPE_MAGIC):], raw=False)
    path = [data.draw(st.sampled_from(sorted(wire)))]
    target = wire
    while isinstance(target[path[-1]], (dict, list)) and target[path[-1]] and data.draw(st.booleans()):
        target = target[path[-1]]
        path.append(data.draw(st.sampled_from(sorted(target) if isinstance(target, dict) else range(len(target)))))
    target[path[-1]] = data.draw(msgpack_values())
    frame = ENVELOPE_MAGIC + msgpack.packb(wire, use_bin_type=True)
    decodes_or_refuses(lambda: unpack_untrusted([frame, *VALID[1:]]))


@given(st.integers(0, len(ENVELOPE) - 1), st.integers(1, 255))
def test_flipped_envelope_byte(position, mask) -> None:
    frame = bytearray(ENVELOPE)
    frame[position] ^= mask
    decodes_or_refuses(lambda: unpack_untrusted([bytes(frame), *VALID[1:]]))


def test_envelope_truncated_at_every_offset() -> None:
    for end in range(len(ENVELOPE)):
        with pytest.raises(figwire.FigwireError):
            figwire.inspect([ENVELOPE[:end], *VALID[1:]])


def test_joined_message_truncated_at_every_header_offset() -> None:
    for end in list(range(0, 256)) + [len(JOINED) - 1]:
        with pytest.raises(figwire.FigwireError):
            figwire.split(JOINED[:end])


@given(st.binary(max_size=300))
def test_split_any_bytes(data) -> None:
    decodes_or_refuses(lambda: figwire.split(data))
    decodes_or_refuses(lambda: figwire.split(JOINED[:32] + data))


@settings(max_examples=60)
@given(st.data())
def test_trusted_unpack_of_a_corrupted_pickle_falls_back(data) -> None:
    """Even a trusted, corrupted pickle ends as a fallback with a reason, not an exception."""
    stream = bytearray(PLAIN[1])
    for _ in range(data.draw(st.integers(1, 4))):
        stream[data.draw(st.integers(0, len(stream) - 1))] = data.draw(st.integers(0, 255))
    header = figwire.inspect(PLAIN)
    part = dataclasses.replace(header.pickle, sizes=(len(stream),))
    frames = [_codec.encode_envelope(dataclasses.replace(header, parts=(part, header.parts[1]))), bytes(stream), PLAIN[2]]
    result = figwire.unpack(frames, trust_unsigned=True)
    assert result.live or (result.reason and "image/png" in result.fallbacks)
