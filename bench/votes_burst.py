"""Benchmark (not a test): N households press a vote button within T seconds, through the real
`python bot.py` process and the fake Bot API over HTTP, with Telegram's flood limits.

    .venv/bin/python -m bench.votes_burst [--households 1200] [--seconds 60] [--changes 0.1]

Prints ballots per second, answer latency p50/p99, edits of the card (total and per minute),
429s received, and the bot's peak RSS."""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import time
from pathlib import Path

from bot.roles.model import Role
from tests.e2e.conftest import READY
from tests.e2e.process import BotProcess
from tests.e2e.seed import register_csv, seed_community
from tests.fake_telegram import FakeTelegram, FloodLimits


def percentile(values: list[float], share: float) -> float:
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


def run(households: int, seconds: float, changes: float, workdir: Path) -> None:
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    with FakeTelegram(limits=FloodLimits()) as fake:
        chair = fake.add_user("Chair", language_code="en")
        owners = [fake.add_user(f"Owner{i}", language_code="en") for i in range(households)]
        group = fake.create_group("Bench Estate", creator=chair, members=owners)
        bot = BotProcess(workdir / "bot", token=fake.token, base_url=fake.base_url)
        units = [f"{i // 100 + 1}-{101 + i % 100}" for i in range(households)]
        seed_community(
            bot.database,
            chat_id=group.id,
            name="Bench Estate",
            register=register_csv(households),
            owners=[(o.id, o.first_name, u) for o, u in zip(owners, units, strict=True)],
            roles=[(chair.id, Role.COMMITTEE)],
        )
        bot.start()
        try:
            bot.wait_for_log(READY)
            fake.add_bot_to_group(group, by=chair, as_admin=True)
            fake.send_message(group, chair, "/vote Benchmark question? simple 1d")
            card = fake.wait_for_message(group, contains="🗳 Vote #1", timeout=30)
            labels = ["For", "Against", "Abstain"]
            data = {label: card.button(label).data or "" for label in labels}
            rng = random.Random(households)
            presses = [(o, rng.choice(labels)) for o in owners]
            presses += [
                (o, rng.choice(labels)) for o in rng.sample(owners, int(households * changes))
            ]
            final: dict[int, str] = {}
            started = time.monotonic()
            for index, (owner, label) in enumerate(presses):
                fake.press_button(group, card, owner, data[label])
                final[owner.id] = label
                pause = started + seconds * (index + 1) / len(presses) - time.monotonic()
                if pause > 0:
                    time.sleep(pause)
            fake.wait_for(lambda: fake.unanswered_callbacks() == 0 or None, timeout=300)
            answered = time.monotonic()
            counts = {label: sum(1 for v in final.values() if v == label) for label in labels}
            expected = (
                f"For {counts['For']} · Against {counts['Against']} · Abstain {counts['Abstain']}"
            )
            fake.wait_for(
                lambda: next(
                    (
                        m
                        for m in fake.bot_messages(group)
                        if m.message_id == card.message_id and expected in m.content
                    ),
                    None,
                ),
                timeout=60,
            )
            exact_after = time.monotonic() - answered
            latencies = fake.answer_latencies()
            edits = [c.at for c in fake.api_calls("editMessageText") if c.status == 200]
            sends = [
                c.at
                for c in fake.api_calls()
                if c.status == 200
                and c.method in ("sendMessage", "editMessageText")
                and c.params.get("chat_id") == str(group.id)
            ]
            card_edits = next(
                m for m in fake.bot_messages(group) if m.message_id == card.message_id
            ).edit_count
            rss = bot.peak_rss_kib()
        finally:
            bot.stop()
        print(f"households              {households}")
        changed = int(households * changes)
        print(f"presses                 {len(presses)} in {seconds:.0f} s ({changed} changes)")
        print(f"ballots per second      {len(presses) / (answered - started):.1f}")
        print(f"answer latency p50      {percentile(latencies, 0.50) * 1000:.0f} ms")
        print(f"answer latency p99      {percentile(latencies, 0.99) * 1000:.0f} ms")
        print(f"answer latency max      {max(latencies) * 1000:.0f} ms")
        print(f"card edits              {card_edits} ({len(edits)} edits in all)")
        print(f"group sends+edits/min   {max_per_window(sends, 60.0)} at most in any 60 s")
        print(f"card exact after        {exact_after:.1f} s after the last answer")
        print(f"429s received           {fake.stats.too_many_requests}")
        print(
            f"bot peak RSS            {rss / 1024:.1f} MiB"
            if rss
            else "bot peak RSS            n/a"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--households", type=int, default=1200)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument(
        "--changes", type=float, default=0.1, help="share of households that change their vote"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        run(args.households, args.seconds, args.changes, Path(folder))


if __name__ == "__main__":
    main()
