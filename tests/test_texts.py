"""Every text exists in both languages with the same placeholders, and every key the code uses
exists."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from bot.i18n import CATALOGS, LANGUAGES, t
from bot.residents.model import MembershipStatus, Relation
from bot.roles.model import Role
from bot.topics.model import Step, TopicStatus
from bot.units.register import RowProblem
from bot.votes.tally import Choice, Outcome, Rule
from handlers.menus import COMMANDS

ROOT = Path(__file__).resolve().parent.parent
# every threshold a rule has, with its bound (see bot/votes/tally.decide)
CHECK_BOUNDS = (
    "approval.half",
    "approval.two_thirds",
    "participation_owners.two_thirds",
    "participation_area.two_thirds",
    "approval_owners.half",
    "approval_owners.three_quarters",
    "approval_area.half",
    "approval_area.three_quarters",
)
KEY_LITERAL = re.compile(r"""["']([a-z_]+\.[a-z_.]+)["']""")


def placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


def test_both_languages_have_the_same_keys() -> None:
    zh, en = (set(CATALOGS[lang]) for lang in LANGUAGES)
    assert zh - en == set(), "keys only in Chinese"
    assert en - zh == set(), "keys only in English"


@pytest.mark.parametrize("key", sorted(CATALOGS["en"]))
def test_same_placeholders_in_both_languages(key: str) -> None:
    assert placeholders(CATALOGS["zh"][key]) == placeholders(CATALOGS["en"][key])


@pytest.mark.parametrize("key", sorted(CATALOGS["en"]))
def test_no_text_is_empty_or_untranslated(key: str) -> None:
    zh, en = CATALOGS["zh"][key].strip(), CATALOGS["en"][key].strip()
    assert zh and en
    words = re.sub(r"\{[^}]*\}", " ", en)
    if re.search(r"[A-Za-z]{4,}", words):
        assert zh != en, f"{key} is the same in both languages"


def _used_literal_keys() -> set[str]:
    used: set[str] = set()
    for folder in ("bot", "handlers"):
        for path in (ROOT / folder).rglob("*.py"):
            if "texts" in path.parts:
                continue
            for key in KEY_LITERAL.findall(path.read_text("utf-8")):
                if key.split(".")[0] in {k.split(".")[0] for k in CATALOGS["en"]}:
                    used.add(key)
    return used


def test_every_literal_key_in_the_code_exists() -> None:
    used = _used_literal_keys()
    assert len(used) > 50, "the scan found too few keys to be meaningful"
    missing = sorted(k for k in used if k not in CATALOGS["en"])
    assert missing == []


TOPIC_STAGES = ("support", "review", "review_on", "vote", "publish")


def test_every_dynamic_key_family_is_complete() -> None:
    families = (
        [f"units.problem.{p.value}" for p in RowProblem]
        + [f"relation.{r.value}" for r in Relation]
        + [f"status.{s.value}" for s in MembershipStatus]
        + [f"role.{r.value}" for r in Role]
        + [f"join.decided_{s}" for s in ("verified", "rejected", "left")]
        + [f"join.card_{s}" for s in ("verified", "rejected")]
        + [f"join.answer_{s}" for s in ("verified", "rejected")]
        + [f"join.outcome_{s}" for s in ("verified", "rejected")]
        + [f"cmd.{c.name}" for c in COMMANDS]
        + [f"rule.{r.value}" for r in Rule]
        + [f"rule.button.{r.value}" for r in Rule]
        + [f"choice.{c.value}" for c in Choice]
        + [f"votes.{c.value}" for c in Choice]
        + [f"outcome.{o.value}" for o in Outcome]
        + [f"topic_status.{s.value}" for s in TopicStatus]
        + [f"topic_step.{s.value}" for s in Step]
        + [f"topics.{p}{s}" for p in ("at_", "short_") for s in TOPIC_STAGES]
        + [f"votes.need.{n}" for n in CHECK_BOUNDS]
    )
    assert [k for k in families if k not in CATALOGS["en"]] == []


def test_filling_placeholders() -> None:
    assert t("en", "join.unknown_unit", unit="9-9").startswith("There is no unit 9-9")
    assert "9-9" in t("zh", "join.unknown_unit", unit="9-9")
