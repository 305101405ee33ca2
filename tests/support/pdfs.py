"""PDFs a visitor might bring to the verification page: an edited copy of a diploma, a stranger."""

from __future__ import annotations

import io

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from weasyprint import HTML


def edited_copy(data: bytes, title: str = "Someone else") -> bytes:
    """``data`` with a new document title, saved as an incremental update after everything in
    it (as PDF editors save): the signed revision is left as it was."""
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    info = writer.trailer["/Info"]
    info["/Title"] = generic.TextStringObject(title)
    writer.update_container(info)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def unrelated_pdf() -> bytes:
    pdf: bytes = HTML(string="<html lang=en><title>Invoice</title><p>Invoice 42</p>").write_pdf()
    return pdf
