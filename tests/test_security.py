"""A pickle is code: figwire loads one only when told to trust it, and then only allowed names."""

from __future__ import annotations

import dataclasses
import fractions
import io
import logging
import os
import pickle
from pathlib import Path
from typing import Any, List

import matplotlib.cbook
import matplotlib.pyplot as plt
import pytest
from matplotlib.backends import backend_pdf
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

import figwire
from figwire import ErrorCode, _codec, _pickler


def message_with_pickle(stream: bytes) -> List[Any]:
    """A well-formed figwire message whose pickle part is ``stream``."""
    frames = figwire.pack(Figure(), parts=("pickle",))
    header = figwire.inspect(frames)
    part = dataclasses.replace(header.pickle, frames=(1,), sizes=(len(stream),))
    return [_codec.encode_envelope(dataclasses.replace(header, parts=(part,))), stream]


def figwire_pickle(obj: Any) -> bytes:
    """``obj`` pickled the way figwire's producer does (arrays by public numpy names)."""
    out = io.BytesIO()
    _pickler.FigurePickler(out, 5).dump(obj)
    return out.getvalue()


class Reduce:
    """Pickles as ``func(*args)``: how a malicious pickle calls things."""

    def __init__(self, func: Any, *args: Any) -> None:
        self.func, self.args = func, args

    def __reduce__(self) -> Any:
        return self.func, self.args


def payloads(target: Path):
    touch = ["touch", str(target)]
    fig = Figure()
    yield "os.system", Reduce(os.system, f"touch {target}"), "posix.system"
    yield "eval", Reduce(eval, f"open({str(target)!r}, 'w')"), "builtins.eval"
    # A module-prefix rule (matplotlib.*) would allow command execution through matplotlib itself.
    yield "matplotlib prefix escape", Reduce(matplotlib.cbook._check_and_log_subprocess, touch, logging.getLogger()), "_check_and_log_subprocess"
    # A "matplotlib classes only" list still lets a pickle create or truncate any file.
    yield "matplotlib class escape", Reduce(backend_pdf.PdfFile, str(target)), "PdfFile"
    # Bound methods come back through builtins.getattr: only allowed methods may.
    yield "getattr(fig, 'savefig')", Reduce(fig.savefig, str(target)), "savefig"
    yield "formatter calling os.system", FuncFormatter(os.system), "posix.system"


@pytest.mark.parametrize("name", ["os.system", "eval", "matplotlib prefix escape", "matplotlib class escape", "getattr(fig, 'savefig')", "formatter calling os.system"])
def test_malicious_pickles_are_refused_without_side_effects(tmp_path: Path, name: str) -> None:
    target = tmp_path / "pwned"
    _, payload, named = next(p for p in payloads(target) if p[0] == name)
    frames = message_with_pickle(figwire_pickle(payload))

    result = figwire.unpack(frames, trust_unsigned=True)

    assert not result.live and result.figure is None
    assert f"[{ErrorCode.PICKLE_REFUSED.value}]" in result.notes[0] and named in result.reason
    assert not target.exists()


def test_untrusted_message_is_never_unpickled(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("unpickled an untrusted message")

    monkeypatch.setattr("figwire._unpickler.load", fail)
    result = figwire.unpack(figwire.pack(Figure()))
    assert result.tier == "scene" and any("not authenticated" in n for n in result.notes)
    assert "image/png" in result.fallbacks


def test_a_pickle_that_is_not_a_figure_is_not_returned() -> None:
    result = figwire.unpack(message_with_pickle(pickle.dumps([1, 2, 3])), trust_unsigned=True)
    assert not result.live and "not a Figure" in result.reason


def test_a_pickle_asking_to_be_registered_with_pyplot_is_not() -> None:
    fig = plt.figure()  # a stock pickle of a pyplot figure asks to be re-registered on load
    stream = pickle.dumps(fig, protocol=5)
    plt.close("all")
    result = figwire.unpack(message_with_pickle(stream), trust_unsigned=True)  # numpy's own array reduction: checked
    assert result.live and plt.get_fignums() == []
    assert result.figure.canvas.manager is None


def test_caller_can_allow_more_names() -> None:
    stream = pickle.dumps(Reduce(fractions.Fraction, 1, 3), protocol=5)
    assert "fractions.Fraction" in figwire.unpack(message_with_pickle(stream), trust_unsigned=True).reason
    result = figwire.unpack(message_with_pickle(stream), trust_unsigned=True, allow=[("fractions", "Fraction")])
    assert "not a Figure" in result.reason  # got past the policy


@pytest.mark.parametrize("shape", ["nested in a list", "in a pickle that then fails"])
def test_a_figure_registering_itself_during_load_leaves_no_trace_in_pyplot(shape: str) -> None:
    mine = plt.figure(num=1)  # the client's own figure, current
    nested = plt.figure(num=2)  # a stock pickle of a pyplot figure re-registers it on load
    obj = [nested] if shape == "nested in a list" else [nested, Reduce(int, "not a number")]
    stream = pickle.dumps(obj, protocol=5)
    plt.close(nested)
    result = figwire.unpack(message_with_pickle(stream), trust_unsigned=True)
    assert not result.live
    assert plt.get_fignums() == [1] and plt.gcf() is mine, "the load left a figure registered with pyplot"


def _png_header(width: int, height: int) -> bytes:
    """A PNG that declares ``width`` x ``height`` pixels and holds none (no IDAT)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)) + chunk(b"IEND", b"")


@pytest.mark.parametrize(
    "data, media_type, needle",
    [
        (_png_header(9_000, 9_000), "image/png", "over 67108864 pixels"),  # under Pillow's own limits
        (_png_header(40_000, 40_000), "image/png", "exceeds limit"),  # Pillow refuses these itself
        (b'<svg xmlns="http://www.w3.org/2000/svg" width="100000in" height="100000in"></svg>', "image/svg+xml", "over"),
        (b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"></svg>', "image/svg+xml", "width and height"),
    ],
)
def test_an_image_that_declares_too_many_pixels_is_refused_before_decoding(data, media_type, needle) -> None:
    """A fallback image from an unauthenticated producer is shown, so its size is checked
    from its header before Pillow or cairosvg allocate anything for it."""
    from figwire import _gui

    if media_type == "image/svg+xml":
        pytest.importorskip("cairosvg")
    with pytest.raises(ValueError, match=needle):
        _gui._decode(data, media_type, 100)
