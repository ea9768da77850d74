"""Texts in Chinese and English, locale-aware formatting of numbers and dates (Babel), English
words that agree with a count (`counted`: `{n:household|households}`), and reading the whole
numbers users type or buttons carry (ASCII digits only)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Final
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_skeleton
from babel.numbers import format_decimal

from bot.config import Language
from bot.texts import en, zh

# SQLite's INTEGER is a signed 64-bit number: every id or number looked up must fit.
SQLITE_MAX_INT: Final = 2**63 - 1
LANGUAGES: Final[tuple[Language, ...]] = ("zh", "en")
CATALOGS: Final[dict[Language, dict[str, str]]] = {"zh": zh.TEXTS, "en": en.TEXTS}
_LOCALES: Final[dict[Language, Locale]] = {
    "zh": Locale.parse("zh_Hans_CN"),
    "en": Locale.parse("en_GB"),
}


@dataclass(frozen=True, slots=True)
class Localized:
    """A parameter that is itself a text key, translated when the message is rendered (a
    refusal raised in the domain does not know the reader's language)."""

    key: str


@dataclass(frozen=True, slots=True)
class Counted:
    """A parameter that counts something, so that the words next to it agree with it: `{n}`
    shows `shown`, and `{n:household|households}` the form of the language's plural rule
    (Babel's CLDR rules: English "one" for 1, "other" else). Chinese texts use no forms."""

    count: int
    shown: str
    lang: Language

    def __format__(self, spec: str) -> str:
        if not spec:
            return self.shown
        if "|" not in spec:  # a number format (`{n:,}`): the count itself, so formatted
            return format(self.count, spec)
        one, _, other = spec.partition("|")
        return one if _LOCALES[self.lang].plural_form(self.count) == "one" else other


def counted(count: int, lang: Language, shown: str | None = None) -> Counted:
    """`count` as a text parameter: shown with the locale's grouping unless `shown` is given
    (a list of buildings, say)."""
    return Counted(count, number(count, lang) if shown is None else shown, lang)


def t(lang: Language, key: str, **params: Any) -> str:
    """The text `key` in `lang`, with its placeholders filled (plain text, no markup). A plain
    int may stand where a text wants plural forms (`{n:one|other}`): it counts as it is."""
    filled = {k: _filled(lang, v) for k, v in params.items()}
    return CATALOGS[lang][key].format(**filled)


def _filled(lang: Language, value: Any) -> Any:
    if isinstance(value, Localized):
        return t(lang, value.key)
    if isinstance(value, int) and not isinstance(value, bool):
        return Counted(value, str(value), lang)
    return value


def parse_language(value: str | None) -> Language | None:
    """`zh`/`en` (also `zh-hans`, `EN`, `中文`...) as a Language, else None."""
    if not value:
        return None
    lowered = value.strip().lower()
    if lowered.startswith("zh") or lowered in {"中文", "汉语", "chinese"}:
        return "zh"
    if lowered.startswith("en") or lowered in {"english", "英文", "英语"}:
        return "en"
    return None


def number(value: int | Decimal, lang: Language) -> str:
    """A number with the locale's grouping and decimal sign."""
    return format_decimal(value, locale=_LOCALES[lang])


def area(value: Decimal, lang: Language) -> str:
    """An area in square metres, e.g. `1,234.5 m²`."""
    return f"{format_decimal(value, format='#,##0.##', locale=_LOCALES[lang])} m²"


def when(moment: datetime, lang: Language, timezone: str) -> str:
    """A date and time to the minute in the community's time zone, as the locale writes it."""
    zone = ZoneInfo(timezone)
    day = format_skeleton("yMMMd", moment, tzinfo=zone, locale=_LOCALES[lang])
    clock = format_skeleton("Hm", moment, tzinfo=zone, locale=_LOCALES[lang])
    return f"{day} {clock}"


_FULLWIDTH_DIGITS: Final = str.maketrans("０１２３４５６７８９", "0123456789")


def ascii_digits(text: str) -> str:
    """Full-width digits (`７天`, as Chinese keyboards type them) as ASCII; nothing else changes,
    so other Unicode digits (`²`) are still refused."""
    return text.translate(_FULLWIDTH_DIGITS)


def whole_number(text: str, *, low: int = 1, high: int = SQLITE_MAX_INT) -> int | None:
    """`text` as a whole number from `low` to `high`, written in ASCII digits only; else None.
    `str.isdigit()` accepts "²" and other Unicode digits that `int()` rejects or reads
    differently, so every command argument and button payload is read through here."""
    text = ascii_digits(text)
    if not text or not text.isascii() or not text.isdigit() or len(text) > len(str(high)):
        return None
    value = int(text)
    return value if low <= value <= high else None
