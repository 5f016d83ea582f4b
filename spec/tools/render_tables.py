"""Render the spec's tables and the envelope JSON Schema from ``figwire._spec``.

The field, error, limit and verdict tables of ``spec/figwire-1.rst`` restate data that
the code reads at run time (``_spec.FIELD_TABLES``, ``ErrorCode``, ``Limits``,
``_compat.RULES``, ``_spec.DEFAULT_PARTS``). Written by hand they would drift, as
jupyter's messaging spec did from its own version constant, so they are rendered here
between marker comments::

    .. BEGIN GENERATED: <block>
    ...
    .. END GENERATED: <block>

and ``spec/envelope.schema.json`` is written from the same tables.

Usage::

    python spec/tools/render_tables.py           # rewrite the generated blocks and the schema
    python spec/tools/render_tables.py --check   # exit 1 if either is out of date
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import re
import sys
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, List, Sequence, Tuple

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "spec" / "figwire-1.rst"
SCHEMA = ROOT / "spec" / "envelope.schema.json"

sys.path.insert(0, str(ROOT))

from figwire import _compat, _spec  # noqa: E402  (the repository's figwire, not an installed one)
from figwire.scene import _schema as _scene  # noqa: E402  (matplotlib-free: the scene's tables)

# -- text the tables need that _spec does not hold ---------------------------------------
# Each dict below must name every member of what it describes: rendering fails on a new
# limit or constant without a sentence, instead of printing an empty cell.

LIMIT_MEANINGS: Dict[str, str] = {
    "max_envelope_bytes": "length of frame 0, magic included, checked before it is parsed",
    "max_frames": "number of frames in a message, envelope included (and ``count`` in the joined form)",
    "max_message_bytes": (
        "sum of the sizes of every frame a part names plus the sum of every ``raw_sizes`` entry; "
        "also the largest frame length the joined form may declare"
    ),
    "max_parts": "number of entries in ``parts``",
    "max_requires": "number of entries in one part's ``requires``",
}

#: (constant name in _spec, meaning); the value column is read from _spec.
CONSTANTS: Tuple[Tuple[str, str], ...] = (
    ("ENVELOPE_MAGIC", "first bytes of frame 0, in every version (§3.1, §8)"),
    ("JOIN_MAGIC", "first bytes of a joined message (§3.2)"),
    ("JOIN_ALIGN", "alignment, in bytes, of every frame in a joined message (§3.2)"),
    ("FILE_SUFFIX", "file name suffix for a joined message stored as a file"),
    ("AUTH_MAGIC", "first bytes of a signed message's tag frame, its last (§13.5)"),
    ("CONTROL_MAGIC", "first bytes of a control message's frame 0 (§15.2)"),
    ("MAX_PREFIX_FRAMES", "most transport frames before a message on a ZeroMQ socket (§15.1)"),
    ("BLAKE3_KEY_CONTEXT", "BLAKE3 ``derive_key`` context that turns a shared key into a keyed-BLAKE3 key (§13.5)"),
    ("MIN_KEY_BYTES", "shortest shared key the reference implementation accepts (§13.5)"),
    ("PICKLE_PROTOCOLS", "pickle protocols a pickle part may use (§7.1)"),
    ("DEFAULT_PICKLE_PROTOCOL", "the protocol producers write unless asked otherwise (§7.1)"),
    ("OOB_THRESHOLD", "figwire's choice: arrays of at least this many bytes travel out of band (§7.2)"),
)

#: Constraints of §4 and §5 that a "type" column cannot express, restated for the schema.
SCHEMA_CONSTRAINTS: Dict[Tuple[str, str], Dict[str, Any]] = {
    # this schema is major 1's; the version grammar itself is §4.1's
    ("envelope", "figwire"): {"pattern": rf"^{_spec.FORMAT_VERSION[0]}\.(0|[1-9][0-9]{{0,5}})$"},
    ("figure", "size_inches"): {"minItems": 2, "maxItems": 2},
    ("figure", "pixels"): {"minItems": 2, "maxItems": 2},
    ("part", "frames"): {"minItems": 1, "items": {"minimum": 1}},
    ("part", "borrows"): {"uniqueItems": True, "items": {"minimum": 1}},
    ("part", "sizes"): {"minItems": 1, "items": {"minimum": 0}},
    ("part", "raw_sizes"): {"items": {"minimum": 0}},
}

#: Map-typed fields whose value is described by another field table.
NESTED_TABLES: Dict[Tuple[str, str], str] = {
    ("envelope", "producer"): "producer",
    ("envelope", "figure"): "figure",
    ("envelope", "parts"): "part",
    ("envelope", "auth"): "auth",
}

#: Pairs of part fields that go together (§5.1), as JSON Schema ``dependentRequired``.
DEPENDENT_REQUIRED = {"codec": ["raw_sizes"], "digest": ["digests"], "digests": ["digest"]}


# -- reStructuredText -------------------------------------------------------------------


def _list_table(header: Sequence[str], rows: Iterable[Sequence[str]], widths: Sequence[int]) -> str:
    lines = [".. list-table::", "   :header-rows: 1", "   :widths: " + " ".join(str(w) for w in widths), ""]
    for row in [header, *rows]:
        first, *rest = row
        lines.append(f"   * - {first}")
        lines.extend(f"     - {cell}" for cell in rest)
    return "\n".join(lines)


def _field_table(name: str) -> str:
    rows = [
        (f"``{f.name}``", f"``{f.type}``", "yes" if f.required else "no", _spec.format_version_str(f.added), f.meaning)
        for f in _spec.FIELD_TABLES[name]
    ]
    return _list_table(("Field", "Type", "Required", "Added", "Meaning"), rows, (16, 20, 9, 7, 48))


def _bytes_literal(value: bytes) -> str:
    hexed = " ".join(f"{b:02x}" for b in value)
    return f"``{value!r}`` (hex ``{hexed}``)"


def _constant(name: str) -> str:
    value = getattr(_spec, name)
    if isinstance(value, bytes):
        return _bytes_literal(value)
    if isinstance(value, frozenset):
        return ", ".join(str(v) for v in sorted(value))
    return f"``{value}``"


def block_version() -> str:
    return f":Format version: {_spec.format_version_str()}"


def block_constants() -> str:
    rows = [(f"``{name}``", _constant(name), meaning) for name, meaning in CONSTANTS]
    return _list_table(("Constant", "Value", "Meaning"), rows, (22, 38, 40))


def _role_of(media_type: _spec.MediaType) -> str:
    if media_type is _spec.MediaType.PICKLE:
        return _spec.Role.PICKLE.value
    if media_type is _spec.MediaType.SCENE:
        return _spec.Role.SCENE.value
    if media_type.value in _spec.FALLBACK_TYPES:
        return _spec.Role.FALLBACK.value
    raise ValueError(f"MediaType.{media_type.name} has no role: say which in render_tables._role_of")


def block_media_types() -> str:
    rows = [(f"``{_role_of(t)}``", f"``{t.value}``") for t in _spec.MediaType]
    return _list_table(("Role", "Media type"), rows, (30, 70))


def _inline_list(values: Iterable[str]) -> str:
    return ", ".join(f"``{v}``" for v in values)


def block_codecs() -> str:
    return f"Codecs defined by this version: {_inline_list(c.value for c in _spec.Codec)}."


def block_auth_algorithms() -> str:
    rows = [(f"``{a.value}``", str(_spec.AUTH_TAG_SIZES[a.value]), AUTH_MEANINGS[a.value]) for a in _spec.AuthAlg]
    return _list_table(("Algorithm", "Tag bytes", "MAC"), rows, (18, 12, 70))


#: How each algorithm of _spec.AuthAlg computes its MAC (§13.5).
AUTH_MEANINGS: Dict[str, str] = {
    "hmac-sha256": "HMAC (RFC 2104) with SHA-256, keyed with the shared key; the default",
    "hmac-sha512": "HMAC with SHA-512, keyed with the shared key",
    "blake3": "keyed BLAKE3 (32-byte output); its key is BLAKE3 ``derive_key`` of the shared key with context ``BLAKE3_KEY_CONTEXT``",
}


def block_digests() -> str:
    return f"Digest algorithms defined by this version: {_inline_list(d.value for d in _spec.DigestAlg)}."


def block_error_codes() -> str:
    missing = [c.value for c in _spec.ErrorCode if c not in _spec.ERROR_MEANINGS]
    if missing:
        raise ValueError(f"ERROR_MEANINGS lacks {missing}")
    rows = [(f"``{c.value}``", _spec.ERROR_MEANINGS[c]) for c in _spec.ErrorCode]
    return _list_table(("Code", "Meaning"), rows, (25, 75))


def block_limits() -> str:
    rows = []
    for f in dataclasses.fields(_spec.Limits):
        if f.name not in LIMIT_MEANINGS:
            raise ValueError(f"Limits.{f.name} has no entry in render_tables.LIMIT_MEANINGS")
        default = getattr(_spec.DEFAULT_LIMITS, f.name)
        rows.append((f"``{f.name}``", _with_power(default), LIMIT_MEANINGS[f.name]))
    return _list_table(("Limit", "Default", "Bounds"), rows, (22, 22, 56))


def _with_power(n: int) -> str:
    """``1048576`` -> ``1048576 (2^20)``: the exponent is what a reader compares."""
    if n >= 1024 and n & (n - 1) == 0:
        return f"{n} (2\\ :sup:`{n.bit_length() - 1}`)"
    return str(n)


def block_advert_fields() -> str:
    rows = [
        (f"``{f.name}``", f"``{f.type}``", _spec.format_version_str(f.added), f.absent, f.meaning)
        for f in _spec.ADVERT_FIELDS
    ]
    return _list_table(("Field", "Type", "Added", "If absent", "Meaning"), rows, (18, 22, 7, 23, 30))


def block_default_parts() -> str:
    return f"The reference implementation's default set: {_inline_list(_spec.DEFAULT_PARTS)}."


def block_verdict_rules() -> str:
    rows = [(str(i), f"``{rule.name}``", rule.statement) for i, rule in enumerate(_compat.RULES, 1)]
    return _list_table(("Order", "Rule", "The pickle may load when"), rows, (8, 14, 78))


SCENE_LIMIT_MEANINGS: Dict[str, str] = {
    "max_nodes": "artist nodes in the whole figure",
    "max_axes": "axes in the figure",
    "max_text": "characters of one string",
    "max_text_nodes": "texts in the whole figure: text nodes, and each legend's title and 4 per entry (a label, a "
    "handle and their packing; each is laid out on every draw)",
    "max_strings": "strings in the whole scene (tick labels, font families, texts)",
    "max_array_items": "elements of one array",
    "max_array_bytes": "bytes of every array together",
    "max_image_pixels": "pixels (rows x columns) of one image",
    "max_lut": "colours of a colormap's lookup table; colour bands of a norm or colorbar (``boundaries``, ``values``) "
    "less one",
    "max_dashes": "on/off lengths of one dash pattern",
    "min_dash_cycle": "the least total length, in points, of one dash cycle (finer dashes cost unbounded drawing time)",
    "max_hatch": "characters of a hatch pattern",
    "max_figure_pixels": r"the figure's width x height x dpi\ :sup:`2`",
    "max_depth": "nesting of maps and arrays",
    "max_ticks": "locations of one tick set, and the ticks a ``multiple`` locator makes over the recorded view",
    "max_curved_vertices": "a path's vertices times its ``interpolation_steps``",
    "max_paths": "paths (``lengths``) of one node: polygons, polylines, glyphs; each is built as an object",
    "max_glyph_pixels": "characters times their em square in pixels, over every string at its size "
    "(absent: 20 pt) and the figure's dpi; tick labels count twice, plus the offset string "
    "(each string is rasterised whole, on the canvas or not)",
    "min_likeness": "not a bound on the scene: the least likeness (§16.7) of the rebuilt figure's first draw in "
    "a window to the message's PNG, below which the consumer shows the PNG instead; 0: never compared",
}


def _scene_meaning(f: Any) -> str:
    text = f.meaning
    if f.choices:
        text += "; one of " + ", ".join(f"``{c}``" for c in f.choices)
    if f.range is not None:
        text += f"; in [{f.range[0]:g}, {f.range[1]:g}]"
    return text


def _scene_table(fields: Sequence[Any]) -> str:
    rows = [(f"``{f.name}``", f"``{f.type}``", "yes" if f.required else "no", _scene_meaning(f)) for f in fields]
    return _list_table(("Field", "Type", "Required", "Meaning"), rows, (18, 16, 9, 57))


def block_scene_structs() -> str:
    """Every map type of the scene (§16.4), then every artist node type (§16.6)."""
    out = []
    for name, fields in _scene.STRUCTS.items():
        out += [f"``{name}``", "", _scene_table(fields), ""]
    out += [
        "Every artist node (an entry of a ``nodes`` list) has these fields, then those of its type:",
        "",
        _scene_table(_scene.ARTIST_FIELDS),
        "",
    ]
    for name, fields in _scene.NODE_TYPES.items():
        out += [f"node type ``{name}``", "", _scene_table(fields), ""]
    return "\n".join(out).rstrip()


def block_scene_limits() -> str:
    rows = []
    for f in dataclasses.fields(_scene.SceneLimits):
        if f.name not in SCENE_LIMIT_MEANINGS:
            raise ValueError(f"SceneLimits.{f.name} has no entry in render_tables.SCENE_LIMIT_MEANINGS")
        default = getattr(_scene.DEFAULT_SCENE_LIMITS, f.name)
        rows.append(
            (
                f"``{f.name}``",
                _with_power(default) if isinstance(default, int) else f"{default:g}",
                SCENE_LIMIT_MEANINGS[f.name],
            )
        )
    return _list_table(("Limit", "Default", "Bounds"), rows, (22, 22, 56))


def block_scene_constants() -> str:
    rows = [
        (
            "scene version",
            f"``{_scene.SCENE_VERSION[0]}.{_scene.SCENE_VERSION[1]}``",
            "what this implementation writes; it reads majors "
            + ", ".join(str(m) for m in sorted(_scene.SCENE_MAJORS)),
        ),
        (
            "spaces",
            ", ".join(f"``{s}``" for s in _scene.GLYPH_SPACES),
            "coordinate spaces (§16.2); ``points`` only for collection paths",
        ),
        ("projections", ", ".join(f"``{p}``" for p in _scene.PROJECTIONS), "axes projections a consumer rebuilds"),
        (
            "array dtypes",
            ", ".join(f"``{d}``" for d in sorted(_scene.ARRAY_DTYPES)),
            "array element types, with a byte-order prefix ``<``, ``>``, ``|`` or ``=`` (§16.3)",
        ),
        (
            "out-of-band threshold",
            f"``{_scene.SCENE_OOB_THRESHOLD}``",
            "bytes from which an array SHOULD travel as a frame of its own",
        ),
    ]
    return _list_table(("Name", "Value", "Meaning"), rows, (20, 45, 35))


BLOCKS: Dict[str, Callable[[], str]] = {
    "version": block_version,
    "constants": block_constants,
    "envelope-fields": lambda: _field_table("envelope"),
    "producer-fields": lambda: _field_table("producer"),
    "figure-fields": lambda: _field_table("figure"),
    "part-fields": lambda: _field_table("part"),
    "auth-fields": lambda: _field_table("auth"),
    "control-fields": lambda: _field_table("control"),
    "auth-algorithms": block_auth_algorithms,
    "media-types": block_media_types,
    "codecs": block_codecs,
    "digests": block_digests,
    "error-codes": block_error_codes,
    "limits": block_limits,
    "verdict-rules": block_verdict_rules,
    "advert-fields": block_advert_fields,
    "default-parts": block_default_parts,
    "scene-constants": block_scene_constants,
    "scene-structs": block_scene_structs,
    "scene-limits": block_scene_limits,
}

_MARKER = re.compile(
    r"^\.\. BEGIN GENERATED: (?P<name>[a-z-]+)\n.*?^\.\. END GENERATED: (?P=name)\n", re.MULTILINE | re.DOTALL
)


def render_spec(text: str) -> str:
    """``text`` with every generated block re-rendered; every block must appear exactly once."""
    seen: List[str] = []

    def replace(match: "re.Match[str]") -> str:
        name = match.group("name")
        if name not in BLOCKS:
            raise ValueError(f"{SPEC.name}: unknown generated block {name!r}")
        seen.append(name)
        return f".. BEGIN GENERATED: {name}\n\n{BLOCKS[name]()}\n\n.. END GENERATED: {name}\n"

    out = _MARKER.sub(replace, text)
    if sorted(seen) != sorted(BLOCKS):
        missing = sorted(set(BLOCKS) - set(seen))
        twice = sorted({n for n in seen if seen.count(n) > 1})
        raise ValueError(f"{SPEC.name}: blocks missing {missing}, repeated {twice}")
    return out


# -- JSON Schema ------------------------------------------------------------------------

_JSON_SCALARS: Dict[str, Dict[str, Any]] = {
    "str": {"type": "string"},
    "int": {"type": "integer"},
    "float": {"type": "number"},
    "bool": {"type": "boolean"},
    "bin": {"type": "string", "contentEncoding": "base64"},
    "map": {"type": "object"},
    "array": {"type": "array"},
}


def _json_type(wire_type: str) -> Dict[str, Any]:
    """The JSON Schema of one wire type, in the JSON form the vectors use (bin = base64)."""
    if wire_type.endswith(" | nil"):
        return {"anyOf": [_json_type(wire_type[: -len(" | nil")]), {"type": "null"}]}
    if wire_type.startswith("array of "):
        return {"type": "array", "items": _json_type(wire_type[len("array of ") :])}
    if wire_type.startswith("map of str to "):
        return {"type": "object", "additionalProperties": _json_type(wire_type[len("map of str to ") :])}
    return dict(_JSON_SCALARS[wire_type])


def _merge(schema: Dict[str, Any], extra: Dict[str, Any]) -> Dict[str, Any]:
    out = dict(schema)
    for key, value in extra.items():
        out[key] = _merge(out[key], value) if isinstance(value, dict) and key in out else value
    return out


def _object_schema(table: str) -> Dict[str, Any]:
    properties: Dict[str, Any] = {}
    for f in _spec.FIELD_TABLES[table]:
        nested = NESTED_TABLES.get((table, f.name))
        if nested is None:
            prop = _json_type(f.type)
        elif f.type == "map":
            prop = {"$ref": f"#/$defs/{nested}"}
        elif f.type == "array of map":
            prop = {"type": "array", "items": {"$ref": f"#/$defs/{nested}"}}
        else:
            raise ValueError(f"{table}.{f.name}: a nested table needs type map or array of map")
        prop = _merge(prop, SCHEMA_CONSTRAINTS.get((table, f.name), {}))
        properties[f.name] = {"description": f.meaning, "x-figwire-added": _spec.format_version_str(f.added), **prop}
    schema: Dict[str, Any] = {
        "type": "object",
        "required": [f.name for f in _spec.FIELD_TABLES[table] if f.required],
        "properties": properties,
        "additionalProperties": True,
    }
    if table == "part":
        schema["dependentRequired"] = DEPENDENT_REQUIRED
    return schema


def render_schema() -> str:
    unused = set(SCHEMA_CONSTRAINTS) | set(NESTED_TABLES)
    unused -= {(t, f.name) for t, fields in _spec.FIELD_TABLES.items() for f in fields}
    if unused:
        raise ValueError(f"render_tables names fields _spec does not have: {sorted(unused)}")
    version = _spec.format_version_str()
    schema: Dict[str, Any] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"urn:figwire:envelope:{_spec.FORMAT_VERSION[0]}",
        "title": f"figwire envelope, format version {version}",
        "description": (
            "The envelope map of frame 0 (spec/figwire-1.rst §4) after msgpack decoding, in the JSON form "
            "the conformance vectors use: msgpack bin values are base64 strings (RFC 4648, section 4, padded), nil "
            "is null. Fields not listed are allowed: a decoder ignores them (§8). Frame-table rules that "
            "relate several fields (equal lengths, frame indices in range) are in §5, not here. "
            "Generated by spec/tools/render_tables.py from figwire/_spec.py; do not edit."
        ),
        **_object_schema("envelope"),
        "$defs": {name: _object_schema(name) for name in ("producer", "figure", "part", "auth")},
    }
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


# -- command line -------------------------------------------------------------------------


def main(argv: Sequence[str] = ()) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if a generated file is out of date")
    args = parser.parse_args(argv)
    outputs = {SPEC: render_spec(SPEC.read_text(encoding="utf-8")), SCHEMA: render_schema()}
    stale = [p for p, text in outputs.items() if not p.exists() or p.read_text(encoding="utf-8") != text]
    if args.check:
        for path in stale:
            print(f"{path.relative_to(ROOT)} is out of date: run python spec/tools/render_tables.py", file=sys.stderr)
        return 1 if stale else 0
    for path in stale:
        path.write_text(outputs[path], encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
