"""No English on Chinese buttons: every text key the code puts on a button (found in the calls
that build buttons, and every key named "…button…") reads in Chinese only in zh. Placeholders
are left out (their values, e.g. a unit code 3-2-501, may be anything), emoji are allowed."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from bot.i18n import CATALOGS

ROOT = Path(__file__).resolve().parent.parent
ZH = CATALOGS["zh"]


def _strings(node: ast.AST) -> list[str]:
    """Plain strings and the fixed start of f-strings anywhere inside `node`."""
    found: list[str] = []
    for inner in ast.walk(node):
        if isinstance(inner, ast.Constant) and isinstance(inner.value, str):
            found.append(inner.value)
        elif isinstance(inner, ast.JoinedStr) and inner.values:
            first = inner.values[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                found.append(first.value + "*")
    return found


def _callee(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


# labels chosen from a variable, e.g. t(lang, f"votes.{choice.value}") or the home keyboard's rows
DYNAMIC = ("votes.for", "votes.against", "votes.abstain")
FAMILIES = ("home.", "category.", "reports.part.", "reports.slot.", "meeting_outcome.")


def button_keys() -> set[str]:
    keys = {key for key in ZH if re.search(r"button(?!s)", key)}
    keys |= {key for key in ZH if key.startswith(FAMILIES)} | set(DYNAMIC)
    for path in (ROOT / "handlers").rglob("*.py"):
        tree = ast.parse(path.read_text("utf-8"))
        for call in ast.walk(tree):
            if not isinstance(call, ast.Call) or "button" not in _callee(call).lower():
                continue
            for text in _strings(call):
                if text.endswith("*"):
                    prefix = text[:-1]
                    if prefix.count(".") >= 2:  # a family such as "rule.button."
                        keys |= {k for k in ZH if k.startswith(prefix)}
                elif text in ZH:
                    keys.add(text)
    return keys


KEYS = sorted(button_keys())


def test_the_scan_finds_the_buttons() -> None:
    for key in ("votes.for", "join.approve", "rule.button.double-majority", "home.me"):
        assert key in KEYS


@pytest.mark.parametrize("key", KEYS)
def test_chinese_button_has_no_latin_letters(key: str) -> None:
    label = re.sub(r"\{[^}]*\}", "", ZH[key])
    assert not re.search(r"[A-Za-z]", label), f"{key}: {ZH[key]!r}"
