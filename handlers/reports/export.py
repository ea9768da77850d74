"""`/export reports`: every ticket of the community as CSV, for the committee's and the
district's reports. Headers and values in the community's language and times in its time zone
(as the ballots' export), so a spreadsheet opened in 小区 reads without a legend."""

from __future__ import annotations

from collections.abc import Sequence

from bot.communities.model import Community
from bot.i18n import t, when
from bot.reports.model import Ticket
from handlers.format import csv_file
from handlers.reports.render import category, where

# The columns (text keys `reports.export_col.<name>`), in order.
EXPORT_COLUMNS = (
    "ticket",
    "category",
    "building",
    "unit",
    "place",
    "status",
    "reported_at",
    "acknowledged_at",
    "resolved_at",
    "rating",
    "affected",
)


def tickets_csv(tickets: Sequence[Ticket], community: Community) -> bytes:
    lang, zone = community.language, community.timezone
    rows = []
    for ticket in tickets:
        values: dict[str, object] = {
            "ticket": ticket.number,
            "category": category(ticket, lang),
            "building": ticket.location.building or "",
            "unit": ticket.location.unit or "",
            "place": "" if ticket.location.unit else where(ticket.location, lang),
            "status": t(lang, f"ticket_status.{ticket.status.value}"),
            "reported_at": when(ticket.created_at, lang, zone),
            "acknowledged_at": when(ticket.acknowledged_at, lang, zone)
            if ticket.acknowledged_at
            else "",
            "resolved_at": when(ticket.resolved_at, lang, zone) if ticket.resolved_at else "",
            "rating": ticket.rating or "",
            "affected": ticket.affected,
        }
        rows.append([values[c] for c in EXPORT_COLUMNS])
    return csv_file([t(lang, f"reports.export_col.{c}") for c in EXPORT_COLUMNS], rows)
