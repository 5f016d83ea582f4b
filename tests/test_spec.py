"""The spec cannot drift from the code: its tables, version, vectors and wording are checked here.

jupyter's messaging spec ended up with three values for its own version because spec
and code shared no source. Here the tables are rendered from ``figwire._spec``, the
vectors are regenerated and re-verified by an independent decoder, and every name the
spec defines in prose (codecs, digests, media types, array functions, section
references in the code) is checked against the code.
"""

from __future__ import annotations

import ast
import inspect
import re
import subprocess
import sys
from pathlib import Path
from typing import Any, List

import pytest
from test_vectors import load, spec_sections

import figwire
from figwire import _arrays, _spec

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "spec" / "figwire-1.rst"
TOOLS = ROOT / "spec" / "tools"

sys.path.insert(0, str(TOOLS))
from figwire._spec import ADVERT_FIELDS  # noqa: E402

_GENERATED = re.compile(r"^\.\. BEGIN GENERATED: ([a-z-]+)\n.*?^\.\. END GENERATED: \1\n", re.MULTILINE | re.DOTALL)


@pytest.fixture(scope="module")
def text() -> str:
    return SPEC.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def prose(text: str) -> str:
    """The spec without its generated blocks: what a person wrote."""
    return _GENERATED.sub("", text)


def run_tool(name: str, *args: str) -> "subprocess.CompletedProcess[str]":
    return subprocess.run([sys.executable, str(TOOLS / name), *args], cwd=ROOT, capture_output=True, text=True, timeout=300)


# -- generated content is current ---------------------------------------------------------------


def test_tables_and_schema_are_current() -> None:
    result = run_tool("render_tables.py", "--check")
    assert result.returncode == 0, result.stderr


def test_vectors_are_current() -> None:
    result = run_tool("gen_vectors.py", "--check")
    assert result.returncode == 0, result.stderr


def test_independent_verifier_agrees_with_every_vector() -> None:
    result = run_tool("verify_vectors.py")
    assert result.returncode == 0, result.stdout
    assert set(re.findall(r"(\d+) skipped", result.stdout)) == {"0"}, result.stdout


def test_verifier_does_not_import_figwire() -> None:
    tree = ast.parse((TOOLS / "verify_vectors.py").read_text(encoding="utf-8"))
    imported = {alias.name.partition(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module.partition(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    assert "figwire" not in imported
    stdlib = getattr(sys, "stdlib_module_names", None)  # Python 3.10+
    if stdlib is not None:
        assert imported - stdlib == {"msgpack", "blake3"}  # blake3 only for keyed-BLAKE3 tags (§13.5)


# -- facts the prose states ---------------------------------------------------------------------


def test_format_version_is_the_code_s(text: str) -> None:
    versions = re.findall(r"^:Format version: (\S+)$", text, re.MULTILINE)
    assert versions == [_spec.format_version_str(figwire.FORMAT_VERSION)]
    assert SPEC.name == f"figwire-{figwire.FORMAT_VERSION[0]}.rst"


def test_every_error_code_is_specified(text: str) -> None:
    assert [c.value for c in figwire.ErrorCode if f"``{c.value}``" not in text] == []


def _definition_terms(prose: str) -> List[str]:
    """The terms of the prose's definition lists: a line that is a literal, then an indented line."""
    return re.findall(r"^``([^`]+)``\n   \S", prose, re.MULTILINE)


def test_codecs_digests_and_media_types_are_defined(prose: str) -> None:
    terms = set(_definition_terms(prose))
    names = [c.value for c in _spec.Codec] + [d.value for d in _spec.DigestAlg] + list(_spec.FALLBACK_TYPES)
    assert [n for n in names if n not in terms] == []
    assert f"``{_spec.MediaType.PICKLE.value}``" in prose


def test_array_functions_are_specified_with_their_parameters(prose: str) -> None:
    documented = {t.partition("(")[0]: t for t in _definition_terms(prose) if t.endswith(")") and "(" in t}
    for name in _arrays.__all__:
        params = ", ".join(inspect.signature(getattr(_arrays, name)).parameters)
        assert documented.get(name) == f"{name}({params})", f"§7.2 lacks figwire._arrays.{name}({params})"
    assert [a for a in _arrays.MASKED_ATTRS if f"``{a}``" not in prose] == []


def test_section_references_resolve(text: str) -> None:
    """Every "§n" in the spec and in figwire's code names a heading of the spec."""
    sections = spec_sections()
    sources = [text] + [p.read_text(encoding="utf-8") for p in sorted((ROOT / "figwire").rglob("*.py"))]
    cited = {ref for source in sources for ref in re.findall(r"§(\d+(?:\.\d+)*)", source)}
    assert cited - sections == set()


# -- the advert table (§12.1), until figwire/_spec.py holds it ---------------------------------------


def has_type(value: Any, wire_type: str) -> bool:
    """Whether ``value`` (as JSON or msgpack decodes it) has one of §4's types."""
    if wire_type.startswith("(") and wire_type.endswith(")"):
        return has_type(value, wire_type[1:-1])
    if wire_type.startswith("map of str to "):
        return isinstance(value, dict) and all(isinstance(k, str) and has_type(v, wire_type[14:]) for k, v in value.items())
    if wire_type.endswith(" | nil"):
        return value is None or has_type(value, wire_type[:-6])
    if wire_type.startswith("array of "):
        return isinstance(value, list) and all(has_type(v, wire_type[9:]) for v in value)
    if wire_type == "int":
        return type(value) is int
    return type(value) is {"str": str, "bool": bool}[wire_type]


def test_advert_table_is_what_capabilities_writes() -> None:
    caps = figwire.capabilities(max_message_bytes=1 << 20, packages=["numpy", "figwire_no_such_package"])
    assert [f.name for f in ADVERT_FIELDS] == list(caps), "the table lists capabilities()' fields, in its order"
    assert [f.name for f in ADVERT_FIELDS if not has_type(caps[f.name], f.type)] == []
    assert all(f.added <= figwire.FORMAT_VERSION and f.absent and f.meaning for f in ADVERT_FIELDS)
    assert set(figwire.capabilities()) == {f.name for f in ADVERT_FIELDS} - {"max_message_bytes"}


def test_advert_lists_a_package_it_lacks_as_nil() -> None:
    assert figwire.capabilities(packages=["figwire_no_such_package"])["packages"] == {"figwire_no_such_package": None}


def test_every_advert_field_has_a_wrong_type_vector() -> None:
    refused = {c["id"] for c in load("negotiate")["cases"] if c.get("error") == "invalid-argument"}
    prefixes = {f.name: f.name.replace("_", "-") + "-not-" for f in ADVERT_FIELDS}
    assert [name for name, prefix in prefixes.items() if not any(i.startswith(prefix) for i in refused)] == []


# -- wording -----------------------------------------------------------------------------------

#: Requirement words that must be capitalised to be read as BCP 14 keywords; written in
#: lower case they leave a reader unsure whether a rule is meant, so the spec avoids them.
_MODALS = re.compile(r"\b(must|shall|should|recommended)\b", re.IGNORECASE)


def test_requirement_words_are_capitalised(text: str) -> None:
    without_literals = re.sub(r"``.*?``", "", text, flags=re.DOTALL)
    bad = [
        f"line {n}: {line.strip()}"
        for n, line in enumerate(without_literals.splitlines(), 1)
        for word in _MODALS.findall(line)
        if word != word.upper()
    ]
    assert bad == []


def test_bcp14_boilerplate(text: str) -> None:
    assert "BCP 14 (RFC 2119, RFC 8174) when, and only when, they appear\nin all capitals" in text


def test_spec_renders_without_warnings(text: str) -> None:
    docutils_core = pytest.importorskip("docutils.core")
    import io

    warnings = io.StringIO()
    docutils_core.publish_doctree(text, settings_overrides={"report_level": 2, "warning_stream": warnings, "halt_level": 5})
    assert warnings.getvalue() == ""
