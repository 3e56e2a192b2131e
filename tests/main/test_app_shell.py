from datetime import UTC, date, datetime

import pytest
from flask import Blueprint
from sqlalchemy import func, select

from app import create_app
from app.access import allow
from app.extensions import db
from app.people.models import User
from config import Config, TestConfig
from tests.conftest import make_config


def test_refuses_to_start_without_secret_key(database_url):
    class NoKey(Config):
        SECRET_KEY = None
        SQLALCHEMY_DATABASE_URI = database_url

    with pytest.raises(RuntimeError, match="SECRET_KEY is not set"):
        create_app(NoKey)


def test_refuses_to_start_with_an_undeclared_view(database_url, monkeypatch):
    import app as app_package

    extra = Blueprint("extra", __name__)
    extra.add_url_rule("/open", "open", lambda: "open to all?")
    declared = Blueprint("declared", __name__)
    declared.add_url_rule("/closed", "closed", allow("admin")(lambda: "closed"))
    original = app_package.register_blueprints

    def with_extra(app):
        original(app)
        app.register_blueprint(extra)
        app.register_blueprint(declared)

    monkeypatch.setattr(app_package, "register_blueprints", with_extra)
    with pytest.raises(RuntimeError, match="extra.open"):
        create_app(make_config(database_url))


def test_security_headers_on_every_response(client):
    for path in ("/login", "/no-such-page", "/static/css/khidma.css"):
        response = client.get(path)
        csp = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "same-origin"


def test_pages_have_no_inline_scripts_or_styles(client, login_as):
    login_as("admin")
    for path in ("/", "/admin/people", "/admin/people/new", "/admin/audit"):
        html = client.get(path).get_data(as_text=True)
        assert "<script>" not in html and " style=" not in html and " onclick=" not in html, path


def test_arabic_is_the_default_and_right_to_left(client):
    html = client.get("/login").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in html
    assert "bootstrap.rtl.min.css" in html
    assert "تسجيل الدخول" in html


def test_english_switch_is_left_to_right(client):
    client.post("/language", data={"locale": "en", "next": "/login"})
    html = client.get("/login").get_data(as_text=True)
    assert '<html lang="en" dir="ltr">' in html
    assert "bootstrap.min.css" in html and "Sign in to Khidma" in html


def test_language_choice_is_stored_on_the_profile(app, client, make_user, login):
    user = make_user("agent", locale="en")
    login(user)
    client.post("/language", data={"locale": "ar"})
    db.session.refresh(user)
    assert user.locale == "ar"
    fresh = app.test_client()
    fresh.post("/login", data={"email": user.email, "password": "correct-horse-battery"})
    assert '<html lang="ar" dir="rtl">' in fresh.get("/").get_data(as_text=True)


@pytest.mark.parametrize(("locale", "text"), [("ar", "غير موجود"), ("en", "Not found")])
def test_error_pages_in_both_languages(client, locale, text):
    client.post("/language", data={"locale": locale})
    response = client.get("/nothing-here")
    assert response.status_code == 404
    assert text in response.get_data(as_text=True)


def test_json_clients_get_json_errors(client):
    response = client.get("/nothing-here", headers={"Accept": "application/json"})
    assert response.status_code == 404 and response.get_json()["error"] == "غير موجود"


def test_database_outage_gives_a_clear_503(app, client, login_as, monkeypatch):
    login_as("admin")
    from sqlalchemy.exc import OperationalError

    from app.people import services

    def broken(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("database is locked"))

    monkeypatch.setattr(services, "search_people", broken)
    response = client.get("/admin/people")
    assert response.status_code == 503
    assert "Nothing was saved" in response.get_data(as_text=True) or "لم يُحفظ" in response.get_data(
        as_text=True
    )


def test_dates_follow_the_locale(app, client, login_as):
    admin = login_as("admin", hire_date=date(2026, 3, 5))
    client.post("/language", data={"locale": "en"})
    english = client.get(f"/admin/people?q={admin.employee_no}").get_data(as_text=True)
    assert "March 5, 2026" in english
    client.post("/language", data={"locale": "ar"})
    arabic = client.get(f"/admin/people?q={admin.employee_no}").get_data(as_text=True)
    assert "5 مارس 2026" in arabic


def test_sqlite_uses_wal_and_a_busy_timeout(app):
    if db.engine.dialect.name != "sqlite":
        assert db.engine.dialect.name == "postgresql"
        return
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000


def test_health_is_public(client):
    assert client.get("/health").get_json() == {"status": "ok"}


def test_demo_load_creates_the_company_once_and_refuses_next_to_real_users(
    app, runner, make_user, monkeypatch
):
    # The first of a month: the newest hires then fall in the month before.
    monkeypatch.setitem(app.config, "FIXED_NOW", datetime(2026, 3, 1, 8, tzinfo=UTC))
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0 and "16 people" in result.output
    roles = dict(db.session.execute(select(User.role, func.count()).group_by(User.role)).all())
    assert roles == {"admin": 1, "hr": 1, "manager": 2, "agent": 12}
    hired = db.session.scalars(select(User.hire_date).where(User.role == "agent")).all()
    assert sorted((date(2026, 3, 1) - day).days for day in hired)[:4] == [0, 1, 2, 75]
    assert "already loaded" in runner.invoke(args=["demo", "load"]).output
    make_user("agent", email="real@company.example")
    refused = runner.invoke(args=["demo", "load"])
    assert refused.exit_code != 0 and "real users" in refused.output
    assert runner.invoke(args=["demo", "load", "--if-empty"]).exit_code == 0


def test_test_config_is_not_the_production_default():
    assert TestConfig.PASSWORD_HASH_METHOD != Config.PASSWORD_HASH_METHOD
