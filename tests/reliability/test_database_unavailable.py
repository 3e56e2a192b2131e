"""A database that is locked for a moment answers with a clear 503 and keeps nothing half
written; the next request works without a restart."""

import threading

from sqlalchemy import create_engine, func, select, text

from app.extensions import db
from app.people.models import User
from tests.conftest import IsolatedClient, make_config


def _hold_lock(database_url: str, held: threading.Event, release: threading.Event) -> None:
    engine = create_engine(database_url)
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            connection.exec_driver_sql("BEGIN EXCLUSIVE")
        else:
            connection.execute(text('LOCK TABLE "user" IN ACCESS EXCLUSIVE MODE'))
        held.set()
        release.wait(10)
        connection.rollback()
    engine.dispose()


def _short_waits(database_url: str) -> dict:
    if database_url.startswith("sqlite"):
        return {"SQLITE_BUSY_TIMEOUT_MS": 200}
    return {"SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"options": "-c lock_timeout=200"}}}


def test_locked_database_gives_503_then_recovers(database_url, make_user):
    from app import create_app

    admin = make_user("admin")
    db.session.commit()
    impatient = create_app(make_config(database_url, **_short_waits(database_url)))
    impatient.test_client_class = IsolatedClient
    # No app context is kept open around the requests: each gets its own, as in production.
    client = impatient.test_client()
    client.post("/login", data={"email": admin.email, "password": "correct-horse-battery"})
    new_person = {"employee_no": "E-LOCK", "email": "lock@khidma.example", "name_en": "Lock",
                  "role": "agent", "team_id": 0, "hire_date": "2026-11-01", "locale": "en"}  # fmt: skip
    db.session.remove()  # the suite's own session must not hold the database either
    held, release = threading.Event(), threading.Event()
    holder = threading.Thread(target=_hold_lock, args=(database_url, held, release))
    holder.start()
    assert held.wait(5), "could not lock the database"
    try:
        busy = client.post("/admin/people/new", data=new_person)
    finally:
        release.set()
        holder.join()
    assert busy.status_code == 503
    page = busy.get_data(as_text=True)
    assert "Nothing was saved" in page or "لم يُحفظ" in page
    assert client.post("/admin/people/new", data=new_person).status_code == 302
    count = db.session.scalar(select(func.count(User.id)).where(User.employee_no == "E-LOCK"))
    assert count == 1
