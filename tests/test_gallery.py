"""The gallery harness (tools/gallery.py) on a tiny synthetic gallery, end to end.

Seven examples in two categories give each outcome the harness must tell apart: a
plain figure (live, identical), an unpicklable one (a lambda formatter: no pickle, and
why), one whose artist class is the example's own (refused at unpack, owner
"example"), two figures with junk on stdout (including a broken protocol line), an
exception, a crash, a hang (killed by ``--timeout``) and an animation (skipped by
rule, never run). The real gallery takes many minutes; this takes seconds.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict

ROOT = Path(__file__).resolve().parents[1]
GALLERY = ROOT / "tools" / "gallery.py"

EXAMPLES = {
    "plots/line.py": """
import matplotlib.pyplot as plt
fig, ax = plt.subplots()
ax.plot([1, 3, 2])
plt.show()
""",
    "plots/lambda_formatter.py": """
import matplotlib.pyplot as plt
from matplotlib.ticker import FuncFormatter
fig, ax = plt.subplots()
ax.plot([1, 2])
ax.xaxis.set_major_formatter(FuncFormatter(lambda x, pos: f"{x:.1f} s"))
""",
    "plots/own_artist.py": """
import matplotlib.pyplot as plt
from matplotlib.lines import Line2D

class Marked(Line2D):
    pass

fig, ax = plt.subplots()
ax.add_line(Marked([0, 1], [0, 1]))
""",
    "plots/two_figures.py": """
import matplotlib.pyplot as plt
print("no newline at the end", end="")
plt.figure(label="first").add_subplot().bar([1, 2], [3, 4])
print("@@figwire-gallery@@ {this is not json")
plt.figure(label="second").add_subplot().scatter([1, 2], [3, 4])
plt.pause(30)
""",
    "misc/raises.py": """
raise RuntimeError("boom")
""",
    "misc/crashes.py": """
import os
os._exit(3)
""",
    "misc/hangs.py": """
import time
while True:
    time.sleep(1)
""",
    "misc/animated.py": """
import matplotlib.pyplot as plt
from matplotlib.animation import FuncAnimation
fig, ax = plt.subplots()
ani = FuncAnimation(fig, lambda i: [], frames=3)
""",
}


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(GALLERY), *args], capture_output=True, text=True, timeout=120)


def test_synthetic_gallery(tmp_path: Path) -> None:
    examples = tmp_path / "mpl-examples-1.2.3"
    for name, source in EXAMPLES.items():
        (examples / name).parent.mkdir(parents=True, exist_ok=True)
        (examples / name).write_text(source.lstrip())
    out, records = tmp_path / "report.md", tmp_path / "records.json"
    done = _run("--examples", str(examples), "--jobs", "2", "--timeout", "5", "--out", str(out), "--json", str(records))
    assert done.returncode == 0, done.stderr
    assert "gallery: 7 run, 1 skipped, 2 errors, 1 timeouts; 5 figures" in done.stderr.splitlines()[-1]

    results: Dict[str, Any] = {r["example"]: r for r in json.loads(records.read_text())["examples"]}
    assert {name: r["status"] for name, r in results.items()} == {
        "misc/animated.py": "skipped",
        "misc/crashes.py": "crashed",
        "misc/hangs.py": "timeout",
        "misc/raises.py": "error",
        "plots/lambda_formatter.py": "ok",
        "plots/line.py": "ok",
        "plots/own_artist.py": "ok",
        "plots/two_figures.py": "ok",
    }
    assert results["misc/animated.py"]["detail"] == "animation (calls FuncAnimation)"
    assert results["misc/raises.py"]["detail"] == "RuntimeError: boom"
    assert results["misc/crashes.py"]["detail"].startswith("exit status 3")

    (line,) = results["plots/line.py"]["figures"]
    assert line["stock"] == "ok" and line["packed"] and line["live"] and line["pixels"] == "identical"
    assert "matplotlib.lines:Line2D" in line["globals"]
    assert "matplotlib.figure:Figure.delaxes" in line["methods"]  # the owner's class and the name looked up
    assert "matplotlib.figure:FigureBase.delaxes" in line["method_functions"]  # the function it binds

    (unpicklable,) = results["plots/lambda_formatter.py"]["figures"]
    assert not unpicklable["packed"] and "lambda" in unpicklable["missing"]
    assert unpicklable["stock"].startswith("dump failed")

    (own,) = results["plots/own_artist.py"]["figures"]
    assert own["packed"] and not own["live"] and own["stock"] == "ok"
    assert (own["refused"], own["owner"]) == ("__main__.Marked", "example")

    two = results["plots/two_figures.py"]["figures"]
    assert [(f["number"], f["label"], f["live"]) for f in two] == [(1, "first", True), (2, "second", True)]

    report = out.read_text()
    assert "the gallery of matplotlib 1.2.3 (installed: matplotlib " in report
    for heading in ("## Totals", "## By gallery category", "## Names refused by the loading policy", "## Skipped examples"):
        assert heading in report
    assert "| plots | 4 | 4 | 0 | 0 | 5 | 4 (80.0 %) | 3 (60.0 %) | 3 (100.0 %) |" in report
    assert "| `__main__.Marked` | example | 1 | `plots/own_artist.py` |" in report


def test_bad_examples_path_is_one_line(tmp_path: Path) -> None:
    done = _run("--examples", str(tmp_path / "nowhere"), "--out", str(tmp_path / "report.md"))
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        f"gallery.py: error: --examples {tmp_path / 'nowhere'}: no such file or directory"
    ]
    assert not (tmp_path / "report.md").exists()
