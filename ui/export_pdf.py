"""A one-page PDF a consultant leaves with the client: inputs, headline numbers, method.

The page is laid out from texts the caller has already translated and
formatted (:class:`OnePager`), so this module computes nothing. It lives in
``ui`` rather than ``calc`` because it reads the bundled font: DejaVu Sans,
subset to Latin, Latin Extended and common symbols (licence in
``ui/fonts/LICENSE-DejaVu.txt``), so that "€", "ł" or "ø" print without a
system font and without fetching anything.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import FontFace
from PIL import Image

FONTS = Path(__file__).with_name("fonts")
INK = (27, 42, 51)
ACCENT = (31, 111, 139)
MUTED = (90, 105, 115)
CHART_HEIGHT = 50  # mm: room for the table of six scenarios and the notes


@dataclass(frozen=True)
class OnePager:
    """The texts of the one-pager, in reading order.

    ``headline`` holds (label, value) pairs drawn large; ``table`` is a header
    row followed by rows of equal length; ``charts`` are PNG images.
    """

    title: str
    subtitle: str
    headline_title: str
    headline: Sequence[tuple[str, str]]
    table_title: str
    table: Sequence[Sequence[str]]
    notes_title: str
    notes: Sequence[str]
    footer: str
    charts: Sequence[bytes] = field(default_factory=tuple)


def one_pager(page: OnePager) -> bytes:
    """The PDF file (A4 portrait) of ``page``."""
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_auto_page_break(auto=True, margin=14)
    pdf.set_margins(16, 14, 16)
    pdf.add_font("DejaVu", "", FONTS / "DejaVuSans.ttf")
    pdf.add_font("DejaVu", "B", FONTS / "DejaVuSans-Bold.ttf")
    pdf.set_title(page.title)
    pdf.add_page()
    width = pdf.epw

    pdf.set_text_color(*ACCENT)
    pdf.set_font("DejaVu", "B", 17)
    pdf.multi_cell(width, 8, page.title, new_x="LMARGIN", new_y="NEXT", align="L")
    pdf.set_text_color(*MUTED)
    pdf.set_font("DejaVu", "", 9)
    pdf.multi_cell(width, 5, page.subtitle, new_x="LMARGIN", new_y="NEXT", align="L")
    pdf.ln(3)

    _heading(pdf, page.headline_title)
    if page.headline:
        box = width / len(page.headline)
        top = pdf.get_y()
        for index, (label, value) in enumerate(page.headline):
            pdf.set_xy(pdf.l_margin + index * box, top)
            pdf.set_text_color(*INK)
            pdf.set_font("DejaVu", "B", 15)
            pdf.cell(box, 8, value, new_x="LEFT", new_y="NEXT")
            pdf.set_text_color(*MUTED)
            pdf.set_font("DejaVu", "", 8)
            pdf.multi_cell(box - 2, 4, label, align="L")
        pdf.set_y(top + 18)

    _heading(pdf, page.table_title)
    pdf.set_text_color(*INK)
    columns = max(1, len(page.table[0]) - 1) if page.table else 1
    size = 8 if columns <= 3 else 7
    pdf.set_font("DejaVu", "", size)
    label_width = width * (0.34 if columns <= 3 else 0.26)
    widths = [label_width] + [(width - label_width) / columns] * columns
    with pdf.table(
        col_widths=widths,
        text_align=["LEFT"] + ["RIGHT"] * columns,
        headings_style=FontFace(emphasis="BOLD", color=INK, fill_color=(241, 245, 248)),
        line_height=size * 0.55,
        borders_layout="HORIZONTAL_LINES",
        first_row_as_headings=True,
        width=width,
    ) as table:
        for row in page.table:
            cells = table.row()
            for text in row:
                cells.cell(text)
    pdf.ln(3)

    # One chart under the other, each the page's full width at most CHART_HEIGHT tall,
    # all scaled down together if the notes below would otherwise spill onto a page 2.
    ratios = []
    for image in page.charts:
        with Image.open(io.BytesIO(image)) as picture:
            ratios.append(picture.height / picture.width)
    widths = [min(width, CHART_HEIGHT / ratio) for ratio in ratios]
    room = pdf.h - pdf.b_margin - pdf.get_y() - _notes_height(pdf, page) - 3 * len(ratios)
    needed = sum(w * ratio for w, ratio in zip(widths, ratios, strict=True))
    shrink = min(1.0, room / needed) if needed > 0 else 1.0
    for image, w, ratio in zip(page.charts, widths, ratios, strict=True):
        w *= shrink
        top = pdf.get_y()
        pdf.image(io.BytesIO(image), x=pdf.l_margin + (width - w) / 2, y=top, w=w)
        pdf.set_y(top + w * ratio + 3)

    _heading(pdf, page.notes_title)
    pdf.set_text_color(*INK)
    pdf.set_font("DejaVu", "", 8)
    for note in page.notes:
        pdf.multi_cell(width, 4, f"• {note}", new_x="LMARGIN", new_y="NEXT", align="L")
        pdf.ln(1)
    pdf.ln(2)
    pdf.set_text_color(*MUTED)
    pdf.set_font("DejaVu", "", 7)
    pdf.multi_cell(width, 3.5, page.footer, new_x="LMARGIN", new_y="NEXT", align="L")
    return bytes(pdf.output())


def _notes_height(pdf: FPDF, page: OnePager) -> float:
    """Height in mm of the notes and footer as :func:`one_pager` draws them (measured, not
    drawn)."""
    height = 7.0 + 2.0  # heading, gap before the footer
    pdf.set_font("DejaVu", "", 8)
    for note in page.notes:
        height += pdf.multi_cell(pdf.epw, 4, f"• {note}", dry_run=True, output="HEIGHT") + 1
    pdf.set_font("DejaVu", "", 7)
    height += pdf.multi_cell(pdf.epw, 3.5, page.footer, dry_run=True, output="HEIGHT")
    return height


def _heading(pdf: FPDF, text: str) -> None:
    pdf.set_text_color(*ACCENT)
    pdf.set_font("DejaVu", "B", 11)
    pdf.cell(pdf.epw, 7, text, new_x="LMARGIN", new_y="NEXT")
