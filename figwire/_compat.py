"""Can this pickle load here? Decided from the envelope alone, before unpickling.

The rules are one table (``RULES``), each row a measured fact (notes:
cross-version.md, 1152 cross-environment loads), not a guess:

* matplotlib's major.minor must match: 0 of 896 cross-minor loads worked, either way.
  Patch differences within a minor rendered, except that a newer patch can add state an
  older one lacks (a 3.10.8 draggable legend fails to load in 3.10.0), so the consumer's
  patch must not be older than the producer's. Loads are guarded anyway.
* numpy 2 -> numpy 1 fails when the pickle names numpy's private modules under protocol
  5, and always under numpy < 1.26. figwire reduces arrays itself, and the envelope says
  whether any private numpy path remains (``numpy_private``); when none does, numpy's
  version does not matter.
* every other package the pickle imports (pandas, cartopy, ...) must be installed here,
  at the same major version (same major.minor for packages known to break pickles
  across minors).
* the Python version alone does not matter (protocol 5 reads on every supported Python).

matplotlib's own version warning is never consulted: it fires on harmless patch changes
and not before real failures.

``verdict`` serves both ends: a receiver asks about itself (``env=None``), a producer
asks about a client from the client's advertised ``capabilities``.
"""

from __future__ import annotations

import functools
import importlib.util
import pickle
import sys
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Optional, Tuple

from packaging.version import InvalidVersion, Version

from ._envelope import Header, Part

#: Packages whose pickles break across minor versions, not only majors.
MINOR_SENSITIVE = frozenset({"matplotlib", "mpl_toolkits", "pandas", "cartopy", "shapely", "xarray", "geopandas"})

#: Packages that ship inside another's distribution: checked through their parent.
SHIPPED_WITH = {"mpl_toolkits": "matplotlib"}

#: Marks a package a remote environment did not advertise: neither present nor absent.
UNKNOWN = "unknown"


@dataclass(frozen=True)
class Verdict:
    """``ok``: the pickle may be loaded; ``reason``: why (not), for a person;
    ``rule``: the name of the rule that refused, None when ok."""

    ok: bool
    reason: str
    rule: Optional[str] = None


@dataclass(frozen=True)
class Environment:
    """The consumer side of a verdict: versions, and how to look a package up."""

    matplotlib: str
    numpy: str
    highest_protocol: int
    package: Callable[[str], Optional[str]]  # version, "" if unknown version, None if absent, UNKNOWN


def _local_package(name: str) -> Optional[str]:
    module = sys.modules.get(name)
    if module is None:
        try:
            if importlib.util.find_spec(name) is None:
                return None
        except (ImportError, ValueError):
            return None
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version(name)
        except PackageNotFoundError:
            return ""
    return str(getattr(module, "__version__", ""))


def local_environment() -> Environment:
    import matplotlib
    import numpy

    return Environment(matplotlib.__version__, numpy.__version__, pickle.HIGHEST_PROTOCOL, _local_package)


def remote_environment(caps: Mapping[str, Any]) -> Environment:
    """The environment a client advertised (see ``capabilities``)."""
    packages = dict(caps.get("packages", {}))

    def package(name: str) -> Optional[str]:
        return packages[name] if name in packages else UNKNOWN

    return Environment(
        str(caps.get("matplotlib", "")), str(caps.get("numpy", "")), int(caps.get("pickle_protocol", 5)), package
    )


@functools.lru_cache(maxsize=256)
def _release(text: str) -> Optional[Tuple[int, ...]]:
    try:
        return Version(text).release
    except (InvalidVersion, TypeError):
        return None


Check = Callable[[Header, Part, Environment], Tuple[bool, str]]


def _protocol(header: Header, part: Part, env: Environment) -> Tuple[bool, str]:
    protocol = part.protocol if part.protocol is not None else 5
    return (
        protocol <= env.highest_protocol,
        f"pickle protocol {protocol} (this Python reads up to {env.highest_protocol})",
    )


def _matplotlib(header: Header, part: Part, env: Environment) -> Tuple[bool, str]:
    theirs, ours = header.producer.get("matplotlib", "?"), env.matplotlib
    a, b = _release(theirs), _release(ours)
    if a is None or b is None or a[:2] != b[:2]:
        return (
            False,
            f"made with matplotlib {theirs}, this is {ours}: pickles do not load across matplotlib minor versions",
        )
    if b < a:
        return (
            False,
            f"made with matplotlib {theirs}, this is the older patch {ours}: "
            "a newer patch can add state an older one lacks (3.10.8's draggable legend does not load in 3.10.0)",
        )
    return True, f"matplotlib {theirs} -> {ours}"


def _numpy(header: Header, part: Part, env: Environment) -> Tuple[bool, str]:
    theirs, ours = header.producer.get("numpy", "?"), env.numpy
    if part.numpy_private is False:
        return True, f"numpy {theirs} -> {ours}: the pickle names no private numpy module"
    a, b = _release(theirs), _release(ours)
    if a is None or b is None:
        return False, f"numpy {theirs} -> {ours}: unknown version"
    if a[0] <= b[0]:
        return True, f"numpy {theirs} -> {ours}"
    protocol = part.protocol if part.protocol is not None else 5
    if a[0] == 2 and b[0] == 1 and protocol <= 4 and b[:2] >= (1, 26):
        return True, f"numpy {theirs} -> {ours}: protocol 4 pickles of numpy 2 load in numpy >= 1.26"
    return (
        False,
        f"made with numpy {theirs}, this is numpy {ours}: numpy {a[0]} pickles naming numpy's private modules do not load in numpy {b[0]}",
    )


def _packages(header: Header, part: Part, env: Environment) -> Tuple[bool, str]:
    for name, theirs in sorted(part.requires.items()):
        if name in ("matplotlib", "numpy") or SHIPPED_WITH.get(name) == "matplotlib":
            continue
        ours = env.package(name)
        if ours == UNKNOWN:
            continue
        if ours is None:
            return False, f"the pickle needs {name} {theirs}, which is not installed here"
        a, b = _release(theirs), _release(ours)
        if a is None or b is None:
            continue  # a version is unknown: importable is all that can be checked
        depth = 2 if name in MINOR_SENSITIVE else 1
        if a[:depth] != b[:depth]:
            return (
                False,
                f"the pickle needs {name} {theirs}; {ours} is installed here (must match to the {'minor' if depth == 2 else 'major'} version)",
            )
    return True, "every package the pickle imports is installed"


@dataclass(frozen=True)
class Rule:
    name: str
    statement: str  # the rule in words, for the spec's table
    check: Check


RULES: Tuple[Rule, ...] = (
    Rule("protocol", "the pickle protocol is at most the consumer's pickle.HIGHEST_PROTOCOL", _protocol),
    Rule(
        "matplotlib",
        "producer and consumer matplotlib have the same major.minor, and the consumer's patch is not older",
        _matplotlib,
    ),
    Rule(
        "numpy",
        "numpy_private is false; or the consumer's numpy major is at least the producer's; or numpy 2 -> >= 1.26 with protocol <= 4",
        _numpy,
    ),
    Rule(
        "packages",
        "every other package in requires is installed, same major (same major.minor for "
        + ", ".join(sorted(MINOR_SENSITIVE))
        + ")",
        _packages,
    ),
)


def verdict(header: Header, env: Optional[Environment] = None) -> Verdict:
    """Whether ``header``'s pickle can load in ``env`` (default: this process), and why."""
    part = header.pickle
    if part is None:
        return Verdict(False, "the message has no pickle part", "pickle")
    env = local_environment() if env is None else env
    said = []
    for rule in RULES:
        ok, why = rule.check(header, part, env)
        if not ok:
            return Verdict(False, why, rule.name)
        said.append(why)
    return Verdict(True, "; ".join(said))
