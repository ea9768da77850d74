"""The letterbox codes' CSV is headed in the admin's language: before, its header was English
(`unit,building,code`) for a Chinese-speaking admin too."""

from __future__ import annotations

import pytest

from tests.handlers.harness import HandlerHarness, user
from tests.handlers.scenes import CREATOR, GROUP, active_codes, community_with_register

CAROL_ZH = user(CREATOR["id"], "Carol", "zh")
HEADER = {"en": "unit,building,code", "zh": "房号,楼栋,验证码"}


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_the_codes_csv_is_headed_in_the_admins_language(
    harness: HandlerHarness, lang: str
) -> None:
    h = harness
    community_id = await community_with_register(h)
    h.request.private_open.add(CREATOR["id"])
    admin = CAROL_ZH if lang == "zh" else CREATOR
    await h.say(GROUP, admin, "/codes")
    codes = await active_codes(h, community_id)
    csv_call, _slips = [c for c in h.request.calls if c.method == "sendDocument"]
    data = next(iter(csv_call.uploads.values()))
    header, *rows = data.decode("utf-8-sig").splitlines()
    assert header == HEADER[lang]
    assert len(rows) == 10
    unit, building, code = rows[0].split(",")
    assert (unit, building) == ("1-101", "1")
    assert code.replace("-", "") == codes["1-101"]
