"""The cross-version matrix's scene column (issue: live across matplotlib versions).

Every default pack is also unpacked with no key and no opt-in (``figwire.unpack(frames)``):
its pickle is never used, so the figure is live by scene or shows its image. A scene-live
figure is judged against the consumer's own native render of the same figure (SSIM,
``tests/scene_support.py``, a numpy transcription of scikit-image's) and zoomed like the
consumer's own copy (limits, and ticks where the scene hands over to a native locator).

Pass criterion, per pair of environments with different matplotlib minors: at least
``--scene-share`` (default 0.9) of the figures live by scene at SSIM >= 0.95 and zooming
correctly; every other one shows an image with a reason; never an error.

The worker half (``consume``) runs inside the matrix's environments: standard library at
import, numpy/matplotlib/figwire inside the function. The report half runs in the harness.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List, Sequence, Tuple

SYMBOLS = {"scene": "S", "scene-poor": "s", "unjudged": "?", "image": "I", "error": "E"}
SSIM_GOOD = 0.95


def consume(figwire: Any, frames: Any, name: str, native: Path) -> Dict[str, Any]:
    """The scene outcome of one default pack, unpacked here with no trust at all."""
    import figures
    import numpy as np
    from scene_support import ssim, zoom_problems

    from figwire._codec import part_buffers
    from figwire.scene import decode_scene

    result = figwire.unpack(frames)
    if result.tier == "pickle":
        return {"outcome": "error", "reason": "an unauthenticated pickle was loaded"}
    if result.tier != "scene":
        return {"outcome": "image" if result.tier else "error", "reason": result.reason}
    if name not in figures.CORPUS or not native.exists():  # this matplotlib cannot make the figure itself
        return {"outcome": "unjudged", "reason": "live by scene; this environment has no native render to compare with"}
    try:
        rgba = figures.render_rgba(result.figure)
        expected = np.load(native)
        score = ssim(rgba, expected)
        png = result.fallbacks.get("image/png")
        baseline = ssim(_decoded(png), expected) if png is not None else None
        doc = decode_scene(part_buffers(frames, result.header, result.header.scene))
        mine = figures.CORPUS[name]()
        try:
            problems = zoom_problems(mine, result.figure, doc)
        finally:
            figures.close(mine)
    except Exception as exc:
        return {"outcome": "error", "reason": f"the scene-rebuilt figure failed: {type(exc).__name__}: {exc}"[:300]}
    good = score >= SSIM_GOOD and not problems
    # What a window shows: a rebuilt figure unlike the producer's PNG gives way to the PNG (§16.7).
    import matplotlib

    from figwire.scene._likeness import likeness
    from figwire.scene._schema import MIN_LIKENESS

    same_version = result.header.producer.get("matplotlib") == matplotlib.__version__
    alike = likeness(rgba, png) if png is not None and same_version else None  # as _show.reference_image
    if alike is not None and alike < MIN_LIKENESS:
        return {
            "outcome": "image",
            "reason": f"a window shows the PNG: the rebuilt figure's likeness to it is {alike:.3f} (SSIM {score:.3f})",
            "ssim": round(score, 4),
            "likeness": round(alike, 4),
        }
    return {
        "outcome": "scene" if good else "scene-poor",
        "ssim": round(score, 4),
        "likeness": None if alike is None else round(alike, 4),
        "png_ssim": None if baseline is None else round(baseline, 4),
        "zoom": problems[:3],
        "skipped": [f"{n}: {r}" for n, r in result.skipped][:5],
    }


def _decoded(png: Any) -> Any:
    import io

    import numpy as np
    from PIL import Image

    with Image.open(io.BytesIO(bytes(png))) as image:
        return np.asarray(image.convert("RGBA"))


def _minor(version: str) -> Tuple[int, ...]:
    return tuple(int(p) for p in version.split(".")[:2])


def judge(records: Sequence[Dict[str, Any]], infos: Dict[str, Dict[str, Any]], share: float) -> List[str]:
    """The violations of the scene criterion, one line each."""
    pairs: Dict[Tuple[str, str], List[Dict[str, Any]]] = {}
    for r in records:
        if "scene" in r:
            pairs.setdefault((r["producer"], r["consumer"]), []).append(r)
    out = []
    for (p, c), mine in sorted(pairs.items()):
        errors = [r for r in mine if r["scene"]["outcome"] == "error"]
        out += [f"scene error: {p} -> {c}: {r['figure']}: {r['scene']['reason']}" for r in errors]
        if _minor(infos[p]["matplotlib"]) == _minor(infos[c]["matplotlib"]):
            continue
        # a figure the consumer cannot make itself has no render to compare with: not
        # counted, as in the report's shares
        judged = [r for r in mine if r["scene"]["outcome"] != "unjudged"]
        good = sum(r["scene"]["outcome"] == "scene" for r in judged)
        if good < share * len(judged):
            out.append(
                f"scene: {p} -> {c}: {good} of {len(judged)} live by scene at SSIM >= {SSIM_GOOD}, below {share:.0%}"
            )
    return out


def report(records: Sequence[Dict[str, Any]], names: Sequence[str], infos: Dict[str, Dict[str, Any]]) -> List[str]:
    """The scene matrix, the per-pair shares across minors, and every figure that missed."""
    scene = [r for r in records if "scene" in r]
    out = [
        "## Matrix: the scene tier, no key and no opt-in",
        "",
        "The same default packs unpacked with `figwire.unpack(frames)`: the pickle is never used. `S` live by scene at "
        f"SSIM >= {SSIM_GOOD} to the consumer's own render and zooming like the consumer's own copy; `s` live by scene "
        "below that or zooming differently; `?` live by scene, but the consumer cannot make the figure itself to compare "
        "(not counted in shares); `I` the image, with a reason (a window also shows the image when the rebuilt figure's "
        "likeness to the message's PNG is below SceneLimits.min_likeness, spec §16.7); `E` error. In the list below, "
        "`PNG` is the SSIM of the producer's own PNG against the same consumer render: where it is low too, the two "
        "matplotlibs draw the figure differently, whatever the scene does; `likeness` is the consumer's own check.",
        "",
        "| producer \\ consumer | " + " | ".join(names) + " |",
        "|---|" + "---|" * len(names),
    ]
    across: List[int] = [0, 0]
    for p in names:
        cells = []
        for c in names:
            mine = [r["scene"]["outcome"] for r in scene if r["producer"] == p and r["consumer"] == c]
            counts = {k: mine.count(k) for k in SYMBOLS if mine.count(k)}
            cells.append(" ".join(f"{n}{SYMBOLS[k]}" for k, n in counts.items()) or "-")
            if _minor(infos[p]["matplotlib"]) != _minor(infos[c]["matplotlib"]):
                across[0] += counts.get("scene", 0)
                across[1] += len(mine) - counts.get("unjudged", 0)
        out.append(f"| **{p}** | " + " | ".join(cells) + " |")
    if across[1]:
        out += [
            "",
            f"Across matplotlib minors: {across[0]} of {across[1]} ({100 * across[0] / across[1]:.1f} %) live by scene at SSIM >= {SSIM_GOOD}.",
        ]
    missed = [r for r in scene if r["scene"]["outcome"] != "scene"]
    out += ["", "### Not live by scene, or below the bar", ""]
    if not missed:
        return out + ["None."]
    out += [
        "| producer -> consumer: figure | outcome | SSIM | PNG | likeness | why |",
        "|---|---|---|---|---|---|",
    ]
    for r in sorted(missed, key=lambda r: (r["figure"], r["producer"], r["consumer"])):
        s = r["scene"]
        why = str(s.get("reason") or "").rpartition("scene: ")[2] or "; ".join(s.get("zoom", []) + s.get("skipped", []))
        why = str(why).replace("|", "/")[:300]
        out.append(
            f"| {r['producer']} -> {r['consumer']}: {r['figure']} | {s['outcome']} | {s.get('ssim', '')}"
            f" | {s.get('png_ssim') or ''} | {s.get('likeness') or ''} | {why} |"
        )
    return out
