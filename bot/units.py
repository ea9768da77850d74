"""The unit register: units (户 / 专有部分) with their building, exclusive area and owner key,
read from the CSV an admin sends, and the counting rules of ../shared/domain.md."""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import TYPE_CHECKING, Final

from bot.errors import NotAllowed, UserError

if TYPE_CHECKING:
    from bot.ports import UnitOfWork

HEADER: Final = ("unit", "building", "area_m2", "owner")
MAX_FILE_BYTES: Final = 2 * 1024 * 1024
MAX_ROWS: Final = 20_000
MAX_AREA: Final = Decimal("100000")
DEVELOPER_KEYS: Final = frozenset({"developer", "开发商"})
_CENT: Final = Decimal("0.01")


def normalize_unit_code(raw: str) -> str:
    """`３－２－５０１`, ` 3-2-501 ` and `3 2 501` all become `3-2-501` (letters upper-cased)."""
    text = unicodedata.normalize("NFKC", raw).strip().upper()
    for dash in ("—", "–", "－", "_", "/"):
        text = text.replace(dash, "-")
    return "-".join(part for part in text.replace(" ", "-").split("-") if part)


def is_developer(owner_key: str) -> bool:
    """The developer's unsold or undelivered units count together as one owner."""
    return owner_key.strip().casefold() in DEVELOPER_KEYS


def natural_order(text: str) -> tuple[tuple[int, str], ...]:
    """Sort key that puts `2-101` before `10-101` and building `9` before `10`."""
    return tuple((int(p), "") if p.isdigit() else (1 << 30, p) for p in text.split("-"))


@dataclass(frozen=True, slots=True)
class Unit:
    """One household's dwelling. `area_m2` is exact (hundredths of a square metre)."""

    code: str
    building: str
    area_m2: Decimal
    owner_key: str

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


class RowProblem(StrEnum):
    MISSING_FIELD = "missing_field"
    BAD_AREA = "bad_area"
    NEGATIVE_AREA = "negative_area"
    DUPLICATE_UNIT = "duplicate_unit"
    WRONG_COLUMNS = "wrong_columns"


@dataclass(frozen=True, slots=True)
class RowError:
    """Line numbers count the header as line 1, as a spreadsheet shows them."""

    line: int
    problem: RowProblem
    detail: str


class UnitFileRejected(UserError):
    """The whole file was refused; `row_errors` lists every bad row."""

    def __init__(self, key: str, row_errors: tuple[RowError, ...] = (), **params: object) -> None:
        super().__init__(key, **params)
        self.row_errors = row_errors


def parse_unit_csv(data: bytes) -> list[Unit]:
    """Every unit of the file, or UnitFileRejected listing every bad row (nothing half-read)."""
    if len(data) > MAX_FILE_BYTES:
        raise UnitFileRejected("units.file_too_large", max_mb=MAX_FILE_BYTES // (1024 * 1024))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnitFileRejected("units.not_utf8") from exc
    try:
        reader = csv.reader(io.StringIO(text))
        rows = [(reader.line_num, row) for row in reader if any(cell.strip() for cell in row)]
    except csv.Error as exc:
        raise UnitFileRejected("units.unreadable") from exc
    if not rows:
        raise UnitFileRejected("units.empty_file")
    header = tuple(cell.strip().lower() for cell in rows[0][1])
    if header != HEADER:
        raise UnitFileRejected("units.wrong_header", expected=",".join(HEADER))
    if len(rows) - 1 > MAX_ROWS:
        raise UnitFileRejected("units.too_many_rows", max_rows=MAX_ROWS)
    if len(rows) == 1:
        raise UnitFileRejected("units.no_rows")
    units: list[Unit] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for line, row in rows[1:]:
        parsed = _parse_row(line, row, seen)
        if isinstance(parsed, RowError):
            errors.append(parsed)
        else:
            seen[parsed.code] = line
            units.append(parsed)
    if errors:
        raise UnitFileRejected("units.bad_rows", tuple(errors), count=len(errors))
    return units


def _parse_row(line: int, row: list[str], seen: dict[str, int]) -> Unit | RowError:
    if len(row) != len(HEADER):
        return RowError(line, RowProblem.WRONG_COLUMNS, str(len(row)))
    code_raw, building, area_raw, owner = (cell.strip() for cell in row)
    for name, value in zip(HEADER, (code_raw, building, area_raw, owner), strict=True):
        if not value:
            return RowError(line, RowProblem.MISSING_FIELD, name)
    code = normalize_unit_code(code_raw)
    if code in seen:
        return RowError(line, RowProblem.DUPLICATE_UNIT, f"{code}@{seen[code]}")
    try:
        area = Decimal(unicodedata.normalize("NFKC", area_raw))
    except InvalidOperation:
        return RowError(line, RowProblem.BAD_AREA, area_raw)
    if not area.is_finite() or area > MAX_AREA or area != area.quantize(_CENT):
        return RowError(line, RowProblem.BAD_AREA, area_raw)
    if area <= 0:
        return RowError(line, RowProblem.NEGATIVE_AREA, area_raw)
    return Unit(
        code=code,
        building=unicodedata.normalize("NFKC", building),
        area_m2=area.quantize(_CENT),
        owner_key=owner,
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


@dataclass(frozen=True, slots=True)
class ImportReport:
    summary: RegisterSummary
    added: int
    updated: int
    removed: int
    kept_missing: tuple[str, ...]


async def import_units(
    uow: UnitOfWork, *, community_id: int, data: bytes, is_admin: bool
) -> ImportReport:
    """Replace the register with the file's units; nothing changes if any row is bad."""
    if not is_admin:
        raise NotAllowed("units.not_admin")
    units = parse_unit_csv(data)
    existing = {s.code: s for s in await uow.units.stored(community_id)}
    incoming = {u.code for u in units}
    missing = set(existing) - incoming
    inhabited = await uow.residents.inhabited_units(community_id)
    kept = tuple(sorted(missing & inhabited))
    removed = sorted(missing - inhabited)
    added = sum(1 for u in units if u.code not in existing)
    updated = sum(
        1
        for u in units
        if u.code in existing and (existing[u.code].unit != u or existing[u.code].retired)
    )
    await uow.units.save(community_id, units, retire=kept, remove=removed)
    await uow.commit()
    return ImportReport(summarize(units), added, updated, len(removed), kept)


async def buildings_in_order(uow: UnitOfWork, community_id: int) -> list[str]:
    return sorted(await uow.units.buildings(community_id), key=natural_order)


async def units_of_building(uow: UnitOfWork, community_id: int, building: str) -> list[StoredUnit]:
    """The building's units in the register, in natural order (for the join buttons)."""
    units = [
        s for s in await uow.units.stored(community_id) if s.building == building and not s.retired
    ]
    return sorted(units, key=lambda s: natural_order(s.code))
