"""A new standards version asks every active agent to acknowledge it; edits do not."""

import csv
import io
from zoneinfo import ZoneInfo

from openpyxl import load_workbook
from sqlalchemy import func, select

from app.content.services import sync_content
from app.extensions import db
from app.notifications.models import Notification
from app.standards import services
from app.standards.models import Acknowledgement
from tests.standards.conftest import write_standards


def _asked() -> list[int]:
    query = select(Notification.user_id).where(Notification.kind == "standards_published")
    return sorted(db.session.scalars(query))


def _sync(root):
    report = sync_content(root)
    db.session.commit()
    return report


def test_only_a_new_version_asks_for_acknowledgement(standards_root, now, make_user):
    agent = make_user("agent")
    make_user("agent", active=False)
    make_user("manager")
    assert _sync(standards_root).new_standards_version == "2026.1"
    assert _asked() == [agent.id]
    (standards_root / "standards" / "standards.yaml").write_text(
        (standards_root / "standards" / "standards.yaml")
        .read_text()
        .replace("We answer promptly.", "We answer promptly, always.")
    )  # an edit of the same version
    report = _sync(standards_root)
    assert report.changed and report.new_standards_version is None
    assert _asked() == [agent.id]
    write_standards(standards_root, version="2026.2", published="2026-03-01")
    _sync(standards_root)
    assert services.current_version().version == "2026.2"
    assert _asked() == [agent.id, agent.id]


def test_banner_until_the_agent_acknowledges(synced, client, login, make_user):
    agent = make_user("agent")
    login(agent)
    home = client.get("/").get_data(as_text=True)
    assert 'id="standards-banner"' in home and "2026.1" in home
    page = client.get("/standards/acknowledge").get_data(as_text=True)
    assert "We restate what the customer said." in page and 'id="standards-banner"' not in page
    assert client.post("/standards/acknowledge", data={}).status_code == 200  # box not ticked
    assert not services.acknowledged_current([agent.id])
    response = client.post("/standards/acknowledge", data={"confirm": "y"})
    assert response.status_code == 302
    assert services.acknowledged_current([agent.id]) == {agent.id}
    assert 'id="standards-banner"' not in client.get("/").get_data(as_text=True)
    client.post("/standards/acknowledge", data={"confirm": "y"})  # twice records it once
    assert db.session.scalar(select(func.count(Acknowledgement.id))) == 1


def test_acknowledge_page_in_arabic(synced, client, login, make_user):
    login(make_user("agent", locale="ar"))
    page = client.get("/standards/acknowledge").get_data(as_text=True)
    assert "نعيد صياغة ما قاله العميل." in page and 'dir="rtl"' in page


def test_managers_get_no_banner(synced, client, login, make_user):
    login(make_user("manager"))
    assert 'id="standards-banner"' not in client.get("/").get_data(as_text=True)


def test_hr_sees_who_has_and_has_not_acknowledged(team, client, login, make_user):
    done, pending = team["agents"]
    services.acknowledge_standards(done, services.current_version())
    db.session.commit()
    login(make_user("hr"))
    page = client.get("/standards/acknowledgements").get_data(as_text=True)
    assert f'data-user="{done.id}" data-acknowledged="yes"' in page
    assert f'data-user="{pending.id}" data-acknowledged="no"' in page
    assert f'data-user="{team["stranger"].id}"' in page
    team_id = done.team_id
    filtered = client.get(f"/standards/acknowledgements?team={team_id}&state=pending")
    html = filtered.get_data(as_text=True)
    assert f'data-user="{pending.id}"' in html
    assert f'data-user="{done.id}"' not in html and f'data-user="{team["stranger"].id}"' not in html
    department = client.get(f"/standards/acknowledgements?department={done.department_id}")
    assert f'data-user="{done.id}"' in department.get_data(as_text=True)


def test_hr_exports_the_acknowledgements_as_csv_and_xlsx(team, client, login, make_user, now):
    done, pending = team["agents"]
    services.acknowledge_standards(done, services.current_version())
    db.session.commit()
    login(make_user("hr", locale="ar"))
    response = client.get(f"/standards/acknowledgements.csv?team={done.team_id}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith(
        "attachment; filename=standards-acknowledgements_version-2026-1_team-own_"
    )
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0] == ["الرقم الوظيفي", "الاسم", "الفريق", "تم الإقرار", "وقت الإقرار"]
    by_number = {row[0]: row for row in rows[1:]}
    assert set(by_number) == {done.employee_no, pending.employee_no}
    assert by_number[done.employee_no][4] == (
        db.session.scalar(select(Acknowledgement.acknowledged_at))
        .astimezone(ZoneInfo("Asia/Riyadh"))
        .isoformat()
    )
    assert by_number[pending.employee_no][3:] == ["ليس بعد", ""]
    pending_only = client.get("/standards/acknowledgements.xlsx?state=pending")
    book = load_workbook(io.BytesIO(pending_only.data))
    sheet = book.worksheets[0]
    assert sheet.sheet_view.rightToLeft
    numbers = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert set(numbers) == {pending.employee_no, team["stranger"].employee_no}
    assert ["النسخة", "2026.1"] in [list(r) for r in book.worksheets[1].iter_rows(values_only=True)]


def test_only_hr_and_admins_export_acknowledgements(team, client, login, make_user):
    for person, expected in ((team["manager"], 403), (team["agents"][0], 403)):
        login(person)
        assert client.get("/standards/acknowledgements.csv").status_code == expected
        client.post("/logout")
