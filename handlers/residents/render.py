"""Texts and keyboards of residents: join cards, /me, roles, member lists. Rendering only."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.communities.model import Community
from bot.config import Language
from bot.i18n import counted, t, when
from bot.residents.model import (
    BuildingMembers,
    Membership,
    MembershipStatus,
    Ownership,
    OwnershipMethod,
    OwnershipStatus,
    RejectReason,
)
from bot.residents.profile import CommunityProfile
from bot.roles.model import Role
from handlers import callbacks


def relation_word(membership: Membership, lang: Language) -> str:
    return t(lang, f"relation.{membership.relation.value}")


def reason_text(reason: str | None, note: str | None, lang: Language) -> str:
    """A rejection's reason as the reader reads it: a preset in their language, or the
    reviewer's own words; empty when none was given."""
    if reason == RejectReason.OTHER.value:
        return note or ""
    if reason in {r.value for r in RejectReason}:
        return t(lang, f"join.reason.{reason}")
    return ""


def join_card(
    membership: Membership,
    community: Community,
    lang: Language | None = None,
    *,
    reason: str | None = None,
    note: str | None = None,
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The request card a reviewer gets privately (or the staff chat), in the reader's
    `lang` (default: the community's); Approve/Reject while pending, then the decision and,
    for a rejection, its reason when known."""
    lang = lang or community.language
    text = t(
        lang,
        "join.card",
        name=membership.user_name,
        unit=membership.unit_code,
        building=membership.building,
        relation=relation_word(membership, lang),
    )
    if membership.status is MembershipStatus.PENDING:
        keyboard = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        t(lang, "join.approve"),
                        callback_data=callbacks.pack(callbacks.JOIN_REVIEW, membership.id, "a"),
                    ),
                    InlineKeyboardButton(
                        t(lang, "join.reject"),
                        callback_data=callbacks.pack(callbacks.JOIN_REVIEW, membership.id, "r"),
                    ),
                ]
            ]
        )
        return f"{text}\n{t(lang, 'join.card_pending', building=membership.building)}", keyboard
    decided_at = (
        when(membership.decided_at, lang, community.timezone) if membership.decided_at else "-"
    )
    outcome = t(
        lang,
        f"join.card_{membership.status.value}",
        by=membership.decided_by_name or "-",
        at=decided_at,
    )
    why = reason_text(reason, note, lang) if membership.status is MembershipStatus.REJECTED else ""
    if why:
        outcome = f"{outcome}\n{t(lang, 'join.reason_line', reason=why)}"
    return f"{text}\n{outcome}", None


def reject_reasons_keyboard(membership: Membership, lang: Language) -> InlineKeyboardMarkup:
    """The preset reasons for rejecting, one per row (big buttons), `v1:jx:<id>:n|u|o`."""
    rows = [
        [
            InlineKeyboardButton(
                t(lang, f"join.reason_button.{reason.value}"),
                callback_data=callbacks.pack(callbacks.JOIN_REJECT, membership.id, code),
            )
        ]
        for reason, code in REASON_CODES.items()
    ]
    return InlineKeyboardMarkup(rows)


REASON_CODES = {
    RejectReason.NOT_RESIDENT: "n",
    RejectReason.WRONG_UNIT: "u",
    RejectReason.OTHER: "o",
}


def owner_card(
    ownership: Ownership, community: Community, lang: Language | None = None
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The card of a request to be verified as owner a reviewer gets privately (or the staff
    chat), in the reader's `lang` (default: the community's)."""
    lang = lang or community.language
    text = t(
        lang,
        "owner.card",
        name=ownership.user_name,
        unit=ownership.unit_code,
        building=ownership.building,
    )
    if ownership.status is OwnershipStatus.PENDING:
        keyboard = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        t(lang, "join.approve"),
                        callback_data=callbacks.pack(callbacks.OWNER_REVIEW, ownership.id, "a"),
                    ),
                    InlineKeyboardButton(
                        t(lang, "join.reject"),
                        callback_data=callbacks.pack(callbacks.OWNER_REVIEW, ownership.id, "r"),
                    ),
                ]
            ]
        )
        return f"{text}\n{t(lang, 'owner.card_pending', building=ownership.building)}", keyboard
    at = when(ownership.decided_at, lang, community.timezone) if ownership.decided_at else "-"
    if ownership.status is OwnershipStatus.VERIFIED and ownership.method is OwnershipMethod.PHONE:
        outcome = t(lang, "owner.card_by_phone", at=at)
    else:
        outcome = t(
            lang,
            f"owner.card_{ownership.status.value}",
            by=ownership.decided_by_name or "-",
            at=at,
        )
    return f"{text}\n{outcome}", None


def profile(profiles: Sequence[CommunityProfile], lang: Language) -> str:
    if not profiles:
        return t(lang, "me.nothing")
    blocks = [t(lang, "me.header")]
    for entry in profiles:
        lines = [t(lang, "me.community", name=entry.community.name)]
        role = entry.grant.role if entry.grant else Role.RESIDENT
        buildings = entry.grant.buildings if entry.grant else ()
        lines.append(t(lang, "me.role", role=role_word(role, lang, buildings)))
        lines.extend(
            t(
                lang,
                "me.unit",
                unit=m.unit_code,
                relation=relation_word(m, lang),
                status=t(lang, f"status.{m.status.value}"),
            )
            for m in entry.memberships
        )
        lived_in = {m.unit_code for m in entry.memberships}
        for o in entry.ownerships:
            if o.status is OwnershipStatus.PENDING:
                lines.append(t(lang, "me.owner_pending", unit=o.unit_code))
            elif not o.is_developer_unit and o.unit_code not in lived_in:
                how = t(lang, f"owner.method.{o.method.value}")
                lines.append(t(lang, "me.owner", unit=o.unit_code, how=how))
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def role_word(role: Role, lang: Language, buildings: Sequence[str] = ()) -> str:
    word = t(lang, f"role.{role.value}")
    if not buildings:
        return word
    listed = counted(len(buildings), lang, ", ".join(buildings))
    return t(lang, "role.rep_of", role=word, buildings=listed)


def members(community: Community, buildings: Sequence[BuildingMembers], lang: Language) -> str:
    lines = [t(lang, "members.header", community=community.name)]
    for building in buildings:
        lines.append("")
        lines.append(
            t(
                lang,
                "members.building",
                building=building.building,
                households=len(building.households),
            )
        )
        for unit, residents in building.households.items():
            names = ", ".join(f"{m.user_name} ({relation_word(m, lang)})" for m in residents)
            lines.append(f"  {unit}: {names}")
        if not building.households:
            lines.append("  " + t(lang, "members.none"))
    return "\n".join(lines)
