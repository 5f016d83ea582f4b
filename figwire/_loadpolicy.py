"""``LoadPolicy``: the receiver's limits on what a pickle may build and what the figure may do.

A pickle that names only admitted classes can still ask for a 4 GB ``bytearray`` or a
figure that draws 100,001 ticks. These limits are checked *before* an allocation (by
the reconstructors in ``_checked``) or before the figure is handed over (``_validate``).
Defaults are generous for real figures (a 4096x4096 RGBA float image is 256 MiB) and
small for what no real figure needs (a 30000x30000-pixel canvas, a 1e8-step path).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

__all__ = ["LoadPolicy", "DEFAULT_LOAD_POLICY"]

_MiB = 1 << 20


@dataclass(frozen=True)
class LoadPolicy:
    """Limits for ``unpack``'s pickle tier; every field is checked, none is advisory.

    *Load time* (checked before allocating): ``max_array_bytes`` is one array's logical
    size (shape x itemsize, so a zero-stride view of 10**12 elements is refused);
    ``max_total_bytes`` is the sum over the load; ``max_container_items`` caps a
    ``set``/``frozenset``/``bytearray``/``range`` built by a call; ``memory_headroom``
    is how far the process may grow while unpickling (enforced with ``RLIMIT_AS`` where
    the platform has it; 0 turns that off); ``max_load_seconds`` interrupts a load that
    keeps running Python code (0 turns that off). ``isolate`` first loads the pickle in
    a forked child with CPU and time limits (POSIX), which also bounds what runs inside
    one C call (hashing a deeply shared tuple), at twice the cost of a load.

    *The figure* (checked before hand-over): canvas pixels at the figure's dpi, path
    interpolation steps, ticks a locator may make, digits in a tick format, colormap
    sizes, hatch density (the characters of a hatch pattern: its path grows with their
    square). ``allow_usetex``: text with ``usetex=True`` runs ``latex`` on the producer's
    TeX when drawn, so by default it is turned off (and noted); font files outside
    matplotlib's and the system's font directories are dropped.
    """

    max_array_bytes: int = 1 << 30
    max_total_bytes: int = 4 << 30
    max_container_items: int = 1 << 20
    memory_headroom: int = 2 << 30
    max_load_seconds: int = 10
    isolate: bool = False
    max_canvas_pixels: int = 1 << 26
    max_interpolation_steps: int = 1000
    max_ticks: int = 10_000
    max_format_width: int = 100
    max_colormap_size: int = 1 << 16
    max_path_vertices: int = 1 << 26
    max_hatch_density: int = 24
    allow_usetex: bool = False

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if f.type in ("bool", bool):
                if not isinstance(value, bool):
                    raise ValueError(f"LoadPolicy.{f.name} must be a bool, not {value!r}")
            elif not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ValueError(f"LoadPolicy.{f.name} must be a non-negative int, not {value!r}")


DEFAULT_LOAD_POLICY = LoadPolicy()
