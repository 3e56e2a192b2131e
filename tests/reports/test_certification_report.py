"""The HR certification report: statuses, filters, sort, pages, totals, exports, access."""

import csv
import io
import typing
import unicodedata
from datetime import date

import pytest
from openpyxl import load_workbook

from app.certification import report
from app.certification import services as certification
from app.certification.models import Certificate, Certification
from app.extensions import db
from app.reports.table import PageRow, escaped
from tests.certification.helpers import complete, travel, with_certifications
from tests.query_counter import count_queries

TODAY = date(2026, 3, 1)


@pytest.fixture
def company(app, content_root, make_user, make_team, make_department, monkeypatch):
    """Two teams in two departments and agents in every status of "starter" on TODAY."""
    with_certifications(content_root)
    care, tech = make_department(), make_department("tech", "Technical", "الدعم")
    m1, m2 = make_user("manager", name_en="Maha"), make_user("manager", name_en="Majed")
    team_a, team_b = (
        make_team("a", manager=m1, department=care),
        make_team("b", manager=m2, department=tech),
    )
    hire = {"hire_date": date(2020, 1, 1)}
    people = {
        "expired": make_user("agent", team=team_a, name_en="Bader expired", **hire),
        "expiring": make_user("agent", team=team_a, name_en="Dana expiring", **hire),
        "certified": make_user("agent", team=team_b, name_en="Fadi certified", **hire),
        "revoked": make_user("agent", team=team_b, name_en="Hala revoked", **hire),
        "in_progress": make_user("agent", team=team_a, name_en="Jood in progress", **hire),
        "not_started": make_user("agent", team=team_b, name_en='=HYPERLINK("http://x")', **hire),
    }
    for key, day in (("expired", date(2025, 1, 1)), ("expiring", date(2025, 3, 15)),
                     ("certified", TODAY), ("revoked", TODAY)):  # fmt: skip
        travel(monkeypatch, app, day)
        complete(people[key], "basics")
        complete(people[key], "talking")
    complete(people["in_progress"], "basics")
    travel(monkeypatch, app, TODAY)
    certification.evaluate_all_agents()
    revoked = db.session.query(Certificate).filter_by(user_id=people["revoked"].id).one()
    certification.revoke_certificate(make_user("hr"), revoked, "Copied answers")
    db.session.commit()
    return {"people": people, "m1": m1, "m2": m2, "team_a": team_a, "care": care}


def _statuses(html: str) -> dict[int, str]:
    found = {}
    for part in html.split('<tr data-user="')[1:]:
        user_id, rest = part.split('"', 1)
        found[int(user_id)] = rest.split('data-status="')[1].split('"')[0]
    return found


def test_hr_sees_every_status_for_every_agent(company, client, login_as):
    login_as("hr")
    html = client.get("/certification/report?certification_id=starter").get_data(as_text=True)
    people = company["people"]
    assert _statuses(html) == {user.id: key for key, user in people.items()}
    totals = html.split('id="status-totals"')[1]
    for status in report.STATUSES:
        assert f'<tr data-status="{status}">' in totals
    assert "style=" not in html.split("<main")[1]
    chart = html.split('id="status-chart"')[1].split("</figure>")[0]
    assert 'role="img"' in chart and chart.count("<rect") == len(report.STATUSES)
    assert '<title id="status-chart-title">Certification status totals</title>' in chart
    desc = chart.split('<desc id="status-chart-desc">')[1].split("</desc>")[0]
    assert "Certified: 1; Expiring within 30 days: 1; Expired: 1; Revoked: 1" in desc
    everything = client.get("/certification/report").get_data(as_text=True)
    assert "18 rows" in everything  # 6 agents x 3 certifications


def test_each_reader_sees_the_status_labels_in_their_own_language_turn_by_turn(
    company, client, make_user, login
):
    """The labels are translated once per language and kept: readers of the two languages
    taking turns each see their own, in the totals, the chart and the export."""
    readers = {"en": make_user("hr", locale="en"), "ar": make_user("hr", locale="ar")}
    words = {"en": ("Certified", "Expiring within 30 days"), "ar": ("معتمد", "تنتهي خلال 30 يومًا")}
    for locale in ("en", "ar", "en", "ar"):
        other = "ar" if locale == "en" else "en"
        login(readers[locale])
        html = client.get("/certification/report?certification_id=starter").get_data(as_text=True)
        totals = html.split('id="status-totals"')[1].split("</table>")[0]
        chart = html.split('<desc id="status-chart-desc">')[1].split("</desc>")[0]
        exported = client.get("/reports/certification.csv?certification_id=starter")
        text = exported.data.decode("utf-8-sig")
        for part in (totals, chart, text):
            assert all(word in part for word in words[locale]), (locale, part[:300])
            assert not any(word in part for word in words[other]), (locale, part[:300])
        client.post("/logout")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=expiring", {"expiring"}),
        ("status=in_progress", {"in_progress"}),
        ("team_id={team_a}", {"expired", "expiring", "in_progress"}),
        ("department_id={care}", {"expired", "expiring", "in_progress"}),
        ("manager_id={m2}", {"certified", "revoked", "not_started"}),
        ("status=not_started&manager_id={m2}", {"not_started"}),
    ],
)
def test_filters(company, client, login_as, query, expected):
    login_as("hr")
    url = "/certification/report?certification_id=starter&" + query.format(
        team_a=company["team_a"].id, care=company["care"].id, m2=company["m2"].id
    )
    ids = set(_statuses(client.get(url).get_data(as_text=True)))
    assert ids == {company["people"][key].id for key in expected}


def test_sort_and_pages(company, client, login_as, monkeypatch):
    login_as("hr")
    html = client.get(
        "/certification/report?certification_id=starter&sort=until&descending=1"
    ).get_data(as_text=True)
    order = list(_statuses(html).values())
    assert order[:4] == ["certified", "revoked", "expiring", "expired"] or order[:4] == [
        "revoked", "certified", "expiring", "expired",
    ]  # fmt: skip
    monkeypatch.setattr(report, "PER_PAGE", 4)
    first = _statuses(
        client.get("/certification/report?certification_id=starter").get_data(as_text=True)
    )
    second = _statuses(
        client.get("/certification/report?certification_id=starter&page=2").get_data(as_text=True)
    )
    assert len(first) == 4 and len(second) == 2 and not set(first) & set(second)


@pytest.mark.parametrize("separator", ["", "\x1f"])
def test_every_cell_shows_what_was_stored_as_text_never_as_markup(
    company, client, login_as, separator
):
    """Names, codes, titles and versions stored before the forms checked them (a direct
    import, an older version) are shown as the text they are, in every cell of the report's
    rows; a control character in one of them changes nothing for the others."""
    people = company["people"]
    agent, team = people["in_progress"], company["team_a"]
    agent.name_en = f'<script>alert("x")</script>{separator} & Jood'
    agent.employee_no = "E<7>"
    team.name_en = 'Care "A" <b>team</b>'
    company["care"].name_en = "<i>Care</i>"
    company["m1"].name_en = "Maha <u>M</u>"
    db.session.get(Certification, "starter").title = {"en": "<em>Starter</em>", "ar": "مبتدئ"}
    held = db.session.query(Certificate).filter_by(user_id=people["certified"].id).one()
    held.standards_version = "<s>2026.1</s>"
    db.session.commit()
    login_as("hr")
    html = client.get("/certification/report?certification_id=starter").get_data(as_text=True)
    row = html.split(f'<tr data-user="{agent.id}"')[1].split("</tr>")[0]
    for markup in ("<script>", "<b>", "<i>", "<u>", "<em>", "<s>"):
        assert markup not in html.split('id="report"')[1], markup
    assert (
        f"<bdi>&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;{separator} &amp; Jood</bdi>" in row
    )
    assert "<bdi>E&lt;7&gt;</bdi>" in row
    assert "<bdi>Care &#34;A&#34; &lt;b&gt;team&lt;/b&gt;</bdi>" in row
    assert (
        "<bdi>&lt;i&gt;Care&lt;/i&gt;</bdi>" in row
        and "<bdi>Maha &lt;u&gt;M&lt;/u&gt;</bdi>" in row
    )
    assert "<td>&lt;em&gt;Starter&lt;/em&gt;</td>" in row
    assert "◐ In progress: 50%</span>" in row
    certified = html.split(f'<tr data-user="{people["certified"].id}"')[1].split("</tr>")[0]
    assert "<td>&lt;s&gt;2026.1&lt;/s&gt;" in certified
    assert _statuses(html) == {user.id: key for key, user in people.items()}


def test_every_text_of_a_row_is_escaped_whatever_field_holds_it():
    """The table's rows are placed with autoescaping off: every field that holds text, a
    field added later included, comes out escaped."""
    kinds = typing.get_type_hints(PageRow)
    texts = [name for name, kind in kinds.items() if kind is str and name != "status"]
    row = PageRow(**{name: 7 if kind is int else False if kind is bool else f'<{name}>&"'
                     for name, kind in kinds.items()} | {"status": "certified"})  # fmt: skip
    assert len(texts) == 10  # status is one of the report's fixed keys, never stored text
    out = escaped([row, row._replace(name="plain")])
    for name in texts:
        assert getattr(out[0], name) == f"&lt;{name}&gt;&amp;&#34;", name
    assert out[1].name == "plain" and out[1].team == "&lt;team&gt;&amp;&#34;"
    assert (out[0].user_id, out[0].percent, out[0].older) == (7, 7, False)


def _heading_link(html: str, label: str) -> str:
    """The address of the report's column heading `label`, as a browser would follow it."""
    head = html.split('id="report"')[1].split("</thead>")[0]
    link = head.split(f">{label}")[0].rsplit('<a href="', 1)[1].split('"')[0]
    return link.replace("&amp;", "&")


def test_a_column_heading_sorts_by_it_and_again_reverses_keeping_the_filters(
    company, client, login_as
):
    login_as("hr", locale="en")
    html = client.get(f"/certification/report?certification_id=starter&department_id="
                      f"{company['care'].id}").get_data(as_text=True)  # fmt: skip
    by_status = client.get(_heading_link(html, "Status")).get_data(as_text=True)
    assert list(_statuses(by_status).values()) == ["expired", "expiring", "in_progress"]
    heading = by_status.split('id="report"')[1].split("</thead>")[0]
    assert 'aria-current="true">Status ▲' in heading
    reversed_ = client.get(_heading_link(by_status, "Status")).get_data(as_text=True)
    assert list(_statuses(reversed_).values()) == ["in_progress", "expiring", "expired"]
    assert "Status ▼" in reversed_.split('id="report"')[1].split("</thead>")[0]
    again = client.get(_heading_link(reversed_, "Status")).get_data(as_text=True)
    assert list(_statuses(again).values()) == ["expired", "expiring", "in_progress"]


def _cells(html: str) -> list[tuple[int, str, str]]:
    """(person, certification, status) of each row of the report's table, in order."""
    body = html.split('id="report"')[1].split("</tbody>")[0]
    found = []
    for part in body.split('<tr data-user="')[1:]:
        user_id, rest = part.split('"', 1)
        status = rest.split('data-status="')[1].split('"')[0]
        certification = rest.split("</td>")[4].rsplit("<td>", 1)[1]
        found.append((int(user_id), certification, status))
    return found


def _every_page(client, query: str) -> list[tuple[int, str, str]]:
    found, page = [], 1
    while True:
        cells = _cells(client.get(f"/certification/report?{query}&page={page}").get_data(True))
        if not cells or (found and cells[-1] == found[-1]):
            return found
        found += cells
        page += 1


@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize(
    ("key", "only", "cells"),
    [
        ("status", "", 18),
        ("status", "&status=in_progress", 10),
        ("certification", "", 18),
        ("certification", "&status=in_progress", 10),
    ],  # fmt: skip
)
def test_sorted_by_status_or_certification_each_lists_its_cells_as_sorted_by_name(
    company, client, login_as, monkeypatch, key, only, cells, descending
):
    """Every cell once, the statuses (certifications) in order, and within one the order of
    the report sorted by name, page after page (a page may span several)."""
    login_as("hr", locale="en")
    monkeypatch.setattr(report, "PER_PAGE", 4)
    flag = ("&descending=1" if descending else "") + only
    by_name = _every_page(client, f"sort=name{flag}")
    found = _every_page(client, f"sort={key}{flag}")
    assert len(by_name) == cells and sorted(found) == sorted(by_name)
    if key == "status":
        order = sorted(report.STATUSES, reverse=descending)
        rank = lambda cell: order.index(cell[2])  # noqa: E731
    else:  # each person's cells are in the certifications' order
        order = [certification for _, certification, _ in _every_page(client, "sort=name")[:3]]
        rank = lambda cell: order.index(cell[1]) * (-1 if descending else 1)  # noqa: E731
    assert found == sorted(by_name, key=lambda cell: (rank(cell), by_name.index(cell)))
    # several parts over 3 to 5 pages; one status chosen, sorting by it is sorting by name
    ranks = len({rank(cell) for cell in found})
    assert ranks == 1 if key == "status" and only else ranks >= 3


@pytest.mark.parametrize("descending", [False, True])
def test_sorted_by_expiry_lists_certificates_by_date_then_the_rest_as_the_export_does(
    company, client, login_as, monkeypatch, descending
):
    """Sorted by the date a certificate runs to, page after page: the cells with a certificate
    first, then those without, every cell once and in the order of the export sorted the same
    way (one statement over every cell)."""
    login_as("hr", locale="en")
    monkeypatch.setattr(report, "PER_PAGE", 3)
    flag = "&descending=1" if descending else ""
    found = _every_page(client, f"sort=until{flag}")
    numbers = {user.id: user.employee_no for user in company["people"].values()}
    exported = _csv_rows(client.get(f"/reports/certification.csv?sort=until{flag}").data)[1:]
    assert [(numbers[user], title) for user, title, _ in found] == [
        (row[0], row[5]) for row in exported
    ]
    held = [status in report.HELD for _, _, status in found]
    assert len(found) == 18 and held == sorted(held, reverse=True) and 0 < sum(held) < 18
    until = [row[7] for row in exported[: sum(held)]]
    assert until == sorted(until, reverse=descending) and len(set(until)) >= 3


def _progress(html: str) -> list[str]:
    """The Progress column of the report's table, in order."""
    body = html.split('id="report"')[1].split("</tbody>")[0]
    return [row.split("</td>")[7].rsplit("<td>", 1)[1] for row in body.split("<tr data-user=")[1:]]


@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize(
    ("only", "cells", "shown"),
    [("", 21, 4), ("&status=in_progress", 12, 3), ("&status=not_started", 5, 1),
     ("&certification_id=starter", 7, 3)],
)  # fmt: skip
def test_sorted_by_progress_lists_each_progress_by_name_as_the_export_does(
    company, client, login_as, monkeypatch, make_user, descending, only, cells, shown
):
    """Sorted by progress, page after page: the Progress column in order (a certificate shows
    100% even where the certification has asked more since), every cell once and in the order
    of the export sorted the same way (one statement over every cell)."""
    people = company["people"]
    # a namesake at the same progress: the order falls back on the person
    twin = make_user("agent", team=company["team_a"], name_en="Jood in progress",
                     hire_date=date(2020, 1, 1))  # fmt: skip
    complete(twin, "basics")
    held = db.session.query(Certificate).filter_by(user_id=people["certified"].id).one()
    standing = certification.standing_of(held.user_id, held.certification_id)
    standing.percent = 50  # a requirement added after the certificate was issued
    # every requirement met, the certificate not issued yet (it waits for an acknowledgement)
    certification.standing_of(people["in_progress"].id, "quizzer").percent = 100
    db.session.commit()
    login_as("hr", locale="en")
    monkeypatch.setattr(report, "PER_PAGE", 4)
    query = f"sort=percent{only}" + ("&descending=1" if descending else "")
    found, progress, page = [], [], 1
    while True:
        html = client.get(f"/certification/report?{query}&page={page}").get_data(as_text=True)
        if not _cells(html) or (found and _cells(html)[-1] == found[-1]):
            break
        found += _cells(html)
        progress += [int(cell.rstrip("%")) for cell in _progress(html)]
        page += 1
    numbers = {user.id: user.employee_no for user in [*people.values(), twin]}
    exported = _csv_rows(client.get(f"/reports/certification.csv?{query}").data)[1:]
    assert [(numbers[user], title, str(percent)) for (user, title, _), percent
            in zip(found, progress, strict=True)] == [
        (row[0], row[5], row[8]) for row in exported
    ]  # fmt: skip
    assert len(found) == cells and len(set(found)) == cells
    assert progress == sorted(progress, reverse=descending) and len(set(progress)) == shown
    certified = [p for (user, _, _), p in zip(found, progress, strict=True) if user == held.user_id]
    assert only or 100 in certified  # its certificate, not the standing's 50%


def test_manager_sees_only_their_teams(company, client, login):
    login(company["m1"])
    html = client.get("/certification/report?certification_id=starter").get_data(as_text=True)
    assert set(_statuses(html).values()) == {"expired", "expiring", "in_progress"}
    sneaky = client.get(f"/certification/report?team_id={company['people']['certified'].team_id}")
    assert _statuses(sneaky.get_data(as_text=True)) == {}
    csv_text = client.get("/reports/certification.csv").data.decode("utf-8-sig")
    assert "Fadi certified" not in csv_text and "Dana expiring" in csv_text


def test_agents_never_see_the_report(company, client, login):
    login(company["people"]["certified"])
    for url in (
        "/certification/report",
        "/reports/certification.csv",
        "/reports/certification.xlsx",
    ):
        assert client.get(url).status_code == 403


def _csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


HEADER = [
    "Employee number",
    "Name",
    "Department",
    "Team",
    "Manager",
    "Certification",
    "Status",
    "Certified until",
    "Progress (%)",
    "Verification code",
    "Standards version",
]


def test_csv_export_honours_filters_and_neutralises_formulas(company, client, login_as):
    login_as("hr")
    response = client.get(
        f"/reports/certification.csv?certification_id=starter&manager_id={company['m2'].id}"
    )
    assert response.mimetype == "text/csv" and response.is_streamed
    rows = _csv_rows(response.data)
    assert rows[0] == HEADER  # the first row is the header: no title or filter lines above it
    body = rows[1:]
    assert {row[1] for row in body} == {
        "Fadi certified",
        "Hala revoked",
        '\'=HYPERLINK("http://x")',
    }
    certified = next(row for row in body if row[1] == "Fadi certified")
    assert certified[6] == "Certified" and certified[7] == "2027-03-01" and certified[8] == "100"


def test_export_file_names_carry_the_report_and_its_filters(company, client, login_as):
    login_as("hr")
    response = client.get(
        f"/reports/certification.csv?certification_id=starter&status=certified"
        f"&team_id={company['team_a'].id}&manager_id={company['m2'].id}"
    )
    disposition = response.headers["Content-Disposition"]
    manager_no = company["m2"].employee_no.lower()
    assert disposition == (
        "attachment; filename=certification-report_certification-starter_status-certified_"
        f"team-{company['team_a'].code}_manager-{manager_no}_2026-03-01T0900.csv"
    )
    xlsx = client.get("/reports/certification.xlsx")
    assert (
        "filename=certification-report_2026-03-01T0900.xlsx" in xlsx.headers["Content-Disposition"]
    )


def test_xlsx_export_parses_back(company, client, login_as):
    login_as("hr")
    response = client.get("/reports/certification.xlsx?status=expired")
    book = load_workbook(io.BytesIO(response.data), read_only=True)
    report_sheet, about = book.worksheets
    rows = [list(row) for row in report_sheet.iter_rows(values_only=True)]
    assert rows[0] == HEADER
    assert [row[1] for row in rows[1:]] == ["Bader expired"]
    assert rows[1][7] == "2026-01-01"
    notes = [list(row) for row in about.iter_rows(values_only=True)]
    assert notes[0][0] == "Certification status report"
    assert notes[1] == ["Generated", "2026-03-01T09:00:00+03:00"]
    assert ["Status", "Expired"] in notes
    full = load_workbook(io.BytesIO(response.data))  # sheet views need a full load
    assert not any(sheet.sheet_view.rightToLeft for sheet in full.worksheets)


def test_arabic_exports_read_right_to_left_without_invisible_marks(
    company, client, make_user, login
):
    login(make_user("hr", locale="ar"))
    book = load_workbook(io.BytesIO(client.get("/reports/certification.xlsx").data))
    assert all(sheet.sheet_view.rightToLeft for sheet in book.worksheets)
    generated = [row for row in book.worksheets[1].iter_rows(values_only=True)][1][1]
    assert generated == "2026-03-01T09:00:00+03:00"
    text = client.get("/reports/certification.csv").data.decode("utf-8-sig")
    assert not [c for c in text if unicodedata.category(c) in ("Cf", "Cc") and c not in "\r\n"]
    assert csv.reader(io.StringIO(text)).__next__()[0] == "الرقم الوظيفي"


def test_arabic_csv_for_an_arabic_reader(company, client, make_user, login):
    hr = make_user("hr", locale="ar")
    login(hr)
    text = client.get("/reports/certification.csv?certification_id=starter").data.decode(
        "utf-8-sig"
    )
    assert "شهادة المبتدئ" in text and "موظف" in text


def test_query_count_does_not_grow_with_agents(company, client, login_as, make_user, app):
    login_as("hr")
    client.get("/certification/report")
    db.session.commit()  # nothing cached in the test's session for either request
    with count_queries(db.engine) as few:
        client.get("/certification/report")
    for _ in range(30):
        make_user("agent", team=company["team_a"], hire_date=date(2020, 1, 1))
    db.session.commit()
    with count_queries(db.engine) as many:
        assert client.get("/certification/report").status_code == 200
    assert few.count == many.count <= 10


def _report_at_once(viewer, locale: str = "en") -> list[report.ReportRow]:
    from app.standards.services import current_version

    version = current_version()
    return report.page_of_rows(viewer, report.ReportFilter(), TODAY, locale,
                               version.version if version else None, 1, per_page=10**6)  # fmt: skip


def test_csv_export_streams_the_report_row_for_row(
    company, client, login_as, make_user, monkeypatch
):
    """The export goes out in pieces as rows are read, and the pieces make the same file as
    the whole report written at once."""
    from app import exports as files
    from app.reports import exports as report_exports

    for n in range(40):
        make_user("agent", team=company["team_a"], name_en=f"Extra {n:02d}",
                  hire_date=date(2020, 1, 1))  # fmt: skip
    hr = login_as("hr")
    monkeypatch.setattr(files, "FLUSH_BYTES", 512)  # many pieces from a small report
    response = client.get("/reports/certification.csv", buffered=False)
    assert response.is_streamed
    pieces = list(response.response)
    response.close()
    rows = _report_at_once(hr)
    labels = {key: str(label) for key, label in report.STATUS_LABELS.items()}
    whole = io.StringIO()
    whole.write("\ufeff")
    writer = csv.writer(whole)
    writer.writerow(HEADER)
    for row in rows:
        writer.writerow(files.cells(report_exports.cells(row, labels)))
    assert len(rows) == 46 * 3 and len(pieces) > 5
    assert b"".join(pieces).decode("utf-8") == whole.getvalue()


def test_rows_read_in_batches_are_the_rows_read_at_once(company, make_user):
    hr = make_user("hr")
    batched = list(report.iter_rows(hr, report.ReportFilter(), TODAY, "en", None, batch=2))
    assert batched == _report_at_once(hr) and len(batched) == 6 * 3


@pytest.mark.parametrize("viewer", ["hr", "m1"])
@pytest.mark.parametrize(
    "values",
    [
        {},
        {"certification_id": "starter"},
        {"manager_id": "m2"},
        {"department_id": "care", "certification_id": "starter"},
        {"older_version": True},
    ],
)
def test_totals_count_the_cells_the_report_lists(company, make_user, viewer, values):
    """The chart's totals are the report's rows counted by status, under every filter; an
    agent without a standing for a certification counts as not started."""
    from collections import Counter

    from app.certification.models import Certificate as Issued

    issued = db.session.query(Issued).filter_by(user_id=company["people"]["certified"].id).first()
    issued.standards_version = "2025.1"  # earned under an older version
    make_user("agent", team=company["team_a"], hire_date=date(2020, 1, 1))  # no standing yet
    db.session.commit()
    ids = {"m2": company["m2"].id, "care": company["care"].id}
    flt = report.ReportFilter(**{k: ids.get(v, v) for k, v in values.items()})
    who = company["m1"] if viewer == "m1" else make_user("hr")
    listed = Counter(row.status for row in report.iter_rows(who, flt, TODAY, "en", "2026.1"))
    totals = report.totals(who, flt, TODAY, "2026.1")
    assert totals == {status: listed.get(status, 0) for status in report.STATUSES}
    assert sum(totals.values()) > 0 or viewer == "m1"  # m1 leads none of m2's or older ones
