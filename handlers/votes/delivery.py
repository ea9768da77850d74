"""What the vote use cases wrote into the outbox, delivered (see `handlers/outbox.py`): each drawn
from the database when it goes out, so a repeated delivery edits or skips what is already
there. The card is posted if it has no message yet and redrawn otherwise; the result is posted
only while no result message is stored (then pinned, which Telegram does once however often it
is asked); "vote started" and the ledger are plain sends (at least once). The card of an open
vote is pinned, and unpinned once the result is pinned; a failed pin or unpin is only logged."""

from __future__ import annotations

import logging

from telegram import InlineKeyboardMarkup, InputFile
from telegram.error import BadRequest, Forbidden

from bot.communities.model import Community
from bot.i18n import t
from bot.outbox import OutboxEntry
from bot.ports import UnitOfWork
from bot.votes.cases import Figures, attach_vote_card, figures
from bot.votes.chain import fingerprint
from bot.votes.model import Vote, VoteStatus
from handlers.common import edit_text, in_chat, pin_message, send_text
from handlers.context import BotContext
from handlers.votes.ledger import ledger_csv
from handlers.votes.render import announcement_text, result_text, vote_card

log = logging.getLogger(__name__)
CAPTION_LIMIT = 1024


async def _vote(uow: UnitOfWork, vote_id: int) -> tuple[Vote, Community] | None:
    vote = await uow.votes.get(vote_id)
    community = await uow.communities.get(vote.community_id) if vote else None
    if vote is None or community is None:
        return None
    return vote, community


async def card_content(
    context: BotContext, vote_id: int
) -> tuple[Vote, Community, str, InlineKeyboardMarkup | None] | None:
    """The vote card as the vote stands now (None for a draft or a vote that is gone)."""
    services = context.services
    async with services.uow() as uow:
        found = await _vote(uow, vote_id)
        if found is None:
            return None
        vote, community = found
        if vote.status is VoteStatus.ANNOUNCED:
            return vote, community, announcement_text(vote, community), None
        if vote.status not in (VoteStatus.OPEN, VoteStatus.CLOSED):
            return None
        shown = await figures(uow, vote)
    text, keyboard = vote_card(shown, community, services.now())
    return vote, community, text, keyboard


async def deliver_card(context: BotContext, entry: OutboxEntry) -> None:
    drawn = await card_content(context, entry.intent.subject)
    if drawn is None:
        return
    vote, community, text, keyboard = drawn
    draft = entry.intent.params.get("replaces")
    if vote.card is not None and vote.card[1] != draft:
        card = vote.card
        await edit_text(context, card[0], card[1], text, reply_markup=keyboard)
    else:
        posted = await send_text(context, community.chat_id, text, reply_markup=keyboard)
        card = (posted.chat_id, posted.message_id)
        async with context.services.uow() as uow:
            await attach_vote_card(uow, vote.id, *card)
    if vote.status is VoteStatus.OPEN:  # pinned while open (Telegram pins once however asked)
        await _pin(context, vote, card, pin=True)
    if vote.topic_id is not None:
        context.services.topic_cards.touch(vote.topic_id)


async def deliver_started(context: BotContext, entry: OutboxEntry) -> None:
    async with context.services.uow() as uow:
        found = await _vote(uow, entry.intent.subject)
    if found is None:
        return
    vote, community = found
    text = t(community.language, "votes.started", number=vote.number)
    await send_text(context, community.chat_id, text)


async def _closed(context: BotContext, vote_id: int) -> tuple[Figures, Community, str] | None:
    """A closed vote's published figures and its chain head."""
    async with context.services.uow() as uow:
        found = await _vote(uow, vote_id)
        if found is None or found[0].status is not VoteStatus.CLOSED:
            return None
        vote, community = found
        shown = await figures(uow, vote)
        head = await uow.votes.chain_head(vote_id)
    assert head is not None
    return shown, community, head.hash


async def deliver_result(context: BotContext, entry: OutboxEntry) -> None:
    """Post the result (unless it is already posted) and pin it (公示)."""
    closed = await _closed(context, entry.intent.subject)
    if closed is None:
        return
    shown, community, head = closed
    vote = shown.vote
    message_id = vote.result_message_id
    if message_id is None:
        text = result_text(shown, community, fingerprint(head))
        message = await send_text(context, community.chat_id, text)
        message_id = message.message_id
        async with context.services.uow() as uow:
            await uow.votes.set_result_message(vote.id, message_id)
            await uow.commit()
    async with context.services.uow() as uow:
        chat_id = (await uow.communities.get(community.id) or community).chat_id
    await pin_message(context, chat_id, message_id, what=f"the result of vote {vote.id}")
    if vote.card is not None:  # the card was pinned while the vote was open; the result now is
        await _pin(context, vote, vote.card, pin=False)


async def _pin(context: BotContext, vote: Vote, card: tuple[int, int], *, pin: bool) -> None:
    """Pin or unpin the group card; a bot that may not (no admin rights, the message gone) is
    logged, and the vote goes on."""
    if pin:
        await pin_message(context, card[0], card[1], what=f"the card of vote {vote.id}")
        return
    try:
        await context.bot.unpin_chat_message(card[0], message_id=card[1])
    except (BadRequest, Forbidden) as exc:
        log.warning("could not %s the card of vote %s: %s", "pin" if pin else "unpin", vote.id, exc)


async def deliver_ledger(context: BotContext, entry: OutboxEntry) -> None:
    """The ledger goes to the group beside the result, with the full fingerprint."""
    closed = await _closed(context, entry.intent.subject)
    if closed is None:
        return
    shown, community, head = closed
    vote = shown.vote
    async with context.services.uow() as uow:
        rows = await uow.votes.ballot_rows(vote.id)
    lang = community.language
    caption = t(
        lang,
        "votes.ledger_caption",
        number=vote.number,
        fingerprint=fingerprint(head),
        head=head,
    )
    ledger = ledger_csv(shown, rows, lang)
    await in_chat(
        context,
        community.chat_id,
        lambda chat: context.bot.send_document(
            chat,
            InputFile(ledger, filename=f"ledger-{vote.number}.csv"),
            caption=caption[:CAPTION_LIMIT],
        ),
    )
