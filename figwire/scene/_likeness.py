"""Does the rebuilt figure look like the producer's? The consumer's own check of a scene.

A scene is rebuilt by the consumer's matplotlib, and what that matplotlib makes of a
node can differ from what the producer's drew: a toolkit's artists approximated, a
layout re-run, a default changed between versions, a node type this consumer builds
differently. ``skipped`` lists what the rebuild *knows* it could not carry; this check
is for what it does not know. The consumer has no native render of the figure to
compare with, but a message usually carries the producer's PNG: the same figure, drawn
by the producer at the same size. So the rebuilt figure's first draw is compared with
it, and a figure that does not look like it is shown as that image, with the score in
the reason (``SceneLimits.min_likeness``), instead of as a live figure that is wrong.

The score is SSIM (scikit-image's defaults: 7x7 uniform windows, K1 = 0.01, K2 = 0.03,
sample covariance, data range 255, the mean over windows inside the image) of the RGB
channels of both images, each composited over white and box-averaged to at most
``WIDTH`` pixels across (and at most half the narrower image). Averaging first is what
makes it cheap (about 7 ms for a 640x480 draw, the PNG decoded meanwhile on a thread)
and what makes it measure structure (an artist missing, moved, recoloured), not the
antialiasing and hinting that differ between freetype versions. On matplotlib's gallery
it correlates at 0.91 with SSIM against the original's own render (README).
"""

from __future__ import annotations

import io
import threading
from typing import Any, Optional, Tuple

import numpy as np

__all__ = ["WIDTH", "Reference", "likeness", "rendered_pixels", "similarity", "ssim"]

#: Both images are box-averaged to this many pixels across (or fewer, if smaller).
WIDTH = 160
#: Images whose aspect ratios differ by more than this are not compared (a window resized
#: by its window manager shows another layout of the figure, not a worse rebuild).
_ASPECT_TOLERANCE = 0.02
_WINDOW = 7
#: A PNG narrower than this share of the render is a thumbnail (``pack(dpi=...)`` below the
#: figure's): its text and lines rasterise too coarsely to judge the figure by (0.83 for a
#: correct rebuild against a half-size PNG), so it is not compared.
_THUMBNAIL = 0.75


class Reference:
    """The producer's PNG, decoded and reduced on a thread of its own while the rebuilt
    figure draws (Pillow releases the GIL while it inflates and resamples, so on a
    machine with two cores the decode costs the draw almost nothing). ``max_pixels``:
    a PNG declaring more pixels is not decoded (a window's check passes the figure's
    pixels times 4, room for a HiDPI PNG; the message is untrusted)."""

    def __init__(self, png: Any, dpi: float = 100.0, max_pixels: Optional[float] = None) -> None:
        self._png, self._dpi, self._max_pixels = bytes(png), dpi, max_pixels
        self._image: Optional[np.ndarray] = None
        self._reduced: Optional[np.ndarray] = None
        self._thread = threading.Thread(target=self._prepare, name="figwire-likeness", daemon=True)
        self._thread.start()

    def _prepare(self) -> None:
        from PIL import Image

        from .._gui import _decode

        try:
            if self._max_pixels is not None:  # a PNG far larger than the figure is not worth decoding
                with Image.open(io.BytesIO(self._png), formats=["PNG"]) as header:
                    if header.size[0] * header.size[1] > self._max_pixels:
                        return
            image = _decode(self._png, "image/png", self._dpi)
        except (ValueError, OSError, Image.DecompressionBombError):  # not a PNG, or too large: nothing to compare
            return
        if min(image.shape[:2]) >= 2 * _WINDOW:  # outside the try: a bug of figwire's own is not a bad PNG
            self._reduced = _reduced(image, *_size(image, image))
            self._image = image

    def score(self, rendered: Any) -> Optional[float]:
        """SSIM in [-1, 1] of ``rendered`` (an ``(h, w, 4)`` uint8 render) and the PNG at a
        common reduced size; None when they cannot be compared (the PNG does not decode, is
        over the image limit or a thumbnail, or their aspect ratios differ)."""
        self._thread.join()
        if self._image is None or self._reduced is None:
            return None
        rendered = np.asarray(rendered)
        if not _comparable(rendered, self._image) or self._image.shape[1] < _THUMBNAIL * rendered.shape[1]:
            return None
        size = _size(self._image, rendered)
        expected = self._reduced if size[0] == self._reduced.shape[-1] else _reduced(self._image, *size)
        return ssim(_reduced(rendered, *size), expected)


def likeness(rendered: Any, png: Any, dpi: float = 100.0) -> Optional[float]:
    """``Reference(png, dpi).score(rendered)``, in one call."""
    return Reference(png, dpi).score(rendered)


def similarity(a: np.ndarray, b: np.ndarray) -> Optional[float]:
    """The same score for two ``(h, w, 4)`` uint8 images (None if they cannot be compared)."""
    return ssim(*(_reduced(x, *_size(b, a)) for x in (a, b))) if _comparable(a, b) else None


def _comparable(a: np.ndarray, b: np.ndarray) -> bool:
    (ha, wa), (hb, wb) = a.shape[:2], b.shape[:2]
    return min(ha, wa, hb, wb) >= 2 * _WINDOW and abs(wa / ha - wb / hb) <= _ASPECT_TOLERANCE * (wb / hb)


def _size(image: np.ndarray, other: np.ndarray) -> Tuple[int, int]:
    """The common reduced size, ``image``'s aspect: at most ``WIDTH`` across, and at most
    half the narrower image, so that both are averaged (a PNG made at a low dpi rasterises
    text and lines coarsely: averaging both by two or more takes that out of the score)."""
    height, width = image.shape[:2]
    across = max(_WINDOW, min(WIDTH, min(width, other.shape[1]) // 2))
    return across, max(_WINDOW, round(across * height / width))


def _reduced(rgba: np.ndarray, width: int, height: int) -> np.ndarray:
    """``rgba`` over white, box-averaged to ``(3, height, width)`` floats (Pillow's BOX
    filter: each output pixel the mean of the input pixels it covers), all in C. Most
    figures are opaque: a transparent one is averaged first (Pillow weights colour by
    alpha) and put over white at the small size, which costs a tenth as much."""
    from PIL import Image

    box = getattr(Image, "Resampling", Image).BOX  # Pillow >= 9.1 names it there
    image = Image.fromarray(np.ascontiguousarray(rgba[..., :4]), "RGBA")
    if rgba[..., 3].min() == 255:
        small = image.convert("RGB").resize((width, height), box)
    else:
        white = Image.new("RGBA", (width, height), (255, 255, 255, 255))
        small = Image.alpha_composite(white, image.resize((width, height), box)).convert("RGB")
    return np.moveaxis(np.asarray(small, dtype=np.float32), -1, 0)


def ssim(x: np.ndarray, y: np.ndarray) -> float:
    """Mean SSIM of two ``(channels, h, w)`` float arrays, scikit-image's definition with its
    defaults (each channel's mean over the windows inside the image, then their mean)."""
    x, y = np.asarray(x, dtype=np.float32), np.asarray(y, dtype=np.float32)
    n = _WINDOW * _WINDOW
    moments = _window_means(np.stack([x, y, x * x, y * y, x * y]))
    ux, uy, xx, yy, xy = moments
    norm = n / (n - 1.0)
    vx, vy, vxy = norm * (xx - ux * ux), norm * (yy - uy * uy), norm * (xy - ux * uy)
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    s = ((2 * ux * uy + c1) * (2 * vxy + c2)) / ((ux * ux + uy * uy + c1) * (vx + vy + c2))
    return float(s.mean(dtype=np.float64))


def _window_means(stack: np.ndarray) -> np.ndarray:
    """The mean of every 7x7 window inside the image, over the last two axes: seven
    shifted slices summed across, then seven down (float32 is exact enough: a window's
    sum of squares is at most 49 * 255**2, and SSIM's constants dwarf the rounding)."""
    w = _WINDOW
    width, height = stack.shape[-1] - w + 1, stack.shape[-2] - w + 1
    across = stack[..., :width].copy()
    for k in range(1, w):
        across += stack[..., k : k + width]
    sums = across[..., :height, :].copy()
    for k in range(1, w):
        sums += across[..., k : k + height, :]
    return sums / np.float32(w * w)


def rendered_pixels(figure: Any) -> Optional[np.ndarray]:
    """The pixels of ``figure``'s last draw on its canvas, where the canvas keeps them
    (every Agg-based canvas: TkAgg, QtAgg...); None otherwise."""
    buffer = getattr(figure.canvas, "buffer_rgba", None)
    if buffer is None:
        return None
    try:
        return np.asarray(buffer())
    except Exception:  # a canvas that has not drawn, or keeps no renderer
        return None
