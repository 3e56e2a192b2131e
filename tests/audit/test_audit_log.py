"""The audit log: pages of entries, and the CSV export an administrator opens in a spreadsheet."""

import csv
import io
from datetime import UTC, date, datetime

import pytest
from openpyxl import load_workbook

from app.audit import services as audit
from app.extensions import db


def _entries(count: int, actor=None) -> None:
    for n in range(count):
        audit.record("person_updated", "user", n, actor=actor, before={"name_ar": "ريم"},
                     after={"name_ar": f"ريم {n}"})  # fmt: skip
    db.session.commit()


def _rows(html: str) -> int:
    return html.split("<tbody>")[1].split("</tbody>")[0].count("<tr>")


def test_the_log_comes_in_pages_of_fifty(client, login_as):
    login_as("admin")
    _entries(120)
    first = client.get("/admin/audit").get_data(as_text=True)
    assert _rows(first) == 50
    assert 'href="/admin/audit?page=3"' in first
    third = client.get("/admin/audit?page=3").get_data(as_text=True)
    assert _rows(third) == 20 + 1  # the 120 entries plus the admin's own creation


def test_csv_export_has_the_header_first_iso_times_and_readable_changes(
    client, login_as, app, monkeypatch
):
    admin = login_as("admin", name_en="Abdulrahman")
    monkeypatch.setitem(app.config, "FIXED_NOW", datetime(2026, 12, 1, 7, 30, tzinfo=UTC))
    audit.record("certificate_revoked", "certificate", 7, actor=admin, before={"status": "valid"},
                 after={"status": "revoked", "reason": "نسخ الإجابات"}, reason="=cmd|' /C calc'")  # fmt: skip
    db.session.commit()
    response = client.get("/admin/audit.csv?action=certificate_revoked")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=audit-log_certificate-revoked_2026-12-01T1030.csv"
    )
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0] == ["When", "Who", "Action", "Object", "Object id", "Changes", "Reason"]
    [row] = rows[1:]
    assert datetime.fromisoformat(row[0]).utcoffset().total_seconds() == 3 * 3600  # local, ISO
    assert row[1:5] == ["Abdulrahman", "Certificate revoked", "Certificate: deleted (#7)", "7"]
    assert row[5] == "Status: Valid → Revoked; Reason: نسخ الإجابات"
    assert row[6] == "'=cmd|' /C calc'"


def _hr_with_entries(login_as, app, monkeypatch):
    hr = login_as("hr", name_ar="أمل", name_en="Amal", locale="ar")
    monkeypatch.setitem(app.config, "FIXED_NOW", datetime(2026, 12, 1, 7, 30, tzinfo=UTC))
    audit.record("assignment_due_date_changed", "assignment", 12, actor=hr,
                 before={"due_date": date(2026, 12, 10)}, after={"due_date": date(2026, 12, 24)})  # fmt: skip
    audit.record("role_changed", "user", hr.id, actor=hr, before={"role": "agent"},
                 after={"role": "manager"})  # fmt: skip
    db.session.commit()
    return hr


def test_hr_reads_the_log_in_arabic_with_field_old_and_new(client, login_as, app, monkeypatch):
    _hr_with_entries(login_as, app, monkeypatch)
    html = client.get("/admin/audit").get_data(as_text=True)
    assert "تغيّر الموعد النهائي" in html and "تغيّر الدور" in html
    assert "الدور: <bdi>موظف خدمة</bdi> → <bdi>مشرف</bdi>" in html
    assert 'id="export-xlsx"' in html and 'id="export-csv"' in html


def test_hr_exports_the_log_as_a_right_to_left_workbook(client, login_as, app, monkeypatch):
    hr = _hr_with_entries(login_as, app, monkeypatch)
    response = client.get(f"/admin/audit.xlsx?action=role_changed&actor={hr.id}&since=2026-11-01")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == (
        f"attachment; filename=audit-log_role-changed_actor-{hr.id}_from-2026-11-01"
        "_2026-12-01T1030.xlsx"
    )
    book = load_workbook(io.BytesIO(response.data))
    entries, about = book.worksheets
    assert entries.sheet_view.rightToLeft and about.sheet_view.rightToLeft
    rows = [list(row) for row in entries.iter_rows(values_only=True)]
    assert rows[0] == ["الوقت", "المنفّذ", "الإجراء", "العنصر", "معرّف العنصر", "التغييرات", "السبب"]
    [row] = rows[1:]
    assert datetime.fromisoformat(row[0]).utcoffset().total_seconds() == 3 * 3600
    assert row[1:5] == ["أمل", "تغيّر الدور", "الشخص: أمل", str(hr.id)]
    assert row[5] == "الدور: موظف خدمة → مشرف"
    about_rows = [list(r) for r in about.iter_rows(values_only=True)]
    assert about_rows[0][0] == "سجل التدقيق"
    assert ["الإجراء", "تغيّر الدور"] in about_rows and ["من", "2026-11-01"] in about_rows
    assert ["المنفّذ", "أمل"] in about_rows


def test_exported_dates_in_changes_stay_iso(client, login_as, app, monkeypatch):
    _hr_with_entries(login_as, app, monkeypatch)
    response = client.get("/admin/audit.csv?action=assignment_due_date_changed")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[1][5].endswith(": 2026-12-10 → 2026-12-24")


@pytest.mark.parametrize("role", ["agent", "manager"])
def test_agents_and_managers_do_not_read_the_log(client, login_as, role):
    login_as(role)
    for path in ("/admin/audit", "/admin/audit.csv", "/admin/audit.xlsx"):
        assert client.get(path).status_code == 403
