import html
import io

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.extensions import db
from app.people import services
from app.people.models import User

HEADER = "employee_no,email,name_ar,name_en,role,hire_date,department,team,locale,active\n"


def _count() -> int:
    return db.session.scalar(select(func.count(User.id)))


def _import(text: str, bom: bool = False):
    raw = (("\ufeff" if bom else "") + text).encode("utf-8")
    report = services.import_people(raw, actor=None, default_locale="ar")
    if report.ok:
        db.session.commit()
    else:
        db.session.rollback()
    return report


def test_import_creates_then_updates_by_employee_number(app, make_team):
    team = make_team(code="care-a")
    first = _import(
        HEADER
        + "E1,noura@khidma.example,نورة,Noura,agent,2026-11-20,care,care-a,ar,yes\n"
        + "E2,fahad@khidma.example,فهد,Fahad,agent,2026-11-21,,,en,\n",
        bom=True,
    )
    assert first.ok, first.errors
    assert sorted(first.created) == ["E1", "E2"]
    noura = db.session.scalar(select(User).where(User.employee_no == "E1"))
    assert noura.name_ar == "نورة" and noura.team_id == team.id
    assert noura.department_id == team.department_id

    second = _import(
        HEADER
        + "E1,noura@khidma.example,نورة,Noura Q,agent,2026-11-20,care,care-a,ar,yes\n"
        + "E2,fahad@khidma.example,فهد,Fahad,agent,2026-11-21,,,en,\n"
    )
    assert second.updated == ["E1"] and second.unchanged == 1 and not second.created
    assert _count() == 2
    change = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "person_updated"))
    assert change.before == {"name_en": "Noura"} and change.after == {"name_en": "Noura Q"}


def test_any_bad_row_means_nothing_is_written(app):
    report = _import(
        HEADER
        + "E1,ok@khidma.example,نورة,Noura,agent,2026-11-20,,,ar,yes\n"
        + "E2,not-an-email,فهد,Fahad,boss,20-11-2026,nowhere,,fr,maybe\n"
        + ",,,,agent,2026-11-20,,,,\n"
    )
    assert not report.ok
    found = {(e.row, e.column) for e in report.errors}
    assert {(3, "email"), (3, "role"), (3, "hire_date"), (3, "department"), (3, "locale"),
            (3, "active"), (4, "employee_no"), (4, "email"), (4, "name_ar")} <= found  # fmt: skip
    assert _count() == 0


def test_duplicate_rows_and_missing_columns_are_reported(app):
    report = _import(
        HEADER
        + "E1,a@khidma.example,أ,A,agent,2026-01-01,,,,\nE1,a@khidma.example,أ,A,agent,2026-01-01,,,,\n"
    )
    assert {(e.row, e.column) for e in report.errors} == {(3, "employee_no"), (3, "email")}
    report = _import("employee_no,name_en,colour\nE1,A,red\n")
    messages = {(e.column, e.message) for e in report.errors}
    assert ("colour", "unknown column") in messages
    assert ("email", "required column is missing") in messages


def test_not_utf8_is_refused(app):
    raw = HEADER.encode() + "E1,a@khidma.example,نورة,A,agent,2026-01-01,,,,\n".encode("cp1256")
    report = services.import_people(raw, actor=None, default_locale="ar")
    assert not report.ok and "not UTF-8" in report.errors[0].message


def test_email_cannot_move_to_another_employee(app, make_user):
    make_user("agent", employee_no="E9", email="taken@khidma.example")
    report = _import(HEADER + "E1,taken@khidma.example,أ,A,agent,2026-01-01,,,,\n")
    assert [(e.row, e.column) for e in report.errors] == [(2, "email")]


def test_cli_import_reports_rows_and_writes_nothing_on_error(app, runner, tmp_dir):
    bad = tmp_dir / "people.csv"
    bad.write_text(HEADER + "E1,a@khidma.example,أ,A,agent,2026-13-01,,,,\n", encoding="utf-8")
    result = runner.invoke(args=["people", "import", str(bad)])
    assert result.exit_code != 0
    assert "row 2, column hire_date" in result.output
    assert _count() == 0
    good = tmp_dir / "good.csv"
    good.write_text(HEADER + "E1,a@khidma.example,أ,A,agent,2026-01-01,,,,\n", encoding="utf-8")
    result = runner.invoke(args=["people", "import", str(good)])
    assert result.exit_code == 0 and "1 added" in result.output


PERSON = {
    "employee_no": "E1", "email": "e1@khidma.example", "name_ar": "ريم", "name_en": "Reem",
    "role": "agent", "hire_date": "2026-01-01",
}  # fmt: skip

# Values the person form has always refused; the import let each of them through.
REFUSED_BY_THE_FORM = [
    ("employee_no", "E" * 300),
    ("name_en", "n" * 10_000),
    ("name_ar", "ريم\x00"),
    ("employee_no", "E\x001"),
    ("email", "a" * 250 + "@khidma.example"),
    ("email", "two..dots@khidma.example"),
]


@pytest.mark.parametrize(
    "column, value", REFUSED_BY_THE_FORM, ids=lambda v: v if len(v) < 20 else f"{len(v)} chars"
)
def test_import_refuses_what_the_person_form_refuses_with_the_same_message(
    client, login_as, column, value
):
    login_as("admin")
    form = client.post("/admin/people/new", data={**PERSON, column: value, "locale": "en"})
    assert f'id="{column}-errors"' in form.text, f"the form accepted {column}"
    row = {**PERSON, column: value}
    report = _import(",".join(PERSON) + "\n" + ",".join(row[name] for name in PERSON) + "\n")
    assert [(e.row, e.column) for e in report.errors] == [(2, column)]
    assert html.escape(report.errors[0].message, quote=False) in form.text
    assert _count() == 1  # the admin only


def test_preview_reports_an_over_long_cell_by_row_and_column(client, login_as):
    login_as("admin")
    text = HEADER + f"{'E' * 300},a@khidma.example,أ,A,agent,2026-01-01,,,,\n"
    page = client.post(
        "/admin/people/import", data={"file": (io.BytesIO(text.encode()), "people.csv")},
        content_type="multipart/form-data",
    ).text  # fmt: skip
    assert "Nothing will be imported" in page
    assert (
        "<td>2</td><td><code>employee_no</code></td><td>at most 40 characters (this has 300)"
        in page
    )


def test_import_refuses_bidi_controls_and_zero_width_characters_by_row_and_column(app):
    report = _import(
        HEADER
        + "E1,a@khidma.example,علي,Ali\u202egnp.exe,agent,2026-01-01,,,,\n"
        + "E2,b@khidma.example,\u200bنورة,Noura,agent,2026-01-01,,,,\n"
        + "E3\u2066,c@khidma.example,فهد,Fahad,agent,2026-01-01,,,,\n"
        + "E4,d@khidma.example,ريم,Reem,agent,2026-01-01,,,,\n"
    )
    assert [(e.row, e.column, e.message) for e in report.errors] == [
        (2, "name_en", INVISIBLE + "U+202E RIGHT-TO-LEFT OVERRIDE"),
        (3, "name_ar", INVISIBLE + "U+200B ZERO WIDTH SPACE"),
        (4, "employee_no", INVISIBLE + "U+2066 LEFT-TO-RIGHT ISOLATE"),
    ]
    assert _count() == 0


INVISIBLE = "contains an invisible, control or direction-changing character: "
