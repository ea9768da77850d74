"""Texts of the unit register: the import summary and every bad row of a refused file."""

from __future__ import annotations

from collections.abc import Sequence

from bot.config import Language
from bot.errors import excerpt
from bot.i18n import area, number, t
from bot.units.cases import ImportReport
from bot.units.register import RowError

MAX_LISTED_PROBLEMS = 30


def unit_file_problems(errors: Sequence[RowError], lang: Language) -> str:
    lines = [
        t(
            lang,
            "units.row_error",
            line=e.line,
            problem=t(lang, f"units.problem.{e.problem.value}", detail=excerpt(e.detail)),
        )
        for e in errors[:MAX_LISTED_PROBLEMS]
    ]
    if len(errors) > MAX_LISTED_PROBLEMS:
        lines.append(t(lang, "units.more_problems", count=len(errors) - MAX_LISTED_PROBLEMS))
    return "\n".join(lines)


def import_report(report: ImportReport, lang: Language) -> str:
    summary = report.summary
    text = t(
        lang,
        "units.imported",
        units=number(summary.units, lang),
        buildings=number(summary.buildings, lang),
        owners=number(summary.owners, lang),
        developer_units=number(summary.developer_units, lang),
        area=area(summary.total_area_m2, lang),
        added=number(report.added, lang),
        updated=number(report.updated, lang),
        removed=number(report.removed, lang),
    )
    if report.kept_missing:
        text += "\n" + t(lang, "units.kept_missing", units=", ".join(report.kept_missing))
    return text


def register_doubts(report: ImportReport, lang: Language) -> str:
    """Owner keys to confirm before the register is saved, then what would be saved."""
    lines = [t(lang, "units.confirm_header")]
    lines += [
        t(lang, "units.merged", owner=key, spellings=" / ".join(spellings))
        for key, spellings in report.doubts.merged
    ]
    lines += [
        t(lang, "units.case_variants", keys=" / ".join(keys))
        for keys in report.doubts.case_variants
    ]
    lines.append("")
    summary = report.summary
    lines.append(
        t(
            lang,
            "units.preview",
            units=number(summary.units, lang),
            buildings=number(summary.buildings, lang),
            owners=number(summary.owners, lang),
            developer_units=number(summary.developer_units, lang),
            area=area(summary.total_area_m2, lang),
        )
    )
    lines.append(t(lang, "units.confirm_question"))
    return "\n".join(lines)
