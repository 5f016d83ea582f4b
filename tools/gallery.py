"""The gallery harness: run matplotlib's own gallery examples and measure figwire on every figure they leave.

Usage::

    python tools/gallery.py [--examples DIR_OR_TARBALL] [--examples-version V] [--category NAME[,NAME...]]
                            [--example SUBSTRING] [--jobs N] [--timeout SECONDS]
                            [--out docs/gallery-results.md] [--json FILE]

The corpus of ``tests/`` is figures written to exercise figwire; the gallery is the
figures matplotlib's users actually make (axes_grid1, axisartist, units, custom
artists, date axes...), so it finds the names the loading policy refuses and the state a
pickle loses. ``--examples`` is a matplotlib checkout or sdist root, its
``galleries/examples`` (or older ``examples``) folder, any folder of category folders,
a ``.tar.gz`` of one of those, or a folder holding one such tarball (the default,
``<root>/../shared/data/``). Examples are ``<category>/<name>.py``.

Each example runs in its own fresh Python (``tools/gallery_child.py``): Agg,
``plt.show`` a no-op, ``plt.pause`` without sleeping, a fresh temporary working
directory, its own folder on ``sys.path``, ``__name__ == "__main__"``. Every figure it
leaves open is drawn once, rendered again as the reference (a third draw says whether
redraws are stable), round-tripped through stock ``pickle`` and through
``figwire.pack``/``unpack(trust_unsigned=True)``, and compared pixel by pixel; the globals and
methods the figwire pickle names are recorded per figure (``--json``), for testing
the loading policy's rules against the gallery (tools/policy.py). An example that raises is recorded as ``error``
(its figures are not measured), one that dies without finishing as ``crashed``. A child
is killed (``timeout``) when ``--timeout`` seconds pass without progress: running the
example, then each figure's measurement, gets that long, so an example leaving 29 slow
figures is not lost while a hang costs one timeout.

Skip rule (``skip_reason``; read from each example's source, not a list of names), first match wins:

* **GUI embedding**: the ``user_interfaces`` category, or an import of tkinter, PyQt5/6,
  PySide2/6, wx, gi or gtk, or of a GUI backend module (``matplotlib.backends.backend_tk*``,
  ``_qt*``, ``_gtk*``, ``_wx*``, ``_macosx``, ``_webagg*``, ``_nbagg``, ``qt_compat``);
* **network**: an import of urllib, requests or http.client, or a use of ``urlopen``;
* **animation**: a call of ``FuncAnimation`` or ``ArtistAnimation`` (the example's point is the animation);
* **interactive input**: a call of ``ginput`` or ``waitforbuttonpress`` (it waits for a user's clicks).

Outputs: the markdown report (``--out``, see ``gallery_report``), all records as JSON
with ``--json``, one progress line per example and a summary line on stderr. The exit
status is 0 when the harness ran, whatever figwire's results; 2 with one line on
stderr when it cannot (a bad path, no examples, a bad option).
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import datetime
import json
import os
import platform
import queue
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass
from importlib.metadata import version
from pathlib import Path
from typing import IO, Dict, Iterable, List, NoReturn, Optional, Sequence, Set, Tuple

from gallery_records import MARKER, ExampleResult, FigureRecord, RunInfo
from gallery_report import report, summary

ROOT = Path(__file__).resolve().parents[1]
CHILD = Path(__file__).resolve().with_name("gallery_child.py")
DEFAULT_EXAMPLES = ROOT.parent / "shared" / "data"
DEFAULT_OUT = ROOT / "docs" / "gallery-results.md"

GUI_MODULES = frozenset({"tkinter", "Tkinter", "PyQt5", "PyQt6", "PySide2", "PySide6", "wx", "gi", "gtk"})
GUI_BACKEND = re.compile(
    r"matplotlib\.backends\.(backend_(tk|qt|gtk|wx|macosx|webagg|nbagg)\w*|_backend_tk|qt_compat)$"
)
GUI_CATEGORIES = frozenset({"user_interfaces"})
NETWORK_MODULES = frozenset({"urllib", "requests"})
ANIMATION_CALLS = frozenset({"FuncAnimation", "ArtistAnimation"})
INTERACTIVE_CALLS = frozenset({"ginput", "waitforbuttonpress"})
_VERSION = re.compile(r"(?<![\d.])(\d+\.\d+\.\d+(?:(?:rc|a|b|\.dev|\.post)\d+)?)")


class UsageError(Exception):
    """The harness cannot run; the message is the one line it prints."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line, not usage + message
        raise UsageError(message)


@dataclass(frozen=True)
class Example:
    """One gallery script."""

    path: str  # "category/name.py", the example's name in the report
    category: str
    file: Path


@dataclass(frozen=True)
class Located:
    """Where ``--examples`` led: the folder of category folders, and the path names that may carry its version."""

    folder: Path
    source: Path  # what was read: --examples, or the tarball found in it
    names: Tuple[str, ...]  # --examples, the tarball found in it, the folders down to ``folder``

    def shown(self) -> str:
        """``source`` for the report: relative to the project root when beside it, so reports compare across machines."""
        inside = self.source.resolve().is_relative_to(ROOT.parent)
        return os.path.relpath(self.source.resolve(), ROOT) if inside else str(self.source)


# -- the examples -----------------------------------------------------------------------------


def _has_examples(folder: Path) -> bool:
    return any(folder.glob("*/*.py"))


def _tarball_in(folder: Path) -> Optional[Path]:
    """The one examples tarball in a folder (preferring the installed matplotlib's version), or None."""
    balls = sorted(folder.glob("*.tar.gz"))
    if len(balls) > 1:
        balls = [b for b in balls if version("matplotlib") in b.name] or balls
    if len(balls) > 1:
        raise UsageError(f"--examples {folder}: several tarballs ({', '.join(b.name for b in balls)}); name one")
    return balls[0] if balls else None


def examples_root(folder: Path) -> Optional[Path]:
    """The folder of category folders inside a checkout/sdist root, an examples folder, or an extracted tarball."""
    for candidate in (folder, *sorted(p for p in folder.iterdir() if p.is_dir())):
        for sub in ("galleries/examples", "examples", ""):
            if _has_examples(candidate / sub):
                return candidate / sub
    return None


def _extract(tarball: Path, into: Path) -> Path:
    try:
        with tarfile.open(tarball) as archive:
            archive.extractall(into, filter="data")
    except (OSError, tarfile.TarError) as exc:
        raise UsageError(f"--examples {tarball}: cannot extract: {exc}") from None
    return into


def examples_version(located: Located) -> str:
    """The examples' matplotlib version: from a path name (``...-3.11.2...``), else a checkout's
    or sdist's version files, else "unknown"."""
    for name in located.names:
        found = _VERSION.search(name)
        if found:
            return found.group(1)
    folder = located.folder
    for root in (folder, *folder.parents[:2]):  # a checkout's galleries/examples is two levels down
        for meta, pattern in (
            ("lib/matplotlib/_version.py", r"version\s*=\s*['\"]([^'\"]+)"),
            ("PKG-INFO", r"^Version:\s*(\S+)"),
            ("pyproject.toml", r"^version\s*=\s*['\"]([^'\"]+)"),
        ):
            text = (root / meta).read_text(errors="replace") if (root / meta).is_file() else ""
            found = re.search(pattern, text, re.MULTILINE)
            if found:
                return found.group(1)
    return "unknown"


def find_examples(folder: Path, categories: Set[str], substring: Optional[str]) -> List[Example]:
    """Every ``<category>/<name>.py`` under ``folder``, filtered, sorted by path."""
    found = [Example(f"{p.parent.name}/{p.name}", p.parent.name, p) for p in sorted(folder.glob("*/*.py"))]
    known = {e.category for e in found}
    unknown = sorted(categories - known)
    if unknown:
        raise UsageError(f"--category: no category {', '.join(unknown)} (have: {', '.join(sorted(known))})")
    chosen = [e for e in found if (not categories or e.category in categories) and (substring or "") in e.path]
    if not chosen:
        raise UsageError("no example matches the --category and --example filters")
    return chosen


# -- the skip rule -------------------------------------------------------------------------------


def _imports(tree: ast.AST) -> Iterable[str]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


def _names(tree: ast.AST) -> Tuple[Set[str], Set[str]]:
    """(every identifier used, the identifiers called) in ``tree``."""
    used: Set[str] = set()
    called: Set[str] = set()
    for node in ast.walk(tree):
        name = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else None
        if name is not None:
            used.add(name)
        if isinstance(node, ast.Call):
            func = node.func
            called.add(func.id if isinstance(func, ast.Name) else getattr(func, "attr", ""))
    return used, called


def skip_reason(source: str, category: str) -> Optional[str]:
    """Why the skip rule (module docstring) skips an example, or None to run it."""
    if category in GUI_CATEGORIES:
        return f"GUI embedding (the {category} category)"
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None  # it runs, and its error is recorded
    modules = set(_imports(tree))
    used, called = _names(tree)
    gui = sorted(m for m in modules if m.split(".")[0] in GUI_MODULES or GUI_BACKEND.match(m))
    if gui:
        return f"GUI embedding (imports {gui[0]})"
    network = sorted(m for m in modules if m.split(".")[0] in NETWORK_MODULES or m.startswith("http.client"))
    if network or "urlopen" in used:
        return f"network (imports {network[0]})" if network else "network (urlopen)"
    for reason, calls in (("animation", ANIMATION_CALLS), ("interactive input", INTERACTIVE_CALLS)):
        hit = sorted(called & calls)
        if hit:
            return f"{reason} (calls {hit[0]})"
    return None


# -- running ---------------------------------------------------------------------------------------


class _Progress:
    """What a child has reported so far, read line by line from its stdout; junk lines are ignored."""

    def __init__(self) -> None:
        self.figures: List[FigureRecord] = []
        self.error: Optional[str] = None
        self.ran = self.done = False

    def read(self, line: str) -> bool:
        """Take one line of the child's stdout; True if it was a protocol message (progress)."""
        at = line.find(MARKER)
        if at < 0:
            return False
        try:
            message = json.loads(line[at + len(MARKER) :])
            kind = message.pop("kind")
            if kind == "figure":
                self.figures.append(FigureRecord.from_json(message))
            elif kind == "error":
                self.error = str(message["error"])
        except (ValueError, KeyError, TypeError, AttributeError):  # not JSON, not a map, not a record
            return False
        self.ran = self.ran or kind in ("ran", "figure")
        self.done = self.done or kind == "done"
        return True


#: Children running now, so that an interrupted harness can end them (they run in their own sessions).
_RUNNING: Set["subprocess.Popen[bytes]"] = set()


def _kill(child: "subprocess.Popen[bytes]") -> None:
    """End a child and whatever it started (its process group)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(child.pid, signal.SIGKILL)


def _pump(stream: IO[bytes], lines: "queue.Queue[Optional[str]]") -> None:
    for raw in iter(stream.readline, b""):
        lines.put(raw.decode(errors="replace"))
    lines.put(None)


def _watch(child: "subprocess.Popen[bytes]", progress: _Progress, timeout: float) -> bool:
    """Feed the child's stdout to ``progress`` until it ends; kill its process group and return True
    when ``timeout`` seconds pass without a protocol message (the example's run, or one figure's measurement)."""
    lines: "queue.Queue[Optional[str]]" = queue.Queue()
    assert child.stdout is not None
    threading.Thread(target=_pump, args=(child.stdout, lines), daemon=True).start()
    deadline = time.monotonic() + timeout
    while True:
        try:
            line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            _kill(child)
            return True
        if line is None:
            return False
        if progress.read(line):
            deadline = time.monotonic() + timeout


def _last_line(stream: IO[bytes]) -> str:
    stream.seek(0)
    lines = [line.strip() for line in stream.read().decode(errors="replace").splitlines() if line.strip()]
    return lines[-1][:300] if lines else "no output"


def _status(
    progress: _Progress, timed_out: bool, timeout: float, returncode: int, stderr: IO[bytes]
) -> Tuple[str, Optional[str]]:
    if timed_out:
        doing = f"measuring its figures ({len(progress.figures)} done)" if progress.ran else "running the example"
        return "timeout", f"killed after {timeout:g} s without progress, {doing}"
    if progress.error is not None:
        return "error", progress.error
    if progress.done:
        return "ok", None
    return "crashed", f"exit status {returncode}: {_last_line(stderr)}"


def run_example(example: Example, timeout: float) -> ExampleResult:
    """Run one example in a fresh child process and collect what it reports."""
    cwd = tempfile.mkdtemp(prefix="figwire-gallery-")
    env = {**os.environ, "MPLBACKEND": "Agg", "PYTHONHASHSEED": "0"}
    start = time.monotonic()
    progress = _Progress()
    with tempfile.TemporaryFile() as stderr:
        child = subprocess.Popen(
            [sys.executable, str(CHILD), str(example.file)],
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=stderr,
            start_new_session=True,  # so a timeout kills what the example started too
        )
        _RUNNING.add(child)
        try:
            timed_out = _watch(child, progress, timeout)
            child.wait()
        finally:
            _RUNNING.discard(child)
            shutil.rmtree(cwd, ignore_errors=True)
        status, detail = _status(progress, timed_out, timeout, child.returncode, stderr)
    seconds = round(time.monotonic() - start, 2)
    return ExampleResult(example.path, example.category, status, detail, seconds, tuple(progress.figures))


def _progress(done: int, total: int, result: ExampleResult) -> None:
    what = f"{len(result.figures)} fig, {result.seconds:.1f} s" if result.status != "skipped" else result.detail
    print(f"[{done:>3}/{total}] {result.status:<8} {result.example} ({what})", file=sys.stderr, flush=True)


def run_all(examples: Sequence[Example], jobs: int, timeout: float) -> List[ExampleResult]:
    """Skip by rule, run the rest ``jobs`` at a time; results in path order."""
    results: Dict[str, ExampleResult] = {}
    to_run = []
    for example in examples:
        reason = skip_reason(example.file.read_text(errors="replace"), example.category)
        if reason is None:
            to_run.append(example)
        else:
            results[example.path] = ExampleResult(example.path, example.category, "skipped", reason, 0.0)
            _progress(len(results), len(examples), results[example.path])
    pool = ThreadPoolExecutor(max_workers=jobs)
    try:
        for future in as_completed([pool.submit(run_example, example, timeout) for example in to_run]):
            result = future.result()
            results[result.example] = result
            _progress(len(results), len(examples), result)
    except KeyboardInterrupt:
        pool.shutdown(wait=False, cancel_futures=True)
        for child in list(_RUNNING):
            _kill(child)
        raise
    pool.shutdown()
    return [results[e.path] for e in examples]


# -- the command line -----------------------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="tools/gallery.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=Path, default=DEFAULT_EXAMPLES, help="folder or .tar.gz of examples")
    parser.add_argument("--examples-version", help="the examples' matplotlib version, if their path does not say")
    parser.add_argument("--category", default="", help="only these categories (comma-separated)")
    parser.add_argument("--example", help="only examples whose path contains this")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="examples run in parallel")
    parser.add_argument(
        "--timeout",
        type=float,
        default=120.0,
        help="seconds without progress (the run, or one figure) before a child is killed",
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="the markdown report")
    parser.add_argument("--json", type=Path, help="also write every record as JSON here")
    return parser


def _locate(source: Path, scratch: Path) -> Located:
    """Find the examples ``--examples`` names; a tarball is extracted into ``scratch``."""
    if not source.exists():
        raise UsageError(f"--examples {source}: no such file or directory")
    read = source
    if source.is_dir() and not _has_examples(source):
        read = _tarball_in(source) or source
    top = _extract(read, scratch) if read.is_file() else read
    folder = examples_root(top)
    if folder is None:
        raise UsageError(f"--examples {source}: no <category>/<example>.py files found")
    names = dict.fromkeys((source.name, read.name, *folder.relative_to(top).parts))
    return Located(folder, read, tuple(names))


def skip_rule_text() -> str:
    """The skip rule as the module docstring states it, in markdown, for the report."""
    doc = __doc__ or ""
    rule = doc[doc.index("Skip rule") : doc.index("\n\nOutputs:")]
    return rule.replace("``", "`").replace("(`skip_reason`; read", "(read")


def _write(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc}") from None


def main(argv: Sequence[str]) -> int:
    args = _parser().parse_args(argv)
    if args.jobs < 1 or args.timeout <= 0:
        raise UsageError("--jobs must be at least 1 and --timeout positive")
    categories = {c.strip() for c in args.category.split(",") if c.strip()}
    with tempfile.TemporaryDirectory(prefix="figwire-gallery-examples-") as scratch:
        located = _locate(args.examples.expanduser(), Path(scratch))
        examples = find_examples(located.folder, categories, args.example)
        info = RunInfo(
            date=datetime.datetime.now().strftime("%Y-%m-%d %H:%M"),
            python=platform.python_version(),
            matplotlib=version("matplotlib"),
            numpy=version("numpy"),
            figwire=version("figwire"),
            platform=f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores",
            examples_source=located.shown(),
            examples_version=args.examples_version or examples_version(located),
            command=shlex.join(["python", "tools/gallery.py", *argv]),
            jobs=args.jobs,
            timeout=args.timeout,
        )
        results = run_all(examples, args.jobs, args.timeout)
    _write(args.out, report(info, results, skip_rule_text()))
    if args.json is not None:
        records = {"run": asdict(info), "examples": [asdict(r) for r in results]}
        _write(args.json, json.dumps(records, indent=1) + "\n")
    print(f"{summary(results)}; report {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except UsageError as exc:
        print(f"gallery.py: error: {exc}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        print("gallery.py: interrupted", file=sys.stderr)
        sys.exit(130)
