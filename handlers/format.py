"""Numbers, shares and durations in the reader's language, for every feature's texts; and the
CSV files the bot sends (one writer, formula-safe cells)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from fractions import Fraction

from babel.numbers import format_percent

from bot.config import Language
from bot.i18n import t

_LOCALES = {"zh": "zh_Hans_CN", "en": "en_GB"}


def share(value: Fraction | Decimal | int, of: Fraction | Decimal | int, lang: Language) -> str:
    if not of:
        return format_percent(0, locale=_LOCALES[lang])
    ratio = Fraction(value) / Fraction(of)
    return format_percent(float(ratio), format="#,##0.#%", locale=_LOCALES[lang])


def duration_text(duration: timedelta, lang: Language) -> str:
    minutes = int(duration.total_seconds() // 60)
    if minutes % (24 * 60) == 0:
        return t(lang, "duration.days", n=minutes // (24 * 60))
    if minutes % 60 == 0:
        return t(lang, "duration.hours", n=minutes // 60)
    return t(lang, "duration.minutes", n=minutes)


def time_left(closes_at: datetime, now: datetime, lang: Language) -> str:
    left = max(closes_at - now, timedelta(0))
    days, rest = divmod(int(left.total_seconds()), 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    parts = []
    if days:
        parts.append(t(lang, "duration.days", n=days))
    if hours:
        parts.append(t(lang, "duration.hours", n=hours))
    if not days and (minutes or not parts):
        parts.append(t(lang, "duration.minutes", n=minutes))
    return " ".join(parts)


# A cell a spreadsheet would read as a formula (OWASP's CSV injection): `=`, `+`, `-`, `@`, or a
# tab or carriage return before one of them.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """A CSV cell that Excel or WPS will show as text, never run: a leading formula sign gets a
    single quote before it."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


def csv_file(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """Every CSV the bot sends: cells made safe, UTF-8 with a BOM (so Excel reads Chinese)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([safe_cell(h) for h in header])
    writer.writerows([safe_cell(cell) for cell in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")
