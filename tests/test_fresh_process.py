"""Every corpus figure, signed here, loads live in a *fresh* process and renders the same.

The in-process round trip cannot see state the producer's own process made: a class
that matplotlib creates at runtime and caches (``make_norm_from_scale``'s norms,
``_make_class_factory``'s subplot classes) already exists when the same process loads
the pickle, but a client has to create it during the load. The full cross-version
matrix found exactly that; this test finds it in the default run.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import figures
import numpy as np

import figwire

KEY = b"fresh-process test key 0123456789abcdef"
ROOT = Path(__file__).resolve().parents[1]

CHILD = r"""
import json, sys
from pathlib import Path
sys.path.insert(0, sys.argv[2])
import matplotlib
matplotlib.use("Agg")
import numpy as np
import figwire, figures
from conftest import CORPUS_ALLOW

out = {}
for path in sorted(Path(sys.argv[1]).glob("*.fgw")):
    result = figwire.unpack(figwire.split(path.read_bytes()), key=sys.argv[3].encode(), allow=CORPUS_ALLOW)
    if result.live:
        np.save(path.with_suffix(".npy"), figures.render_rgba(result.figure))
    out[path.stem] = {"live": result.live, "authenticated": result.authenticated, "reason": result.reason}
print(json.dumps(out))
"""


def test_every_corpus_figure_loads_live_in_a_fresh_process(tmp_path: Path) -> None:
    expected = {}
    for name in sorted(set(figures.CORPUS) - set(figures.PICKLE_FAILS)):
        fig = figures.CORPUS[name]()
        (tmp_path / f"{name}.fgw").write_bytes(figwire.join(figwire.pack(fig, parts=("pickle",), key=KEY)))
        expected[name] = figures.render_rgba(fig)
        figures.close(fig)
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(tmp_path), str(ROOT / "tests"), KEY.decode()],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads(done.stdout.strip().splitlines()[-1])
    not_live = {n: r["reason"] for n, r in results.items() if not r["live"]}
    assert not_live == {}
    assert all(r["authenticated"] for r in results.values())
    for name, pixels in expected.items():
        np.testing.assert_array_equal(np.load(tmp_path / f"{name}.npy"), pixels, err_msg=name)
