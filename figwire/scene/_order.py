"""The order in which a figure with subfigures draws its top-level artists.

A scene is flat: every axes and figure-level artist is built on one consumer figure,
drawn in zorder. A subfigure, though, draws as a unit (its background, then its own
artists and axes) at a point of its parent's drawing that depends on the producer's
matplotlib: up to 3.8 after everything the parent draws, from 3.9 sorted among the
parent's artists by its zorder. So when a figure has subfigures, each top-level node
gets its position in the producer's sequence as its zorder, which any consumer sorts
back into the same order (a background that covered the parent's axes still does).
"""

from __future__ import annotations

from typing import Any, Dict, List

import matplotlib as mpl

__all__ = ["has_subfigures", "draw_ranks"]

#: matplotlib 3.9 sorts subfigures among their parent's artists; earlier ones draw them last.
_SORTED_SUBFIGURES = tuple(mpl.__version_info__[:2]) >= (3, 9)

#: the zorder the consumer's ``Figure.suptitle``/``supxlabel``/``supylabel`` get.
_TITLE_Z = 3.0


def has_subfigures(fig: Any) -> bool:
    return any(sub.get_visible() for sub in getattr(fig, "subfigs", ()))


def _sequence(container: Any, out: List[Any]) -> None:
    subfigs = list(getattr(container, "subfigs", ()))
    children = [c for c in container.get_children() if c is not container.patch and not c.get_animated()]
    if _SORTED_SUBFIGURES:
        drawn = sorted(children, key=lambda c: c.get_zorder())
    else:
        drawn = sorted((c for c in children if not any(c is s for s in subfigs)), key=lambda c: c.get_zorder())
        drawn += subfigs
    for child in drawn:
        if any(child is s for s in subfigs):
            _subfigure(child, out)
        else:
            out.append(child)


def _subfigure(sub: Any, out: List[Any]) -> None:
    if sub.get_visible():
        out.append(sub.patch)
        _sequence(sub, out)


def draw_ranks(fig: Any, titles: List[Any]) -> Dict[int, float]:
    """``id(artist) -> zorder`` for every artist ``fig`` draws itself (axes, figure-level
    artists, subfigure backgrounds): its place in the drawing, counted around ``titles``
    (the figure's sup texts, which the consumer draws at zorder 3): what was drawn before
    the first of them gets a zorder below 3, the rest above."""
    sequence: List[Any] = []
    _sequence(fig, sequence)
    title_ids = {id(t) for t in titles}
    first = next((i for i, a in enumerate(sequence) if id(a) in title_ids), len(sequence))
    ranks: Dict[int, float] = {}
    for i, artist in enumerate(sequence):
        if id(artist) not in title_ids:
            ranks[id(artist)] = _TITLE_Z - (first - i) if i < first else _TITLE_Z + (i - first + 1)
    return ranks
