"""The audit log: pages of entries, and the CSV export an administrator opens in a spreadsheet."""

import csv
import io
from datetime import UTC, datetime

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
    assert rows[0] == ["When", "Who", "Action", "Object", "Object id", "Before", "After", "Reason"]
    [row] = rows[1:]
    assert datetime.fromisoformat(row[0]).utcoffset().total_seconds() == 3 * 3600  # local, ISO
    assert row[1:5] == ["Abdulrahman", "certificate_revoked", "certificate", "7"]
    assert row[6] == '{"status": "revoked", "reason": "نسخ الإجابات"}'
    assert row[7] == "'=cmd|' /C calc'"


def test_only_admins_export_the_log(client, login_as):
    login_as("hr")
    assert client.get("/admin/audit.csv").status_code == 403
