"""The published ledger of a closed vote (公示): every counted ballot by unit, area and receipt,
never by name, so any owner can check that their ballot was counted as cast and that the
totals add up. In a secret vote the receipts with their choices and the participating units
are listed apart, so that no row ties a unit to a choice."""

from __future__ import annotations

import csv
import io

from bot.config import Language
from bot.i18n import t
from bot.units.model import natural_order
from bot.votes.cases import Figures
from bot.votes.model import BallotRow

COLUMNS = ("section", "units", "buildings", "area_m2", "choice", "source", "receipt")


def ledger_csv(figures: Figures, rows: list[BallotRow], lang: Language) -> bytes:
    voters = figures.electorate.voters
    counted = [row for row in rows if row.voter_key in voters]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([t(lang, f"ledger.{column}") for column in COLUMNS])
    ballots = t(lang, "ledger.section_ballots")
    if not figures.vote.secret:
        for row in sorted(counted, key=lambda r: natural_order(voters[r.voter_key].units[0])):
            voter = voters[row.voter_key]
            writer.writerow(
                (
                    ballots,
                    " ".join(voter.units),
                    " ".join(voter.buildings),
                    f"{voter.area_m2:.2f}",
                    t(lang, f"choice.{row.choice.value}"),
                    t(lang, f"ballot_source.{row.source.value}"),
                    row.receipt,
                )
            )
        return buffer.getvalue().encode("utf-8-sig")
    for row in sorted(counted, key=lambda r: r.receipt):
        writer.writerow(
            (ballots, "", "", "", t(lang, f"choice.{row.choice.value}"), "", row.receipt)
        )
    participants = t(lang, "ledger.section_participants")
    for key in sorted(
        (r.voter_key for r in counted), key=lambda k: natural_order(voters[k].units[0])
    ):
        voter = voters[key]
        writer.writerow(
            (
                participants,
                " ".join(voter.units),
                " ".join(voter.buildings),
                f"{voter.area_m2:.2f}",
                "",
                "",
                "",
            )
        )
    return buffer.getvalue().encode("utf-8-sig")
