"""Reading a slips PDF back, as a printer and a phone would: its pages, its text, its fonts and
what its QR codes say (each image decoded by a QR reader)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import cast

import pypdf
import zxingcpp
from pypdf.generic import DictionaryObject


@dataclass(frozen=True)
class ReadSlips:
    pages: int
    text: str  # every page's text without whitespace and NULs (pypdf pads the CJK glyphs)
    fonts: set[str]
    links: list[str]


def read_slips(pdf: bytes) -> ReadSlips:
    assert pdf.startswith(b"%PDF-")
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    text = "".join(
        ch
        for page in reader.pages
        for ch in page.extract_text()
        if ch != "\x00" and not ch.isspace()
    )
    fonts: set[str] = set()
    for page in reader.pages:
        resources = cast(DictionaryObject, page["/Resources"].get_object())
        for font in cast(DictionaryObject, resources["/Font"].get_object()).values():
            fonts.add(str(cast(DictionaryObject, font.get_object())["/BaseFont"]))
    links = [
        barcode.text
        for page in reader.pages
        for image in page.images
        for barcode in zxingcpp.read_barcodes(image.image)
    ]
    return ReadSlips(len(reader.pages), text, fonts, links)
