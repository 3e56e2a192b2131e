"""The auto-marker agreement page: for admins only, per criterion and language over the last
90 days, with the replies where a person decided otherwise."""

from datetime import UTC, datetime, timedelta

import pytest

from app.extensions import db
from tests.quizzes.conftest import GOOD_REPLY, POOR_REPLY

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
ARABIC_REPLY = "أعد تشغيل الراوتر من فضلك."


def _main(html: str) -> str:
    return html.split('<main id="main"')[1].split("</main>")[0]


def _row(html: str, criterion: str, language: str) -> str:
    start = html.index(f'data-criterion="{criterion}" data-language="{language}"')
    return html[start : html.index("</tr>", start)]


def _cell(row: str, source: str) -> str:
    start = row.index(f'data-source="{source}"')
    return row[start : row.index("</td>", start)]


@pytest.fixture
def judged(app, answered, override, monkeypatch):
    """Two English replies overridden on one criterion each, one Arabic reply overridden
    yesterday, and one overridden 100 days ago (outside the window)."""
    monkeypatch.setitem(app.config, "FIXED_NOW", NOW - timedelta(days=100))
    override(answered(POOR_REPLY), {"thanks": True})
    monkeypatch.setitem(app.config, "FIXED_NOW", NOW - timedelta(days=2))
    poor = answered(POOR_REPLY)
    override(poor, {"apology": True})
    good = answered(GOOD_REPLY)
    override(good, {"apology": True})  # the scorer found it too: an agreement
    arabic = answered(ARABIC_REPLY)
    assert arabic.detail["language"] == "ar"
    override(arabic, {"apology": True})
    monkeypatch.setitem(app.config, "FIXED_NOW", NOW)
    return {"poor": poor, "good": good, "arabic": arabic}


def test_figures_per_criterion_and_language_in_english(judged, client, relogin, people):
    relogin(people["admin"])
    response = client.get("/admin/auto-marker")
    assert response.status_code == 200
    html = _main(response.get_data(as_text=True))
    apology = _row(html, "apology", "en")
    assert "Apology" in apology and "English" in apology
    assert "50%: agreed in 1 of 2 judgements" in _cell(apology, "all")
    assert "50%: agreed in 1 of 2 judgements" in _cell(apology, "override")
    # the override 100 days ago is outside the window: thanks agreed on both recent replies
    assert "100%: agreed in 2 of 2 judgements" in _cell(_row(html, "thanks", "en"), "all")
    arabic = _row(html, "apology", "ar")
    assert "Arabic" in arabic and "0%: agreed in 0 of 1 judgement<" in _cell(arabic, "all")
    assert 'data-criterion="apology"' in html and ">apology<" not in html  # no raw ids

    assert "2 replies where a person decided otherwise" in html
    listed = html.split('id="disagreements"')[1]
    assert listed.count("<tr data-ref=") == 2
    assert f'<p class="mb-1" dir="auto" lang="ar">{ARABIC_REPLY}</p>' in listed
    assert f'href="/attempts/{judged["poor"].attempt_id}"' in listed
    assert "<bdi>Maha Manager</bdi>" in listed
    assert 'data-auto="false">Not met' in listed and 'data-human="true">Met' in listed


def test_figures_in_arabic(judged, client, relogin, people):
    people["admin"].locale = "ar"
    db.session.commit()
    relogin(people["admin"])
    html = _main(client.get("/admin/auto-marker").get_data(as_text=True))
    apology = _row(html, "apology", "en")
    assert "الاعتذار" in apology and "الإنجليزية" in apology
    assert "50%: موافقة في 1 من حكمين" in _cell(apology, "all")
    assert "0%: موافقة في 0 من حكم واحد" in _cell(_row(html, "apology", "ar"), "all")
    assert "ردّان قرّر فيهما شخص خلاف القرار التلقائي" in html
    assert "<bdi>مها المديرة</bdi>" in html


def test_an_empty_window_says_so(app, client, login_as):
    login_as("admin")
    html = _main(client.get("/admin/auto-marker").get_data(as_text=True))
    assert "Nobody has judged the automatic decisions in the last 90 days." in html


@pytest.mark.parametrize("role", ["agent", "manager", "hr"])
def test_only_admins_open_the_page(app, client, login_as, role):
    login_as(role)
    assert client.get("/admin/auto-marker").status_code == 403


def test_admins_find_it_in_the_navigation(app, client, login_as):
    login_as("admin")
    page = client.get("/").get_data(as_text=True)
    assert 'href="/admin/auto-marker"' in page and "Auto-marker agreement" in page
