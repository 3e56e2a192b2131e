"""Importing KPI figures from CSV: every row checked, every problem reported with its row and
column, and nothing written unless the whole file is valid."""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from app import clock, uploads
from app.audit import services as audit
from app.extensions import db
from app.people.importer import RowError, decode
from app.people.models import User
from app.standards import definitions, services
from app.standards.models import KpiUpload, KpiValue

COLUMNS = ("employee_no", "metric", "period_start", "period_end", "value")
MAX_ROWS = 100_000


def N_(message: str) -> str:
    """Marks a message for translation; the page translates it when it shows it."""
    return message


@dataclass(frozen=True)
class KpiRow:
    row: int
    user_id: int
    metric: str
    period_start: date
    period_end: date
    value: float


@dataclass
class KpiReport:
    rows: list[KpiRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    added: int = 0
    replaced: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _number(text: str) -> float | None:
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


class _RowChecker:
    """Checks one data row against the known people and metrics."""

    def __init__(self, people: dict[str, int], metrics: dict[str, dict]):
        self.people, self.metrics = people, metrics
        self.seen: dict[tuple, int] = {}

    def check(self, number: int, cells: dict[str, str], errors: list[RowError]) -> KpiRow | None:
        before = len(errors)

        def err(column, template, **params):
            errors.append(RowError(number, column, template, params))

        user_id = self.people.get(cells["employee_no"])
        if user_id is None:
            err("employee_no", N_("unknown employee number %(value)s"), value=cells["employee_no"])
        metric = self.metrics.get(cells["metric"])
        if metric is None:
            known = ", ".join(sorted(self.metrics))
            err("metric", N_("unknown metric %(value)s (known: %(known)s)"),
                value=cells["metric"], known=known)  # fmt: skip
        start, end = _date(cells["period_start"]), _date(cells["period_end"])
        for column, value in (("period_start", start), ("period_end", end)):
            if value is None:
                err(column, N_("not a date (YYYY-MM-DD): %(value)s"), value=cells[column])
        if start and end and end < start:
            err("period_end", N_("the period ends before it starts"))
        value = _number(cells["value"])
        if value is None:
            err("value", N_("not a number: %(value)s"), value=cells["value"])
        elif value < 0 or (metric and metric["unit"] == "percent" and value > 100):
            err("value", N_("out of range: %(value)s"), value=cells["value"])
        if len(errors) > before:
            return None
        key = (user_id, metric["id"], start, end)
        if key in self.seen:
            err("period_start", N_("same employee, metric and period as row %(row)s"),
                row=self.seen[key])  # fmt: skip
            return None
        self.seen[key] = number
        return KpiRow(number, user_id, metric["id"], start, end, value)


def check_kpi_csv(raw: bytes) -> KpiReport:
    """Parse and validate a KPI file against the people and the current metrics; writes
    nothing."""
    report = KpiReport()
    try:
        text = decode(raw)
    except ValueError as exc:
        template = N_("the file is not UTF-8 text (byte %(byte)s)")
        report.errors.append(RowError(1, "-", template, {"byte": exc.args[0]}))
        return report
    reader = csv.DictReader(io.StringIO(text))
    header = [(name or "").strip().lower() for name in (reader.fieldnames or [])]
    missing = [column for column in COLUMNS if column not in header]
    if missing:
        template = N_("missing column(s): %(columns)s")
        report.errors.append(RowError(1, "-", template, {"columns": ", ".join(missing)}))
        return report
    reader.fieldnames = header
    checker = _RowChecker(_employee_ids(), definitions.metrics_of(definitions.current_version()))
    for number, record in enumerate(reader, start=2):
        if number - 1 > MAX_ROWS:
            report.errors.append(RowError(number, "-", N_("too many rows"), {}))
            break
        cells = {column: (record.get(column) or "").strip() for column in COLUMNS}
        if not any(cells.values()):
            continue
        row = checker.check(number, cells, report.errors)
        if row is not None:
            report.rows.append(row)
    if not report.rows and not report.errors:
        report.errors.append(RowError(2, "-", N_("the file has no data rows"), {}))
    return report


def _employee_ids() -> dict[str, int]:
    return dict(db.session.execute(select(User.employee_no, User.id)).all())


def import_kpis(raw: bytes, *, actor: User | None, upload: KpiUpload | None = None) -> KpiReport:
    """Store every row of a valid file (a figure for a period already imported is replaced)
    and refresh the statuses of the agents concerned. Writes nothing when any row is bad; the
    caller commits on success and rolls back otherwise."""
    report = check_kpi_csv(raw)
    if not report.ok:
        return report
    existing = _existing_values(report.rows)
    now = clock.now()
    for row in report.rows:
        key = (row.user_id, row.metric, row.period_start, row.period_end)
        kpi = existing.get(key)
        if kpi is None:
            kpi = KpiValue(user_id=row.user_id, metric=row.metric, period_start=row.period_start,
                           period_end=row.period_end)  # fmt: skip
            db.session.add(kpi)
            report.added += 1
        else:
            report.replaced += 1
        kpi.value, kpi.imported_at = row.value, now
        kpi.import_id = upload.id if upload else None
    audit.record("kpis_imported", "kpi_import", upload.id if upload else "cli", actor=actor,
                 after={"added": report.added, "replaced": report.replaced})  # fmt: skip
    db.session.flush()
    services.recompute_statuses(sorted({row.user_id for row in report.rows}))
    return report


def _existing_values(rows: list[KpiRow]) -> dict[tuple, KpiValue]:
    keys = {(r.user_id, r.metric, r.period_start, r.period_end) for r in rows}
    user_ids = sorted({r.user_id for r in rows})
    ends = sorted({r.period_end for r in rows})
    query = select(KpiValue).where(KpiValue.user_id.in_(user_ids), KpiValue.period_end.in_(ends))
    found = {}
    for kpi in db.session.scalars(query):
        key = (kpi.user_id, kpi.metric, kpi.period_start, kpi.period_end)
        if key in keys:
            found[key] = kpi
    return found


def stage_kpi_upload(raw: bytes, filename: str, rows: int, *, actor: User) -> KpiUpload:
    """Keep an uploaded file until it is confirmed after the preview."""
    return uploads.stage_upload(KpiUpload, raw, filename, actor=actor, rows=rows)


def apply_kpi_upload(token: str, *, actor: User) -> KpiReport | None:
    """Import a staged file once; None when the token is unknown, used or someone else's."""
    upload = uploads.open_upload(KpiUpload, token, actor=actor)
    if upload is None:
        return None
    report = import_kpis(upload.content, actor=actor, upload=upload)
    if report.ok:
        upload.applied_at = clock.now()
    return report
