"""People CSV files that are wrong in every way are refused cleanly, whole."""

from sqlalchemy import func, select

from app.extensions import db
from app.people import services
from app.people.models import User

HEADER = "employee_no,email,name_en,role,hire_date\n"


def _import(raw: bytes):
    report = services.import_people(raw, actor=None, default_locale="ar")
    db.session.rollback()
    return report


def test_hundred_thousand_rows_with_one_bad_row_write_nothing(app):
    rows = [f"E{n},a{n}@khidma.example,A {n},agent,2025-01-01\n" for n in range(100_000)]
    rows[99_998] = "E99998,not-an-email,A,agent,2025-01-01\n"
    report = _import((HEADER + "".join(rows)).encode())
    assert [(e.row, e.column) for e in report.errors] == [(100_000, "email")]
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_wrong_encoding_missing_columns_and_ragged_rows(app):
    assert "UTF-8" in _import(HEADER.encode("utf-16")).errors[0].message
    report = _import(b"name_en,role\nA,agent\n")
    assert {e.column for e in report.errors} >= {"employee_no", "email", "hire_date"}
    ragged = _import((HEADER + "E1,a@khidma.example,A,agent,2025-01-01,extra,cells\n").encode())
    assert [(e.row, e.message) for e in ragged.errors] == [(2, "more cells than columns")]
    assert _import(b"").errors[0].message == "the file is empty"
    assert _import(b"\x00\x01\x02binary").errors
