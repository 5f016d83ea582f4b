"""Borrowed frames (spec §5.6): a scene reads the pickle's out-of-band buffers instead of
sending the same bytes twice.

What must hold: the default message carries each big array once; the scene built from
it is the scene built without borrowing (same document, same pixels); borrowing follows
identical bytes only (never an equally long array with other bytes); a borrowed frame is
checked by its lender's digest; a forwarder that drops the pickle hands the frames over;
an unsigned message's scene reads the buffers without the pickle ever being loaded.
"""

from __future__ import annotations

import dataclasses
import secrets

import numpy as np
import pytest
from figures import close
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

import figwire
from figwire import _codec, _unpickler
from figwire.scene import decode_scene, encode_scene, encode_scene_lent
from figwire.scene._schema import SCENE_OOB_THRESHOLD

KEY = secrets.token_bytes(32)


def _figure(n: int = 300, seed: int = 0) -> Figure:
    """An image big enough for out-of-band buffers, with NaNs (a masked array), and a line."""
    rng = np.random.default_rng(seed)
    data = rng.standard_normal((n, n))
    data[rng.random((n, n)) < 0.05] = np.nan
    fig = Figure(figsize=(4, 3), dpi=72)
    FigureCanvasAgg(fig)
    ax, bx = fig.subplots(1, 2)
    ax.imshow(data, cmap="viridis")
    x = np.linspace(0, 1, 20_000)
    bx.plot(x, np.sin(40 * x))
    return fig


def _pixels(fig: Figure) -> np.ndarray:
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return np.asarray(canvas.buffer_rgba()).copy()


def _sent_bytes(frames) -> int:
    return sum(_codec.as_view(f).nbytes for f in frames)


def test_the_default_message_carries_each_big_array_once_and_builds_the_same_scene() -> None:
    fig = _figure()
    lent = figwire.pack(fig)
    plain = figwire.pack(fig, codec="zlib")  # a compressed pickle lends nothing
    close(fig)
    header = figwire.inspect(lent)
    scene, pickle = header.scene, header.pickle
    assert scene is not None and pickle is not None and scene.borrows
    assert set(scene.borrows) <= set(pickle.frames[1:])
    assert not figwire.inspect(plain).scene.borrows
    own = sum(scene.sizes)
    borrowed = sum(_codec.as_view(lent[i]).nbytes for i in scene.borrows)
    assert borrowed > 10 * own, "the big arrays are the borrowed ones"
    # the document read through the borrowed frames is the one a scene framing its own writes
    via_lender = decode_scene(_codec.part_buffers(lent, header, scene))
    alone = figwire.strip(lent, ["scene"])  # the scene takes the frames as its own
    alone_header = figwire.inspect(alone)
    assert not alone_header.scene.borrows
    assert _same_doc(via_lender, decode_scene(_codec.part_buffers(alone, alone_header, alone_header.scene)))
    a, b = figwire.unpack(lent), figwire.unpack(alone)  # unsigned: live by scene, no trust
    assert (a.tier, b.tier) == ("scene", "scene"), (a.reason, b.reason)
    assert np.array_equal(_pixels(a.figure), _pixels(b.figure))
    close(a.figure)
    close(b.figure)


def _same_doc(x, y) -> bool:
    if isinstance(x, np.ndarray):
        return isinstance(y, np.ndarray) and x.dtype == y.dtype and np.array_equal(x, y, equal_nan=x.dtype.kind == "f")
    if isinstance(x, dict):
        return isinstance(y, dict) and x.keys() == y.keys() and all(_same_doc(x[k], y[k]) for k in x)
    if isinstance(x, list):
        return isinstance(y, list) and len(x) == len(y) and all(map(_same_doc, x, y))
    return x == y


def test_an_unsigned_scene_reads_the_pickle_s_buffers_without_loading_the_pickle(monkeypatch) -> None:
    fig = _figure()
    frames = figwire.pack(fig)
    close(fig)

    def refuse(*args, **kwargs):
        raise AssertionError("the pickle of an unauthenticated message was loaded")

    monkeypatch.setattr(_unpickler, "load", refuse)
    result = figwire.unpack(frames, key=KEY)  # a key, but the message is not signed
    assert result.tier == "scene" and result.live, result.reason
    close(result.figure)


def test_a_tampered_borrowed_frame_fails_the_scene_by_its_lender_s_digest() -> None:
    fig = _figure()
    frames = figwire.pack(fig, digest="sha256")
    close(fig)
    header = figwire.inspect(frames)
    index = header.scene.borrows[0]
    frames[index] = bytearray(_codec.as_view(frames[index]))
    frames[index][-1] ^= 1
    with pytest.raises(figwire.DecodeError) as info:
        _codec.part_buffers(frames, header, header.scene)
    assert info.value.code is figwire.ErrorCode.DIGEST_MISMATCH
    result = figwire.unpack(frames)
    assert result.tier == "image/png" and not result.live and "digest" in result.reason


def test_a_signed_message_stripped_of_its_pickle_keeps_a_working_scene() -> None:
    fig = _figure()
    frames = figwire.pack(fig, key=KEY, digest="blake2b")
    close(fig)
    stripped = figwire.strip(frames, ["scene", "image/png"], key=KEY)
    header = figwire.verify(stripped, KEY)
    assert header.pickle is None and not header.scene.borrows
    assert header.scene.digests is not None and len(header.scene.digests) == len(header.scene.frames)
    assert _sent_bytes(stripped) < _sent_bytes(frames)
    result = figwire.unpack(stripped, key=KEY)
    assert result.tier == "scene", result.reason
    close(result.figure)
    kept = figwire.strip(frames, ["pickle", "scene"], key=KEY)  # the lender stays: borrows renumbered
    result = figwire.unpack(kept, key=KEY)
    assert result.tier == "pickle" and figwire.inspect(kept).scene.borrows
    close(result.figure)


def test_a_pickle_left_out_for_the_client_s_size_limit_lends_nothing() -> None:
    fig = _figure()
    pickle_bytes = figwire.inspect(figwire.pack(fig, parts=["pickle"])).pickle.nbytes
    caps = figwire.capabilities()
    caps.update(max_message_bytes=pickle_bytes // 2, pickle=False)
    frames = figwire.pack(fig, accept=caps, parts=["pickle", "scene"])
    close(fig)
    header = figwire.inspect(frames)
    assert header.pickle is None
    if header.scene is not None:
        assert not header.scene.borrows


# -- the sans-IO rule: borrow identical bytes, and only those --------------------------------

_DTYPES = st.sampled_from(["<f8", "<f4", "<i4", "<u1", "<i8", ">f8", "|b1"])
_SIZES = st.sampled_from([SCENE_OOB_THRESHOLD - 8, SCENE_OOB_THRESHOLD, SCENE_OOB_THRESHOLD + 1, 3 * SCENE_OOB_THRESHOLD])


@st.composite
def _arrays(draw):
    """A 1-D array of any scene dtype (any bytes, so NaNs and odd bools too) around the
    out-of-band threshold."""
    dtype = np.dtype(draw(_DTYPES))
    n = max(1, draw(_SIZES) // dtype.itemsize)
    rng = np.random.default_rng(draw(st.integers(0, 2**32)))
    raw = rng.integers(0, draw(st.sampled_from([1, 2, 256])), n * dtype.itemsize, dtype=np.uint8)  # zeros, bits, any
    return raw.view(dtype)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    arrays=st.lists(_arrays(), min_size=1, max_size=4),
    lend=st.lists(st.sampled_from(["copy", "same", "other", "none"]), min_size=4, max_size=4),
)
def test_a_scene_borrows_exactly_the_lendable_buffers_with_its_bytes(arrays, lend) -> None:
    """Each array may have a lendable twin: the same memory, a copy, or an equally long
    buffer with one byte changed (a decoy). The encoded scene borrows twins only, and
    decodes (with its borrowed frames appended) to the very arrays."""
    lendable, twin_of = [], {}
    for k, (array, how) in enumerate(zip(arrays, lend)):
        raw = array.view(np.uint8)
        if how == "same":
            twin_of[k] = len(lendable)
            lendable.append(memoryview(raw))
        elif how == "copy":
            twin_of[k] = len(lendable)
            lendable.append(bytes(raw))
        elif how == "other" and raw.nbytes:
            decoy = bytearray(raw)
            decoy[len(decoy) // 2] ^= 0xFF
            lendable.append(bytes(decoy))
    doc = {"arrays": list(arrays)}
    own, borrowed = encode_scene_lent(doc, lendable)
    framed = [k for k, a in enumerate(arrays) if a.nbytes >= SCENE_OOB_THRESHOLD]
    assert set(borrowed) == {twin_of[k] for k in framed if k in twin_of}
    decoded = decode_scene([*own, *(lendable[j] for j in borrowed)])
    for got, want in zip(decoded["arrays"], arrays):
        assert got.tobytes() == np.ascontiguousarray(want).tobytes()
    # without borrowing, the same document bytes but for the frame numbers, and the same arrays
    plain = decode_scene(encode_scene(doc))
    assert all(a.tobytes() == b.tobytes() for a, b in zip(plain["arrays"], decoded["arrays"]))


def test_a_decoder_that_ignores_borrows_refuses_the_scene_and_shows_the_image() -> None:
    """§5.6 and §8: a 1.3 decoder reads a 1.4 message but not a borrowing scene, and
    says so with a figwire error, which sends the consumer to the image."""
    fig = _figure()
    frames = figwire.pack(fig)
    close(fig)
    header = figwire.inspect(frames)
    own = [frames[i] for i in header.scene.frames]  # what a decoder without borrows hands over
    with pytest.raises(figwire.DecodeError) as info:
        decode_scene(own)
    assert info.value.code is figwire.ErrorCode.FRAME_MISMATCH


def test_a_message_borrowing_thousands_of_frames_is_resolved_in_one_pass() -> None:
    """An unauthenticated message may borrow up to max_frames frames: resolving them (and
    a forwarder handing them over) is one pass over the part table, not a search per
    frame (that search took 7 s for these 30000 frames, about 30 s at max_frames)."""
    from figwire._codec import PartData, encode_envelope, encode_part
    from figwire._envelope import FigureFacts, Header, Part
    from figwire._facts import environment

    n = 30_000
    lender, lent = encode_part(
        PartData(Part("pickle", "application/vnd.figwire.pickle", (), (), protocol=5), tuple(b"%d" % i for i in range(n))),
        1,
    )
    borrower, own = encode_part(PartData(Part("x-borrower", "application/x-test", (), ()), (b"doc",)), n + 1)
    borrower = dataclasses.replace(borrower, borrows=tuple(reversed(lender.frames)))
    header = Header((1, 4), "id", 0.0, environment(), FigureFacts(), (lender, borrower))
    frames = [encode_envelope(header), *lent, *own]
    decoded = figwire.inspect(frames)
    buffers = _codec.part_buffers(frames, decoded, decoded.parts[1])
    assert len(buffers) == n + 1 and bytes(buffers[1]) == b"%d" % (n - 1) and bytes(buffers[-1]) == b"0"
    stripped = figwire.strip(frames, ["application/x-test"])
    alone = figwire.inspect(stripped).parts[0]
    assert not alone.borrows and len(alone.frames) == n + 1
    assert [bytes(b) for b in _codec.part_buffers(stripped, figwire.inspect(stripped), alone)] == [bytes(b) for b in buffers]
