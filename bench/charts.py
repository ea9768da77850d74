"""How long the /stats charts take to draw, and how big they are: the four charts of
handlers/stats/charts.py for 10 votes, 20 buildings and 200 tickets (9 categories × 7 statuses)
and 200 times to fix, in Chinese and English. The first chart of a process also registers the
CJK font (its own line); then each chart is drawn `--repeat` times: the median wall time and
CPU time of the process (the CPU time is what a busy shared machine does not inflate).

    .venv/bin/python -m bench.charts [--repeat 5] [--out DIR]

`--out DIR` also writes the Chinese PNGs there, to look at."""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from bot.config import Language
from bot.i18n import LANGUAGES, t
from bot.reports.model import Category, TicketStatus
from handlers.stats import charts


def inputs(lang: Language, seed: int = 12) -> dict[str, Callable[[], bytes]]:
    """The four charts over seeded, plausible figures, their labels in `lang`."""
    rng = random.Random(seed)
    votes = [(f"#{n} 11/{n + 2}", rng.uniform(0.1, 0.6)) for n in range(1, 11)]
    building_word = "{n}号楼" if lang == "zh" else "Building {n}"
    buildings = [(building_word.format(n=n), rng.uniform(0.05, 0.8)) for n in range(1, 21)]
    categories = [t(lang, f"category.{c.value}") for c in Category]
    statuses = [t(lang, f"ticket_status.{s.value}") for s in TicketStatus]
    counts: dict[tuple[str, str], int] = {}
    for _ in range(200):
        key = (rng.choice(categories), rng.choice(statuses))
        counts[key] = counts.get(key, 0) + 1
    hours = [rng.expovariate(1 / 60) for _ in range(200)]
    return {
        "participation (10 votes)": lambda: charts.participation_chart(
            votes, lang=lang, title="Participation"
        ),
        "buildings (20)": lambda: charts.building_chart(buildings, lang=lang, title="By building"),
        "tickets (200)": lambda: charts.tickets_chart(
            counts, categories=categories, statuses=statuses, lang=lang, title="Repair reports"
        ),
        "time to fix (200)": lambda: charts.resolve_time_chart(
            hours, lang=lang, title="Time to fix"
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    start = time.perf_counter()
    charts.participation_chart([], lang="zh", title="warm-up")
    print(f"first chart of the process (font registered): {time.perf_counter() - start:.2f} s")
    print(f"{'chart (median of --repeat)':<26} {'lang':<4} {'wall':>9} {'CPU':>9} {'PNG':>9}")
    for lang in LANGUAGES:
        for name, draw in inputs(lang).items():
            walls: list[float] = []
            cpus: list[float] = []
            for _ in range(args.repeat):
                wall, cpu = time.perf_counter(), time.process_time()
                data = draw()
                walls.append(time.perf_counter() - wall)
                cpus.append(time.process_time() - cpu)
            wall_ms, cpu_ms = statistics.median(walls) * 1000, statistics.median(cpus) * 1000
            size = len(data) / 1024
            print(f"{name:<26} {lang:<4} {wall_ms:>6.0f} ms {cpu_ms:>6.0f} ms {size:>5.0f} KiB")
            if args.out and lang == "zh":
                args.out.mkdir(parents=True, exist_ok=True)
                (args.out / f"{name.split()[0]}.png").write_bytes(data)


if __name__ == "__main__":
    main()
