"""The unit register: units (户 / 专有部分) with their building, exclusive area and owner key,
and the counting rules of ../shared/domain.md."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

import phonenumbers

DEVELOPER_KEYS: Final = frozenset({"developer", "开发商"})


def normalize_unit_code(raw: str) -> str:
    """`３－２－５０１`, ` 3-2-501 ` and `3 2 501` all become `3-2-501` (letters upper-cased)."""
    text = unicodedata.normalize("NFKC", raw).strip().upper()
    for dash in ("—", "–", "－", "_", "/"):
        text = text.replace(dash, "-")
    return "-".join(part for part in text.replace(" ", "-").split("-") if part)


def normalize_owner_key(raw: str) -> str:
    """`Ｃ`, ` C ` and `C` are one owner: NFKC, trimmed, inner blanks as one space. Case is kept
    (`Wang` and `wang` may be two people; the import asks)."""
    return " ".join(unicodedata.normalize("NFKC", raw).split())


PHONE_REGION: Final = "CN"


def normalize_phone(raw: str, region: str = PHONE_REGION) -> str | None:
    """A phone number in E.164 (`+8613812345678`), numbers without a country code read as
    Chinese; None if it is not a valid number."""
    text = unicodedata.normalize("NFKC", raw).strip()
    if text.startswith("00"):
        text = "+" + text[2:]
    # Telegram gives a contact's number with its country code but often without the "+"
    candidates = [text] if text.startswith("+") else [text, "+" + text]
    for candidate in candidates:
        try:
            parsed = phonenumbers.parse(candidate, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(parsed):
            return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    return None


def is_developer(owner_key: str) -> bool:
    """The developer's unsold or undelivered units count together as one owner."""
    return owner_key.strip().casefold() in DEVELOPER_KEYS


def natural_order(text: str) -> tuple[tuple[int, str], ...]:
    """Sort key that puts `2-101` before `10-101` and building `9` before `10`."""
    # ASCII digits only: "²".isdigit() is true, but int("²") raises
    return tuple(
        (int(p), "") if p.isascii() and p.isdigit() else (1 << 30, p) for p in text.split("-")
    )


@dataclass(frozen=True, slots=True)
class Unit:
    """One household's dwelling. `area_m2` is exact (hundredths of a square metre)."""

    code: str
    building: str
    area_m2: Decimal
    owner_key: str
    owner_phone: str | None = None  # E.164; lets the owner verify by sharing their phone

    @property
    def is_developer(self) -> bool:
        return is_developer(self.owner_key)


@dataclass(frozen=True, slots=True)
class RegisterSummary:
    units: int
    buildings: int
    owners: int
    developer_units: int
    total_area_m2: Decimal


def summarize(units: Iterable[Unit]) -> RegisterSummary:
    """Headcount: one per owner key, however many units; all developer units count as one."""
    listed = list(units)
    owners = {"developer" if u.is_developer else u.owner_key for u in listed}
    return RegisterSummary(
        units=len(listed),
        buildings=len({u.building for u in listed}),
        owners=len(owners),
        developer_units=sum(1 for u in listed if u.is_developer),
        total_area_m2=sum((u.area_m2 for u in listed), Decimal(0)),
    )


@dataclass(frozen=True, slots=True)
class StoredUnit:
    """A unit as the register holds it. `retired`: missing from the latest file but still
    inhabited, so kept (and reported) until its residents are moved."""

    id: int
    unit: Unit
    retired: bool

    @property
    def code(self) -> str:
        return self.unit.code

    @property
    def building(self) -> str:
        return self.unit.building


def moved_units(before: Mapping[str, str], after: Mapping[str, str]) -> set[str]:
    """The units (codes) whose owner key changed from one register to the next. Their verified
    owners verify again: a new key may be a correction or a sale, and only a sale's new owner
    should vote for the unit from then on (an open vote keeps its frozen electorate)."""
    return {code for code, key in after.items() if code in before and before[code] != key}
