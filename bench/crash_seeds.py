"""More SIGKILL seeds than the suite runs (it runs 30): the crash scenario of
`tests/e2e/crash.py`, for seeds FIRST..FIRST+COUNT-1, AT_ONCE side by side.

    .venv/bin/python -m bench.crash_seeds [--first 1] [--count 200] [--at-once 4] [--keep DIR]

Prints each failing seed with what went wrong, and a summary; exits 1 if any failed. With
`--keep DIR` each failing seed's folder (its bot.log, both processes' output, and its database)
stays in DIR/seed-N for a look; the passing seeds' folders are removed."""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tests.e2e.crash import Outcome, run_seed, summary


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--first", type=int, default=1)
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--at-once", type=int, default=4)
    parser.add_argument("--keep", type=Path, help="keep the failing seeds' folders here")
    args = parser.parse_args()
    started = time.monotonic()
    seeds = range(args.first, args.first + args.count)
    if args.keep is not None:
        args.keep.mkdir(parents=True, exist_ok=True)
        with ThreadPoolExecutor(args.at_once) as pool:
            outcomes = list(pool.map(lambda s: _kept(s, args.keep / f"seed-{s}"), seeds))
    else:
        with tempfile.TemporaryDirectory() as folder, ThreadPoolExecutor(args.at_once) as pool:
            outcomes = list(pool.map(lambda s: run_seed(s, Path(folder) / f"seed-{s}"), seeds))
    print(summary(outcomes))
    print(f"in {time.monotonic() - started:.0f} s")
    return 1 if any(o.problems for o in outcomes) else 0


def _kept(seed: int, folder: Path) -> Outcome:
    """Run `seed` in `folder`; remove the folder again if nothing went wrong."""
    shutil.rmtree(folder, ignore_errors=True)
    outcome = run_seed(seed, folder)
    if not outcome.problems:
        shutil.rmtree(folder, ignore_errors=True)
    return outcome


if __name__ == "__main__":
    sys.exit(main())
