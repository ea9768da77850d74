"""Where the bot's time goes, from py-spy's raw (collapsed) stacks recorded with
`--threads --idle --native` (bench/votes_burst.py --profile):

    .venv/bin/python -m bench.profile_summary profile.txt

Each sample of the event loop's thread is given to the first recognised frame from the leaf up
(so a JSON decode called by PTB counts as JSON, a socket send under httpcore as HTTP); samples
waiting in epoll are idle: the loop had nothing to run (it waited for an HTTP answer, an
aiosqlite result or new updates). The aiosqlite worker thread is split into COMMIT (its
fdatasync apart), other SQL, the hop back to the loop, and waiting for work."""

from __future__ import annotations

import argparse
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

_FRAME = re.compile(r"^(?P<name>.*) \((?P<where>[^()]*)\)$")

IDLE = "idle: epoll wait (HTTP answers, aiosqlite results, updates)"
# From the leaf up, the first frame whose file starts with one of these decides the sample.
MAIN_CATEGORIES: tuple[tuple[str, str], ...] = (
    ("handlers/rate_limit", "ours: handlers/rate_limit.py"),
    ("handlers/live_cards", "ours: LiveCards (card redraws)"),
    ("/render.py", "ours: rendering texts and keyboards"),
    ("bot/i18n", "ours: i18n / texts / Babel formatting"),
    ("bot/texts", "ours: i18n / texts / Babel formatting"),
    ("babel/", "ours: i18n / texts / Babel formatting"),
    ("handlers/", "ours: handlers (glue)"),
    ("bot/", "ours: domain use cases (bot/)"),
    ("storage/", "ours: repositories (storage/)"),
    ("aiosqlite/", "aiosqlite, loop side (queue, futures)"),
    ("json/", "JSON encode/decode (stdlib json)"),
    ("telegram/request/", "HTTP: PTB request layer"),
    ("httpx/", "HTTP: httpx/httpcore/h11/anyio"),
    ("httpcore/", "HTTP: httpx/httpcore/h11/anyio"),
    ("h11/", "HTTP: httpx/httpcore/h11/anyio"),
    ("anyio/", "HTTP: httpx/httpcore/h11/anyio"),
    ("sniffio/", "HTTP: httpx/httpcore/h11/anyio"),
    ("telegram/ext/", "PTB dispatch (Application, handlers, Updater)"),
    ("telegram/_bot.py", "PTB Bot methods (request building, result parsing)"),
    ("telegram/", "PTB objects: de_json / to_dict / setattr"),
    ("apscheduler/", "JobQueue (APScheduler)"),
    ("logging/", "logging"),
    ("<frozen importlib", "import machinery (imports inside functions)"),
    ("importlib/", "import machinery (imports inside functions)"),
    ("_distutils_hack/", "import machinery (imports inside functions)"),
)
LOOP = "asyncio event loop (scheduling, socket transports)"
WAKEUPS = "loop wake-ups from threads (aiosqlite results via the self-pipe)"


@dataclass(frozen=True)
class Sample:
    thread: str
    frames: tuple[str, ...]  # root first
    count: int


def parse(raw: str) -> list[Sample]:
    samples = []
    for line in raw.splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        thread, *frames = stack.split(";")
        name = thread.split(": ", 1)[-1]
        samples.append(Sample(name, tuple(frames), int(count)))
    return samples


def _where(frame: str) -> tuple[str, str]:
    found = _FRAME.match(frame)
    return (found["name"], found["where"]) if found else (frame, "")


def _python(frame: str) -> bool:
    return ".py:" in _where(frame)[1] or "<frozen" in _where(frame)[1]


def main_category(frames: tuple[str, ...]) -> str:
    leaf = _where(frames[-1])[0] if frames else ""
    if leaf in ("epoll_wait", "EpollSelector.select", "select", "poll"):
        return IDLE
    # Frames above the callback the loop is running are plumbing (run_polling, run_forever).
    runs = [i for i, f in enumerate(frames) if _where(f)[0] == "Handle._run"]
    inner = frames[runs[-1] + 1 :] if runs else frames
    if any(_where(f)[0] == "BaseSelectorEventLoop._read_from_self" for f in inner):
        return WAKEUPS
    for frame in reversed(inner):
        where = _where(frame)[1]
        for prefix, label in MAIN_CATEGORIES:
            if where.startswith(prefix) or (prefix.startswith("/") and prefix in where):
                return label
    if any(_where(f)[1].startswith(("asyncio/", "selectors.py")) for f in frames):
        return LOOP
    return "other (interpreter, gc, stdlib)"


def worker_category(frames: tuple[str, ...]) -> str:
    text = ";".join(frames)
    if "CommitPhase" in text:
        return "COMMIT: fdatasync" if "fdatasync" in text or "fsync" in text else "COMMIT: other"
    if "sqlite3" in text or "pysqlite" in text:
        return "SQL statements (step, fetch)"
    if "call_soon_threadsafe" in text or "_write_to_self" in text:
        return "hop back to the loop (call_soon_threadsafe)"
    if "SimpleQueue_get" in text or "acquire_lock" in text:
        return "idle: waiting for work"
    return "other"


def _table(counter: Counter[str], total: int, limit: int = 30) -> list[str]:
    return [
        f"  {count / total * 100:5.1f}%  {count:6d}  {label}"
        for label, count in counter.most_common(limit)
    ]


def _group(samples: Iterable[Sample], thread: str) -> list[Sample]:
    return [s for s in samples if s.thread == thread]


def summarise(raw: str) -> str:
    samples = parse(raw)
    if not samples:
        return "no samples"
    threads = Counter[str]()
    for s in samples:
        threads[s.thread] += s.count
    lines = ["samples per thread: " + ", ".join(f"{t} {n}" for t, n in threads.most_common())]

    main = _group(samples, "MainThread")
    total = sum(s.count for s in main)
    busy = sum(s.count for s in main if main_category(s.frames) != IDLE)
    by_category = Counter[str]()
    for s in main:
        by_category[main_category(s.frames)] += s.count
    lines.append(f"\nevent loop thread (MainThread), {total} samples, busy {busy / total:.0%}:")
    lines += _table(by_category, total)
    busy_only = Counter({k: v for k, v in by_category.items() if k != IDLE})
    lines.append("\nthe same, share of the busy samples only:")
    lines += _table(busy_only, busy or 1)

    inclusive = Counter[str]()
    own = Counter[str]()
    for s in main:
        if main_category(s.frames) == IDLE:
            continue
        seen = set()
        for frame in s.frames:
            if _python(frame) and frame not in seen:
                seen.add(frame)
                inclusive[_where(frame)[0] + " (" + _where(frame)[1].split(":")[0] + ")"] += s.count
        python = [f for f in s.frames if _python(f)]
        if python:
            own[python[-1]] += s.count
    lines.append("\nfunctions by inclusive share of the busy samples (loop plumbing left out):")
    shown = [
        (name, n)
        for name, n in inclusive.most_common()
        if n < 0.9 * busy and not name.startswith(("<module>", "main ", "run_bot "))
    ]
    lines += [f"  {n / busy * 100:5.1f}%  {name}" for name, n in shown[:30]]
    lines.append("\nleaf Python frames (self time, native callees included):")
    lines += [f"  {n / busy * 100:5.1f}%  {frame}" for frame, n in own.most_common(20)]

    for thread in threads:
        if thread == "MainThread":
            continue
        group = _group(samples, thread)
        count = sum(s.count for s in group)
        kinds = Counter[str]()
        for s in group:
            kinds[worker_category(s.frames)] += s.count
        lines.append(f"\nthread {thread}, {count} samples:")
        lines += _table(kinds, count)
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("raw", type=Path, help="py-spy record --format raw output")
    print(summarise(parser.parse_args().raw.read_text()))


if __name__ == "__main__":
    main()
