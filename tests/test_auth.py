"""Authenticated messages (spec §13.1, §13.5): signing, verifying, tampering, the loading rule.

Real figures, real pickles, real out-of-band frames. Every tamper case is checked for what
did *not* happen too: no part decoded, no pickle loaded, no envelope field used.
"""

from __future__ import annotations

import os

import figures
import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from matplotlib.figure import Figure

import figwire
from figwire import ErrorCode, _auth, _unpickler
from figwire._spec import AUTH_MAGIC

KEY = b"test key for figwire's own tests, 42 bytes"
OTHER = b"a different key, same length and strength"


def _figure() -> Figure:
    fig = Figure(figsize=(3, 2), dpi=50)
    ax = fig.add_subplot()
    x = np.linspace(0, 1, 20_000)  # 160 KB per array: out-of-band frames
    ax.plot(x, np.sin(9 * x))
    ax.set_title("signed")
    return fig


SIGNED = figwire.pack(_figure(), key=KEY)
OTHER_SIGNED = figwire.pack(_figure(), key=KEY)  # same shape, another id: for splicing
UNSIGNED = figwire.pack(_figure())


def refused(frames, key=KEY) -> figwire.FigwireError:
    with pytest.raises(figwire.FigwireError) as info:
        figwire.unpack(frames, key=key)
    return info.value


@pytest.fixture
def nothing_decoded(monkeypatch: pytest.MonkeyPatch):
    """Fail if any part is decoded or any pickle loaded."""

    def fail(*args, **kwargs):
        raise AssertionError("a part of an unauthenticated message was used")

    monkeypatch.setattr("figwire._unpack.part_buffers", fail)
    monkeypatch.setattr(_unpickler, "load", fail)


def test_signed_message_loads_live_and_draws_like_the_figure() -> None:
    fig = _figure()
    frames = figwire.pack(fig, key=KEY)
    assert len(frames) >= 5 and bytes(frames[-1]).startswith(AUTH_MAGIC)  # envelope, pickle, 2 buffers, png, tag
    result = figwire.unpack(frames, key=KEY)
    assert result.live and result.authenticated and result.header.auth.alg == "hmac-sha256"
    np.testing.assert_array_equal(figures.render_rgba(result.figure), figures.render_rgba(fig))


@pytest.mark.parametrize("alg", figwire._auth.available_algorithms())
def test_every_algorithm_round_trips_and_names_itself(alg: str) -> None:
    key = figwire.Key(KEY, alg, id="k1")
    frames = figwire.pack(_figure(), key=key)
    header = figwire.verify(frames, KEY)  # the verifier accepts any algorithm it has
    assert header.auth.alg == alg
    assert header.auth.key_id == "k1" and header.version >= (1, 1)
    assert figwire.unpack(frames, key=KEY).live


def test_blake3_is_offered() -> None:
    assert "blake3" in figwire._auth.available_algorithms()  # the test extra installs it


def test_unsigned_message_with_a_key_shows_images_but_never_loads_the_pickle(monkeypatch) -> None:
    def fail(*args, **kwargs):
        raise AssertionError("unpickled an unsigned message")

    monkeypatch.setattr(_unpickler, "load", fail)
    result = figwire.unpack(UNSIGNED, key=KEY)
    assert result.tier == "scene" and not result.authenticated  # the scene needs no trust
    assert any("not signed" in n for n in result.notes) and "image/png" in result.fallbacks
    images_only = figwire.unpack(figwire.strip(UNSIGNED, ["pickle", "image/png"]), key=KEY)
    assert not images_only.live and "not signed" in images_only.reason


def test_without_a_key_nothing_is_authenticated_and_the_opt_in_is_explicit(monkeypatch) -> None:
    result = figwire.unpack(SIGNED)
    assert result.tier == "scene" and any("not authenticated" in n for n in result.notes)
    assert figwire.unpack(SIGNED, trust_unsigned=True).tier == "pickle"
    assert figwire.unpack(UNSIGNED, trust_unsigned=True).tier == "pickle"


def test_wrong_key_is_refused_whole(nothing_decoded) -> None:
    assert refused(SIGNED, OTHER).code is ErrorCode.AUTH_FAILED
    assert pytest.raises(figwire.DecodeError, figwire.verify, SIGNED, OTHER).value.code is ErrorCode.AUTH_FAILED
    assert pytest.raises(figwire.DecodeError, figwire.inspect, SIGNED, key=OTHER).value.code is ErrorCode.AUTH_FAILED


def test_verify_tells_unsigned_from_tampered() -> None:
    assert figwire.verify(SIGNED, KEY).auth is not None
    assert pytest.raises(figwire.DecodeError, figwire.verify, UNSIGNED, KEY).value.code is ErrorCode.NOT_SIGNED


# -- tampering: every mutation of a signed message is refused, nothing of it used ---------------


def _mutations(frames):
    n = len(frames)
    frame = st.integers(0, n - 1)

    def flip(k, pos, bit):
        f = bytearray(frames[k])
        if not f:
            return None
        f[pos % len(f)] ^= 1 << bit
        return [*frames[:k], bytes(f), *frames[k + 1 :]]

    def truncate(k, cut):
        f = bytes(frames[k])
        return [*frames[:k], f[: max(0, len(f) - 1 - cut % max(1, len(f)))], *frames[k + 1 :]]

    def drop(k):
        return [*frames[:k], *frames[k + 1 :]]

    def duplicate(k, at):
        out = list(frames)
        out.insert(at % (n + 1), frames[k])
        return out

    def swap(a, b):
        out = list(frames)
        out[a], out[b] = out[b], out[a]
        return out

    def append(data):
        return [*frames, data]

    def splice(k):
        return [*frames[:k], OTHER_SIGNED[k], *frames[k + 1 :]] if k < len(OTHER_SIGNED) else None

    def shift(k, count):  # move bytes across the boundary of frames k and k+1: same concatenation
        if k + 1 >= n:
            return None
        a, b = bytes(frames[k]), bytes(frames[k + 1])
        c = 1 + count % max(1, len(b))
        return [*frames[:k], a + b[:c], b[c:], *frames[k + 2 :]]

    def extend(k, data):
        return [*frames[:k], bytes(frames[k]) + data, *frames[k + 1 :]]

    return st.one_of(
        st.builds(flip, frame, st.integers(0, 1 << 24), st.integers(0, 7)),
        st.builds(truncate, frame, st.integers(0, 1 << 16)),
        st.builds(drop, frame),
        st.builds(duplicate, frame, st.integers(0, n)),
        st.builds(swap, frame, frame),
        st.builds(append, st.binary(max_size=40) | st.just(bytes(frames[-1]))),
        st.builds(splice, frame),
        st.builds(shift, frame, st.integers(0, 1 << 16)),
        st.builds(extend, frame, st.binary(min_size=1, max_size=8)),
    )


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(mutated=_mutations([bytes(f) for f in SIGNED]))
def test_any_tampering_is_refused_with_the_tampered_code(mutated, nothing_decoded) -> None:
    assume(mutated is not None and mutated != [bytes(f) for f in SIGNED] and len(mutated) >= 1)
    assert refused(mutated).code is ErrorCode.AUTH_FAILED


def test_envelope_is_not_decoded_before_a_tag_fails(monkeypatch) -> None:
    frames = list(SIGNED)
    frames[0] = bytes(frames[0])[:-1] + b"\xc1"  # now invalid msgpack too: must not matter

    def fail(*args, **kwargs):
        raise AssertionError("decoded the envelope of a message whose tag fails")

    monkeypatch.setattr(_auth, "read_header", fail)
    monkeypatch.setattr(_auth, "decode_envelope_map", fail)
    assert refused(frames).code is ErrorCode.AUTH_FAILED


def test_replaying_a_signed_message_is_refused_by_a_guard() -> None:
    guard = figwire.ReplayGuard()
    frames = figwire.pack(_figure(), key=KEY)
    assert figwire.unpack(frames, key=KEY, replay=guard).live
    with pytest.raises(figwire.DecodeError) as info:
        figwire.unpack(frames, key=KEY, replay=guard)
    assert info.value.code is ErrorCode.REPLAYED


def test_limits_are_checked_before_any_hashing(monkeypatch) -> None:
    def fail(*args, **kwargs):
        raise AssertionError("hashed an oversized message")

    monkeypatch.setattr(_auth, "compute_tag", fail)
    total = sum(memoryview(f).nbytes for f in SIGNED)
    for limits in (
        figwire.Limits(max_message_bytes=total - 1),
        figwire.Limits(max_frames=len(SIGNED) - 1),
        figwire.Limits(max_envelope_bytes=memoryview(SIGNED[0]).nbytes - 1),
    ):
        with pytest.raises(figwire.LimitExceededError):
            figwire.unpack(SIGNED, key=KEY, limits=limits)


# -- forwarders ---------------------------------------------------------------------------------


def test_strip_drops_the_tag_and_a_forwarder_can_sign_again() -> None:
    stripped = figwire.strip(SIGNED, ["image/png"])
    assert figwire.inspect(stripped).auth is None
    assert pytest.raises(figwire.DecodeError, figwire.verify, stripped, KEY).value.code is ErrorCode.NOT_SIGNED
    resigned = figwire.strip(SIGNED, ["image/png"], key=OTHER)
    assert figwire.verify(resigned, OTHER).missing == {"pickle": "removed by a forwarder", "scene": "removed by a forwarder"}
    (png,) = [p for p in figwire.inspect(SIGNED).parts if p.media_type == "image/png"]
    assert resigned[1] is SIGNED[png.frames[0]]  # passed on, not copied


def test_sign_keeps_unknown_envelope_fields_and_passes_frames_through() -> None:
    import msgpack

    wire = msgpack.unpackb(bytes(UNSIGNED[0])[4:])
    wire["x-future"] = {"nested": [1, 2.5, b"bin"]}
    message = [bytes(UNSIGNED[0])[:4] + msgpack.packb(wire, use_bin_type=True), *UNSIGNED[1:]]
    signed = figwire.sign(message, KEY)
    assert all(a is b for a, b in zip(signed[1:-1], message[1:]))
    assert msgpack.unpackb(bytes(signed[0])[4:])["x-future"] == {"nested": [1, 2.5, b"bin"]}
    assert figwire.unpack(signed, key=KEY).live
    assert figwire.verify(figwire.sign(signed, OTHER), OTHER)  # re-signing replaces the old tag
    assert len(figwire.sign(signed, OTHER)) == len(signed)


def test_signing_copies_no_frame(monkeypatch) -> None:
    """The MAC is fed each frame's own buffer: a 64 MB out-of-band frame is not copied."""
    seen = []
    real = _auth._mac

    class Spy:
        def __init__(self, mac):
            self.mac = mac

        def update(self, data):
            seen.append(data)
            self.mac.update(data)

        def digest(self):
            return self.mac.digest()

    monkeypatch.setattr(_auth, "_mac", lambda alg, secret: Spy(real(alg, secret)))
    big = np.arange(8 << 20, dtype=np.float64)
    frames = [b"\x89FGW" + b"\x80", memoryview(big).cast("B")]
    tag = _auth.compute_tag([memoryview(f) for f in frames], "hmac-sha256", KEY)
    assert len(tag) == 32
    assert any(isinstance(d, memoryview) and d.obj is big for d in seen)


# -- keys -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "weak", [b"", "", b"short", b"a" * 64, b"abababababababababab", "0000000000000000000000", 12345, None]
)
def test_weak_or_wrong_keys_are_refused_clearly(weak) -> None:
    with pytest.raises(figwire.InvalidKeyError) as info:
        figwire.pack(Figure(), key=weak) if weak is not None else figwire.Key(None)  # type: ignore[arg-type]
    assert info.value.code is ErrorCode.INVALID_KEY


def test_a_key_never_appears_in_reprs_or_errors(tmp_path) -> None:
    secret = "do-not-print-me-7f3a9c2e11d4"
    key = figwire.Key(secret.encode())
    assert secret not in repr(key) and secret not in str(key) and "28 bytes" in repr(key)
    path = tmp_path / "key"
    path.write_text(secret)
    path.chmod(0o644)
    with pytest.raises(figwire.InvalidKeyError) as info:
        figwire.key_from_file(path)
    assert secret not in str(info.value) and "chmod 600" in str(info.value)
    with pytest.raises(figwire.InvalidKeyError) as info:
        figwire.key_from_env({"FIGWIRE_KEY": secret, "FIGWIRE_AUTH_ALG": "md5"})
    assert secret not in str(info.value)


def test_str_and_bytes_keys_are_the_same_key() -> None:
    text = "a jupyter-style key 3f9e-11aa"
    frames = figwire.pack(_figure(), key=text)
    assert figwire.verify(frames, text.encode("utf-8")).auth is not None


def _connection_file(tmp_path, **fields):
    import json

    info = {"shell_port": 1, "iopub_port": 2, "transport": "tcp", "ip": "127.0.0.1", **fields}
    path = tmp_path / "kernel-1234.json"
    path.write_text(json.dumps(info))
    path.chmod(0o600)
    return path


def test_key_from_a_jupyter_connection_file(tmp_path) -> None:
    path = _connection_file(tmp_path, key="8c4d33ab-5e1f4f0c9a7b21d6e3f0aa11", signature_scheme="hmac-sha256")
    key = figwire.key_from_connection_file(path)
    assert key.secret == b"8c4d33ab-5e1f4f0c9a7b21d6e3f0aa11" and key.alg == "hmac-sha256"
    assert figwire.key_from_file(path) == key  # a key file may be a connection file
    assert figwire.key_from_env({"FIGWIRE_KEY_FILE": str(path)}) == key
    sha512 = _connection_file(tmp_path, key="8c4d33ab-5e1f4f0c9a7b21d6e3f0aa11", signature_scheme="hmac-sha512")
    assert figwire.key_from_connection_file(sha512).alg == "hmac-sha512"


@pytest.mark.parametrize(
    "fields, words",
    [
        ({"key": "", "signature_scheme": "hmac-sha256"}, "empty key"),
        ({"signature_scheme": "hmac-sha256"}, "no 'key'"),
        ({"key": "8c4d33ab-5e1f4f0c9a7b21d6e3f0aa11", "signature_scheme": "hmac-md5"}, "hmac-md5"),
    ],
)
def test_bad_connection_files_are_refused_with_why(tmp_path, fields, words) -> None:
    with pytest.raises(figwire.InvalidKeyError) as info:
        figwire.key_from_connection_file(_connection_file(tmp_path, **fields))
    assert words in str(info.value)


def test_key_files_and_the_environment(tmp_path) -> None:
    path = tmp_path / "figwire.key"
    path.write_bytes(b"  a-plain-key-file-0123456789abcdef\n")
    path.chmod(0o600)
    assert figwire.key_from_file(path).secret == b"a-plain-key-file-0123456789abcdef"
    assert figwire.key_from_env({}) is None
    env_key = figwire.key_from_env({"FIGWIRE_KEY": "an-env-key-0123456789abcdef", "FIGWIRE_AUTH_ALG": "blake3"})
    assert env_key.alg == "blake3"
    with pytest.raises(figwire.InvalidKeyError, match="set one"):
        figwire.key_from_env({"FIGWIRE_KEY": "x" * 20, "FIGWIRE_KEY_FILE": str(path)})
    with pytest.raises(figwire.InvalidKeyError, match="cannot read"):
        figwire.key_from_file(tmp_path / "absent")
    with pytest.raises(figwire.InvalidKeyError, match="key file"):
        figwire.key_from_file(tmp_path)
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo, 0o600)
    with pytest.raises(figwire.InvalidKeyError, match="not a regular file"):  # and does not block
        figwire.key_from_file(fifo)
