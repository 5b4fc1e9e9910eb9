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
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from fpdf import FPDF
from fpdf.enums import MethodReturnValue, XPos, YPos
from fpdf.fonts import FontFace
from PIL import Image as PILImage

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
    # A background colour for each cell ("F4CDC6"; "" for none), row by row like `rows`; empty
    # for none at all. A colour never carries meaning alone: the cell's text says it in words.
    fills: tuple[tuple[str, ...], ...] = ()


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
            heading = doc.add_heading(block.text, level=min(max(block.level, 1), 3))
            # Never left alone at the foot of a page: Word moves it to the next with its text.
            heading.paragraph_format.keep_with_next = True
        elif isinstance(block, Paragraph):
            paragraph = doc.add_paragraph()
            run = paragraph.add_run(block.text)
            run.bold = block.bold
            # A bold line introduces what follows it (a list, a table): kept with it.
            paragraph.paragraph_format.keep_with_next = block.bold
        elif isinstance(block, Bullets):
            for item in block.items:
                doc.add_paragraph(item, style="List Bullet")
        elif isinstance(block, Table):
            if block.caption:
                caption = doc.add_paragraph()
                caption.add_run(block.caption).bold = True
                caption.paragraph_format.keep_with_next = True
            table = doc.add_table(rows=1, cols=len(block.header))
            table.style = "Table Grid"
            for cell, text in zip(table.rows[0].cells, block.header, strict=True):
                cell.text = ""
                cell.paragraphs[0].add_run(str(text)).bold = True
            for number, row in enumerate(block.rows):
                cells = table.add_row().cells
                fills = block.fills[number] if number < len(block.fills) else ()
                for column, (cell, text) in enumerate(zip(cells, row, strict=True)):
                    cell.text = str(text)
                    if column < len(fills) and fills[column]:
                        _shade(cell, fills[column])
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
            doc.add_heading(block.title, level=1).paragraph_format.keep_with_next = True
            if block.text.strip():
                for para in block.text.strip().split("\n\n"):
                    doc.add_paragraph(para.strip())
            else:
                doc.add_paragraph(block.prompt).runs[0].italic = True
                doc.add_paragraph("[Write here]")
    out = io.BytesIO()
    doc.save(out)
    return _fixed_zip(out.getvalue(), _when(report))


def _shade(cell, colour: str) -> None:
    """A table cell's background colour (hex, as "F4CDC6")."""
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), colour)
    cell._tc.get_or_add_tcPr().append(shading)


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
        # (page, top, bottom) of every heading written, for tests of where headings fall.
        self.headings: list[tuple[int, float, float]] = []

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("DejaVu", size=8)
        self.cell(0, 6, f"{self.doc_title}  |  page {self.page_no()}", align="C")


def _para(pdf: _Pdf, text: str, *, size: float = 10, bold: bool = False, gap: float = 2) -> None:
    pdf.set_font("DejaVu", "B" if bold else "", size)
    pdf.multi_cell(0, size * 0.5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(gap)


HEADING_SIZES = {1: 14, 2: 12}
# How much of what follows a heading must fit on its page: this many lines of text.
FIRST_LINES = 3


def _text_height(pdf: _Pdf, text: str, *, size: float, bold: bool = False, lines: int = 0) -> float:
    """The height `text` takes at `size` across the page (only its first `lines`, if given)."""
    pdf.set_font("DejaVu", "B" if bold else "", size)
    wrapped = pdf.multi_cell(0, size * 0.5, text, dry_run=True, output=MethodReturnValue.LINES)
    count = max(1, len(wrapped))
    return size * 0.5 * (min(count, lines) if lines else count)


def _image_height(pdf: _Pdf, block: Image) -> float:
    width = min(block.width_cm * 10, pdf.epw)
    with PILImage.open(io.BytesIO(block.png)) as picture:
        return width * picture.height / picture.width


def _start_height(pdf: _Pdf, block: Block | None) -> float:
    """The height of the start of `block` that must share a page with a heading before it: its
    first lines, a table's caption, heading and first row, or a whole chart."""
    if block is None:
        return 0.0
    if isinstance(block, Heading):
        size = HEADING_SIZES.get(block.level, 11)
        return 2 + _text_height(pdf, block.text, size=size, bold=True) + 2 + FIRST_LINES * 5
    if isinstance(block, AuthorSection):
        return 2 + _text_height(pdf, block.title, size=14, bold=True) + 2 + FIRST_LINES * 5
    if isinstance(block, Paragraph):
        return _text_height(pdf, block.text, size=10, bold=block.bold, lines=FIRST_LINES)
    if isinstance(block, Bullets):
        first = block.items[0] if block.items else ""
        return _text_height(pdf, f"\u2022 {first}", size=10, lines=FIRST_LINES)
    if isinstance(block, Table):
        caption = _text_height(pdf, block.caption, size=10, bold=True) + 1 if block.caption else 0
        return caption + 2 * 4.5 * 2  # the header and the first row, two lines each
    if isinstance(block, Image):
        return _image_height(pdf, block) + 4
    return 0.0


def _keep_with_next(pdf: _Pdf, own: float, following: Block | None) -> None:
    """Start a new page unless `own` (a heading) and the start of what follows it both fit on
    this one: a heading is never left at the foot of a page."""
    needed = own + _start_height(pdf, following)
    at_top = pdf.get_y() <= pdf.t_margin + 0.5
    if not at_top and pdf.get_y() + needed > pdf.page_break_trigger:
        pdf.add_page()


def _heading(pdf: _Pdf, text: str, size: float, following: Block | None) -> None:
    own = 2 + _text_height(pdf, text, size=size, bold=True) + 2
    _keep_with_next(pdf, own, following)
    if pdf.get_y() > pdf.t_margin + 0.5:
        pdf.ln(2)
    top = pdf.get_y()
    _para(pdf, text, size=size, bold=True)
    pdf.headings.append((pdf.page_no(), top, pdf.get_y()))


def render_pdf(report: Report) -> bytes:
    return bytes(write_pdf(report).output())


def write_pdf(report: Report) -> _Pdf:
    """The report written into an fpdf2 document (not yet output)."""
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
    blocks = report.blocks
    for index, block in enumerate(blocks):
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        if isinstance(block, Heading):
            _heading(pdf, block.text, HEADING_SIZES.get(block.level, 11), following)
        elif isinstance(block, Paragraph):
            if block.bold:  # a lead-in line stays with what it introduces
                own = _text_height(pdf, block.text, size=10, bold=True) + 2
                _keep_with_next(pdf, own, following)
            _para(pdf, block.text, bold=block.bold)
        elif isinstance(block, Bullets):
            for item in block.items:
                _para(pdf, f"\u2022 {item}", gap=1)
            pdf.ln(1)
        elif isinstance(block, Table):
            _keep_with_next(pdf, 0, block)  # the caption, heading and first row together
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
                for number, row in enumerate(block.rows):
                    cells = table.row()
                    fills = block.fills[number] if number < len(block.fills) else ()
                    for column, text in enumerate(row):
                        colour = fills[column] if column < len(fills) else ""
                        style = FontFace(fill_color=_rgb(colour)) if colour else None
                        cells.cell(str(text), style=style)
            pdf.ln(3)
        elif isinstance(block, Image):
            width = min(block.width_cm * 10, pdf.epw)
            pdf.image(io.BytesIO(block.png), w=width)
            _para(pdf, block.alt, size=8, gap=3)
        elif isinstance(block, AuthorSection):
            first = block.text.strip().split("\n\n")[0] if block.text.strip() else block.prompt
            _heading(pdf, block.title, 14, Paragraph(first))
            if block.text.strip():
                for para in block.text.strip().split("\n\n"):
                    _para(pdf, para.strip())
            else:
                _para(pdf, block.prompt, size=9)
                _para(pdf, "[For the author to write]", size=9)
    return pdf


def _rgb(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    return int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16)


def docx_text(data: bytes) -> str:
    """Every paragraph and table cell of a DOCX, one per line (for tests and search)."""
    doc = DocxDocument(io.BytesIO(data))
    lines = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            lines.extend(cell.text for cell in row.cells)
    return "\n".join(lines)
