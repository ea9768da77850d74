"""The register CSV an admin sends: every unit, or every bad row with its line (nothing
half-read)."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Final

from bot.errors import UserError
from bot.units.model import (
    Unit,
    is_developer,
    normalize_owner_key,
    normalize_phone,
    normalize_unit_code,
)

HEADER: Final = ("unit", "building", "area_m2", "owner")
HEADER_WITH_PHONE: Final = (*HEADER, "owner_phone")
# The same columns as a Chinese office writes them (房号,楼栋,面积,业主,业主电话); a unit in
# brackets after a name is ignored: 面积（m²）, 面积(㎡).
CHINESE_HEADER: Final = {
    "房号": "unit",
    "楼栋": "building",
    "楼号": "building",
    "面积": "area_m2",
    "专有面积": "area_m2",
    "业主": "owner",
    "业主电话": "owner_phone",
}
_BRACKETED_UNIT = re.compile(r"[（(][^)）]*[)）]$")
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
    BAD_PHONE = "bad_phone"
    WRONG_COLUMNS_PHONE = "wrong_columns_phone"  # the file has the fifth column, owner_phone


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


@dataclass(frozen=True, slots=True)
class RegisterDoubts:
    """Owner keys to confirm before saving. `merged`: spellings that normalize to one key
    (`C`, `Ｃ`), each as (key, the spellings in the file); `case_variants`: keys that differ
    only in case (`Wang`, `wang`), which stay different owners."""

    merged: tuple[tuple[str, tuple[str, ...]], ...] = ()
    case_variants: tuple[tuple[str, ...], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.merged or self.case_variants)


@dataclass(frozen=True, slots=True)
class ParsedRegister:
    units: list[Unit]
    doubts: RegisterDoubts


def parse_unit_csv(data: bytes) -> list[Unit]:
    """Every unit of the file, or UnitFileRejected listing every bad row (nothing half-read)."""
    return parse_register(data).units


def owner_key_doubts(spellings: list[tuple[str, str]]) -> RegisterDoubts:
    """From (as written, normalized) owner keys: the merged spellings and the case variants."""
    written: dict[str, set[str]] = {}
    for raw, key in spellings:
        if not is_developer(key):  # `developer`, `Developer`, `开发商`: all the developer
            written.setdefault(key, set()).add(raw)
    merged = tuple(
        (key, tuple(sorted(raws))) for key, raws in sorted(written.items()) if len(raws) > 1
    )
    by_fold: dict[str, set[str]] = {}
    for key in written:
        by_fold.setdefault(key.casefold(), set()).add(key)
    variants = tuple(tuple(sorted(keys)) for _, keys in sorted(by_fold.items()) if len(keys) > 1)
    return RegisterDoubts(merged, variants)


def _column_name(cell: str) -> str:
    """`unit` as written, or its Chinese name (`房号`), in the register's English terms."""
    name = cell.strip().lower()
    chinese = _BRACKETED_UNIT.sub("", name).strip()
    return CHINESE_HEADER.get(chinese, name)


def parse_register(data: bytes) -> ParsedRegister:
    """Every unit of the file and the owner keys to confirm, or UnitFileRejected listing every
    bad row (nothing half-read). The fifth column, `owner_phone`, is optional."""
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
    header = tuple(_column_name(cell) for cell in rows[0][1])
    if header not in (HEADER, HEADER_WITH_PHONE):
        raise UnitFileRejected("units.wrong_header", expected=",".join(HEADER))
    if len(rows) - 1 > MAX_ROWS:
        raise UnitFileRejected("units.too_many_rows", max_rows=MAX_ROWS)
    if len(rows) == 1:
        raise UnitFileRejected("units.no_rows")
    units: list[Unit] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    spellings: list[tuple[str, str]] = []
    for line, row in rows[1:]:
        parsed = _parse_row(line, row, seen, len(header))
        if isinstance(parsed, RowError):
            errors.append(parsed)
        else:
            seen[parsed.code] = line
            units.append(parsed)
            spellings.append((row[3].strip(), parsed.owner_key))
    if errors:
        raise UnitFileRejected("units.bad_rows", tuple(errors), count=len(errors))
    return ParsedRegister(units, owner_key_doubts(spellings))


def _parse_row(line: int, row: list[str], seen: dict[str, int], columns: int) -> Unit | RowError:
    if len(row) != columns:
        problem = (
            RowProblem.WRONG_COLUMNS if columns == len(HEADER) else RowProblem.WRONG_COLUMNS_PHONE
        )
        return RowError(line, problem, str(len(row)))
    code_raw, building, area_raw, owner = (cell.strip() for cell in row[:4])
    phone_raw = row[4].strip() if columns > len(HEADER) else ""
    owner = normalize_owner_key(owner)
    for name, value in zip(HEADER, (code_raw, building, area_raw, owner), strict=True):
        if not value:
            return RowError(line, RowProblem.MISSING_FIELD, name)
    phone = normalize_phone(phone_raw) if phone_raw else None
    if phone_raw and phone is None:
        return RowError(line, RowProblem.BAD_PHONE, phone_raw)
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
        owner_phone=phone,
    )
