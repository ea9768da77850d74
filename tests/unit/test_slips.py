"""The printable slips as a pure function: 8 to an A4 page, the CJK font embedded (a subset,
every glyph there: fpdf2 warns of a missing glyph, and warnings fail the tests), one QR code
per slip that a reader decodes to its link; and a clear message to the operator when the
font's package is missing."""

from __future__ import annotations

import pytest

from handlers.codes import fonts
from handlers.codes.fonts import FontMissing, cjk_font_path
from handlers.codes.slips import Slip, slips_pdf
from tests.slips_pdf import read_slips


def slip(n: int) -> Slip:
    return Slip(
        heading="阳光花园 · 住户认证单",
        unit_line=f"房号：3-{n:03d}",
        code_line="验证码：ABCD-EFGH",
        steps="① 用手机相机扫右边的二维码。\n② 或发送：/join 3-501 ABCD-EFGH",
        note="验证码只给本户使用，请勿外传。",
        link=f"https://t.me/some_bot?start=c-ABCDEF{n:02d}",
    )


def test_eight_slips_to_an_a4_page_each_with_its_qr_code() -> None:
    pdf = slips_pdf([slip(n) for n in range(17)], title="阳光花园：住户认证单")
    read = read_slips(pdf)
    assert read.pages == 3  # 8 + 8 + 1
    assert [read.text.count(f"房号：3-{n:03d}") for n in range(17)] == [1] * 17
    assert read.text.count("阳光花园·住户认证单") == 17
    assert "验证码只给本户使用，请勿外传。" in read.text
    assert read.fonts and all("NotoSansCJKSC" in font for font in read.fonts)
    assert sorted(read.links) == sorted(
        f"https://t.me/some_bot?start=c-ABCDEF{n:02d}" for n in range(17)
    )
    assert len(pdf) < 200_000  # the 16 MB font is embedded as a subset


def test_the_font_comes_with_the_python_package() -> None:
    path = cjk_font_path()
    assert path.name == "NotoSansCJKsc-Regular.otf" and path.stat().st_size > 1_000_000


def test_a_missing_font_package_tells_the_operator_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(fonts, "FONT_PACKAGE", "no_such_font_package")
    with pytest.raises(FontMissing, match=r"no_such_font_package.*pip install -e \."):
        cjk_font_path()
