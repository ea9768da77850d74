"""Texts and keyboards of votes: the draft, the live vote card, and the published result.
Rendering only; no state changes."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from fractions import Fraction

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.communities.model import Community
from bot.config import Language
from bot.i18n import area, counted, number, t, when
from bot.votes.cases import Figures, Verification
from bot.votes.chain import fingerprint
from bot.votes.model import Vote, VoteStatus
from bot.votes.tally import THREE_QUARTERS, TWO_THIRDS, Check, Choice, Rule
from handlers import callbacks
from handlers.format import duration_text, share, time_left

CHOICE_CODES = {Choice.FOR: "f", Choice.AGAINST: "a", Choice.ABSTAIN: "x"}


CHOICES_BY_CODE = {code: choice for choice, code in CHOICE_CODES.items()}


RULE_CODES = {rule: str(i) for i, rule in enumerate(Rule)}


RULES_BY_CODE = {code: rule for rule, code in RULE_CODES.items()}


DRAFT_DURATIONS = (
    timedelta(hours=1),
    timedelta(days=1),
    timedelta(days=3),
    timedelta(days=7),
    timedelta(days=14),
    timedelta(days=30),
)


def scope_text(vote: Vote, lang: Language) -> str:
    scope = (
        t(lang, "votes.scope_building", building=vote.building)
        if vote.building
        else t(lang, "votes.scope_all")
    )
    return f"{scope} · {t(lang, 'votes.secret')}" if vote.secret else scope


def draft_text(vote: Vote, lang: Language) -> str:
    return t(
        lang,
        "votes.draft",
        number=vote.number,
        question=vote.question,
        rule=t(lang, f"rule.{vote.rule.value}"),
        duration=duration_text(vote.duration, lang),
        scope=scope_text(vote, lang),
    )


def _draft_button(label: str, vote: Vote, *args: int | str) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        label, callback_data=callbacks.pack(callbacks.VOTE_DRAFT, vote.id, *args)
    )


def _mark(selected: bool, label: str) -> str:
    return f"✅ {label}" if selected else label


def draft_card(vote: Vote, community: Community) -> tuple[str, InlineKeyboardMarkup]:
    """The draft and its buttons: rule, duration, building, secret, edit the question,
    delete, start."""
    lang = community.language
    rules = [
        _draft_button(
            _mark(rule is vote.rule, t(lang, f"rule.button.{rule.value}")),
            vote,
            "r",
            RULE_CODES[rule],
        )
        for rule in Rule
    ]
    durations = [
        _draft_button(
            _mark(d == vote.duration, duration_text(d, lang)),
            vote,
            "d",
            int(d.total_seconds() // 60),
        )
        for d in DRAFT_DURATIONS
    ]
    scope = (
        t(lang, "votes.draft_building", building=vote.building)
        if vote.building
        else t(lang, "votes.draft_all_buildings")
    )
    options = [
        _draft_button(f"🏢 {scope}", vote, "b"),
        _draft_button(_mark(vote.secret, t(lang, "votes.draft_secret")), vote, "s"),
    ]
    edits = [
        _draft_button(t(lang, "votes.draft_edit_question"), vote, "q"),
        _draft_button(t(lang, "votes.draft_delete"), vote, "x"),
    ]
    start = _draft_button(t(lang, "votes.start"), vote, "go")
    rows = [rules[:2], rules[2:], durations[:3], durations[3:], options, edits, [start]]
    return draft_text(vote, lang), InlineKeyboardMarkup(rows)


def tally_text(figures: Figures, lang: Language) -> str:
    text = _counts_text(figures, lang)
    if figures.paper:
        text += "\n" + t(lang, "votes.tally_paper", paper=number(figures.paper, lang))
    return text


def _counts_text(figures: Figures, lang: Language) -> str:
    tally = figures.tally
    counts = tally.counts
    if not figures.vote.rule.civil_code:
        return t(
            lang,
            "votes.tally_households",
            for_=number(counts[Choice.FOR], lang),
            against=number(counts[Choice.AGAINST], lang),
            abstain=number(counts[Choice.ABSTAIN], lang),
            participants=number(tally.participants, lang),
            electorate=number(tally.electorate_size, lang),
            share=share(tally.participants, tally.electorate_size, lang),
        )
    return t(
        lang,
        "votes.tally_owners",
        for_=number(counts[Choice.FOR], lang),
        for_area=area(tally.areas[Choice.FOR], lang),
        against=number(counts[Choice.AGAINST], lang),
        against_area=area(tally.areas[Choice.AGAINST], lang),
        abstain=number(counts[Choice.ABSTAIN], lang),
        abstain_area=area(tally.areas[Choice.ABSTAIN], lang),
        participants=number(tally.participants, lang),
        electorate=number(tally.electorate_size, lang),
        share=share(tally.participants, tally.electorate_size, lang),
        area=area(tally.participating_area, lang),
        total_area=area(tally.electorate_area, lang),
        area_share=share(tally.participating_area, tally.electorate_area, lang),
    )


def units_text(units: tuple[str, ...]) -> str:
    text = ", ".join(units)
    return text if len(text) <= 80 else f"{text[:77]}…"


def vote_buttons(vote: Vote, lang: Language) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    t(lang, f"votes.{choice.value}"),
                    callback_data=callbacks.pack(
                        callbacks.VOTE_CAST, vote.id, CHOICE_CODES[choice]
                    ),
                )
                for choice in Choice
            ],
            [
                InlineKeyboardButton(
                    t(lang, "votes.my_ballot_button"),
                    callback_data=callbacks.pack(callbacks.VOTE_MINE, vote.id),
                )
            ],
        ]
    )


def vote_card(
    figures: Figures, community: Community, now: datetime
) -> tuple[str, InlineKeyboardMarkup | None]:
    vote = figures.vote
    lang = community.language
    common = {
        "number": vote.number,
        "question": vote.question,
        "rule": t(lang, f"rule.{vote.rule.value}"),
        "scope": scope_text(vote, lang),
        "tally": figures_text(figures, lang),
    }
    if vote.status is VoteStatus.CLOSED and vote.outcome is not None:
        closed = when(vote.closed_at or now, lang, community.timezone)
        outcome = t(lang, f"outcome.{vote.outcome.value}")
        return t(lang, "votes.card_closed", closed=closed, outcome=outcome, **common), None
    assert vote.closes_at is not None
    return (
        t(
            lang,
            "votes.card",
            closes=when(vote.closes_at, lang, community.timezone),
            left=time_left(vote.closes_at, now, lang),
            **common,
        ),
        vote_buttons(vote, lang),
    )


AREA_STEP = Fraction(1, 100)  # areas are registered to the hundredth of a m²


def _bound_code(check: Check) -> str:
    """The bound as a text key: "half" (more than 1/2), "two_thirds", "three_quarters"."""
    if not check.inclusive:
        return "half"
    return {TWO_THIRDS: "two_thirds", THREE_QUARTERS: "three_quarters"}[check.bound]


def _area(value: Fraction, lang: Language) -> str:
    return area(Decimal(value.numerator) / value.denominator, lang)


def check_text(check: Check, lang: Language) -> str:
    """One threshold in words, with what it still lacks: "须三分之二以上业主参与：已有 6 户 /
    共 8 户（75%）✅", or "… ❌，还差 2 户"."""
    by_area = check.name.endswith("_area")
    if by_area:
        have = t(lang, "votes.have_area", value=_area(check.value, lang), of=_area(check.of, lang))
    else:
        have = t(
            lang,
            "votes.have_count",
            value=number(int(check.value), lang),
            of=number(int(check.of), lang),
        )
    missing = ""
    if not check.met and check.of:  # with nobody to count yet, a shortfall says nothing
        lacking = check.shortfall(AREA_STEP if by_area else Fraction(1))
        missing = (
            t(lang, "votes.missing_area", area=_area(lacking, lang))
            if by_area
            else t(lang, "votes.missing_count", n=counted(int(lacking), lang))
        )
    return t(
        lang,
        "votes.check",
        need=t(lang, f"votes.need.{check.name}.{_bound_code(check)}"),
        have=have,
        share=share(check.value, check.of, lang),
        mark="✅" if check.met else "❌",
        missing=missing,
    )


def checks_text(figures: Figures, lang: Language) -> str:
    """Every threshold of the vote's rule, one line each (quorum first)."""
    decision = figures.decision
    return "\n".join(check_text(c, lang) for c in (*decision.quorum, *decision.approval))


def figures_text(figures: Figures, lang: Language) -> str:
    return f"{tally_text(figures, lang)}\n{checks_text(figures, lang)}"


def buildings_text(figures: Figures, lang: Language) -> str:
    return (
        t(lang, "votes.sep").join(
            t(lang, "votes.building_share", building=b.building, voted=b.voted, eligible=b.eligible)
            for b in figures.buildings
        )
        or "-"
    )


def announcement_text(vote: Vote, community: Community) -> str:
    """A Civil Code vote told to the owners ahead (议题预告): question, rule, scope, dates."""
    lang = community.language
    assert vote.opens_at is not None
    return t(
        lang,
        "votes.announcement",
        number=vote.number,
        question=vote.question,
        rule=t(lang, f"rule.{vote.rule.value}"),
        scope=scope_text(vote, lang),
        opens=when(vote.opens_at, lang, community.timezone),
        closes=when(vote.opens_at + vote.duration, lang, community.timezone),
    )


def publication_text(vote: Vote, community: Community, lang: Language) -> str:
    if vote.publication_ends_at is None:
        return ""
    until = when(vote.publication_ends_at, lang, community.timezone)
    return "\n" + t(lang, "votes.publication", until=until, number=vote.number)


def result_text(figures: Figures, community: Community, head: str) -> str:
    vote = figures.vote
    lang = community.language
    assert vote.outcome is not None
    return t(
        lang,
        "votes.result",
        number=vote.number,
        question=vote.question,
        outcome=t(lang, f"outcome.{vote.outcome.value}"),
        figures=figures_text(figures, lang),
        buildings=buildings_text(figures, lang),
        head=head,
    ) + publication_text(vote, community, lang)


def current_result_text(
    figures: Figures, community: Community, lang: Language, head: str | None
) -> str:
    vote = figures.vote
    if vote.status is VoteStatus.CLOSED and vote.outcome is not None:
        return result_text(figures, community, head or "-")
    closes = when(vote.closes_at, lang, community.timezone) if vote.closes_at else "-"
    return t(
        lang,
        "votes.result_open",
        number=vote.number,
        question=vote.question,
        closes=closes,
        figures=figures_text(figures, lang),
        buildings=buildings_text(figures, lang),
    )


def verification_text(vote: Vote, checked: Verification, lang: Language) -> str:
    """What /verify found: intact (with the fingerprint), or every difference."""
    if checked.records == 0:
        return t(lang, "votes.verify_empty", number=vote.number)
    if checked.intact:
        text = t(
            lang,
            "votes.verify_ok",
            number=vote.number,
            records=checked.records,
            head=fingerprint(checked.head or ""),
        )
    else:
        lines = [t(lang, "votes.verify_problems", number=vote.number)]
        lines += [
            "• " + t(lang, f"votes.problem.{finding.problem.value}", detail=finding.detail)
            for finding in checked.findings
        ]
        text = "\n".join(lines)
    if not checked.covers_vote:
        text += "\n" + t(lang, "votes.verify_legacy")
    return text


# --- the draft's sub-screens, and the pickers of commands sent without a number ---


def draft_buildings_card(
    vote: Vote, community: Community, buildings: list[str]
) -> tuple[str, InlineKeyboardMarkup]:
    """Which building the vote concerns: one of the register's (by its index in the list the
    register gives now), or all; Back keeps it as it is."""
    lang = community.language
    everyone = _draft_button(
        _mark(vote.building is None, t(lang, "votes.draft_all_buildings")), vote, "ba"
    )
    picks = [
        _draft_button(
            _mark(b == vote.building, t(lang, "votes.draft_building", building=b)), vote, "bs", i
        )
        for i, b in enumerate(buildings)
    ]
    rows = [[everyone], *[picks[i : i + 3] for i in range(0, len(picks), 3)]]
    rows.append([_draft_button(t(lang, "common.back"), vote, "m")])
    text = f"{draft_text(vote, lang)}\n\n{t(lang, 'votes.draft_pick_building')}"
    return text, InlineKeyboardMarkup(rows)


def draft_delete_card(vote: Vote, community: Community) -> tuple[str, InlineKeyboardMarkup]:
    lang = community.language
    text = (
        f"{draft_text(vote, lang)}\n\n{t(lang, 'votes.draft_delete_confirm', number=vote.number)}"
    )
    keyboard = InlineKeyboardMarkup(
        [
            [
                _draft_button(t(lang, "votes.draft_delete_yes"), vote, "xy"),
                _draft_button(t(lang, "common.back"), vote, "m"),
            ]
        ]
    )
    return text, keyboard


PICK_LABEL = 40  # characters of the question on a picker's button


def picker_keyboard(votes: list[Vote], action: str, lang: Language) -> InlineKeyboardMarkup:
    """One button per vote, "#3 加装电梯", each doing what `/<command> 3` does."""
    rows = []
    for vote in votes:
        question = vote.question
        if len(question) > PICK_LABEL:
            question = f"{question[: PICK_LABEL - 1]}…"
        label = t(lang, "votes.pick_button", number=vote.number, question=question)
        data = callbacks.pack(callbacks.VOTE_PICK, action, vote.id)
        rows.append([InlineKeyboardButton(label, callback_data=data)])
    return InlineKeyboardMarkup(rows)


def close_confirm_card(
    figures: Figures, asker: int, lang: Language
) -> tuple[str, InlineKeyboardMarkup]:
    """ "Close vote #3 now? n of N have voted." Yes / No, for the one who asked."""
    vote = figures.vote
    tally = figures.tally
    text = t(
        lang,
        "votes.close_confirm",
        number=vote.number,
        question=vote.question,
        voted=number(tally.participants, lang),
        electorate=number(tally.electorate_size, lang),
    )

    def button(key: str, answer: str) -> InlineKeyboardButton:
        data = callbacks.pack(callbacks.VOTE_CLOSE, vote.id, asker, answer)
        return InlineKeyboardButton(t(lang, key), callback_data=data)

    return text, InlineKeyboardMarkup(
        [[button("votes.close_yes", "y"), button("votes.close_no", "n")]]
    )
