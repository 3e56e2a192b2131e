"""CSV and XLSX exports of the certification report, honouring its filters.

Both stream: the CSV is produced row by row while the database is read in batches, and the
XLSX is written by openpyxl's write-only mode to a temporary file, never held whole in memory.
A cell that a spreadsheet would read as a formula (= + - @, or a leading tab or carriage
return) is prefixed with an apostrophe, also when the sign is a full-width or other
compatibility form (＝ ＋ － ＠, which a spreadsheet may read as the ASCII sign) or comes after
invisible characters (zero-width space, byte order mark, direction marks, spaces).
"""

from __future__ import annotations

import csv
import io
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator
from datetime import date

from flask_babel import gettext as _
from openpyxl import Workbook

from app.reports.certification_report import ReportRow

FORMULA_STARTS = ("\t", "\r")
FORMULA_SIGNS = frozenset("=+-@")
FLUSH_BYTES = 16 * 1024


def neutralise(value):
    """Text that a spreadsheet would run as a formula is made plain text."""
    if isinstance(value, str) and (
        value.startswith(FORMULA_STARTS) or _first_visible(value) in FORMULA_SIGNS
    ):
        return "'" + value
    return value


def _first_visible(text: str) -> str:
    """The first character that is neither a format character (zero-width, bidi marks, BOM)
    nor a space, in its compatibility form (NFKC: "＝" is "="); "" when there is none."""
    for char in text:
        for folded in unicodedata.normalize("NFKC", char):
            if not (folded.isspace() or unicodedata.category(folded) == "Cf"):
                return folded
    return ""


def header_row() -> list[str]:
    return [
        _("Employee number"), _("Name"), _("Department"), _("Team"), _("Manager"),
        _("Certification"), _("Status"), _("Certified until"), _("Progress (%)"),
        _("Verification code"), _("Standards version"),
    ]  # fmt: skip


def cells(row: ReportRow, status_labels: dict) -> list:
    until = row.expires_on.isoformat() if isinstance(row.expires_on, date) else ""
    values = [
        row.employee_no, row.name, row.department, row.team, row.manager, row.certification,
        str(status_labels.get(row.status, row.status)), until, row.percent, row.code or "",
        row.standards_version or "",
    ]  # fmt: skip
    return [neutralise(value) for value in values]


def csv_stream(preamble: list[list[str]], rows: Iterable[ReportRow], labels: dict) -> Iterator[str]:
    """The CSV in pieces: a BOM (so Excel reads the Arabic as UTF-8), the filters and time, a
    blank line, the header, then the rows as they are read."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    for line in preamble:
        writer.writerow([neutralise(value) for value in line])
    writer.writerow([])
    writer.writerow(header_row())
    for row in rows:
        writer.writerow(cells(row, labels))
        if buffer.tell() >= FLUSH_BYTES:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def xlsx_file(preamble: list[list[str]], rows: Iterable[ReportRow], labels: dict):
    """The workbook in a temporary file (rewound), written row by row."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Certification"))
    for line in preamble:
        sheet.append([neutralise(value) for value in line])
    sheet.append([])
    sheet.append(header_row())
    for row in rows:
        sheet.append(cells(row, labels))
    output = tempfile.TemporaryFile()  # noqa: SIM115 (handed to the response, which closes it)
    workbook.save(output)
    output.seek(0)
    return output
