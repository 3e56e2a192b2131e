"""CSV and XLSX exports of the certification report, honouring its filters (the writing itself,
clean and streamed, is app/exports)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime

from flask_babel import gettext as _

from app import exports
from app.certification.report import ReportFilter, ReportRow

FILTER_KEYS = ("certification_id", "status", "department_id", "team_id", "manager_id")


def header_row() -> list[str]:
    return [
        _("Employee number"), _("Name"), _("Department"), _("Team"), _("Manager"),
        _("Certification"), _("Status"), _("Certified until"), _("Progress (%)"),
        _("Verification code"), _("Standards version"),
    ]  # fmt: skip


def cells(row: ReportRow, status_labels: dict) -> list:
    return [
        row.employee_no, row.name, row.department, row.team, row.manager, row.certification,
        str(status_labels.get(row.status, row.status)), row.expires_on or "", row.percent,
        row.code or "", row.standards_version or "",
    ]  # fmt: skip


def table(rows: Iterable[ReportRow], labels: dict) -> Iterator[list]:
    return (cells(row, labels) for row in rows)


def csv_stream(rows: Iterable[ReportRow], labels: dict) -> Iterator[str]:
    """The CSV in pieces: the header first, then the rows as they are read."""
    return exports.csv_stream(header_row(), table(rows, labels))


def xlsx_file(about: list[list[str]], rows: Iterable[ReportRow], labels: dict, rtl: bool):
    """The report on the first sheet, its title, time and filters on the second."""
    return exports.xlsx_file(_("Certification"), header_row(), table(rows, labels), about=about,
                             about_title=_("Report"), rtl=rtl)  # fmt: skip


def file_name(flt: ReportFilter, codes: dict, now: datetime, extension: str) -> str:
    """certification-report, then each filter as key-value (ids and codes, not names)."""
    parts = []
    for key in FILTER_KEYS:
        value = getattr(flt, key)
        if value:
            parts.append(f"{key.removesuffix('_id')}-{codes.get(key, {}).get(value, value)}")
    if flt.older_version:
        parts.append("older-version")
    return exports.file_name("certification-report", parts, now, extension)
