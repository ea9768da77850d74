"""The register CSV an admin sends: every unit, or every bad row with its line (nothing
half-read)."""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Final

from bot.errors import UserError
from bot.units.model import (
    Unit,
    normalize_unit_code,
)

HEADER: Final = ("unit", "building", "area_m2", "owner")


MAX_FILE_BYTES: Final = 2 * 1024 * 1024


MAX_ROWS: Final = 20_000


MAX_AREA: Final = Decimal("100000")


_CENT: Final = Decimal("0.01")


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
