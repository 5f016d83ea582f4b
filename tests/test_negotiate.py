"""Negotiation: a producer packs only what the advertising client can use."""

from __future__ import annotations

import json

import figures
import msgpack
import pytest

import figwire


@pytest.fixture(scope="module")
def caps():
    return figwire.capabilities(packages=["PIL"])


def kinds(frames):
    return [("pickle" if p.role == "pickle" else p.media_type) for p in figwire.inspect(frames).parts]


def test_advert_is_small_and_serialisable(caps) -> None:
    assert json.loads(json.dumps(caps)) == caps
    assert msgpack.unpackb(msgpack.packb(caps)) == caps
    assert len(msgpack.packb(caps)) < 400
    assert caps["formats"] == ["%d.%d" % figwire.FORMAT_VERSION] and caps["pickle"] is True and "PIL" in caps["packages"]


def test_same_environment_gets_pickle_and_its_favourite_fallback(caps) -> None:
    fig = figures.CORPUS["lines"]()
    assert kinds(figwire.pack(fig, accept=caps)) == ["pickle", "image/png"]
    svg_first = dict(caps, accept=["pickle", "image/svg+xml", "image/png"])
    assert kinds(figwire.pack(fig, accept=svg_first)) == ["pickle", "image/svg+xml"]


def test_other_matplotlib_minor_gets_no_pickle_and_says_why(caps) -> None:
    fig = figures.CORPUS["lines"]()
    major, minor = (int(v) for v in caps["matplotlib"].split(".")[:2])
    other = f"{major}.{minor - 1}.4"
    frames = figwire.pack(fig, accept=dict(caps, matplotlib=other, accept=["pickle", "image/svg+xml"]))
    assert kinds(frames) == ["image/svg+xml"]
    assert "matplotlib minor" in figwire.inspect(frames).missing["pickle"]


def test_client_that_never_loads_pickles_gets_none(caps) -> None:
    frames = figwire.pack(figures.CORPUS["lines"](), accept=dict(caps, pickle=False))
    assert kinds(frames) == ["application/vnd.figwire.scene", "image/png"]  # live without a pickle


def test_numpy_1_client_gets_a_pickle_it_can_load(caps) -> None:
    frames = figwire.pack(figures.CORPUS["dates"](), accept=dict(caps, numpy="1.26.4"))
    part = figwire.inspect(frames).pickle
    assert part is not None and (part.numpy_private is False or part.protocol == 4)


def test_missing_package_means_no_pickle(caps) -> None:
    header = figwire.inspect(figwire.pack(figures.CORPUS["lines"](), parts=("pickle",)))
    part = header.pickle
    needy = header.__class__(**{**header.__dict__, "parts": (part.__class__(**{**part.__dict__, "requires": {**part.requires, "pandas": "2.2.0"}}),)})
    remote = figwire._compat.remote_environment(dict(caps, packages={"pandas": "1.5.3"}))
    assert figwire.verdict(needy, remote).rule == "packages"
    assert figwire.verdict(needy, figwire._compat.remote_environment(caps)).ok, "not advertised: the receiver decides"


def test_size_limit_and_codecs_are_honoured(caps) -> None:
    fig = figures.CORPUS["lines"]()
    frames = figwire.pack(fig, accept=dict(caps, max_message_bytes=60_000))
    assert kinds(frames) == ["image/png"] and "limit" in figwire.inspect(frames).missing["pickle"]
    assert figwire.inspect(figwire.pack(fig, accept=dict(caps, codecs=["zlib"]), codec="zstd")).pickle.codec is None


def test_unknown_major_refused_unknown_fields_ignored(caps) -> None:
    fig = figures.CORPUS["lines"]()
    with pytest.raises(figwire.EncodeError) as info:
        figwire.pack(fig, accept=dict(caps, formats=["2.0"]))
    assert info.value.code is figwire.ErrorCode.UNSUPPORTED_VERSION
    assert kinds(figwire.pack(fig, accept=dict(caps, future_field=[1], accept=["image/webp", "image/png"]))) == ["image/png"]


def test_forwarder_strips_parts_without_touching_payloads() -> None:
    frames = figwire.pack(figures.CORPUS["imshow_cbar"](), parts=("pickle", "image/png", "image/svg+xml"))
    stripped = figwire.strip(frames, keep=["image/png"])
    header = figwire.inspect(stripped)
    assert kinds(stripped) == ["image/png"] and header.missing == {"pickle": "removed by a forwarder", "image/svg+xml": "removed by a forwarder"}
    png = figwire.inspect(frames).fallbacks[0].frames[0]
    assert stripped[1] is frames[png]
    assert not figwire.unpack(stripped, trust_unsigned=True).live
