"""A status report as a PDF (A4, fpdf2): the sections as figure boxes and tables, and the
S-curve and the SPI/CPI trend drawn with fpdf2's lines from the shared chart geometry.

Text is set in DejaVu Sans when the system has it (Debian's fonts-dejavu-core), so every
name prints as typed; without it the PDF falls back to the built-in Helvetica, which only
knows Latin-1, and other characters are spelt in ASCII or replaced.
"""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF, FontFace
from fpdf.enums import TableBordersLayout, XPos, YPos

from tandem.finance.report import StatusReport
from tandem.finance.report_charts import Chart
from tandem.finance.report_layout import Figure, Section, Table

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
WIDTH = 180.0  # mm between the margins of an A4 page
MARGIN = 15.0
INK = (15, 23, 42)
MUTED = (100, 116, 139)
RULE = (203, 213, 225)
TONES = {"good": (22, 163, 74), "warn": (180, 83, 9), "bad": (220, 38, 38)}
ASCII = str.maketrans(
    {"—": "-", "–": "-", "−": "-", "→": "->", "≥": ">=", "≤": "<=", "÷": "/", "×": "x",
     "“": '"', "”": '"', "‘": "'", "’": "'", "…": "..."}
)  # fmt: skip


class _Writer:
    """Lays the report out on pages, top to bottom."""

    def __init__(self, font_dir: Path | None) -> None:
        self.pdf = FPDF(orientation="P", unit="mm", format="A4")
        self.pdf.set_margins(MARGIN, MARGIN, MARGIN)
        self.pdf.set_auto_page_break(True, margin=MARGIN)
        regular = font_dir / "DejaVuSans.ttf" if font_dir else None
        bold = font_dir / "DejaVuSans-Bold.ttf" if font_dir else None
        self.unicode = bool(regular and bold and regular.is_file() and bold.is_file())
        if self.unicode:
            self.pdf.add_font("DejaVu", "", str(regular))
            self.pdf.add_font("DejaVu", "B", str(bold))
            self.family = "DejaVu"
        else:
            self.family = "helvetica"

    def text(self, value: str) -> str:
        """Text the chosen font can print."""
        if self.unicode:
            return value
        return value.translate(ASCII).encode("latin-1", "replace").decode("latin-1")

    def font(self, size: float, bold: bool = False, colour: tuple[int, int, int] = INK) -> None:
        self.pdf.set_font(self.family, "B" if bold else "", size)
        self.pdf.set_text_color(*colour)

    def room(self, height: float) -> None:
        """Start a new page unless ``height`` mm still fit on this one."""
        if self.pdf.get_y() + height > self.pdf.page_break_trigger:
            self.pdf.add_page()

    def fit(self, value: str, size: float, width: float) -> str:
        """``value`` on one line of ``width`` mm: set smaller (down to 70 % of ``size``
        points), then shortened with an ellipsis."""
        text = self.text(value)
        smallest = size * 0.7
        while size > smallest and self.pdf.get_string_width(text) > width:
            size = max(size - 0.5, smallest)
            self.pdf.set_font_size(size)
        if self.pdf.get_string_width(text) <= width:
            return text
        dots = self.text("…")
        while text and self.pdf.get_string_width(text + dots) > width:
            text = text[:-1]
        return text + dots

    # -- blocks ----------------------------------------------------------------------------------

    def heading(self, report: StatusReport) -> None:
        self.pdf.add_page()
        self.pdf.set_title(self.text(report.title))
        self.pdf.set_author("tandem")
        self.font(18, bold=True)
        self.pdf.multi_cell(WIDTH, 9, self.text(report.title), new_x=XPos.LMARGIN)
        self.font(9, colour=MUTED)
        self.pdf.multi_cell(WIDTH, 5, self.text(report.subtitle), new_x=XPos.LMARGIN)
        self.pdf.ln(2)

    def section(self, section: Section) -> None:
        self.room(24)
        self.pdf.ln(3)
        self.font(13, bold=True)
        self.pdf.cell(WIDTH, 7, self.text(section.title), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.pdf.set_draw_color(*RULE)
        self.pdf.set_line_width(0.3)
        y = self.pdf.get_y()
        self.pdf.line(MARGIN, y, MARGIN + WIDTH, y)
        self.pdf.ln(2)
        if section.figures:
            self.figures(section.figures)
        for chart in section.charts:
            self.chart(chart)
        for table in section.tables:
            self.table(table)
        for note in section.notes:
            self.font(8, colour=MUTED)
            self.pdf.multi_cell(WIDTH, 4, self.text(note), new_x=XPos.LMARGIN)
            self.pdf.ln(1)

    def figures(self, figures: list[Figure], per_row: int = 4) -> None:
        gap, height = 3.0, 16.0
        width = (WIDTH - gap * (per_row - 1)) / per_row
        for start in range(0, len(figures), per_row):
            self.room(height + gap)
            top = self.pdf.get_y()
            for n, figure in enumerate(figures[start : start + per_row]):
                left = MARGIN + n * (width + gap)
                self.pdf.set_draw_color(*RULE)
                self.pdf.set_line_width(0.2)
                self.pdf.rect(left, top, width, height)
                self.pdf.set_xy(left + 2, top + 1.5)
                self.font(7, colour=MUTED)
                self.pdf.cell(width - 4, 3.5, self.fit(figure.label.upper(), 7, width - 4))
                self.pdf.set_xy(left + 2, top + 5.5)
                self.font(11, bold=True, colour=TONES.get(figure.tone, INK))
                self.pdf.cell(width - 4, 5.5, self.fit(figure.value, 11, width - 4))
                self.pdf.set_xy(left + 2, top + 11.5)
                self.font(6.5, colour=MUTED)
                self.pdf.cell(width - 4, 3.5, self.fit(figure.note, 6.5, width - 4))
            self.pdf.set_xy(MARGIN, top + height + gap)

    def table(self, table: Table) -> None:
        self.room(20)
        self.font(10, bold=True)
        self.pdf.cell(WIDTH, 6, self.text(table.title), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if not table.rows:
            self.font(8, colour=MUTED)
            self.pdf.multi_cell(WIDTH, 4.5, self.text(table.empty), new_x=XPos.LMARGIN)
            self.pdf.ln(2)
            return
        self.font(7.5)
        cells = [table.columns, *table.rows]
        # Columns share the width by their longest cell, within limits, so dates stay on a
        # line and long names wrap.
        longest = [
            min(max(self.pdf.get_string_width(self.text(row[k])) for row in cells) + 3, 95)
            for k in range(len(table.columns))
        ]
        widths = [max(w, 12) * WIDTH / sum(max(w, 12) for w in longest) for w in longest]
        self.pdf.set_draw_color(*RULE)
        self.pdf.set_line_width(0.2)
        with self.pdf.table(
            col_widths=widths,
            width=WIDTH,
            align="LEFT",
            text_align=tuple("RIGHT" if a == "r" else "LEFT" for a in table.align),
            borders_layout=TableBordersLayout.HORIZONTAL_LINES,
            headings_style=FontFace(emphasis="BOLD", color=MUTED),
            line_height=4.2,
            padding=0.8,
        ) as grid:
            for row in cells:
                line = grid.row()
                for value in row:
                    line.cell(self.text(value))
        self.pdf.ln(3)

    def chart(self, chart: Chart, height: float = 62.0) -> None:
        self.room(height + 4)
        pdf = self.pdf
        top = pdf.get_y()
        left, right, upper, lower = 14.0, 4.0, 9.0, 7.0
        x0, y0 = MARGIN + left, top + upper
        w, h = WIDTH - left - right, height - upper - lower

        def at(x: float, y: float) -> tuple[float, float]:
            return x0 + x * w, y0 + (1 - y) * h

        self.font(8, bold=True)
        pdf.text(MARGIN, top + 3, self.text(chart.title))
        self.font(6.5, colour=MUTED)
        pdf.set_line_width(0.15)
        for tick in chart.y_ticks:
            _, y = at(0, tick.at)
            pdf.set_draw_color(226, 232, 240)
            pdf.line(x0, y, x0 + w, y)
            label = self.text(tick.label)
            pdf.text(x0 - 1.5 - pdf.get_string_width(label), y + 1, label)
        pdf.set_draw_color(148, 163, 184)
        pdf.line(x0, y0 + h, x0 + w, y0 + h)
        for tick in chart.x_ticks:
            x, _ = at(tick.at, 0)
            pdf.line(x, y0 + h, x, y0 + h + 1)
            label = self.text(tick.label)
            pdf.text(x - pdf.get_string_width(label) / 2, y0 + h + 4, label)
        pdf.set_draw_color(*MUTED)
        pdf.set_dash_pattern(dash=0.8, gap=0.8)
        for level in chart.levels:
            _, y = at(0, level.at)
            pdf.line(x0, y, x0 + w, y)
            label = self.text(level.label)
            pdf.text(x0 + w - pdf.get_string_width(label), y - 0.8, label)
        for guide in chart.guides:
            x, _ = at(guide.at, 0)
            pdf.line(x, y0, x, y0 + h)
            pdf.text(x + 1, y0 + 2.5, self.text(guide.label))
        pdf.set_dash_pattern()
        pdf.set_line_width(0.5)
        legend = x0
        for series in chart.series:
            pdf.set_draw_color(*series.colour)
            pdf.set_fill_color(*series.colour)
            if series.dashed:
                pdf.set_dash_pattern(dash=1.5, gap=1.0)
            points = [at(x, y) for x, y in series.points]
            if len(points) > 1:
                pdf.polyline(points)
            pdf.line(legend, top + 6, legend + 6, top + 6)
            pdf.set_dash_pattern()
            if series.dots or len(points) == 1:
                for x, y in points:
                    pdf.circle(x, y, 0.6, style="F")
            name = self.text(series.name)
            pdf.text(legend + 7.5, top + 7, name)
            legend += 12 + pdf.get_string_width(name)
        pdf.set_line_width(0.2)
        pdf.set_fill_color(255, 255, 255)  # tables fill with the current colour
        pdf.set_xy(MARGIN, top + height + 3)


def to_pdf(report: StatusReport, font_dir: Path | None = FONT_DIR) -> bytes:
    """The report as PDF bytes (``font_dir`` None forces the built-in font)."""
    writer = _Writer(font_dir)
    writer.heading(report)
    for section in report.sections:
        writer.section(section)
    return bytes(writer.pdf.output())
