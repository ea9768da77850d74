"""One crash scenario (issue 9): `python bot.py` is SIGKILLed at a moment chosen by a seed while
households press ballot buttons (some change their minds), support a topic, a stranger asks to
join and a resident files a report; it is started again and the fake Bot API redelivers what
was not confirmed. Once the bot's inbox says every update was applied (confirmed to Telegram
is only stored: a busy bot may still be casting), what the database holds is compared with what
was pressed.

Used by `tests/e2e/test_crash_flow.py` (30 seeds) and `bench/crash_seeds.py` (as many as you
like). `run_seed` returns the list of what went wrong, empty when all is right."""

from __future__ import annotations

import json
import random
import sqlite3
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from bot.roles.model import Role
from tests.e2e.conftest import READY
from tests.e2e.process import BotProcess
from tests.e2e.seed import register_csv, seed_community
from tests.fake_telegram import FakeTelegram, FloodLimits
from tests.fake_telegram.models import BotMessage, FakeUser

HOUSEHOLDS = 12
LABELS = ("For", "Against", "Abstain")
CHOICE_OF = {"For": "for", "Against": "against", "Abstain": "abstain"}


@dataclass
class Outcome:
    seed: int
    killed_after: int  # actions pushed before the SIGKILL
    problems: list[str] = field(default_factory=list)
    join_cards: int = 0  # more than one: the kill fell between Telegram's answer and the mark


def run_seed(seed: int, workdir: Path, *, freeze_after_restart: float = 0.0) -> Outcome:
    """`freeze_after_restart`: once the restarted bot has confirmed every update, it is
    stopped that many seconds (SIGSTOP), as on a busy machine: fetched is not yet applied."""
    rng = random.Random(seed)
    with FakeTelegram(limits=FloodLimits(group_per_minute=60)) as fake:
        chair = fake.add_user("Chair", language_code="en")
        owners = [fake.add_user(f"Owner{i}", language_code="en") for i in range(HOUSEHOLDS)]
        stranger = fake.add_user("Stranger", language_code="en")
        group = fake.create_group("Crash Court", creator=chair, members=[*owners, stranger])
        bot = BotProcess(workdir, token=fake.token, base_url=fake.base_url)
        units = [f"1-{101 + i}" for i in range(HOUSEHOLDS)]
        seed_community(
            bot.database,
            chat_id=group.id,
            name="Crash Court",
            register=register_csv(HOUSEHOLDS),
            owners=[(o.id, o.first_name, u) for o, u in zip(owners, units, strict=True)],
            roles=[(chair.id, Role.COMMITTEE)],
        )
        bot.start()
        try:
            bot.wait_for_log(READY)
            fake.add_bot_to_group(group, by=chair, as_admin=True)
            fake.open_private_chat(chair)  # the group's creator reviews joins there (issue 11)
            fake.send_message(group, chair, "/settings support_threshold 99")
            fake.send_message(group, chair, "/vote Crash-proof? simple 1d")
            card = fake.wait_for_message(group, contains="🗳 Vote #1", timeout=30)
            fake.send_message(group, owners[0], "/propose Mend the gate")
            topic = fake.wait_for_message(group, contains="📝 Topic #1", timeout=30)
            ballot_data = {label: card.button(label).data or "" for label in LABELS}
            support_data = topic.button("Support").data or ""

            # What each household presses, in the order it presses it.
            actions: list[tuple[str, int, str]] = []
            for index in range(HOUSEHOLDS):
                actions.append(("ballot", index, rng.choice(LABELS)))
                actions.append(("support", index, ""))
                if rng.random() < 0.4:
                    actions.append(("ballot", index, rng.choice(LABELS)))
            rng.shuffle(actions)
            actions.insert(rng.randrange(len(actions)), ("join", -1, ""))
            actions.insert(rng.randrange(len(actions)), ("report", 1, ""))
            kill_at = rng.randrange(len(actions) + 1)
            kill_delay = rng.uniform(0.0, 0.15)

            for number, (kind, index, label) in enumerate(actions):
                if number == kill_at:
                    time.sleep(kill_delay)
                    bot.kill()
                if kind == "ballot":
                    fake.press_button(group, card, owners[index], ballot_data[label])
                elif kind == "support":
                    fake.press_button(group, topic, owners[index], support_data)
                elif kind == "join":
                    fake.send_message(group, stranger, "/join 1-101 tenant")
                else:
                    fake.send_message(group, owners[index], "/report The lift in 1 is stuck")
                time.sleep(rng.uniform(0.0, 0.02))
            if bot.running:
                time.sleep(kill_delay)
                bot.kill()  # the kill comes after the last action
            bot.start()
            bot.wait_for_log(READY)
            fake.wait_for(
                lambda: fake.pending_update_count() == 0 or None,
                timeout=30,
                describe=lambda: "every update confirmed after the restart",
            )
            if freeze_after_restart:
                bot.freeze(freeze_after_restart)
            # Confirmed to Telegram means stored, not applied: on a busy machine the bot may be
            # quiet for a while with presses still to cast. Its inbox says when all are done.
            _wait_applied(bot.database, timeout=30)  # what is still undone then is reported
            fake.wait_until_idle(timeout=20)
            outcome = Outcome(seed, kill_at)
            outcome.problems += _check_database(bot.database, actions, units)
            outcome.problems += _check_card(fake, group, card.message_id, bot.database)
            join_cards = _join_cards(fake, chair)
            outcome.join_cards = len(join_cards)
            if not join_cards:  # the outbox resends what the kill cut short; at least once
                outcome.problems.append("the join request's review card was never posted")
            log = bot.log()
            if "Traceback" in log:
                outcome.problems.append("a traceback in the log")
        finally:
            bot.stop()
        return outcome


def _join_cards(fake: FakeTelegram, chair: FakeUser) -> list[BotMessage]:
    """The review cards of the stranger's request in the chair's chat, once one is there: the
    outbox may still be waiting out a private chat's flood limit (a 429 pauses it a second)."""

    def cards() -> list[BotMessage]:
        return [m for m in fake.bot_messages(chair) if "Stranger asks to join 1-101" in m.content]

    try:
        fake.wait_for(lambda: cards() or None, timeout=15)
    except AssertionError:
        return []
    return cards()


def _undone(path: Path) -> int:
    """Updates the bot stored and has not marked applied (a refusal's mark follows within
    `handlers.pipeline.FLUSH_MARKS_EVERY`)."""
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        return int(
            conn.execute("SELECT count(*) FROM update_inbox WHERE done_at IS NULL").fetchone()[0]
        )


def _wait_applied(path: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while _undone(path) and time.monotonic() < deadline:
        time.sleep(0.05)


def _expected_ballots(actions: list[tuple[str, int, str]], units: list[str]) -> dict[str, str]:
    last: dict[str, str] = {}
    for kind, index, label in actions:
        if kind == "ballot":
            last[units[index]] = CHOICE_OF[label]
    return last


def _expected_records(actions: list[tuple[str, int, str]], units: list[str]) -> int:
    """A ballot record per press that cast or changed a ballot (the same choice again adds
    none)."""
    standing: dict[str, str] = {}
    records = 0
    for kind, index, label in actions:
        if kind != "ballot":
            continue
        unit, choice = units[index], CHOICE_OF[label]
        if standing.get(unit) != choice:
            records += 1
        standing[unit] = choice
    return records


def _check_database(path: Path, actions: list[tuple[str, int, str]], units: list[str]) -> list[str]:
    problems = []
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        ballots = dict(conn.execute("SELECT voter_key, choice FROM ballots WHERE vote_id = 1"))
        kinds = Counter(
            kind for (kind,) in conn.execute("SELECT kind FROM vote_records WHERE vote_id = 1")
        )
        supports = {h for (h,) in conn.execute("SELECT household FROM topic_supports")}
        tickets = conn.execute("SELECT count(*) FROM tickets").fetchone()[0]
        joins = conn.execute(
            "SELECT count(*) FROM memberships m JOIN users u ON u.id = m.user_id"
            " WHERE u.display_name = 'Stranger'"
        ).fetchone()[0]
        undone = conn.execute("SELECT count(*) FROM update_inbox WHERE done_at IS NULL").fetchone()[
            0
        ]
    expected = _expected_ballots(actions, units)
    if ballots != expected:
        problems.append(f"ballots {ballots} != pressed {expected}")
    records = kinds["cast"] + kinds["change"]
    if records != _expected_records(actions, units):
        problems.append(f"{records} ballot records, expected {_expected_records(actions, units)}")
    supporters = {units[index] for kind, index, _ in actions if kind == "support"}
    if supports != supporters:
        problems.append(f"supports {sorted(supports)} != pressed {sorted(supporters)}")
    if tickets != 1:
        problems.append(f"{tickets} tickets from one /report")
    if joins != 1:
        problems.append(f"{joins} join requests from one /join")
    if undone:
        problems.append(f"{undone} updates left undone in the inbox")
    return problems


def _check_card(fake: FakeTelegram, group: object, message_id: int, path: Path) -> list[str]:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        counts = Counter(c for (c,) in conn.execute("SELECT choice FROM ballots WHERE vote_id=1"))
    expected = f"For {counts['for']} · Against {counts['against']} · Abstain {counts['abstain']}"
    try:
        fake.wait_for(
            lambda: next(
                (
                    m
                    for m in fake.bot_messages(group)  # type: ignore[arg-type]
                    if m.message_id == message_id and expected in m.content
                ),
                None,
            ),
            timeout=15,
            describe=lambda: f"the card showing {expected}",
        )
    except AssertionError as exc:
        return [f"card: {exc}"]
    return []


def summary(outcomes: list[Outcome]) -> str:
    bad = [o for o in outcomes if o.problems]
    repeated = sum(1 for o in outcomes if o.join_cards > 1)
    lines = [
        f"{len(outcomes)} seeds, {len(bad)} with problems;"
        f" the join card posted twice in {repeated} (at least once is the promise)"
    ]
    lines += [f"seed {o.seed} (killed after {o.killed_after}): {o.problems}" for o in bad]
    return "\n".join(lines) + ("\n" + json.dumps([o.seed for o in bad]) if bad else "")
