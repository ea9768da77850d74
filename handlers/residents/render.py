"""Texts and keyboards of residents: join cards, /me, roles, member lists. Rendering only."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.communities.model import Community
from bot.config import Language
from bot.i18n import t, when
from bot.residents.model import BuildingMembers, Membership, MembershipStatus
from bot.residents.profile import CommunityProfile
from bot.roles.model import Role
from handlers import callbacks


def relation_word(membership: Membership, lang: Language) -> str:
    return t(lang, f"relation.{membership.relation.value}")


def join_card(
    membership: Membership, community: Community
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The request card in the group, in the community's language; buttons while pending."""
    lang = community.language
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
    return f"{text}\n{outcome}", None


def profile(profiles: Sequence[CommunityProfile], lang: Language) -> str:
    if not profiles:
        return t(lang, "me.nothing")
    blocks = [t(lang, "me.header")]
    for entry in profiles:
        lines = [t(lang, "me.community", name=entry.community.name)]
        role = entry.grant.role if entry.grant else Role.RESIDENT
        buildings = (
            ", ".join(entry.grant.buildings) if entry.grant and entry.grant.buildings else ""
        )
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
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def role_word(role: Role, lang: Language, buildings: str = "") -> str:
    word = t(lang, f"role.{role.value}")
    return t(lang, "role.rep_of", role=word, buildings=buildings) if buildings else word


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
