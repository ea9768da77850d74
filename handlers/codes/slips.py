"""The printable letterbox slips: A4 pages of 8 slips (2 × 4) with dashed cut lines, each with
the community, the unit, its code, short instructions and a QR code of the `c-<code>` deep link.
Drawn with fpdf2 (the CJK font embedded as a subset) and segno (the QR code, as a 1-bit PNG);
a pure function of the texts it is given, so it can run in a worker thread."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import segno
from fpdf import FPDF

from handlers.codes.fonts import FONT_NAME, cjk_font_path

PAGE_W: Final = 210.0  # A4, in mm
PAGE_H: Final = 297.0
COLUMNS: Final = 2
ROWS: Final = 4
PER_PAGE: Final = COLUMNS * ROWS
SLIP_W: Final = PAGE_W / COLUMNS
SLIP_H: Final = PAGE_H / ROWS
MARGIN: Final = 6.0
QR_SIZE: Final = 36.0
TEXT_W: Final = SLIP_W - 2 * MARGIN - QR_SIZE - 2


@dataclass(frozen=True, slots=True)
class Slip:
    """One unit's slip, its texts already in the community's language."""

    heading: str  # the community and what the slip is
    unit_line: str
    code_line: str
    steps: str  # how to use it, a line per way
    note: str  # keep it to the household
    link: str  # what the QR code holds


def qr_png(link: str) -> bytes:
    """The QR code (error correction M, the standard quiet zone of 4 modules) as a 1-bit PNG."""
    buffer = io.BytesIO()
    segno.make(link, error="m", micro=False).save(buffer, kind="png", scale=6, border=4)
    return buffer.getvalue()


def _fitted(pdf: FPDF, text: str, width: float, size: float, smallest: float = 6.0) -> None:
    """The font size at which `text` fits on one line of `width` mm (down to `smallest`)."""
    pdf.set_font(FONT_NAME, size=size)
    while size > smallest and pdf.get_string_width(text) > width:
        size -= 0.5
        pdf.set_font(FONT_NAME, size=size)


def _cut_lines(pdf: FPDF) -> None:
    pdf.set_draw_color(150, 150, 150)
    pdf.set_line_width(0.2)
    with pdf.local_context():
        pdf.set_dash_pattern(dash=2, gap=2)
        for column in range(1, COLUMNS):
            pdf.line(column * SLIP_W, 0, column * SLIP_W, PAGE_H)
        for row in range(1, ROWS):
            pdf.line(0, row * SLIP_H, PAGE_W, row * SLIP_H)


def _draw(pdf: FPDF, slip: Slip, x: float, y: float) -> None:
    left, top = x + MARGIN, y + MARGIN
    full = SLIP_W - 2 * MARGIN
    _fitted(pdf, slip.heading, full, 11)
    pdf.set_xy(left, top)
    pdf.cell(full, 6, slip.heading)
    _fitted(pdf, slip.unit_line, TEXT_W, 17)
    pdf.set_xy(left, top + 8)
    pdf.cell(TEXT_W, 9, slip.unit_line)
    _fitted(pdf, slip.code_line, TEXT_W, 14)
    pdf.set_xy(left, top + 18)
    pdf.cell(TEXT_W, 8, slip.code_line)
    pdf.set_font(FONT_NAME, size=9)
    pdf.set_xy(left, top + 28)
    pdf.multi_cell(TEXT_W, 4.4, slip.steps, align="L")
    pdf.image(io.BytesIO(qr_png(slip.link)), x=x + SLIP_W - MARGIN - QR_SIZE, y=top + 8, w=QR_SIZE)
    _fitted(pdf, slip.note, full, 7.5)
    pdf.set_xy(left, y + SLIP_H - MARGIN - 4)
    pdf.cell(full, 4, slip.note)


def slips_pdf(slips: Sequence[Slip], *, title: str) -> bytes:
    """Every slip in order, 8 to an A4 page."""
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_auto_page_break(auto=False)
    pdf.set_margin(0)
    pdf.set_title(title)
    pdf.add_font(FONT_NAME, fname=str(cjk_font_path()))
    pdf.set_text_color(0, 0, 0)
    for index, slip in enumerate(slips):
        place = index % PER_PAGE
        if place == 0:
            pdf.add_page()
            _cut_lines(pdf)
        row, column = divmod(place, COLUMNS)
        _draw(pdf, slip, column * SLIP_W, row * SLIP_H)
    return bytes(pdf.output())
