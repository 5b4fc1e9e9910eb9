"""Reports as Word (DOCX) and PDF from one description of their content.

A report is a list of blocks (headings, paragraphs, bullet lists, tables, images, and spaces
for the author to write in). `render_docx` and `render_pdf` turn the same blocks into each
format, so the two never disagree. Both are deterministic for the same blocks and `produced_at`:
the date is written into the files' metadata instead of the time of rendering.

Images are PNG bytes (charts drawn by `lineofsight.web.charts`); each carries alternative text,
which is also printed under it as a caption.
"""

from __future__ import annotations

import io
import logging
import zipfile
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, date, datetime, time
from pathlib import Path

from docx import Document as DocxDocument
from docx.shared import Cm, Pt
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from lineofsight.web.fields import clean_text

FONTS = Path(__file__).parent / "fonts"
# fpdf2 subsets the embedded font with fontTools, which reports every step at INFO.
logging.getLogger("fontTools").setLevel(logging.WARNING)


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1  # 1 = section, 2 = subsection, 3 = minor heading


@dataclass(frozen=True)
class Paragraph:
    text: str
    bold: bool = False


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    caption: str = ""
    # Relative column widths (e.g. (3, 1, 1)); equal when empty.
    widths: tuple[float, ...] = ()


@dataclass(frozen=True)
class Image:
    png: bytes
    alt: str  # also printed as the caption
    width_cm: float = 15.0


@dataclass(frozen=True)
class AuthorSection:
    """A heading with a prompt and room for the author to write (in Word) or their text."""

    title: str
    prompt: str
    text: str = ""


Block = Heading | Paragraph | Bullets | Table | Image | AuthorSection


@dataclass
class Report:
    title: str
    subtitle: str = ""
    produced_at: date | None = None
    blocks: list[Block] = field(default_factory=list)

    def add(self, *blocks: Block) -> Report:
        self.blocks.extend(blocks)
        return self


def _clean(value: object) -> object:
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, tuple):
        return tuple(_clean(v) for v in value)
    return value


def _clean_block(block: Block) -> Block:
    """The block with control characters taken out of its text. Forms clean what is typed
    (lineofsight.web.fields), but rows saved before that may still hold a bell or a vertical
    tab from Word, and one of them must not make a report fail to download."""
    changes = {
        f.name: _clean(getattr(block, f.name))
        for f in fields(block)
        if isinstance(getattr(block, f.name), str | tuple)
    }
    return replace(block, **changes)


def clean_report(report: Report) -> Report:
    return Report(
        title=clean_text(report.title),
        subtitle=clean_text(report.subtitle),
        produced_at=report.produced_at,
        blocks=[_clean_block(b) for b in report.blocks],
    )


def _when(report: Report) -> datetime:
    day = report.produced_at or date(2000, 1, 1)
    return datetime.combine(day, time(12, 0), tzinfo=UTC)


# -- DOCX ---------------------------------------------------------------------------------------


def render_docx(report: Report) -> bytes:
    report = clean_report(report)
    doc = DocxDocument()
    props = doc.core_properties
    props.title = report.title
    props.author = "Line of Sight"
    props.created = props.modified = _when(report).replace(tzinfo=None)
    props.revision = 1
    doc.styles["Normal"].font.size = Pt(11)
    doc.add_heading(report.title, level=0)
    if report.subtitle:
        doc.add_paragraph(report.subtitle)
    for block in report.blocks:
        if isinstance(block, Heading):
            doc.add_heading(block.text, level=min(max(block.level, 1), 3))
        elif isinstance(block, Paragraph):
            run = doc.add_paragraph().add_run(block.text)
            run.bold = block.bold
        elif isinstance(block, Bullets):
            for item in block.items:
                doc.add_paragraph(item, style="List Bullet")
        elif isinstance(block, Table):
            if block.caption:
                doc.add_paragraph().add_run(block.caption).bold = True
            table = doc.add_table(rows=1, cols=len(block.header))
            table.style = "Table Grid"
            for cell, text in zip(table.rows[0].cells, block.header, strict=True):
                cell.text = ""
                cell.paragraphs[0].add_run(str(text)).bold = True
            for row in block.rows:
                cells = table.add_row().cells
                for cell, text in zip(cells, row, strict=True):
                    cell.text = str(text)
            if block.widths:
                total = sum(block.widths)
                for column, share in zip(table.columns, block.widths, strict=True):
                    width = Cm(16.0 * share / total)
                    for cell in column.cells:
                        cell.width = width
            doc.add_paragraph()
        elif isinstance(block, Image):
            doc.add_picture(io.BytesIO(block.png), width=Cm(block.width_cm))
            doc.add_paragraph(block.alt).runs[0].italic = True
        elif isinstance(block, AuthorSection):
            doc.add_heading(block.title, level=1)
            if block.text.strip():
                for para in block.text.strip().split("\n\n"):
                    doc.add_paragraph(para.strip())
            else:
                doc.add_paragraph(block.prompt).runs[0].italic = True
                doc.add_paragraph("[Write here]")
    out = io.BytesIO()
    doc.save(out)
    return _fixed_zip(out.getvalue(), _when(report))


def _fixed_zip(data: bytes, when: datetime) -> bytes:
    """The same package with every entry dated `when`: python-docx stamps entries with the time
    of saving, which would make two renders of the same report differ byte for byte."""
    stamp = (when.year, when.month, when.day, 12, 0, 0)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            target.writestr(info, source.read(item.filename))
    return out.getvalue()


# -- PDF ----------------------------------------------------------------------------------------


class _Pdf(FPDF):
    def __init__(self, title: str) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
        self.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
        self.set_font("DejaVu", size=10)
        self.set_auto_page_break(auto=True, margin=18)
        self.doc_title = title

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("DejaVu", size=8)
        self.cell(0, 6, f"{self.doc_title}  |  page {self.page_no()}", align="C")


def _para(pdf: _Pdf, text: str, *, size: float = 10, bold: bool = False, gap: float = 2) -> None:
    pdf.set_font("DejaVu", "B" if bold else "", size)
    pdf.multi_cell(0, size * 0.5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(gap)


def render_pdf(report: Report) -> bytes:
    report = clean_report(report)
    pdf = _Pdf(report.title)
    pdf.set_title(report.title)
    pdf.set_author("Line of Sight")
    pdf.set_creator("Line of Sight")
    pdf.set_creation_date(_when(report))
    pdf.add_page()
    _para(pdf, report.title, size=18, bold=True, gap=3)
    if report.subtitle:
        _para(pdf, report.subtitle, size=11, gap=4)
    for block in report.blocks:
        if isinstance(block, Heading):
            size = {1: 14, 2: 12}.get(block.level, 11)
            pdf.ln(2)
            _para(pdf, block.text, size=size, bold=True)
        elif isinstance(block, Paragraph):
            _para(pdf, block.text, bold=block.bold)
        elif isinstance(block, Bullets):
            for item in block.items:
                _para(pdf, f"\u2022 {item}", gap=1)
            pdf.ln(1)
        elif isinstance(block, Table):
            if block.caption:
                _para(pdf, block.caption, bold=True, gap=1)
            pdf.set_font("DejaVu", size=8)
            with pdf.table(
                headings_style=FontFace(emphasis="BOLD"),
                line_height=4.5,
                text_align="LEFT",
                first_row_as_headings=True,
                col_widths=block.widths or None,
            ) as table:
                header = table.row()
                for text in block.header:
                    header.cell(str(text))
                for row in block.rows:
                    cells = table.row()
                    for text in row:
                        cells.cell(str(text))
            pdf.ln(3)
        elif isinstance(block, Image):
            width = min(block.width_cm * 10, pdf.epw)
            pdf.image(io.BytesIO(block.png), w=width)
            _para(pdf, block.alt, size=8, gap=3)
        elif isinstance(block, AuthorSection):
            pdf.ln(2)
            _para(pdf, block.title, size=14, bold=True)
            if block.text.strip():
                for para in block.text.strip().split("\n\n"):
                    _para(pdf, para.strip())
            else:
                _para(pdf, block.prompt, size=9)
                _para(pdf, "[For the author to write]", size=9)
    return bytes(pdf.output())


def docx_text(data: bytes) -> str:
    """Every paragraph and table cell of a DOCX, one per line (for tests and search)."""
    doc = DocxDocument(io.BytesIO(data))
    lines = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            lines.extend(cell.text for cell in row.cells)
    return "\n".join(lines)
