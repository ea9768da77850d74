"""The unit register: reading the CSV and counting by the rules of ../shared/domain.md."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.i18n import t
from bot.units.model import Unit, normalize_unit_code, summarize
from bot.units.register import (
    MAX_FILE_BYTES,
    RowProblem,
    UnitFileRejected,
    parse_register,
    parse_unit_csv,
)
from tests.conftest import WORKED_EXAMPLE_CSV


def test_worked_example_counts_owners_by_headcount() -> None:
    summary = summarize(parse_unit_csv(WORKED_EXAMPLE_CSV))
    assert summary.units == 10
    assert summary.buildings == 3
    assert summary.owners == 8  # A..G and the developer as one
    assert summary.developer_units == 2
    assert summary.total_area_m2 == Decimal(860)


def test_bom_spaces_and_case_in_header_are_accepted() -> None:
    data = "\ufeffUnit , Building,AREA_M2,owner\r\n 3-2-501 ,3,89.55,k1\r\n".encode()
    assert parse_unit_csv(data) == [Unit("3-2-501", "3", Decimal("89.55"), "k1")]


def test_blank_lines_are_skipped_and_line_numbers_stay_true() -> None:
    data = b"unit,building,area_m2,owner\n\n1-101,1,90,A\n\n1-102,1,-5,B\n"
    with pytest.raises(UnitFileRejected) as caught:
        parse_unit_csv(data)
    assert [(e.line, e.problem) for e in caught.value.row_errors] == [(5, RowProblem.NEGATIVE_AREA)]


def test_every_bad_row_is_reported_with_line_and_reason() -> None:
    data = (
        b"unit,building,area_m2,owner\n"
        b"1-101,1,90,A\n"
        b"1-102,,90,B\n"
        b"1-103,1,abc,C\n"
        b"1-104,1,-3,D\n"
        b"1-101,1,80,E\n"
        b"1-105,1,0,F\n"
        b"1-106,1,1.234,G\n"
        b"1-107,1,90\n"
        b"1-108,1,NaN,H\n"
    )
    with pytest.raises(UnitFileRejected) as caught:
        parse_unit_csv(data)
    assert caught.value.key == "units.bad_rows"
    assert [(e.line, e.problem, e.detail) for e in caught.value.row_errors] == [
        (3, RowProblem.MISSING_FIELD, "building"),
        (4, RowProblem.BAD_AREA, "abc"),
        (5, RowProblem.NEGATIVE_AREA, "-3"),
        (6, RowProblem.DUPLICATE_UNIT, "1-101@2"),
        (7, RowProblem.NEGATIVE_AREA, "0"),
        (8, RowProblem.BAD_AREA, "1.234"),
        (9, RowProblem.WRONG_COLUMNS, "3"),
        (10, RowProblem.BAD_AREA, "NaN"),
    ]


@pytest.mark.parametrize(
    ("data", "key"),
    [
        (b"", "units.empty_file"),
        (b"\n \n", "units.empty_file"),
        (b"unit,building,area\n1,1,1\n", "units.wrong_header"),
        (b"unit,building,area_m2,owner\n", "units.no_rows"),
        ("unit,building,area_m2,owner\n1-1,一,90,甲\n".encode("gbk"), "units.not_utf8"),
        (b'unit,building,area_m2,owner\n"' + b"x" * 200_000 + b'",1,9,A\n', "units.unreadable"),
    ],
)
def test_file_level_problems(data: bytes, key: str) -> None:
    with pytest.raises(UnitFileRejected) as caught:
        parse_unit_csv(data)
    assert caught.value.key == key


def test_ten_megabytes_of_rows_are_refused_before_reading() -> None:
    row = b"1-101,1,90,A\n"
    data = b"unit,building,area_m2,owner\n" + row * (10 * 1024 * 1024 // len(row))
    assert len(data) > MAX_FILE_BYTES
    with pytest.raises(UnitFileRejected) as caught:
        parse_unit_csv(data)
    assert caught.value.key == "units.file_too_large"


def test_too_many_rows_within_the_size_limit() -> None:
    rows = "".join(f"{i},1,9,A\n" for i in range(20_001))
    with pytest.raises(UnitFileRejected) as caught:
        parse_unit_csv(f"unit,building,area_m2,owner\n{rows}".encode())
    assert caught.value.key == "units.too_many_rows"


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("3-2-501", "3-2-501"),
        (" ３－２－５０１ ", "3-2-501"),
        ("3 2 501", "3-2-501"),
        ("a-101", "A-101"),
        ("3--501", "3-501"),
    ],
)
def test_unit_codes_are_normalized(raw: str, code: str) -> None:
    assert normalize_unit_code(raw) == code


def test_owner_with_several_units_counts_once_and_developer_spellings_merge() -> None:
    units = [
        Unit("1", "1", Decimal(50), "C"),
        Unit("2", "1", Decimal(50), "C"),
        Unit("3", "1", Decimal(50), "Developer"),
        Unit("4", "1", Decimal(50), "开发商"),
    ]
    summary = summarize(units)
    assert summary.owners == 2
    assert summary.developer_units == 2


def test_a_register_with_chinese_column_names_reads_as_the_english_one() -> None:
    """Issue 11, item 9: 房号,楼栋,面积,业主,业主电话 as a Chinese office writes them (with a
    unit in brackets after the area), read exactly as unit,building,area_m2,owner,owner_phone."""
    rows = "1-101,1,90,张三,13800138000\n2-201,2,120.5,李四,\n"
    english = "unit,building,area_m2,owner,owner_phone\n" + rows
    chinese = "房号,楼栋,面积（m²）,业主,业主电话\n" + rows
    assert parse_register(chinese.encode("utf-8-sig")) == parse_register(english.encode())
    four = parse_register("房号,楼号,面积,业主\n1-101,1,90,张三\n".encode())
    assert [(u.code, u.building, u.area_m2) for u in four.units] == [("1-101", "1", Decimal(90))]
    with pytest.raises(UnitFileRejected) as caught:  # 户主 is not a column the bot knows
        parse_register("房号,楼栋,面积,户主\n1-101,1,90,张三\n".encode())
    assert caught.value.key == "units.wrong_header"
    assert t("zh", caught.value.key, **caught.value.params).startswith(
        "第一行必须是：房号,楼栋,面积,业主（可加第五列：业主电话）"
    )
