"""The cross-version matrix: every environment packs the figure corpus, every environment unpacks all of it.

Usage::

    python tools/xver.py [--envs NAME,...] [--figures NAME,...] [--big] [--out docs/xver-results.md]
                         [--work DIR] [--jobs N] [--timeout SECONDS]

Compatibility is a property of a *pair* of environments (producer, consumer), so one
tox env per version cannot test it: each environment has to write, and then read
what every other one wrote. The phases, each one process per environment:

1. **build**: a virtualenv per entry of ``tools/xver_envs.json``, cached under
   ``~/.cache/figwire-xver/<name>`` with a stamp of its spec (a cached env without a
   stamp is adopted if what it has installed matches).
2. **info**: exact versions, the corpus this matplotlib builds, and, once figwire
   has it, the environment's ``figwire.capabilities()`` advert.
3. **produce**: per figure, the native render (``render_rgba`` of a fresh figure,
   as ``.npy``) and the default pack (pickle + scene + PNG) of another fresh figure as a
   ``.fgw`` file; with adverts, also a pack negotiated for each consumer.
4. **consume**: every producer's every pack (signed) is unpacked with the key (``key=XVER_KEY``). A live
   figure must render exactly like the consumer's own native render of the same
   figure; a refused one must come with a PNG fallback that decodes; a negotiated
   pack's pickle must load live. For refused pickles the harness loads them anyway,
   bypassing the verdict, to find verdicts stricter than needed (reported, never a
   failure). Each default pack is also unpacked with no key at all: live by its scene,
   or its image (``tools/xver_scene.py``: SSIM against the native render, and zoom).

Pass criteria (else exit status 1): no errors; every default pack the verdict lets
load renders identically to the consumer's own render, except that pixels may differ
between patch releases of one matplotlib minor, or between numpy versions (the live
figure holds what the producer's numpy computed); every other one falls back with a
usable PNG; no negotiated pack carries a pickle its consumer cannot load; across
matplotlib minors, at least ``--scene-share`` of the figures live by scene at SSIM >=
0.95 (and zooming like the consumer's own copy), the rest an image with a reason. The report
(``--out``) has the matrix, the violations, the reasons and the timings; with
``--work`` the packs, renders and every record (``results.json``) are kept.

figwire reaches the environments through ``PYTHONPATH`` (the repository and its
``tests/`` directory), not ``pip install -e``: an editable install writes
``figwire.egg-info`` into the shared working tree and needs a build backend from the
index in every venv, while ``PYTHONPATH`` behaves the same on Python 3.9-3.13, costs
nothing, always tests the current tree, and ``tests/`` must be importable anyway
because corpus pickles name functions of ``figures.py``.

A worker that crashes or makes no progress for ``--timeout`` seconds is killed; the
figure it was on is recorded as an error and a new worker resumes after it, so one
bad load costs one cell entry, not an environment's column.

Exit status: 0 when the pass criteria hold, 1 when they do not, 2 when the harness
itself cannot run (no pyenv, a failed build, unknown names). This file also runs as
the worker inside each environment, so it must import on Python 3.9 with the standard
library alone; numpy, matplotlib and figwire are imported in the worker only.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import queue
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Callable, Dict, Iterable, List, Optional, Sequence, Tuple

import xver_scene  # noqa: E402  (this file's directory is on sys.path: it runs as a script)

ROOT = Path(__file__).resolve().parents[1]
ENVS_FILE = Path(__file__).with_name("xver_envs.json")
CACHE = Path.home() / ".cache" / "figwire-xver"
#: Written into a venv once it is known to match its spec; its content is the spec.
STAMP = "xver-spec.json"
#: Installed unpinned next to matplotlib and numpy: what figwire and the corpus import.
UNPINNED = ("pillow", "msgpack", "packaging", "pyzmq")  # pyzmq: the transport tests (tests/test_xver_transport.py)
#: Every pack of the matrix is signed with this key and verified with it, so the matrix
#: runs the default loading rule (authenticated messages only) across environments.
XVER_KEY = b"figwire cross-version matrix key (public)"
#: Functions of tests/figures.py that corpus pickles name (secondary_axis); the caller's to allow.
ALLOW = (("figures", "celsius_to_fahrenheit"), ("figures", "fahrenheit_to_celsius"))
PNG = "image/png"
#: Marks a work directory as this harness's, so that ``--work`` never wipes anything else.
WORK_MARK = ".xver-work"
#: Cell symbols, in the order a cell lists them.
SYMBOLS = {"error": "E", "live-differs": "~", "live-identical": "=", "fallback": "F"}
#: Reasons and messages longer than this are cut in records and the report.
MAX_TEXT = 240


class HarnessError(Exception):
    """The harness cannot run (as opposed to a matrix that fails its criteria)."""


def _cut(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 3] + "..."


def _minor(version: str) -> Tuple[int, ...]:
    return tuple(int(x) for x in re.findall(r"\d+", version)[:2])


# =============================================================================== building


@dataclass(frozen=True)
class EnvSpec:
    """One entry of ``xver_envs.json``; ``python`` is a minor version, resolved through pyenv."""

    name: str
    python: str
    matplotlib: str
    numpy: str
    why: str


@dataclass(frozen=True)
class Env:
    """A usable environment: its spec, its interpreter, and how it was obtained (for the report)."""

    spec: EnvSpec
    python: Path
    action: str  # "cached" (stamp matched), "adopted" (installed versions matched) or "built"
    seconds: float


def load_specs(path: Path = ENVS_FILE) -> List[EnvSpec]:
    return [EnvSpec(**entry) for entry in json.loads(path.read_text())["envs"]]


def pyenv_root() -> Path:
    exe = shutil.which("pyenv")
    if exe is None:
        raise HarnessError("pyenv is not on PATH: the environments are built from the Pythons pyenv provides")
    return Path(subprocess.run([exe, "root"], check=True, capture_output=True, text=True).stdout.strip())


def interpreter(root: Path, minor: str) -> Tuple[Path, str]:
    """The newest pyenv-installed Python of ``minor`` ("3.9" -> 3.9.18), and its version."""
    versions = root / "versions"
    found = [
        v for v in (os.listdir(versions) if versions.is_dir() else []) if re.fullmatch(re.escape(minor) + r"\.\d+", v)
    ]
    if not found:
        raise HarnessError(f"pyenv has no Python {minor}.x under {versions}; install one with `pyenv install {minor}`")
    version = max(found, key=lambda v: tuple(int(x) for x in v.split(".")))
    return versions / version / "bin" / "python", version


_INSTALLED = """
import json, platform, sys
from importlib.metadata import PackageNotFoundError, version
def get(name):
    try:
        return version(name)
    except PackageNotFoundError:
        return None
print(json.dumps({"python": platform.python_version(), "matplotlib": get("matplotlib"), "numpy": get("numpy"),
                  "unpinned": [n for n in json.loads(sys.argv[1]) if get(n)]}))
"""


def _installed(python: Path) -> Optional[Dict[str, Any]]:
    """What a venv has installed, in the shape of a spec; None if its interpreter does not run."""
    try:
        done = subprocess.run(
            [str(python), "-c", _INSTALLED, json.dumps(UNPINNED)], capture_output=True, text=True, timeout=60
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return json.loads(done.stdout) if done.returncode == 0 else None


def ensure_env(spec: EnvSpec, root: Path) -> Env:
    """Reuse ``spec``'s cached venv if its recorded spec matches, else (re)build it.

    The stamp is written last, so an interrupted build never looks finished.
    """
    start = time.perf_counter()
    base, version = interpreter(root, spec.python)
    want = {"python": version, "matplotlib": spec.matplotlib, "numpy": spec.numpy, "unpinned": list(UNPINNED)}
    venv = CACHE / spec.name
    python, stamp = venv / "bin" / "python", venv / STAMP
    if python.exists() and stamp.exists() and json.loads(stamp.read_text()) == want:
        action = "cached"
    elif python.exists() and _installed(python) == want:
        action = "adopted"
    else:
        action = "built"
        if venv.exists():
            shutil.rmtree(venv)
        CACHE.mkdir(parents=True, exist_ok=True)
        log = CACHE / f"{spec.name}.log"
        with log.open("w") as sink:
            steps = (
                [str(base), "-m", "venv", str(venv)],
                [
                    str(python),
                    "-m",
                    "pip",
                    "install",
                    "--disable-pip-version-check",
                    "--only-binary",
                    ":all:",
                    f"matplotlib=={spec.matplotlib}",
                    f"numpy=={spec.numpy}",
                    *UNPINNED,
                ],
            )
            for step in steps:
                if subprocess.run(step, stdout=sink, stderr=subprocess.STDOUT).returncode != 0:
                    raise HarnessError(f"building {spec.name} failed at `{' '.join(step)}`:\n{_tail(log)}")
        got = _installed(python)
        if got != want:
            raise HarnessError(f"{spec.name}: built, but it has {got}, not {want}")
    stamp.write_text(json.dumps(want))
    return Env(spec, python, action, time.perf_counter() - start)


def _tail(path: Path, lines: int = 8) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


# =============================================================================== running workers


@dataclass
class WorkerRun:
    """What one phase got from one environment: a record per item, and what it cost."""

    records: List[Dict[str, Any]]
    seconds: float
    restarts: int


def _pump(stream: IO[str], lines: "queue.Queue[Optional[str]]") -> None:
    for line in stream:
        lines.put(line)
    lines.put(None)


def _describe_exit(code: int) -> str:
    return f"killed by signal {-code}" if code < 0 else f"exit status {code}"


def run_worker(
    env: Env, phase: str, items: List[Dict[str, Any]], config: Dict[str, Any], work: Path, timeout: float
) -> WorkerRun:
    """Run ``phase`` over ``items`` in ``env``, one process, resuming after a crash or a hang.

    The worker announces each item before starting it, so a process that dies or stalls
    is blamed on that item alone; each restart skips at least that item, so this ends.
    """
    start = time.perf_counter()
    records: List[Dict[str, Any]] = []
    remaining = list(items)
    restarts = 0
    log = work / "logs" / f"{phase}-{env.spec.name}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    # No bytecode: five interpreters must not litter the shared working tree with .pyc files.
    environ = dict(
        os.environ,
        PYTHONPATH=os.pathsep.join([str(ROOT), str(ROOT / "tests")]),
        MPLBACKEND="Agg",
        PYTHONDONTWRITEBYTECODE="1",
    )
    while remaining:
        task = work / "tasks" / f"{phase}-{env.spec.name}-{restarts}.json"
        task.parent.mkdir(parents=True, exist_ok=True)
        task.write_text(
            json.dumps({"phase": phase, "env": env.spec.name, "work": str(work), "items": remaining, **config})
        )
        with log.open("a") as sink:
            proc = subprocess.Popen(
                [str(env.python), str(Path(__file__).resolve()), "_worker", str(task)],
                stdout=subprocess.PIPE,
                stderr=sink,
                text=True,
                env=environ,
            )
            assert proc.stdout is not None
            lines: "queue.Queue[Optional[str]]" = queue.Queue()
            threading.Thread(target=_pump, args=(proc.stdout, lines), daemon=True).start()
            current: Optional[str] = None
            failure: Optional[str] = None
            while True:
                try:
                    line = lines.get(timeout=timeout)
                except queue.Empty:
                    proc.kill()
                    proc.wait()
                    failure = f"no progress for {timeout:.0f} s: the worker was killed"
                    break
                if line is None:
                    code = proc.wait()
                    failure = None if code == 0 else f"the worker died ({_describe_exit(code)})"
                    break
                message = json.loads(line)
                if "start" in message:
                    current = message["start"]
                else:
                    records.append(message)
                    current = None
        done = {r["key"] for r in records}
        by_key = {i["key"]: i for i in remaining}
        remaining = [i for i in remaining if i["key"] not in done]
        if failure is None and not remaining:
            break
        tail = _tail(log, 3)
        why = _cut(f"{failure or 'the worker stopped early'}" + (f"; stderr: {tail}" if tail else ""))
        if failure is None or current is None:  # not inside an item: nothing to skip, so no retry
            records.extend(dict(i, outcome="error", reason=why) for i in remaining)
            break
        records.append(dict(by_key[current], outcome="error", reason=why))
        remaining = [i for i in remaining if i["key"] != current]
        restarts += 1
    return WorkerRun(records, time.perf_counter() - start, restarts)


# =============================================================================== the worker (runs inside an env)


#: What a phase does with one item: the fields it adds to the item's record.
Handler = Callable[[Dict[str, Any]], Dict[str, Any]]


def _worker_main(task_path: str) -> int:
    """Run one phase's items, writing one JSON line per item to the original stdout.

    Everything else that writes to fd 1 (matplotlib, C code, stray prints) is sent to
    stderr, so the record stream cannot be corrupted.
    """
    task = json.loads(Path(task_path).read_text())
    records = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)
    import warnings

    warnings.simplefilter("ignore")  # version-mismatch and deprecation warnings are not the measurement
    phases: Dict[str, Callable[[Dict[str, Any]], Handler]] = {"info": _Info, "produce": _Produce, "consume": _Consume}
    handler = phases[task["phase"]](task)
    for item in task["items"]:
        records.write(json.dumps({"start": item["key"]}) + "\n")
        try:
            record = dict(item, **handler(item))
        except Exception as exc:  # the item's failure, not the worker's
            record = dict(item, outcome="error", reason=_cut(f"{type(exc).__name__}: {exc}"))
        records.write(json.dumps(record) + "\n")
    return 0


def _check_figwire() -> Any:
    import figwire

    if not Path(figwire.__file__).resolve().is_relative_to(ROOT):
        raise RuntimeError(f"figwire comes from {figwire.__file__}, not from {ROOT}: remove the installed copy")
    return figwire


class _Info:
    """Exact versions, the corpus, and the capabilities advert (written with msgpack, as it travels)."""

    def __init__(self, task: Dict[str, Any]) -> None:
        self.out = Path(task["work"]) / task["env"]

    def __call__(self, item: Dict[str, Any]) -> Dict[str, Any]:
        import figures
        import matplotlib
        import msgpack
        import numpy
        import packaging
        import PIL
        from matplotlib import ft2font

        figwire = _check_figwire()
        info: Dict[str, Any] = {
            "outcome": "ok",
            "python": platform.python_version(),
            "matplotlib": matplotlib.__version__,
            "numpy": numpy.__version__,
            "pillow": PIL.__version__,
            "msgpack": ".".join(map(str, msgpack.version)),
            "packaging": packaging.__version__,
            "freetype": getattr(ft2font, "__freetype_version__", "?"),
            "figwire": figwire.__version__,
            "corpus": list(figures.CORPUS),
            "big": sorted(figures.BIG),
            "caps": None,
        }
        if hasattr(figwire, "capabilities"):
            caps = figwire.capabilities()
            path = self.out / "caps.msgpack"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(msgpack.packb(caps, use_bin_type=True))
            info["caps"] = str(path)
        return info


class _Produce:
    """Native renders, default packs and negotiated packs of this environment's figures."""

    def __init__(self, task: Dict[str, Any]) -> None:
        import msgpack

        self.out = Path(task["work"]) / task["env"]
        for sub in ("native", "packs"):
            (self.out / sub).mkdir(parents=True, exist_ok=True)
        self.caps = {
            name: msgpack.unpackb(Path(path).read_bytes(), raw=False, strict_map_key=False)
            for name, path in task["caps"].items()
        }

    def __call__(self, item: Dict[str, Any]) -> Dict[str, Any]:
        import figures
        import numpy as np

        figwire = _check_figwire()
        name = item["figure"]
        factory = figures.CORPUS[name]
        # Two fresh figures: pack pickles before it draws, so the consumer's first draw of
        # the unpacked copy is compared with a first draw here (constrained layout with
        # subfigures places things differently on later draws).
        fig = factory()
        try:
            native = figures.render_rgba(fig)
        finally:
            figures.close(fig)
        np.save(self.out / "native" / f"{name}.npy", native)
        fig = factory()
        try:
            negotiated = self._negotiate(figwire, fig, name)  # first: pickling does not draw
            start = time.perf_counter()
            frames = figwire.pack(fig, key=XVER_KEY)
            pack_s = time.perf_counter() - start
            data = figwire.join(frames)
            (self.out / "packs" / f"{name}.fgw").write_bytes(data)
            header = figwire.inspect(frames)
        finally:
            figures.close(fig)
        fallback = figwire.unpack(frames).fallbacks.get(PNG)  # no key: fallbacks only
        return {
            "outcome": "ok",
            "bytes": len(data),
            "pack_s": pack_s,
            "pickle": header.pickle is not None,
            "missing": dict(header.missing),
            "png": "missing" if fallback is None else _compare(_decode_png(fallback), native)[1],
            "negotiated": negotiated,
        }

    def _negotiate(self, figwire: Any, fig: Any, name: str) -> List[str]:
        """Pack ``fig`` for every consumer's advert, asking for the pickle part only.

        The property checked is about the pickle (never one the consumer cannot load),
        and whether one loads depends on the figure, not only on the versions (a numpy
        scalar type one numpy lacks, say), so every figure is packed for every consumer.
        Without fallbacks that costs a pickling (~10 ms), not a render, per pack.
        """
        for consumer, caps in self.caps.items():
            folder = self.out / "accept" / consumer
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"{name}.fgw").write_bytes(
                figwire.join(figwire.pack(fig, parts=("pickle",), accept=caps, key=XVER_KEY))
            )
        return sorted(self.caps)


def _decode_png(data: Any) -> Any:
    import numpy as np
    from PIL import Image

    with Image.open(io.BytesIO(bytes(data))) as image:
        return np.asarray(image.convert("RGBA"))


def _compare(actual: Any, expected: Any) -> Tuple[str, str, float]:
    """(outcome, description, % of pixels that differ) of two RGBA arrays."""
    import numpy as np

    if actual.shape != expected.shape:
        return (
            "live-differs",
            f"size {actual.shape[1]}x{actual.shape[0]}, expected {expected.shape[1]}x{expected.shape[0]}",
            100.0,
        )
    if np.array_equal(actual, expected):
        return "live-identical", "identical", 0.0
    differ = np.any(actual != expected, axis=-1)
    percent = float(differ.mean() * 100)
    return "live-differs", f"{int(differ.sum())} pixels ({percent:.2f}%) differ", percent


class _Consume:
    """Unpack other environments' packs here and judge each result against this environment's own renders."""

    def __init__(self, task: Dict[str, Any]) -> None:
        self.native = Path(task["work"]) / task["env"] / "native"

    def __call__(self, item: Dict[str, Any]) -> Dict[str, Any]:
        figwire = _check_figwire()
        data = Path(item["path"]).read_bytes()
        start = time.perf_counter()
        frames = figwire.split(data)
        header = figwire.inspect(frames)
        said = figwire.verdict(header)
        result = figwire.unpack(frames, key=XVER_KEY, allow=ALLOW)
        if result.tier == "pickle" and not result.authenticated:
            raise AssertionError("a pickle loaded from a message that did not verify")
        record: Dict[str, Any] = {
            "unpack_s": time.perf_counter() - start,
            "pickle": header.pickle is not None,
            "verdict": {"ok": said.ok, "rule": said.rule, "reason": said.reason},
            "notes": list(result.notes),
            # why the pickle did not load, also when the scene made the figure live
            "reason": result.reason if result.tier != "scene" else next(n for n in result.notes if n.startswith("pickle:")),
        }
        pickled = result.tier == "pickle"  # this matrix is about the pickle; the scene has its own column
        if pickled and item["kind"] == "negotiated":
            record["outcome"] = "live"  # the criterion for negotiated packs; pixels are the default packs' job
        elif pickled:
            record.update(self._rendered(item["figure"], result.figure))
        elif item["kind"] == "negotiated":
            record["outcome"] = "fallback"  # a pickle-only request: no fallback to check
        else:
            record["outcome"] = "fallback"
            record["fallback_problem"] = _png_problem(result)
            if header.pickle is not None:
                record["probe"] = self._probe(item["figure"], frames, header)
        if item["kind"] == "default":
            record["scene"] = xver_scene.consume(figwire, frames, item["figure"], self.native / f"{item['figure']}.npy")
        return record

    def _rendered(self, name: str, fig: Any) -> Dict[str, Any]:
        import figures
        import numpy as np

        try:
            rgba = figures.render_rgba(fig)
        except Exception as exc:
            return {"outcome": "error", "reason": _cut(f"the live figure does not render: {type(exc).__name__}: {exc}")}
        finally:
            figures.close(fig)
        native = self.native / f"{name}.npy"
        if not native.exists():
            return {
                "outcome": "error",
                "reason": "live, but this environment has no native render of the figure to compare with",
            }
        outcome, detail, percent = _compare(rgba, np.load(native))
        return {"outcome": outcome, "diff": detail, "diff_pct": percent}

    def _probe(self, name: str, frames: Any, header: Any) -> str:
        """What loading a refused pickle anyway does: is the verdict stricter than it needs to be?

        Uses figwire's private loader (the public ``unpack`` always obeys the verdict),
        which still applies the loading policy.
        """
        from figwire._codec import part_buffers
        from figwire._unpickler import load

        try:
            stream, *buffers = part_buffers(frames, header, header.pickle)
            fig = load(stream, buffers, ALLOW)
        except Exception as exc:
            return _cut(f"load raises {type(exc).__name__}: {exc}")
        rendered = self._rendered(name, fig)
        if rendered["outcome"] == "error":
            return str(rendered["reason"]).replace("the live figure does not render", "render raises")
        return "renders identically" if rendered["outcome"] == "live-identical" else f"renders, {rendered['diff']}"


def _png_problem(result: Any) -> Optional[str]:
    """Why the PNG fallback is unusable, or None if it decodes at the size the envelope states."""
    data = result.fallbacks.get(PNG)
    if data is None:
        return "no PNG fallback" + (f" ({result.header.missing[PNG]})" if PNG in result.header.missing else "")
    try:
        rgba = _decode_png(data)
    except Exception as exc:
        return _cut(f"the PNG fallback does not decode: {type(exc).__name__}: {exc}")
    part = next(p for p in result.header.fallbacks if p.media_type == PNG)
    if (part.width, part.height) != (rgba.shape[1], rgba.shape[0]):
        return f"the PNG is {rgba.shape[1]}x{rgba.shape[0]}, the envelope says {part.width}x{part.height}"
    return None


# =============================================================================== judging


@dataclass(frozen=True)
class Judged:
    """A consume record with what the pass criteria make of it."""

    record: Dict[str, Any]
    violation: Optional[str]  # why it breaks a pass criterion, None if it does not


def judge(record: Dict[str, Any], infos: Dict[str, Dict[str, Any]]) -> Judged:
    producer, consumer = infos[record["producer"]]["matplotlib"], infos[record["consumer"]]["matplotlib"]
    patch_pair = _minor(producer) == _minor(consumer) and producer != consumer
    # A live figure holds what the producer computed (pie wedges, say) with its numpy; the
    # consumer's own render computes them with its numpy: a last-bit difference can show.
    numpy_pair = infos[record["producer"]]["numpy"] != infos[record["consumer"]]["numpy"]
    outcome = record["outcome"]
    verdict_ok = bool(record.get("verdict", {}).get("ok"))
    problem = record.get("fallback_problem")
    violation: Optional[str] = None
    if outcome == "error":
        violation = f"error: {record['reason']}"
    elif record["kind"] == "negotiated":
        if record["pickle"] and outcome != "live":
            violation = f"the negotiated pack carries a pickle this consumer cannot load: {record['reason']}"
    elif outcome == "live-differs" and not (verdict_ok and (patch_pair or numpy_pair)):
        violation = f"live, but {record['diff']} from this environment's own render"
    elif outcome == "fallback" and verdict_ok:
        violation = f"the verdict said it loads, but: {record['reason']}"
    elif outcome == "fallback" and problem:
        violation = f"fallback unusable: {problem}"
    return Judged(record, violation)


# =============================================================================== reporting


def _stable(text: str) -> str:
    """``text`` without file paths and object addresses, which differ between environments and runs."""
    return re.sub(r" at 0x[0-9a-f]+", "", re.sub(r" from '[^']*'", "", text))


def _template(text: str) -> str:
    """``text`` without paths, addresses and version numbers, so that reasons group across pairs."""
    return re.sub(r"\d+\.\d+(\.\d+)?\w*", "X", _stable(text))


def _grouped(rows: Iterable[Tuple[str, str]], limit: int = 25) -> List[str]:
    """Markdown rows ``| count | text | examples |`` for (text, example) pairs, most common first."""
    groups: Dict[str, List[str]] = {}
    for text, example in rows:
        groups.setdefault(text, []).append(example)
    ordered = sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    lines = []
    for text, examples in ordered[:limit]:
        distinct = list(dict.fromkeys(examples))
        more = f" (+{len(distinct) - 4} more)" if len(distinct) > 4 else ""
        lines.append(f"| {len(examples)} | {text.replace('|', '/')} | {'; '.join(distinct[:4])}{more} |")
    if len(ordered) > limit:
        lines.append(f"| {sum(len(ex) for _, ex in ordered[limit:])} | ({len(ordered) - limit} more kinds) | |")
    return lines


def _cell(judged: Sequence[Judged]) -> str:
    counts: Dict[Tuple[str, bool], int] = {}
    for j in judged:
        key = (j.record["outcome"], j.violation is not None)
        counts[key] = counts.get(key, 0) + 1
    order = list(SYMBOLS)
    ranked = sorted(counts.items(), key=lambda kv: (order.index(kv[0][0]), kv[0][1]))
    return " ".join(f"{n}{SYMBOLS[outcome]}{'!' if bad else ''}" for (outcome, bad), n in ranked) or "-"


def _ms(values: List[float]) -> str:
    if not values:
        return "-"
    return f"median {statistics.median(values) * 1000:.1f} ms, max {max(values) * 1000:.0f} ms"


def _pair(record: Dict[str, Any], figure: bool = True) -> str:
    text = f"{record['producer']} -> {record['consumer']}"
    return f"{text}: {record['figure']}" if figure else text


def report(
    envs: List[Env],
    infos: Dict[str, Dict[str, Any]],
    produced: Dict[str, WorkerRun],
    consumed: Dict[str, WorkerRun],
    judged: List[Judged],
    timings: Dict[str, float],
    figures: List[str],
    negotiation: Optional[str],
    records: Sequence[Dict[str, Any]] = (),
    scene_violations: Sequence[str] = (),
) -> str:
    """The markdown report: matrix, violations, reasons, negotiation, scene, producer checks, timings."""
    names = [e.spec.name for e in envs]
    default = [j for j in judged if j.record["kind"] == "default"]
    negotiated = [j for j in judged if j.record["kind"] == "negotiated"]
    violations = [j for j in judged if j.violation]
    made = [dict(r, producer=n) for n, run in produced.items() for r in run.records]
    count = len(violations) + len(scene_violations)
    verdict = "PASS" if not count else f"FAIL: {count} violations of the pass criteria"
    out = [
        "# figwire cross-version matrix",
        "",
        f"Generated by `python tools/xver.py` on {time.strftime('%Y-%m-%d %H:%M')} ({platform.system()} {platform.machine()}, "
        f"{os.cpu_count()} cores), figwire {next(iter(infos.values()))['figwire']}: {len(names)} environments, "
        f"{len(figures)} figures, {len(default)} default-pack loads, {len(negotiated)} negotiated-pack loads.",
        "",
        f"**Result: {verdict}.**",
        "",
        "## Environments",
        "",
        "| env | python | matplotlib | numpy | pillow | msgpack | packaging | freetype | why |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for env in envs:
        i = infos[env.spec.name]
        out.append(
            f"| {env.spec.name} | {i['python']} | {i['matplotlib']} | {i['numpy']} | {i['pillow']} | {i['msgpack']} | "
            f"{i['packaging']} | {i['freetype']} | {env.spec.why} |"
        )
    out += [
        "",
        f"Figures ({len(figures)}): {', '.join(figures)}.",
        "",
        "## Matrix: default packs (pickle + scene + PNG), the pickle tier, producer rows x consumer columns",
        "",
        "Each cell counts the producer's figures by outcome: `=` live and pixel-identical to the consumer's own render of the same "
        "figure; `~` live, pixels differ; `F` fallback (the pickle was not loaded and the PNG fallback decodes); `E` error "
        "(unpack raised, the live figure did not render, or the worker crashed or hung). `!` marks entries that break a pass "
        "criterion: an error, a fallback although the verdict said the pickle loads, or pixels that differ outside a pair of "
        "patch releases of one matplotlib minor or of numpy versions.",
        "",
        "| producer \\ consumer | " + " | ".join(names) + " |",
        "|---|" + "---|" * len(names),
    ]
    for p in names:
        row = [_cell([j for j in default if j.record["producer"] == p and j.record["consumer"] == c]) for c in names]
        out.append(f"| **{p}** | " + " | ".join(row) + " |")

    out += ["", "## Violations of the pass criteria", ""]
    if violations:
        out += ["| count | violation (versions replaced by X) | producer -> consumer: figure |", "|---|---|---|"]
        out += _grouped((_template(j.violation or ""), _pair(j.record)) for j in violations)
    out += [f"- {v}" for v in scene_violations]
    if not count:
        out.append("None.")
    out += ["", *xver_scene.report(records, names, infos)]
    differs = [j for j in default if j.record["outcome"] == "live-differs" and not j.violation]
    out += ["", "## Allowed pixel differences (matplotlib patch releases of one minor, or numpy versions)", ""]
    out += [f"- {_pair(j.record)}: {j.record['diff']}" for j in differs] or ["None."]

    fallbacks = [j for j in default if j.record["outcome"] == "fallback"]
    out += [
        "",
        "## Why figures fell back (`Unpacked.reason`)",
        "",
        "| count | reason (versions replaced by X) | pairs |",
        "|---|---|---|",
    ]
    out += _grouped((_template(j.record["reason"]), _pair(j.record, figure=False)) for j in fallbacks)
    probed = [j for j in fallbacks if "probe" in j.record]
    stricter = [j for j in probed if j.record["probe"] == "renders identically"]
    out += [
        "",
        "## Refused pickles, loaded anyway",
        "",
        f"Each refused pickle was also loaded with figwire's loader directly (bypassing the verdict; the loading policy still "
        f"applies) and rendered: {len(stricter)} of {len(probed)} rendered identically to the consumer's own render, "
        "where the verdict was stricter than necessary (safe, but a live figure lost).",
        "",
        "| count | what happened (versions replaced by X) | producer -> consumer: figure |",
        "|---|---|---|",
    ]
    out += _grouped((_template(j.record["probe"]), _pair(j.record)) for j in probed)

    out += ["", "## Negotiated packs", ""]
    if negotiation is not None:
        out.append(negotiation)
    else:
        live = {_pair(j.record) for j in default if j.record["outcome"].startswith("live")}
        withheld = [j for j in negotiated if not j.record["pickle"] and _pair(j.record) in live]
        out += [
            'Every figure packed with `figwire.pack(fig, parts=("pickle",), accept=<the consumer\'s capabilities()>)` for every '
            "consumer; the consumer must load every pickle it is sent live. Per cell: `P` packs with a pickle, `-` packs "
            "without (the producer withheld it), `!` a pickle the consumer could not load.",
            "",
            "| producer \\ consumer | " + " | ".join(names) + " |",
            "|---|" + "---|" * len(names),
        ]
        for p in names:
            cells = []
            for c in names:
                mine = [j for j in negotiated if j.record["producer"] == p and j.record["consumer"] == c]
                pickles = sum(bool(j.record["pickle"]) for j in mine)
                bad = sum(j.violation is not None for j in mine)
                cells.append(f"{pickles}P {len(mine) - pickles}-" + (f" {bad}!" if bad else ""))
            out.append(f"| **{p}** | " + " | ".join(cells) + " |")
        out += ["", f"Pickles withheld although the consumer loaded the default pack's pickle live: {len(withheld)}."]
        out += [f"- {_pair(j.record)}: {j.record['reason']}" for j in withheld[:10]]

    ok = [r for r in made if r["outcome"] == "ok"]
    png_off = "".join(f"; not {r['producer']}: `{r['figure']}` ({r['png']})" for r in ok if r["png"] != "identical")
    identical = sum(r["png"] == "identical" for r in ok)
    out += [
        "",
        "## Producer-side checks",
        "",
        f"- The PNG fallback decodes to exactly `render_rgba` of a fresh copy of the figure for {identical} of {len(ok)} packed figures{png_off}.",
    ]
    failures: Dict[Tuple[str, str], List[str]] = {}
    for r in made:
        if r["outcome"] != "ok":
            failures.setdefault((r["producer"], r["reason"]), []).append(r["figure"])
    out += [
        f"- {p}: {len(f)} figures could not be produced ({', '.join(f[:5])}{', ...' if len(f) > 5 else ''}): {reason}"
        for (p, reason), f in failures.items()
    ]
    out += [
        f"- {r['producer']}: `{r['figure']}` packed without {', '.join(r['missing'])}: {_stable(_cut('; '.join(r['missing'].values())))}"
        for r in ok
        if r["missing"]
    ]

    restarts = sum(run.restarts for run in list(produced.values()) + list(consumed.values()))
    live_s = [j.record["unpack_s"] for j in default if j.record["outcome"].startswith("live")]
    out += [
        "",
        "## Timings",
        "",
        f"Wall clock {timings['total']:.0f} s with {os.cpu_count()} cores: venvs {timings['build']:.0f} s, "
        f"info {timings['info']:.0f} s, produce {timings['produce']:.0f} s, consume {timings['consume']:.0f} s; "
        f"CPU time of all workers {timings['cpu']:.0f} s (wall clock above CPU / cores means other load on the machine). "
        f"Workers restarted after a crash or hang: {restarts}.",
        f"`pack` (pickle + scene + PNG) per figure: {_ms([r['pack_s'] for r in ok])}; a `.fgw` file is "
        f"{statistics.median(r['bytes'] for r in ok) / 1024 if ok else 0:.0f} KiB (median), "
        f"{max((r['bytes'] for r in ok), default=0) / 1024:.0f} KiB at most.",
        f"`split` + `unpack` per default pack: {_ms(live_s)} when live (the first load in a process includes imports); "
        f"{_ms([j.record['unpack_s'] for j in fallbacks])} when falling back.",
        "",
        "| env | venv | produce | consume |",
        "|---|---|---|---|",
    ]
    for env in envs:
        n = env.spec.name
        out.append(
            f"| {n} | {env.action} in {env.seconds:.1f} s | {produced[n].seconds:.1f} s | {consumed[n].seconds:.1f} s |"
        )
    return "\n".join(out) + "\n"


# =============================================================================== main


def _parallel(jobs: int, function: Callable[[Any], Any], args: Sequence[Any]) -> List[Any]:
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(function, args))


def _names(text: Optional[str]) -> Optional[List[str]]:
    return None if text is None else [n for n in text.split(",") if n]


def run(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    timings: Dict[str, float] = {}
    specs = load_specs()
    wanted = _names(args.envs)
    if wanted is not None:
        unknown = sorted(set(wanted) - {s.name for s in specs})
        if unknown:
            raise HarnessError(f"unknown environments {unknown}; {ENVS_FILE.name} has {[s.name for s in specs]}")
        specs = [s for s in specs if s.name in wanted]
    root = pyenv_root()
    envs = _parallel(args.jobs, lambda spec: ensure_env(spec, root), specs)
    timings["build"] = time.perf_counter() - started

    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="figwire-xver-"))
    if args.work and work.exists() and any(work.iterdir()):
        if not (work / WORK_MARK).exists():
            raise HarnessError(f"--work {work} is not empty and was not made by this harness; refusing to wipe it")
        shutil.rmtree(work)  # stale packs from another run must not be judged
    work.mkdir(parents=True, exist_ok=True)
    (work / WORK_MARK).touch()
    try:
        return _matrix(args, envs, work, timings, started)
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)


def _matrix(args: argparse.Namespace, envs: List[Env], work: Path, timings: Dict[str, float], started: float) -> int:
    names = [e.spec.name for e in envs]
    phase = time.perf_counter()
    infos: Dict[str, Dict[str, Any]] = {}
    for env, got in zip(
        envs, _parallel(args.jobs, lambda e: run_worker(e, "info", [{"key": "info"}], {}, work, args.timeout), envs)
    ):
        if got.records[0]["outcome"] != "ok":
            raise HarnessError(f"{env.spec.name}: {got.records[0]['reason']}")
        infos[env.spec.name] = got.records[0]
    timings["info"] = time.perf_counter() - phase

    corpus = {n: [f for f in infos[n]["corpus"] if args.big or f not in infos[n]["big"]] for n in names}
    chosen = _names(args.figures)
    if chosen is not None:
        unknown = sorted(set(chosen) - {f for n in names for f in infos[n]["corpus"]})
        if unknown:
            raise HarnessError(f"figures {unknown} are in no environment's corpus")
        corpus = {n: [f for f in infos[n]["corpus"] if f in chosen] for n in names}
    every = list(dict.fromkeys(f for n in names for f in corpus[n]))
    caps = {n: infos[n]["caps"] for n in names}
    negotiation = (
        None
        if all(caps.values())
        else "Not run: this figwire has no `capabilities()` (the step is guarded by `hasattr`)."
    )
    caps_config = {"caps": caps if negotiation is None else {}}

    phase = time.perf_counter()
    produced = dict(
        zip(
            names,
            _parallel(
                args.jobs,
                lambda e: run_worker(
                    e,
                    "produce",
                    [{"key": f, "figure": f} for f in corpus[e.spec.name]],
                    caps_config,
                    work,
                    args.timeout,
                ),
                envs,
            ),
        )
    )
    timings["produce"] = time.perf_counter() - phase

    phase = time.perf_counter()
    consume_items: Dict[str, List[Dict[str, Any]]] = {c: [] for c in names}
    failed: List[Dict[str, Any]] = []  # packs that were never made: an error in every consumer's cell
    for p in names:
        for r in produced[p].records:
            for c in names:
                base = {"producer": p, "consumer": c, "figure": r["figure"]}
                if r["outcome"] != "ok":
                    failed.append(
                        dict(base, kind="default", outcome="error", reason=f"producing failed: {r['reason']}")
                    )
                    continue
                consume_items[c].append(
                    dict(
                        base,
                        kind="default",
                        key=f"default:{p}:{r['figure']}",
                        path=str(work / p / "packs" / f"{r['figure']}.fgw"),
                    )
                )
                if c in r["negotiated"]:
                    consume_items[c].append(
                        dict(
                            base,
                            kind="negotiated",
                            key=f"negotiated:{p}:{r['figure']}",
                            path=str(work / p / "accept" / c / f"{r['figure']}.fgw"),
                        )
                    )
    consumed = dict(
        zip(
            names,
            _parallel(
                args.jobs, lambda e: run_worker(e, "consume", consume_items[e.spec.name], {}, work, args.timeout), envs
            ),
        )
    )
    timings["consume"] = time.perf_counter() - phase
    timings["total"] = time.perf_counter() - started
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    timings["cpu"] = children.ru_utime + children.ru_stime

    records = failed + [r for run in consumed.values() for r in run.records]
    (work / "results.json").write_text(
        json.dumps(
            {"infos": infos, "produced": {n: r.records for n, r in produced.items()}, "consumed": records}, indent=1
        )
    )
    judged = [judge(r, infos) for r in records]
    scene_violations = xver_scene.judge(records, infos, args.scene_share)
    text = report(envs, infos, produced, consumed, judged, timings, every, negotiation, records, scene_violations)
    sys.stdout.write(text)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text)
    return 1 if any(j.violation for j in judged) or scene_violations else 0


def main(argv: Optional[Sequence[str]] = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["_worker"] and len(argv) == 2:
        return _worker_main(argv[1])
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--envs", help="comma-separated environment names (default: all in xver_envs.json)")
    parser.add_argument(
        "--figures", help="comma-separated corpus figure names (default: every figure each environment builds)"
    )
    parser.add_argument("--big", action="store_true", help="include the BIG figures (slow)")
    parser.add_argument(
        "--out", default=str(ROOT / "docs" / "xver-results.md"), help="where to write the markdown report"
    )
    parser.add_argument(
        "--work",
        help="directory for packs, renders and results.json; wiped first, kept afterwards (default: temporary)",
    )
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="environments processed at once")
    parser.add_argument(
        "--timeout", type=float, default=120.0, help="seconds without progress before a worker counts as hung"
    )
    parser.add_argument(
        "--scene-share",
        type=float,
        default=0.9,
        help="share of figures that must be live by scene at SSIM >= 0.95 per pair of matplotlib minors (default 0.9)",
    )
    try:
        return run(parser.parse_args(argv))
    except HarnessError as exc:
        print(f"xver: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
