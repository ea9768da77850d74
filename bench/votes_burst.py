"""Benchmark (not a test): N households press a vote button, through the real `python bot.py`
process and the fake Bot API over HTTP, with Telegram's flood limits; and the same presses against
a bot that only answers them (bench/answer_only_bot.py: the python-telegram-bot ceiling).

    .venv/bin/python -m bench.votes_burst [--households 1200] [--seconds 60] [--changes 0.1]
        [--mode spread|burst|all] [--bot real|ceiling|both] [--stored 10000]
        [--profile profile.txt]

spread: the presses are spread evenly over --seconds (with --changes of the households pressing a
second time); burst: one press per household, all queued in the fake before the bot may fetch
any (getUpdates is held, then released). Each run has a fresh fake, process and database; the
real bot's database holds --stored ballots of earlier, closed votes before it starts.

Prints, per run: answer latency p50/p99/max (from the press, or for a burst from the release),
answered (durable, for the real bot) ballots per second, the card's edits, the group's
sends+edits in any 60 s, how long after the last answer the card was exact, 429s and the bot's
peak RSS; then the real/ceiling ratios. --profile FILE adds one more real burst under py-spy
(pip install -e '.[bench]') and writes its raw stacks to FILE and a summary beside it."""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import httpx

from bench.answer_only_bot import READY as CEILING_READY
from bench.profile_summary import summarise
from bench.stored import seed_closed_votes
from bot.roles.model import Role
from tests.e2e.conftest import READY
from tests.e2e.process import ROOT, BotProcess
from tests.e2e.seed import register_csv, seed_community
from tests.fake_telegram import BotMessage, FakeChat, FakeTelegram, FakeUser, FloodLimits

T = TypeVar("T")
LABELS = ("For", "Against", "Abstain")
CODES = {"For": "f", "Against": "a", "Abstain": "x"}
TELEGRAM_CALLBACK_TIMEOUT = 15.0


class BenchError(RuntimeError):
    """A run that could not finish: the message says what was waited for."""


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def max_per_window(times: list[float], window: float) -> int:
    ordered = sorted(times)
    best = start = 0
    for end, moment in enumerate(ordered):
        while moment - ordered[start] >= window:
            start += 1
        best = max(best, end - start + 1)
    return best


@dataclass
class Result:
    bot: str
    mode: str
    presses: int
    changes: int
    seconds: float  # first press (spread) or release (burst) → last answer
    latencies: list[float]
    late: int  # answered later than Telegram's 15 s
    card_edits: int = 0
    group_window: int = 0
    group_per_minute: float = 0.0
    exact_after: float | None = None
    too_many_requests: int = 0
    rss_kib: int | None = None
    stored_votes: int = 0
    setup_seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def per_second(self) -> float:
        return self.presses / self.seconds if self.seconds > 0 else float("inf")

    @property
    def p50(self) -> float:
        return percentile(self.latencies, 0.50)

    @property
    def p99(self) -> float:
        return percentile(self.latencies, 0.99)


class LaunchedProcess(BotProcess):
    """BotProcess with any command line (the answer-only bot), same env and log handling."""

    def __init__(self, workdir: Path, *, token: str, base_url: str, command: Sequence[str]) -> None:
        super().__init__(workdir, token=token, base_url=base_url)
        self.command = list(command)
        self.env["PYTHONPATH"] = os.pathsep.join(
            [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]
        )

    def start(self) -> None:
        assert self._process is None, "already running"
        self.workdir.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:
            self._process = subprocess.Popen(
                self.command, cwd=self.workdir, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )
        self.starts += 1


def waiting(what: str, fake: FakeTelegram, bot: BotProcess, timeout: float) -> Callable[..., T]:
    """fake.wait_for, failing with a BenchError that says what and shows the log's tail."""

    def wait(predicate: Callable[[], T | None], describe: Callable[[], str] | None = None) -> T:
        try:
            return fake.wait_for(predicate, timeout, describe=describe)
        except AssertionError as error:
            tail = "\n".join(bot.log().splitlines()[-15:])
            raise BenchError(f"{what}: {error}\n--- bot log (tail) ---\n{tail}") from None

    return wait


@dataclass
class Stage:
    """One fresh world: the fake, the group, its households and the bot process."""

    fake: FakeTelegram
    chair: FakeUser
    owners: list[FakeUser]
    group: FakeChat
    process: BotProcess
    stored_votes: int = 0
    setup_seconds: float = 0.0


def build_stage(kind: str, households: int, stored: int, workdir: Path) -> Stage:
    fake = FakeTelegram(limits=FloodLimits()).start()
    # Keep measuring answers that Telegram would refuse after 15 s; they are counted as late.
    fake.callback_timeout = 3600.0
    chair = fake.add_user("Chair", language_code="en")
    owners = [fake.add_user(f"Owner{i}", language_code="en") for i in range(households)]
    group = fake.create_group("Bench Estate", creator=chair, members=owners)
    started = time.monotonic()
    if kind == "real":
        process: BotProcess = BotProcess(workdir, token=fake.token, base_url=fake.base_url)
        units = [f"{i // 100 + 1}-{101 + i % 100}" for i in range(households)]
        seed_community(
            process.database,
            chat_id=group.id,
            name="Bench Estate",
            register=register_csv(households),
            owners=[(o.id, o.first_name, u) for o, u in zip(owners, units, strict=True)],
            roles=[(chair.id, Role.COMMITTEE)],
        )
        votes = seed_closed_votes(process.database, ballots=stored, created_by=chair.id)
    else:
        command = [sys.executable, "-m", "bench.answer_only_bot"]
        process = LaunchedProcess(
            workdir, token=fake.token, base_url=fake.base_url, command=command
        )
        votes = 0
    return Stage(fake, chair, owners, group, process, votes, time.monotonic() - started)


def post_card(stage: Stage, timeout: float) -> BotMessage:
    """The vote's card in the group: posted by the real bot after /vote, or by the bench itself
    (as the bot, over HTTP) for the answer-only bot."""
    fake, group, process = stage.fake, stage.group, stage.process
    fake.add_bot_to_group(group, by=stage.chair, as_admin=True)
    number = stage.stored_votes + 1
    if isinstance(process, LaunchedProcess):
        keyboard = [
            [{"text": label, "callback_data": f"v1:vb:1:{CODES[label]}"}] for label in LABELS
        ]
        httpx.post(
            f"{fake.base_url}{fake.token}/sendMessage",
            json={
                "chat_id": group.id,
                "text": "🗳 Vote #1",
                "reply_markup": {"inline_keyboard": keyboard},
            },
        ).raise_for_status()
    else:
        fake.send_message(group, stage.chair, "/vote Benchmark question? simple 1d")
    wait = waiting(f"the card of vote #{number}", fake, process, timeout)
    return wait(
        lambda: next(
            (m for m in fake.bot_messages(group) if f"🗳 Vote #{number}" in m.content), None
        )
    )


def run(
    kind: str,
    mode: str,
    *,
    households: int,
    seconds: float,
    changes: float,
    stored: int,
    workdir: Path,
    timeout: float,
    profile: Path | None = None,
) -> Result:
    stage = build_stage(kind, households, stored if kind == "real" else 0, workdir)
    fake, group, process, owners = stage.fake, stage.group, stage.process, stage.owners
    spy: subprocess.Popen[bytes] | None = None
    try:
        process.start()
        try:
            process.wait_for_log(READY if kind == "real" else CEILING_READY, timeout=120)
        except AssertionError as error:
            raise BenchError(f"{kind} bot did not start: {error}") from None
        card = post_card(stage, timeout=60)
        data = {label: card.button(label).data or "" for label in LABELS}
        rng = random.Random(households)
        presses = [(o, rng.choice(LABELS)) for o in owners]
        changed = 0
        if mode == "spread":
            changed = int(households * changes)
            presses += [(o, rng.choice(LABELS)) for o in rng.sample(owners, changed)]
        final: dict[int, str] = {}
        if mode == "burst":
            fake.hold_updates()
            for owner, label in presses:
                fake.press_button(group, card, owner, data[label])
                final[owner.id] = label
            if profile is not None:
                spy = start_py_spy(process, profile)
            started = fake.release_updates()
        else:
            started = time.monotonic()
            for index, (owner, label) in enumerate(presses):
                fake.press_button(group, card, owner, data[label])
                final[owner.id] = label
                pause = started + seconds * (index + 1) / len(presses) - time.monotonic()
                if pause > 0:
                    time.sleep(pause)
        waiting(f"answers to {len(presses)} presses ({kind}, {mode})", fake, process, timeout)(
            lambda: fake.unanswered_callbacks() == 0 or None,
            lambda: f"{fake.unanswered_callbacks()} of {len(presses)} presses not answered",
        )
        if spy is not None:  # the burst only, not the card's redraws after it
            stop_py_spy(spy)
            spy = None
        times = fake.answer_times()
        last_answer = max(answered for _, answered in times)
        latencies = [answered - max(pressed, started) for pressed, answered in times]
        result = Result(
            kind,
            mode,
            len(presses),
            changed,
            last_answer - started,
            latencies,
            late=sum(1 for a, b in times if b - a > TELEGRAM_CALLBACK_TIMEOUT),
            stored_votes=stage.stored_votes,
            setup_seconds=stage.setup_seconds,
        )
        if kind == "real":
            counts = {label: sum(1 for v in final.values() if v == label) for label in LABELS}
            expected = " · ".join(f"{label} {counts[label]}" for label in LABELS)
            waiting(f"the card to show {expected!r}", fake, process, 120)(
                lambda: next(
                    (
                        m
                        for m in fake.bot_messages(group)
                        if m.message_id == card.message_id and expected in m.content
                    ),
                    None,
                ),
                lambda: (
                    "the card shows "
                    + repr(
                        next(
                            m for m in fake.bot_messages(group) if m.message_id == card.message_id
                        ).content[-120:]
                    )
                ),
            )
            result.exact_after = time.monotonic() - last_answer
            result.card_edits = next(
                m for m in fake.bot_messages(group) if m.message_id == card.message_id
            ).edit_count
        sends = [
            c.at
            for c in fake.api_calls()
            if c.status == 200
            and c.method in ("sendMessage", "editMessageText")
            and c.params.get("chat_id") == str(group.id)
            and c.at >= started
        ]
        result.group_window = max_per_window(sends, 60.0)
        span = max([*sends, last_answer]) - started
        result.group_per_minute = len(sends) / max(span, 60.0) * 60.0
        result.too_many_requests = fake.stats.too_many_requests
        result.rss_kib = process.peak_rss_kib()
        return result
    finally:
        if spy is not None:
            stop_py_spy(spy)
        process.stop()
        fake.stop()


def start_py_spy(process: BotProcess, output: Path) -> subprocess.Popen[bytes]:
    """py-spy attached to the bot: raw (collapsed) stacks of every thread, idle ones included."""
    executable = Path(sys.executable).with_name("py-spy")
    if not executable.exists():
        raise BenchError("py-spy is not installed: .venv/bin/pip install -e '.[bench]'")
    command = [str(executable), "record", "--pid", str(process.pid), "--format", "raw"]
    command += ["--rate", "250", "--threads", "--idle", "--native", "--output", str(output)]
    spy = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    time.sleep(1.0)  # attached and sampling before the burst is released
    if spy.poll() is not None:
        error = spy.stderr.read().decode() if spy.stderr else ""
        raise BenchError(f"py-spy could not attach to the bot: {error}")
    return spy


def stop_py_spy(spy: subprocess.Popen[bytes]) -> None:
    spy.send_signal(signal.SIGINT)
    try:
        spy.wait(60)
    except subprocess.TimeoutExpired:
        spy.kill()
        spy.wait(5)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 10 else f"{seconds:.1f} s"


def report(result: Result) -> None:
    title = f"{result.bot} bot, {result.mode}"
    print(f"\n== {title} " + "=" * max(0, 60 - len(title)))
    if result.bot == "real":
        print(f"stored before start     {result.stored_votes} closed votes (seeded)")
    extra = f" ({result.changes} changes)" if result.changes else ""
    how = "spread" if result.mode == "spread" else "queued at once"
    print(f"presses                 {result.presses} {how}{extra}")
    print(f"answered per second     {result.per_second:.1f} ({result.seconds:.1f} s in all)")
    print(f"answer latency p50      {ms(result.p50)}")
    print(f"answer latency p99      {ms(result.p99)}")
    print(f"answer latency max      {ms(max(result.latencies))}")
    if result.late:
        print(f"answered after 15 s     {result.late} (Telegram would refuse these)")
    if result.bot == "real":
        print(f"card edits              {result.card_edits}")
        print(f"group sends+edits       {result.group_window} at most in any 60 s")
        exact = f"{result.exact_after:.1f} s" if result.exact_after is not None else "n/a"
        print(f"card exact after        {exact} after the last answer")
    print(f"429s received           {result.too_many_requests}")
    rss = f"{result.rss_kib / 1024:.1f} MiB" if result.rss_kib else "n/a"
    print(f"peak RSS                {rss}")


def compare(results: list[Result]) -> None:
    by = {(r.bot, r.mode): r for r in results}
    lines = []
    for mode in ("spread", "burst"):
        real, ceiling = by.get(("real", mode)), by.get(("ceiling", mode))
        if real is None or ceiling is None:
            continue
        if mode == "burst":
            lines.append(
                f"burst ballots/s         {real.per_second:.0f} real / {ceiling.per_second:.0f}"
                f" ceiling = {real.per_second / ceiling.per_second:.2f} (target ≥ 0.8)"
            )
        lines.append(
            f"{mode} p99{' ' * (16 - len(mode))}{ms(real.p99)} real / {ms(ceiling.p99)} ceiling"
            f" = {real.p99 / ceiling.p99:.1f}×"
            + (" (target ≤ 2×)" if mode == "burst" else " (target: real ≤ 50 ms)")
        )
    if lines:
        print("\n== real bot / answer-only ceiling " + "=" * 29)
        print("\n".join(lines))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--households", type=int, default=1200)
    parser.add_argument("--seconds", type=float, default=60.0, help="spread: presses within")
    parser.add_argument(
        "--changes", type=float, default=0.1, help="spread: share of households pressing again"
    )
    parser.add_argument("--mode", choices=("spread", "burst", "all"), default="all")
    parser.add_argument("--bot", choices=("real", "ceiling", "both"), default="both")
    parser.add_argument(
        "--stored", type=int, default=10_000, help="ballots of closed votes stored before start"
    )
    parser.add_argument(
        "--timeout", type=float, default=300.0, help="seconds to wait for all answers of a run"
    )
    parser.add_argument(
        "--profile",
        type=Path,
        help="also profile a real burst with py-spy: raw stacks to this file, summary beside it",
    )
    args = parser.parse_args()
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    modes = ("spread", "burst") if args.mode == "all" else (args.mode,)
    bots = ("real", "ceiling") if args.bot == "both" else (args.bot,)
    print(f"bench/votes_burst: {args.households} households, {os.cpu_count()} CPUs")
    results = []
    with tempfile.TemporaryDirectory() as folder:
        try:
            for index, (kind, mode) in enumerate((k, m) for k in bots for m in modes):
                result = run(
                    kind,
                    mode,
                    households=args.households,
                    seconds=args.seconds,
                    changes=args.changes,
                    stored=args.stored,
                    workdir=Path(folder) / f"run{index}",
                    timeout=args.timeout,
                )
                report(result)
                results.append(result)
            compare(results)
            if args.profile is not None:
                profile = args.profile.resolve()
                result = run(
                    "real",
                    "burst",
                    households=args.households,
                    seconds=args.seconds,
                    changes=args.changes,
                    stored=args.stored,
                    workdir=Path(folder) / "profiled",
                    timeout=args.timeout,
                    profile=profile,
                )
                print(f"\n== profiled real burst (py-spy; slower): {result.per_second:.0f}/s")
                summary = summarise(profile.read_text())
                profile.with_suffix(".summary.txt").write_text(summary)
                print(summary)
                print(f"raw stacks: {profile}; summary: {profile.with_suffix('.summary.txt')}")
        except BenchError as error:
            print(f"\nbench failed: {error}", file=sys.stderr)
            raise SystemExit(1) from None


if __name__ == "__main__":
    main()
