"""The records of the gallery harness (``tools/gallery.py``), shared by its child, runner and report.

A child process measures the figures one example leaves open and prints one
``FigureRecord`` per figure as a JSON line; the runner wraps them in an
``ExampleResult``; the report reads only these. They are flat, frozen and made of
JSON types, so ``--json`` output is ``asdict`` of them and reads back with ``from_json``.
Standard library only: the child imports this before it imports matplotlib.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, Dict, Mapping, Optional, Tuple

#: Prefix of the child's protocol lines on stdout; anything else there is the example's own output.
MARKER = "@@figwire-gallery@@ "

#: Owner classes of a refused name: the libraries the loading policy is for, then the rest.
LIBRARY_OWNERS = ("matplotlib", "mpl_toolkits", "dateutil")
OWNERS = (*LIBRARY_OWNERS, "numpy", "stdlib", "example", "other")

#: Example statuses, in report order.
STATUSES = ("ok", "error", "crashed", "timeout", "skipped")


@dataclass(frozen=True)
class FigureRecord:
    """What happened to one figure an example left open.

    Pixel fields are comparison texts (``"identical"``, ``"differs: ..."``, ``"size ..."``,
    ``"render failed: ..."``) or None when there was nothing to compare.
    """

    example: str  # "category/name.py"
    category: str
    number: int
    label: str
    draw_error: Optional[str]  # the first draw (as an inline backend does) raised
    stable: Optional[bool]  # the original's second and third draws are equal
    stock: str  # "ok" | "dump failed: ..." | "load failed: ..."
    stock_pixels: Optional[str]  # stock round trip vs the original's second draw
    packed: bool  # the figwire message has a pickle part
    missing: Optional[str]  # header.missing["pickle"] when not packed
    live: bool
    reason: Optional[str]  # unpack's reason when not live
    refused: Optional[str]  # the name the loading policy refused, as the reason gives it
    owner: Optional[str]  # one of OWNERS, for a refused name
    pixels: Optional[str]  # figwire's live figure vs the original's second draw
    pixels_vs_stock: Optional[str]  # figwire's live figure vs the stock round trip
    diff_fraction: Optional[float]  # share of pixels differing from the original, when not identical
    max_diff: Optional[int]  # largest channel difference from the original
    pack_ms: Optional[float]
    unpack_ms: Optional[float]
    globals: Tuple[str, ...]  # "module:name" of every global the figwire pickle names
    methods: Tuple[str, ...]  # "module:Class.name" of every getattr(owner, name) it makes (Class: the owner's)
    method_functions: Tuple[str, ...]  # "module:Qualname" of the functions those bind: figwire's method-list key
    globals_error: Optional[str]  # the recording load raised
    scene: Optional[str] = None  # "live" | "not sent: ..." | "not live: ..." (rebuilt with no trust)
    scene_ssim: Optional[float] = None  # SSIM of the scene-rebuilt figure against the reference
    scene_skipped: int = 0  # nodes the scene reported as approximated or left out
    #: the consumer's own check: the rebuilt render against the message's PNG (``scene._likeness``)
    scene_likeness: Optional[float] = None

    @property
    def key(self) -> str:
        return f"{self.example}#{self.number}"

    @property
    def identical(self) -> bool:
        return self.pixels == "identical"

    @property
    def scene_good(self) -> bool:
        """Live by scene and looking like the original (SSIM >= 0.95)."""
        return self.scene == "live" and self.scene_ssim is not None and self.scene_ssim >= 0.95

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "FigureRecord":
        """A record from a child's JSON line; KeyError/TypeError when it is not one."""
        values: Dict[str, Any] = {f.name: data[f.name] for f in fields(cls) if f.name in data or not f.name.startswith("scene")}
        values["globals"] = tuple(values["globals"])
        values["methods"] = tuple(values["methods"])
        values["method_functions"] = tuple(values["method_functions"])
        return cls(**values)


@dataclass(frozen=True)
class ExampleResult:
    """One example: its status, why, its wall time and its figures' records."""

    example: str
    category: str
    status: str  # one of STATUSES
    detail: Optional[str]  # the skip rule, the exception, the exit status
    seconds: float
    figures: Tuple[FigureRecord, ...] = ()

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "ExampleResult":
        figures = tuple(FigureRecord.from_json(f) for f in data["figures"])
        return cls(data["example"], data["category"], data["status"], data["detail"], data["seconds"], figures)


@dataclass(frozen=True)
class RunInfo:
    """The report's header: when, in what environment, on which examples, how invoked."""

    date: str
    python: str
    matplotlib: str
    numpy: str
    figwire: str
    platform: str
    examples_source: str
    examples_version: str
    command: str
    jobs: int
    timeout: float
