"""Real files for upload tests, made on the fly."""

from __future__ import annotations

import io

from pypdf import PdfWriter


def pdf(pages: int = 2, text: str = "") -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if text:
        writer.add_metadata({"/Title": text})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def upload(content: bytes) -> tuple[io.BytesIO, int]:
    return io.BytesIO(content), len(content)
