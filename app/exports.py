"""Tables written as CSV and XLSX files that open cleanly in a spreadsheet.

The first row of a CSV is its header; what the table is (title, filters, when it was made)
goes in the file name and, for XLSX, on a second sheet. Cells carry no control characters and
no invisible direction marks (which split dates and numbers in two for a spreadsheet); dates are
ISO 8601. A cell that a spreadsheet would read as a formula (= + - @, also as a full-width or
other compatibility form, or after invisible characters or spaces) is prefixed with an
apostrophe. Both formats stream: the CSV is produced row by row, the XLSX is written by
openpyxl's write-only mode to a temporary file, never held whole in memory.
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import Response, current_app, send_file, stream_with_context
from openpyxl import Workbook

from app import clock

FORMULA_STARTS = ("\t", "\r")
FORMULA_SIGNS = frozenset("=+-@")
FLUSH_BYTES = 16 * 1024
JOINERS = frozenset("\u200c\u200d")  # zero-width (non-)joiner: part of how some words are spelt
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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


def plain(text: str) -> str:
    """Text without control characters (line breaks and tabs become spaces) and without
    invisible format characters such as direction marks, isolates and zero-width spaces."""
    kept = []
    for char in text:
        category = unicodedata.category(char)
        if category == "Cc":
            kept.append(" " if char in "\t\n\r\x0b\x0c" else "")
        elif category != "Cf" or char in JOINERS:
            kept.append(char)
    return "".join(kept)


def cell(value):
    """One value as it goes into a file: dates in ISO 8601, text plain and never a formula."""
    if isinstance(value, datetime):
        value = value.replace(microsecond=0).isoformat()
    elif isinstance(value, date):
        value = value.isoformat()
    if isinstance(value, str):
        return neutralise(plain(value))
    return value


def cells(values: Iterable) -> list:
    return [cell(value) for value in values]


def csv_stream(header: list[str], rows: Iterable[Iterable]) -> Iterator[str]:
    """The CSV in pieces: a byte order mark (so a spreadsheet reads the Arabic as UTF-8), the
    header, then the rows as they are read."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(cells(header))
    for row in rows:
        writer.writerow(cells(row))
        if buffer.tell() >= FLUSH_BYTES:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def xlsx_file(sheet_title: str, header: list[str], rows: Iterable[Iterable], *,
              about: list[list] = (), about_title: str = "", rtl: bool = False):  # fmt: skip
    """The workbook in a temporary file (rewound): the table on the first sheet, header first,
    and what it is (`about`: title, filters, time) on a second sheet; right to left when rtl."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_sheet_name(sheet_title))
    sheet.sheet_view.rightToLeft = rtl
    sheet.append(cells(header))
    for row in rows:
        sheet.append(cells(row))
    if about:
        notes = workbook.create_sheet(_sheet_name(about_title or "About"))
        notes.sheet_view.rightToLeft = rtl
        for line in about:
            notes.append(cells(line))
    output = tempfile.TemporaryFile()  # noqa: SIM115 (handed to the response, which closes it)
    workbook.save(output)
    output.seek(0)
    return output


def _sheet_name(title: str) -> str:
    # A sheet name has at most 31 characters and none of []:*?/\
    return re.sub(r"[\[\]:*?/\\]", " ", plain(str(title))).strip()[:31] or "Sheet"


def local_now() -> datetime:
    """Now in the installation's time zone, to the minute: for file names and their contents."""
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    return clock.now().astimezone(zone).replace(second=0, microsecond=0)


def file_name(title: str, parts: Iterable[str], when: datetime, extension: str) -> str:
    """`title_part_part_YYYY-MM-DDTHHMM.ext`: the report and its filters, readable and safe
    on every system (ASCII letters, digits and hyphens; each part from a stable id or key)."""
    words = [_slug(title), *(_slug(part) for part in parts if part)]
    stamp = when.strftime("%Y-%m-%dT%H%M")
    return "_".join([w for w in words if w] + [stamp]) + "." + extension


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", ascii_text).strip("-").lower()[:60]


def csv_response(name: str, header: list[str], rows: Iterable[Iterable]) -> Response:
    body = stream_with_context(csv_stream(header, rows))
    response = Response(body, mimetype="text/csv; charset=utf-8")
    response.headers.set("Content-Disposition", "attachment", filename=name)
    return response


def xlsx_response(name: str, workbook_file) -> Response:
    return send_file(workbook_file, as_attachment=True, download_name=name,
                     mimetype=XLSX_MIMETYPE)  # fmt: skip
