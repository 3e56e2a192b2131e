from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user

from app import clock
from app.access import public, signed_in
from app.assignments import onboarding as assignments
from app.auth.views import safe_next
from app.courses import services as courses
from app.courses.over_time import progress_over_time
from app.extensions import db
from app.i18n import text_direction
from app.page_cache.pages import OVERALL, USER, conditional_page
from app.people.models import Role
from app.placement import services as placement

bp = Blueprint("main", __name__)


def _home_scope() -> str:
    # An agent's home shows their own work; other roles' homes may show their people's.
    return USER if current_user.role == Role.AGENT else OVERALL


@bp.route("/")
@signed_in
@conditional_page(_home_scope)
def home():
    user = current_user._get_current_object()
    if user.role != Role.AGENT:
        return render_template("main/home.html")
    record = courses.learning_record([user.id], reading=True)
    states = courses.catalogue(user, record)
    open_ones = assignments.open_assignments(user)
    due = assignments.due_dates(open_ones)
    return render_template(
        "main/agent_home.html",
        next_lesson=courses.next_lesson(user, states, due, record.reading),
        placement=placement.offered_placement(user, record),
        assignments=open_ones,
        states=states,
        today=clock.today(),
        over_time=progress_over_time(user, rtl=text_direction() == "rtl",
                                     completed_at=record.completions.get(user.id, {}).values()),
        learning_record=record,  # the certification slot reads the same
    )  # fmt: skip


@bp.route("/language", methods=["POST"])
@public
def set_language():
    """Switch the interface language; stored on the profile of a signed-in user."""
    locale = request.form.get("locale", "")
    if locale in current_app.config["LANGUAGES"]:
        session["locale"] = locale
        if current_user.is_authenticated and current_user.locale != locale:
            current_user.locale = locale
            db.session.commit()
    return redirect(safe_next(request.form.get("next")) or url_for("main.home"))


@bp.route("/health")
@public
def health():
    return {"status": "ok"}
