"""The audit log names what its entries refer to: a person, a course, a team by its name in the
reader's language, never by its id; something that no longer exists reads as deleted. The page
asks for the names once per kind of reference, however many entries it shows."""

import csv
import io
from datetime import date, timedelta

import pytest
from flask_babel import force_locale
from openpyxl import load_workbook

from app import clock, references
from app.assignments.services import assign_courses
from app.audit import labels
from app.audit import services as audit
from app.courses.models import Course
from app.extensions import db
from app.people import services as people
from app.people.models import Team
from tests.query_counter import count_queries


def _course(course_id: str, ar: str, en: str) -> Course:
    course = Course(id=course_id, tier=1, title={"ar": ar, "en": en}, summary={"en": ""})
    db.session.add(course)
    db.session.commit()
    return course


@pytest.fixture
def story(make_user, make_team):
    """An admin moves Noura to another team, assigns her a course and gives that team a manager."""
    admin = make_user("admin", name_en="Abdulrahman", name_ar="عبد الرحمن")
    north, south = make_team(code="north"), make_team(code="south")
    noura = make_user("agent", team=north, name_en="Noura Al-Qahtani", name_ar="نورة القحطاني")
    khalid = make_user("manager", name_en="Khalid Al-Harbi", name_ar="خالد الحربي")
    _course("complaints", "التعامل مع الشكاوى", "Handling complaints")
    people.update_person(noura, {"team_id": south.id}, actor=admin)
    assign_courses(admin, ["complaints"], user_ids=[noura.id],
                   due_date=clock.today() + timedelta(days=14))  # fmt: skip
    people.save_team(south, {"code": "south", "manager_id": khalid.id}, actor=admin)
    db.session.commit()
    return {"noura": noura, "khalid": khalid, "north": north, "south": south}


def _row(html: str, action: str) -> str:
    return html.split(f'data-action="{action}"')[1].split("</tr>")[0]


def _no_ids(row: str, *objects) -> None:
    for obj in objects:
        assert f"<bdi>{obj.id}</bdi>" not in row and f"#{obj.id}" not in row


def test_the_arabic_page_names_people_courses_and_teams(story, client, login_as):
    login_as("hr", locale="ar")
    html = client.get("/admin/audit").get_data(as_text=True)
    moved = _row(html, "person_updated")
    assert "الشخص <bdi>نورة القحطاني</bdi>" in moved
    assert "الفريق: <bdi>فريق north</bdi> → <bdi>فريق south</bdi>" in moved
    assigned = _row(html, "assignment_created")
    assert "الشخص: <bdi>نورة القحطاني</bdi>" in assigned
    assert "الدورة: <bdi>التعامل مع الشكاوى</bdi>" in assigned
    assert "التكليف <bdi>التعامل مع الشكاوى لـ نورة القحطاني</bdi>" in assigned
    team = _row(html, "team_saved")
    assert "الفريق <bdi>فريق south</bdi>" in team and "<bdi>خالد الحربي</bdi>" in team
    for row in (moved, assigned, team):
        _no_ids(row, story["noura"], story["khalid"], story["north"], story["south"])


def test_the_english_page_names_them_in_english(story, client, login_as):
    login_as("hr", locale="en")
    html = client.get("/admin/audit").get_data(as_text=True)
    moved = _row(html, "person_updated")
    assert "Person <bdi>Noura Al-Qahtani</bdi>" in moved
    assert "Team: <bdi>Team north</bdi> → <bdi>Team south</bdi>" in moved
    assigned = _row(html, "assignment_created")
    assert "Person: <bdi>Noura Al-Qahtani</bdi>" in assigned
    assert "Course: <bdi>Handling complaints</bdi>" in assigned
    assert "Assignment <bdi>Handling complaints for Noura Al-Qahtani</bdi>" in assigned
    team = _row(html, "team_saved")
    assert "Manager: <bdi>—</bdi> → <bdi>Khalid Al-Harbi</bdi>" in team
    for row in (moved, assigned, team):
        _no_ids(row, story["noura"], story["khalid"], story["north"], story["south"])


def test_the_csv_export_names_them(story, client, login_as):
    login_as("admin", locale="en")
    response = client.get("/admin/audit.csv")
    rows = {row[2]: row for row in csv.reader(io.StringIO(response.data.decode("utf-8-sig")))}
    assert rows["Person updated"][3] == "Person: Noura Al-Qahtani"
    assert rows["Person updated"][5].startswith("Team: Team north → Team south")
    assert rows["Course assigned"][3] == "Assignment: Handling complaints for Noura Al-Qahtani"
    assert rows["Course assigned"][5].startswith(
        "Person: Noura Al-Qahtani; Course: Handling complaints; Due date: "
    )
    assert rows["Team saved"][3] == "Team: Team south"
    assert rows["Team saved"][5] == "Manager: — → Khalid Al-Harbi"


def test_the_workbook_names_them_in_arabic(story, client, login_as):
    login_as("hr", locale="ar")
    response = client.get("/admin/audit.xlsx")
    entries = load_workbook(io.BytesIO(response.data)).worksheets[0]
    rows = {row[2]: row for row in entries.iter_rows(values_only=True)}
    moved = rows["عُدِّلت بيانات شخص"]
    assert moved[3] == "الشخص: نورة القحطاني"
    assert moved[5].startswith("الفريق: فريق north → فريق south")
    assigned = rows["كُلِّف موظف بدورة"]
    assert assigned[5].startswith("الشخص: نورة القحطاني; الدورة: التعامل مع الشكاوى; ")
    assert rows["حُفظ فريق"][5] == "مشرف: — → خالد الحربي"


@pytest.mark.parametrize("locale, deleted", [("en", "deleted"), ("ar", "محذوف")])
def test_a_reference_to_something_gone_reads_as_deleted(make_team, client, login_as, locale,
                                                        deleted):  # fmt: skip
    team = make_team(code="closed")
    admin = login_as("admin", locale=locale, name_en="Huda", name_ar="هدى")
    audit.record("team_saved", "team", team.id, actor=admin, before={"manager_id": 987654},
                 after={"manager_id": admin.id})  # fmt: skip
    db.session.delete(team)
    db.session.commit()
    html = client.get("/admin/audit?action=team_saved").get_data(as_text=True)
    row = _row(html, "team_saved")
    assert f"<bdi>{deleted} (#{team.id})</bdi></td>" in row
    assert f": <bdi>{deleted} (#987654)</bdi> → <bdi>{admin.name(locale)}</bdi>" in row


def _grow(make_user, make_team, admin, count: int) -> None:
    """Entries that each name other people, teams and courses: a person added to a new team
    (its manager named too) and a new course assigned to them."""
    for _n in range(count):
        manager = make_user("manager", password=None)
        team = make_team(code=f"t{manager.id}", manager=manager)
        agent = make_user("agent", team=team, password=None)
        course = _course(f"c{agent.id}", f"دورة {agent.id}", f"Course {agent.id}")
        assign_courses(admin, [course.id], user_ids=[agent.id], due_date=date(2099, 1, 1))
    db.session.commit()


def _page_queries(client, entries: int) -> int:
    db.session.expire_all()  # as in a fresh request: nothing cached from the test's own queries
    with count_queries(db.engine) as counter:
        html = client.get("/admin/audit").get_data(as_text=True)
    body = html.split("<tbody>")[1].split("</tbody>")[0]
    assert body.count("<tr>") == entries
    assert "#" not in body and "Course c" not in body  # every reference found and named
    return counter.count


def test_the_page_queries_the_same_for_5_and_50_entries(make_user, make_team, client, login_as):
    admin = login_as("admin")
    make_user("agent", password=None)
    _grow(make_user, make_team, admin, 1)  # the admin, an agent, then 3 entries per round
    few = _page_queries(client, 5)
    _grow(make_user, make_team, admin, 15)
    assert db.session.scalar(db.select(db.func.count()).select_from(Team)) == 16
    many = _page_queries(client, 50)
    assert few == many


def test_every_namer_runs_once_and_finds_nothing_missing(app):
    """Each registered namer answers for ids that were never there, in one query or none."""
    gathering = references.Gathering()
    keys, objects = references.reference_keys(), references.named_objects()
    for key in keys:
        gathering.add_values({key: ["424242", "gone"]})
    for object_type in objects:
        gathering.add_object(object_type, "424242")
    with app.test_request_context(), count_queries(db.engine) as counter:
        names = gathering.named("en")
        shown = {names.of_key(key, 424242) for key in keys}
        shown |= {names.of_object(object_type, "424242") for object_type in objects}
        assert shown == {references.deleted(424242)} == {"محذوف (#424242)"}
    assert 0 < counter.count <= len(keys | objects)


def test_a_long_export_names_its_entries_batch_by_batch(story, app):
    """An export reads entries in batches and names each batch while the next is unread."""
    with app.test_request_context(), force_locale("en"):
        rows = [(entry.action, labels.object_name(entry.object_type, entry.object_id, names))
                for entry, names in audit.iter_named_entries(audit.AuditFilter(), "en", batch=2)]  # fmt: skip
    assert len(rows) == 6  # three people added, a move, an assignment, a team saved
    assert ("person_updated", "Person: Noura Al-Qahtani") in rows
    assert ("assignment_created", "Assignment: Handling complaints for Noura Al-Qahtani") in rows
    assert ("team_saved", "Team: Team south") in rows
    assert not [name for _action, name in rows if "deleted" in name]
