from flask import (
    Blueprint,
    Response,
    abort,
    render_template,
    request,
    send_file,
    stream_with_context,
)
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user

from app import clock
from app.access import allow
from app.assignments import onboarding as assignments
from app.courses import services as courses
from app.i18n import current_language
from app.page_cache.pages import OVERALL, cached_page
from app.people import services as people
from app.reports import certification_report as report
from app.reports import digest as _digest  # noqa: F401  (registers the daily step)
from app.reports import exports, team
from app.reports.chart import status_bars
from app.standards import services as standards

# Pages keep the addresses they had before reports owned them (/team, /certification/report).
bp = Blueprint("reports", __name__)

VIEWERS = ("hr", "admin", "manager")


def _current_version() -> str | None:
    version = standards.cached_current_version()
    return version.version if version else None


def _page_number() -> int:
    return max(request.args.get("page", 1, type=int), 1)


@bp.route("/certification/report")
@allow(*VIEWERS)
@cached_page(OVERALL)
def certification():
    """The HR certification report: totals, chart, one page of rows."""
    flt, today, locale = report.filter_from_args(request.args), clock.today(), current_language()
    version = _current_version()
    totals = report.totals(current_user, flt, today, version)
    count = totals[flt.status] if flt.status else sum(totals.values())
    page = min(_page_number(), max(1, -(-count // report.PER_PAGE)))
    rows = report.page_of_rows(current_user, flt, today, locale, version, page)
    return render_template(
        "reports/certification.html", flt=flt, rows=rows, totals=totals, count=count,
        page=page, pages=max(1, -(-count // report.PER_PAGE)), labels=report.STATUS_LABELS,
        options=report.filter_options(current_user), bars=status_bars(totals, report.STATUS_LABELS),
        current_version=version, today=today,
    )  # fmt: skip


def _export_parts():
    flt, today, locale = report.filter_from_args(request.args), clock.today(), current_language()
    version = _current_version()
    options = report.filter_options(current_user)
    generated = format_datetime(clock.now(), "medium")
    preamble = [[_("Certification status report")], [_("Generated"), generated]]
    preamble += report.describe_filter(flt, options, locale) or [[_("Filters"), _("none")]]
    rows = report.iter_rows(current_user, flt, today, locale, version)
    labels = {key: str(label) for key, label in report.STATUS_LABELS.items()}
    return preamble, rows, labels


def _filename(extension: str) -> str:
    return f"certification-report-{clock.now().strftime('%Y%m%d-%H%M')}.{extension}"


@bp.route("/reports/certification.csv")
@allow(*VIEWERS)
def certification_csv():
    preamble, rows, labels = _export_parts()
    body = stream_with_context(exports.csv_stream(preamble, rows, labels))
    response = Response(body, mimetype="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{_filename("csv")}"'
    return response


@bp.route("/reports/certification.xlsx")
@allow(*VIEWERS)
def certification_xlsx():
    preamble, rows, labels = _export_parts()
    return send_file(
        exports.xlsx_file(preamble, rows, labels), as_attachment=True,
        download_name=_filename("xlsx"),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )  # fmt: skip


@bp.route("/team")
@allow("manager")
@cached_page(OVERALL)
def team_progress():
    return render_template("reports/team_progress.html", table=team.team_progress(current_user))


@bp.route("/team/agents/<int:user_id>")
@allow("manager", "hr", "admin")
def agent_detail(user_id: int):
    agent = people.get_visible_person(current_user, user_id)
    if agent is None:
        abort(404)
    return render_template(
        "reports/agent_detail.html", agent=agent, states=courses.catalogue(agent),
        assignments=assignments.open_assignments(agent), today=clock.today(),
    )  # fmt: skip
