"""What each kind of outbox entry does (`bot.outbox.Tell` → its deliverer in the feature's
handlers), and the sender built over it: `start_outbox` in `post_init` (it first resends what a
previous process left pending), `stop_outbox` in `post_stop` (what is due is delivered for a few
seconds; the rest waits for the next start)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.outbox import OutboxEntry, Tell
from handlers.codes.commands import deliver_code_replaced
from handlers.communities import deliver_front_door
from handlers.context import BotApplication, BotContext, Services
from handlers.digest.delivery import deliver_digest
from handlers.meetings.delivery import (
    deliver_changed,
    deliver_meeting_card,
    deliver_minutes,
    deliver_outcomes,
    deliver_reminder,
)
from handlers.notices.commands import deliver_notice_card
from handlers.notices.private import deliver_notice_copy, deliver_notice_reminder
from handlers.outbox import Counts, Deliver, OutboxSender
from handlers.points.delivery import deliver_points_changed
from handlers.reports.delivery import (
    deliver_escalation,
    deliver_new_ticket,
    deliver_reopened,
    deliver_ticket_cards,
    deliver_ticket_notice,
)
from handlers.residents.commands import deliver_join_outcome
from handlers.residents.join_cards import deliver_join_card
from handlers.residents.owner_cards import deliver_owner_card
from handlers.residents.owners import deliver_owner_outcome, deliver_self_review
from handlers.topics.commands import deliver_reached, deliver_topic_card
from handlers.votes import delivery as votes
from handlers.votes.ballots import deliver_change_note, deliver_paper_note
from handlers.votes.commands import deliver_reminded
from handlers.votes.objections import deliver_objection, deliver_objection_answer
from handlers.votes.private import deliver_vote_reminder

DELIVERERS: dict[Tell, Callable[[BotContext, OutboxEntry], Awaitable[None]]] = {
    Tell.VOTE_CARD: votes.deliver_card,
    Tell.VOTE_STARTED: votes.deliver_started,
    Tell.VOTE_RESULT: votes.deliver_result,
    Tell.VOTE_LEDGER: votes.deliver_ledger,
    Tell.TOPIC_CARD: deliver_topic_card,
    Tell.TOPIC_REACHED: deliver_reached,
    Tell.MEETING_CARD: deliver_meeting_card,
    Tell.MEETING_REMINDER: deliver_reminder,
    Tell.MEETING_CHANGED: deliver_changed,
    Tell.MEETING_MINUTES: deliver_minutes,
    Tell.MEETING_OUTCOMES: deliver_outcomes,
    Tell.JOIN_CARD: deliver_join_card,
    Tell.OWNER_CARD: deliver_owner_card,
    Tell.TICKET_ESCALATION: deliver_escalation,
    Tell.TICKET_NOTICE: deliver_ticket_notice,
    Tell.TICKET_NEW: deliver_new_ticket,
    Tell.TICKET_CARDS: deliver_ticket_cards,
    Tell.TICKET_REOPENED: deliver_reopened,
    Tell.JOIN_OUTCOME: deliver_join_outcome,
    Tell.OWNER_OUTCOME: deliver_owner_outcome,
    Tell.SELF_REVIEW: deliver_self_review,
    Tell.VOTE_CHANGE_NOTE: deliver_change_note,
    Tell.VOTE_PAPER_NOTE: deliver_paper_note,
    Tell.VOTE_OBJECTION: deliver_objection,
    Tell.VOTE_OBJECTION_ANSWER: deliver_objection_answer,
    Tell.VOTE_REMINDER: deliver_vote_reminder,
    Tell.VOTE_REMINDED: deliver_reminded,
    Tell.NOTICE_CARD: deliver_notice_card,
    Tell.NOTICE_COPY: deliver_notice_copy,
    Tell.NOTICE_REMINDER: deliver_notice_reminder,
    Tell.CODE_REPLACED: deliver_code_replaced,
    Tell.FRONT_DOOR: deliver_front_door,
    Tell.DIGEST: deliver_digest,
    Tell.POINTS_CHANGED: deliver_points_changed,
}
# At a clean stop, what is due gets this long; the rest is delivered at the next start.
DRAIN_SECONDS = 5.0


def make_outbox(app: BotApplication, services: Services) -> OutboxSender:
    """The sender, its deliverers bound to a context of the application."""
    context = BotContext(app)

    def bound(deliver: Callable[[BotContext, OutboxEntry], Awaitable[None]]) -> Deliver:
        async def run(entry: OutboxEntry) -> None:
            await deliver(context, entry)

        return run

    return OutboxSender(
        services.uow,
        {kind: bound(deliver) for kind, deliver in DELIVERERS.items()},
        now=lambda: services.now(),  # read at each call: tests move the clock
    )


async def start_outbox(app: BotApplication, services: Services) -> Counts:
    """Build the sender into the services and start it: returns what was left pending."""
    services.outbox = make_outbox(app, services)
    return await services.outbox.start()


async def stop_outbox(services: Services, *, drain: float = DRAIN_SECONDS) -> int:
    """Stop the sender; returns how many entries are left for the next start."""
    return await services.outbox.stop(drain=drain) if services.outbox is not None else 0
