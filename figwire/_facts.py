"""What the envelope says about the producing process and the figure (matplotlib edge)."""

from __future__ import annotations

import platform
import sys
from typing import Any, Dict, Optional

from ._envelope import FigureFacts
from ._version import __version__

_environment: Optional[Dict[str, str]] = None


def environment() -> Dict[str, str]:
    """This process's ``producer`` map (§4.2); computed once, versions do not change."""
    global _environment
    if _environment is None:
        import matplotlib
        import numpy

        _environment = {
            "python": platform.python_version(),
            "implementation": sys.implementation.name,
            "matplotlib": matplotlib.__version__,
            "numpy": numpy.__version__,
            "figwire": f"figwire {__version__}",
            "platform": f"{sys.platform}-{platform.machine()}",
            "byteorder": sys.byteorder,
        }
    return dict(_environment)


def pyplot_number(fig: Any) -> Optional[int]:
    """The figure's pyplot number, or None when pyplot does not manage it.

    Looks pyplot's registry up only if pyplot was imported: packing must not import
    pyplot, which picks a backend as a side effect.
    """
    helpers = sys.modules.get("matplotlib._pylab_helpers")
    if helpers is None:
        return None
    for num, manager in list(helpers.Gcf.figs.items()):
        if manager.canvas.figure is fig:
            return int(num)
    return None


def logical_dpi(fig: Any) -> float:
    """The dpi ``savefig(dpi="figure")`` uses: the figure's own, before HiDPI scaling."""
    return float(getattr(fig, "_original_dpi", fig.dpi))


def figure_facts(fig: Any) -> FigureFacts:
    width, height = (float(v) for v in fig.get_size_inches())
    dpi = logical_dpi(fig)
    suptitle = getattr(fig, "_suptitle", None)
    axes = fig.axes
    return FigureFacts(
        label=str(fig.get_label() or ""),
        number=pyplot_number(fig),
        size_inches=(width, height),
        dpi=dpi,
        pixels=(int(width * dpi), int(height * dpi)),
        axes=len(axes),
        suptitle=None if suptitle is None else str(suptitle.get_text()),
        titles=tuple(str(ax.get_title()) for ax in axes),
    )
