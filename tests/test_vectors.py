"""figwire against its conformance vectors (spec/figwire-1.rst §14), and the vectors' own hygiene.

Every case runs through figwire's public decoder: ``inspect`` for envelopes, the part
reader for parts, ``split``/``join`` for the joined form, ``verdict`` for verdicts; and
negotiation through the producer's own steps: ``Advert.read(...).plan(...)`` for plans,
``pack``'s pickle decision (``_negotiated_pickle``) for pickles, ``strip`` for forwarders. The
envelope JSON Schema is checked against real packed figures, so the schema describes
what the encoder writes, not only what the vectors hold.
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional

import jsonschema
import matplotlib.colors
import msgpack
import numpy as np
import pytest
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

import figwire
from figwire import ErrorCode, _auth, _compat, _pack
from figwire._codec import PartData, available_codecs, encode_envelope, part_buffers
from figwire._envelope import FigureFacts, Header, Part
from figwire._negotiate import ALL_PARTS, Advert
from figwire._spec import ENVELOPE_MAGIC, FALLBACK_TYPES, Codec, MediaType, Role, format_version_str

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "spec" / "figwire-1.rst"
VECTORS = ROOT / "spec" / "vectors"
KINDS = ("valid", "invalid", "join", "verdict", "negotiate", "auth", "control", "scene")

#: Where figwire departs from the spec today, by "<file>/<case id>" (a skip ledger, as
#: python-jsonschema keeps one). Each runs as a strict xfail: once figwire is fixed the
#: case passes, the xfail fails, and its entry here has to go.
_UNCHECKED = "Advert.read does not check the types of figwire, python, matplotlib, numpy, pickle or packages (§12.2)"
DEVIATIONS: Dict[str, str] = {}

#: The codes a decoder raises from received bytes alone (§9); invalid.json covers each.
DECODER_CODES = {"malformed", "unsupported-version", "limit-exceeded", "frame-mismatch", "digest-mismatch", "codec-unavailable", "codec-error"}


def load(kind: str) -> Dict[str, Any]:
    return json.loads((VECTORS / f"{kind}.json").read_text(encoding="utf-8"))


def params(kind: str, having: Optional[str] = None) -> List[Any]:
    """The cases of ``kind`` as pytest params; with ``having``, only the cases with that key."""
    out = []
    for case in load(kind)["cases"]:
        if having is not None and having not in case:
            continue
        reason = DEVIATIONS.get(f"{kind}/{case['id']}")
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        out.append(pytest.param(case, id=case["id"], marks=marks))
    return out


def frames_of(case: Mapping[str, Any]) -> List[bytes]:
    return [base64.b64decode(f) for f in case["frames"]]


def limits_of(case: Mapping[str, Any]) -> figwire.Limits:
    return figwire.Limits(**case.get("limits", {}))


def b64(data: Any) -> str:
    return base64.b64encode(bytes(data)).decode("ascii")


def code_of(call: Any) -> str:
    with pytest.raises(figwire.DecodeError) as info:
        call()
    return info.value.code.value


# -- what figwire decoded, in the vectors' form ------------------------------------------------

_PART_FIELDS = (
    "codec", "raw_sizes", "digest", "digests", "protocol", "requires", "numpy_private", "width", "height", "dpi", "borrows"
)


def part_form(part: Part) -> Dict[str, Any]:
    out: Dict[str, Any] = {"role": part.role, "type": part.media_type, "frames": list(part.frames), "sizes": list(part.sizes)}
    for name in _PART_FIELDS:
        value = getattr(part, name)
        if name == "digests" and value is not None:
            value = [b64(d) for d in value]
        elif isinstance(value, tuple):
            value = list(value) or None  # an empty borrows is not written
        elif name == "requires":
            value = dict(value) or None
        if value is not None:
            out[name] = value
    return out


def header_form(header: Header) -> Dict[str, Any]:
    out: Dict[str, Any] = {"version": format_version_str(header.version), "id": header.id, "created": header.created}
    if header.missing:
        out["missing"] = dict(header.missing)
    pickle_part = header.pickle
    out.update(
        producer=dict(header.producer),
        figure=header.figure.to_wire(),
        parts=[part_form(p) for p in header.parts],
        pickle=None if pickle_part is None else next(i for i, p in enumerate(header.parts) if p is pickle_part),
    )
    return out


# -- the vectors ------------------------------------------------------------------------------


@pytest.mark.parametrize("case", params("valid"))
def test_valid(case: Dict[str, Any]) -> None:
    frames = frames_of(case)
    header = figwire.inspect(frames, limits=limits_of(case))
    expected = case["expected"]
    without_data = {**expected, "parts": [{k: v for k, v in p.items() if k != "data"} for p in expected["parts"]]}
    assert header_form(header) == without_data
    for part, wanted in zip(header.parts, expected["parts"]):
        if "data" not in wanted:
            continue
        if part.codec is not None and part.codec not in available_codecs():  # §14: a decoder without zstd
            with pytest.raises(figwire.DecodeError) as info:
                part_buffers(frames, header, part)
            assert info.value.code is ErrorCode.CODEC_UNAVAILABLE
            continue
        assert [b64(b) for b in part_buffers(frames, header, part)] == wanted["data"]
    if case["roundtrip"]:
        assert encode_envelope(header) == frames[0]


@pytest.mark.parametrize("case", params("invalid"))
def test_invalid(case: Dict[str, Any]) -> None:
    frames, limits = frames_of(case), limits_of(case)
    if "part" not in case:
        assert code_of(lambda: figwire.inspect(frames, limits=limits)) == case["error"]
        return
    header = figwire.inspect(frames, limits=limits)  # the envelope itself is fine
    part = header.parts[case["part"]]
    expected = case["error"]
    if part.codec is not None and part.codec in {c.value for c in Codec} and part.codec not in available_codecs():
        expected = ErrorCode.CODEC_UNAVAILABLE.value  # §14: a decoder without zstd refuses the part
    assert code_of(lambda: part_buffers(frames, header, part)) == expected


@pytest.mark.parametrize("case", params("auth"))
def test_auth(case: Dict[str, Any]) -> None:
    """figwire verifies (or refuses) each message as the vector says, before decoding it."""
    frames, limits, key = frames_of(case), limits_of(case), base64.b64decode(case["key"])
    if "error" in case:
        assert code_of(lambda: figwire.inspect(frames, key=key, limits=limits)) == case["error"]
        if case["error"] == "auth-failed":
            assert code_of(lambda: figwire.verify(frames, key, limits=limits)) == "auth-failed"
        return
    expected = case["expected"]
    header = figwire.inspect(frames, key=key, limits=limits)
    if not expected["signed"]:
        assert header.auth is None and code_of(lambda: figwire.verify(frames, key)) == "not-signed"
        return
    assert figwire.verify(frames, key, limits=limits).auth == header.auth
    assert header.auth is not None and header.auth.alg == expected["alg"]
    tag = base64.b64decode(expected["tag"])
    assert frames[-1].endswith(tag)
    assert _auth.compute_tag([memoryview(f) for f in frames[:-1]], expected["alg"], key) == tag
    # Re-signing the verified message with the same key gives the same bytes (sign is deterministic).
    again = figwire.sign(frames, figwire.Key(key, expected["alg"], header.auth.key_id))
    assert [bytes(f) for f in again] == frames


@pytest.mark.parametrize("case", params("control"))
def test_control(case: Dict[str, Any]) -> None:
    """figwire reads (or refuses) each control message as the vector says."""
    from figwire._control import decode_control

    frames, key = frames_of(case), None if case["key"] is None else base64.b64decode(case["key"])
    if "error" in case:
        assert code_of(lambda: decode_control(frames, key=key)) == case["error"]
        return
    message, signed = decode_control(frames, key=key)
    expected = dict(case["expected"])
    assert signed == expected.pop("signed") and type(message).__name__.lower() == expected.pop("type")
    for name, value in expected.items():
        assert getattr(message, name) == value, name


@pytest.mark.parametrize("case", params("scene"))
def test_scene(case: Dict[str, Any]) -> None:
    """figwire rebuilds (or refuses) each scene part as the vector says."""
    from matplotlib.collections import Collection, QuadMesh
    from matplotlib.image import AxesImage
    from matplotlib.legend import Legend
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    from matplotlib.text import Text

    from figwire.scene import SceneLimits, draw_for_scene, rebuild

    limits = SceneLimits(**case.get("scene_limits", {}))
    frames = frames_of(case)
    if "error" in case:
        assert code_of(lambda: rebuild(frames, limits)) == case["error"]
        return
    fig, skipped = rebuild(frames, limits)
    draw_for_scene(fig)
    expected = case["expected"]
    assert len(skipped) == expected["skipped"], skipped
    from mpl_toolkits.mplot3d import art3d

    kinds = [("line3d", art3d.Line3D), ("points3d", art3d.Path3DCollection), ("polys3d", art3d.Poly3DCollection),
             ("lines3d", art3d.Line3DCollection), ("patch3d", art3d.Patch3D), ("text3d", art3d.Text3D),
             ("line", Line2D), ("mesh", QuadMesh), ("collection", Collection), ("image", AxesImage), ("patch", Patch),
             ("text", Text), ("legend", Legend)]  # fmt: skip; the first class an artist is an instance of names it
    assert len(fig.axes) == len(expected["axes"])
    colorbars = {c["axes"]: c for c in expected.get("colorbars", [])}
    for i, (ax, want) in enumerate(zip(fig.axes, expected["axes"])):
        assert list(ax.get_xlim()) == want["xlim"] and list(ax.get_ylim()) == want["ylim"]
        if i in colorbars:  # made by this matplotlib, beside its parents: its artists are its own
            made, parents = ax._colorbar, [fig.axes[p] for p in colorbars[i]["parents"]]
            assert (made.orientation, made.extend) == (colorbars[i]["orientation"], colorbars[i]["extend"])
            assert list(ax._colorbar_info["parents"]) == parents
            continue
        built = [a for a in ax.get_children() if a not in (ax.title, ax._left_title, ax._right_title, ax.patch, *ax.spines.values())]
        counts: dict = {}
        for artist in built:
            name = next((name for name, cls in kinds if isinstance(artist, cls)), None)
            if name is not None:
                counts[name] = counts.get(name, 0) + 1
        assert counts == want["artists"]
    if "first_line" in expected:
        line = next(a for ax in fig.axes for a in ax.lines)
        want = expected["first_line"]
        assert list(matplotlib.colors.to_rgba(line.get_color())) == want["color"]
        if "xy" in want:
            assert line.get_xydata().tolist() == want["xy"]
        else:
            assert len(line.get_xydata()) == want["xy_len"]
    assert [[t.get_text() for t in legend.get_texts()] for legend in fig.legends] == expected.get("figure_legends", [])
    for want in expected.get("spines", []):
        spine = fig.axes[want["axes"]].spines[want["name"]]
        assert [list(spine.get_position()), spine.get_visible()] == [want["position"], want["visible"]]
    for i, j in expected.get("shared_x", []):
        assert fig.axes[i].get_shared_x_axes().joined(fig.axes[i], fig.axes[j])


@pytest.mark.parametrize("case", params("join"))
def test_join(case: Dict[str, Any]) -> None:
    data = base64.b64decode(case["data"])
    if "error" in case:
        assert code_of(lambda: figwire.split(data, limits=limits_of(case))) == case["error"]
        return
    assert [bytes(f) for f in figwire.split(data, limits=limits_of(case))] == frames_of(case)
    if case["roundtrip"]:
        assert figwire.join(frames_of(case)) == data


def _verdict_header(case: Mapping[str, Any]) -> Header:
    parts = ()
    facts = case["pickle"]
    if facts is not None:
        parts = (
            Part(
                role=Role.PICKLE.value,
                media_type=MediaType.PICKLE.value,
                frames=(1,),
                sizes=(0,),
                protocol=facts.get("protocol"),
                requires=facts["requires"],
                numpy_private=facts.get("numpy_private"),
            ),
        )
    return Header(version=(1, 0), id="verdict", created=0.0, producer=case["producer"], figure=FigureFacts(), parts=parts)


def _environment(consumer: Mapping[str, Any]) -> _compat.Environment:
    packages = consumer["packages"]

    def package(name: str) -> Optional[str]:
        return packages.get(name, _compat.UNKNOWN)  # not listed: nothing is known about it

    return _compat.Environment(consumer["matplotlib"], consumer["numpy"], consumer["highest_protocol"], package)


@pytest.mark.parametrize("case", params("verdict"))
def test_verdict(case: Dict[str, Any]) -> None:
    result = figwire.verdict(_verdict_header(case), _environment(case["consumer"]))
    expected = case["expected"]
    assert (result.ok, result.rule) == (expected["ok"], expected.get("rule"))


def test_verdict_vectors_name_every_rule() -> None:
    named = {c["expected"].get("rule") for c in load("verdict")["cases"]}
    assert named - {None} == {"pickle"} | {rule.name for rule in _compat.RULES}


# -- negotiation (§12) ------------------------------------------------------------------------

#: figwire's texts for the reasons of §12.3, by prefix: ``Plan.left_out`` holds text only.
REASON_TEXTS = {
    "not sent: the client does not load pickles": "not-accepted",
    "not sent: the client does not accept it": "not-accepted",
    "not sent: the client prefers another part": "not-preferred",
    "not sent: the client reads pickle protocols up to ": "protocol",
}


def reason_of(text: str) -> str:
    return next((name for prefix, name in REASON_TEXTS.items() if text.startswith(prefix)), text)


def test_requested_null_is_every_part_in_table_order() -> None:
    assert ALL_PARTS == ("pickle", "scene") + FALLBACK_TYPES


@pytest.mark.parametrize("case", params("negotiate", having="requested"))
def test_negotiate_plan(case: Dict[str, Any]) -> None:
    requested = ALL_PARTS if case["requested"] is None else tuple(case["requested"])

    def planned() -> Any:
        return Advert.read(case["advert"]).plan(requested, case["codec"], case["protocol"])

    if "error" in case:
        with pytest.raises(figwire.EncodeError) as info:
            planned()
        assert info.value.code.value == case["error"]
        return
    plan = planned()
    got = {
        "parts": list(plan.parts),
        "codec": plan.codec,
        "protocol": plan.protocol if "pickle" in plan.parts else None,
        "left_out": {name: reason_of(text) for name, text in plan.left_out.items()},
    }
    assert got == case["expected"]


@pytest.mark.parametrize("case", params("negotiate", having="pickle"))
def test_negotiate_pickle(case: Dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    """``pack``'s own decision, with the producer's environment and the pickling replaced by the case's facts."""
    facts = case["pickle"]
    made = Part(
        role=Role.PICKLE.value,
        media_type=MediaType.PICKLE.value,
        frames=(),
        sizes=(),
        protocol=facts["protocol"],
        requires=facts["requires"],
        numpy_private=facts["numpy_private"],
    )
    remade: List[int] = []

    def pickle_again(fig: Any, protocol: int, missing: Dict[str, str]) -> PartData:
        remade.append(protocol)
        return PartData(replace(made, protocol=protocol), (b"",))

    monkeypatch.setattr(_pack, "environment", lambda: dict(case["producer"]))
    monkeypatch.setattr(_pack, "_pickle_part", pickle_again)
    missing: Dict[str, str] = {}
    sent = _pack._negotiated_pickle(None, PartData(made, (b"",)), Advert.read(case["advert"]), missing)
    expected = case["expected"]
    if expected["send"]:
        assert sent is not None and sent.descriptor.protocol == expected["protocol"]
        assert missing == {}
        return
    assert sent is None and missing["pickle"].startswith("not sent:")
    last = replace(made, protocol=remade[-1]) if remade else made
    header = Header(version=(1, 0), id="negotiate", created=0.0, producer=case["producer"], figure=FigureFacts(), parts=(last,))
    assert figwire.verdict(header, _compat.remote_environment(case["advert"])).rule == expected["rule"]


@pytest.mark.parametrize("case", params("negotiate", having="keep"))
def test_negotiate_strip(case: Dict[str, Any]) -> None:
    frames = frames_of(case)
    stripped = figwire.strip(frames, case["keep"])
    expected = case["expected"]
    assert len(stripped) == 1 + len(expected["frames"])
    assert all(sent is frames[i] for sent, i in zip(stripped[1:], expected["frames"])), "a kept frame is passed on as it is"
    before, after = header_form(figwire.inspect(frames)), header_form(figwire.inspect(stripped))
    assert after["parts"] == expected["parts"]
    assert after.get("missing", {}) == expected.get("missing", {})
    unchanged = ("version", "id", "created", "producer", "figure")
    assert {k: after[k] for k in unchanged} == {k: before[k] for k in unchanged}


def test_negotiate_vectors_cover_every_reason_rule_and_refusal() -> None:
    cases = load("negotiate")["cases"]
    plans = [c for c in cases if "requested" in c]
    reasons = {r for c in plans if "expected" in c for r in c["expected"]["left_out"].values()}
    assert reasons == {"not-accepted", "not-preferred", "protocol"} == set(REASON_TEXTS.values())
    assert {c["error"] for c in plans if "error" in c} == {"invalid-argument", "unsupported-version"}
    decisions = [c for c in cases if "pickle" in c]
    assert {c["expected"].get("rule") for c in decisions} == {None, "matplotlib", "numpy", "packages"}
    assert {c["expected"].get("protocol") for c in decisions} == {None, 4, 5}
    assert any("keep" in c for c in cases)


# -- the vector files themselves ----------------------------------------------------------------


@pytest.fixture(scope="module")
def vectors_schema() -> jsonschema.Draft202012Validator:
    schema = json.loads((VECTORS / "vectors.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@pytest.mark.parametrize("kind", KINDS)
def test_vector_file_matches_its_schema(kind: str, vectors_schema: jsonschema.Draft202012Validator) -> None:
    doc = load(kind)
    assert doc["kind"] == kind
    assert doc["format_version"] == format_version_str()
    vectors_schema.validate(doc)


def test_vectors_schema_refuses_a_case_it_does_not_describe(vectors_schema: jsonschema.Draft202012Validator) -> None:
    doc = load("invalid")
    case = dict(doc["cases"][0])
    for bad in ({**case, "eror": "malformed"}, {**case, "error": "bad-thing"}, {**case, "description": "the decoder should refuse this"}):
        assert not vectors_schema.is_valid({**doc, "cases": [bad]})


def test_vectors_schema_refuses_a_negotiate_case_it_does_not_describe(vectors_schema: jsonschema.Draft202012Validator) -> None:
    doc = load("negotiate")
    plan = next(c for c in doc["cases"] if "expected" in c and "requested" in c)
    decision = next(c for c in doc["cases"] if "pickle" in c and c["expected"]["send"])
    for bad in (
        {**plan, "expected": {**plan["expected"], "left_out": {"image/png": "disliked"}}},
        {**plan, "error": "invalid-argument"},
        {**plan, "keep": ["pickle"]},
        {**decision, "expected": {**decision["expected"], "rule": "numpy"}},
        {**decision, "expected": {"send": False}},
    ):
        assert not vectors_schema.is_valid({**doc, "cases": [bad]})


def test_vectors_schema_knows_every_error_code() -> None:
    schema = json.loads((VECTORS / "vectors.schema.json").read_text(encoding="utf-8"))
    assert set(schema["$defs"]["error"]["enum"]) == {c.value for c in ErrorCode}


@pytest.mark.parametrize("kind", KINDS)
def test_ids_and_descriptions_are_unique(kind: str) -> None:
    cases = load(kind)["cases"]
    for key in ("id", "description"):
        values = [c[key] for c in cases]
        assert len(values) == len(set(values)), f"repeated {key} in {kind}.json"


def spec_sections() -> set:
    """The section numbers of the spec's headings ("3.2" for "3.2 The joined form")."""
    lines = SPEC.read_text(encoding="utf-8").splitlines()
    headings = (a for a, b in zip(lines, lines[1:]) if b and set(b) <= set("=-") and len(b) == len(a))
    return {m.group(1) for m in (re.match(r"(\d+(?:\.\d+)*)\.?\s", h) for h in headings) if m}


@pytest.mark.parametrize("kind", KINDS)
def test_every_case_cites_a_section_of_the_spec(kind: str) -> None:
    sections = spec_sections()
    cited = {c["spec"] for c in load(kind)["cases"]}
    assert {s for s in cited if s.lstrip("§") not in sections} == set()


def test_invalid_vectors_cover_every_decoder_code() -> None:
    assert {c["error"] for c in load("invalid")["cases"]} == DECODER_CODES
    assert {"malformed", "frame-mismatch", "limit-exceeded"} <= {c["error"] for c in load("join")["cases"] if "error" in c}


def test_deviations_name_existing_cases() -> None:
    ids = {f"{kind}/{c['id']}" for kind in KINDS for c in load(kind)["cases"]}
    assert set(DEVIATIONS) <= ids


# -- the envelope schema ------------------------------------------------------------------------


def json_form(value: Any) -> Any:
    """A decoded msgpack value in the schema's JSON form: bin as base64 (§4)."""
    if isinstance(value, bytes):
        return b64(value)
    if isinstance(value, dict):
        return {k: json_form(v) for k, v in value.items()}
    if isinstance(value, list):
        return [json_form(v) for v in value]
    return value


def envelope_map(frame: bytes) -> Any:
    assert frame[: len(ENVELOPE_MAGIC)] == ENVELOPE_MAGIC
    return json_form(msgpack.unpackb(frame[len(ENVELOPE_MAGIC) :], raw=False))


@pytest.fixture(scope="module")
def envelope_schema() -> jsonschema.Draft202012Validator:
    schema = json.loads((ROOT / "spec" / "envelope.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def _lines() -> Figure:
    fig = Figure()
    ax = fig.subplots()
    ax.plot([1, 2, 3], [3, 1, 2], label="a")
    ax.set_title("lines")
    fig.suptitle("Températures")
    return fig


def _big_image() -> Figure:
    fig = Figure(figsize=(3, 2), dpi=50)
    fig.subplots().imshow(np.arange(300 * 300, dtype=np.float64).reshape(300, 300))  # out-of-band
    return fig


def _unpicklable() -> Figure:
    fig = _lines()
    fig.axes[0].xaxis.set_major_formatter(FuncFormatter(lambda x, pos: f"{x:.1f}"))
    return fig


@pytest.mark.parametrize(
    "make, kwargs",
    [
        (_lines, {}),
        (_big_image, {"codec": "zlib", "digest": "sha256"}),
        (_big_image, {"parts": ("pickle",), "protocol": 4, "digest": "blake2b"}),
        (_lines, {"parts": ("image/svg+xml", "application/pdf"), "codec": "zlib"}),
        (_unpicklable, {}),
    ],
    ids=["lines", "out-of-band-zlib-sha256", "protocol-4", "vector-fallbacks", "unpicklable"],
)
def test_packed_envelopes_match_the_schema(make: Any, kwargs: Dict[str, Any], envelope_schema: jsonschema.Draft202012Validator) -> None:
    frames = figwire.pack(make(), msg_id="schema", created=0.0, **kwargs)
    envelope_schema.validate(envelope_map(bytes(frames[0])))


def test_valid_vector_envelopes_match_the_schema(envelope_schema: jsonschema.Draft202012Validator) -> None:
    for case in load("valid")["cases"]:
        envelope_schema.validate(envelope_map(frames_of(case)[0]))


def test_the_schema_refuses_what_the_field_tables_refuse(envelope_schema: jsonschema.Draft202012Validator) -> None:
    wire = envelope_map(frames_of(load("valid")["cases"][0])[0])
    assert envelope_schema.is_valid(wire)
    for broken in (
        {k: v for k, v in wire.items() if k != "id"},
        {**wire, "created": "yesterday"},
        {**wire, "figwire": "2.0"},
        {**wire, "parts": [{**wire["parts"][0], "codec": "zlib"}]},
        {**wire, "figure": {**wire["figure"], "pixels": [1, 2, 3]}},
    ):
        assert not envelope_schema.is_valid(broken)
