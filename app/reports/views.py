from flask import Blueprint, abort, jsonify, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from app import clock
from app import exports as files
from app.access import allow
from app.assignments import onboarding as assignments
from app.certification import report, report_filters
from app.courses import services as courses
from app.courses.over_time import progress_over_time
from app.i18n import current_language, text_direction, translated
from app.page_cache.pages import OVERALL, conditional_page
from app.people import services as people
from app.reports import digest as _digest  # noqa: F401  (registers the daily step)
from app.reports import exports, team
from app.reports.chart import status_bars, status_chart
from app.reports.table import page_rows, sort_links
from app.standards import services as standards

# Pages keep the addresses they had before reports owned them (/team, /certification/report).
bp = Blueprint("reports", __name__)

VIEWERS = ("hr", "admin", "manager")


def _current_version() -> str | None:
    return standards.current_version_label()


def _page_number() -> int:
    return max(request.args.get("page", 1, type=int), 1)


@bp.route("/certification/report")
@allow(*VIEWERS)
@conditional_page(OVERALL)
def certification():
    """The HR certification report: totals, chart, one page of rows."""
    flt, options = report.filter_and_options(current_user, request.args)
    today, locale, version = clock.today(), current_language(), _current_version()
    totals = report.totals(current_user, flt, today, version)
    count = totals[flt.status] if flt.status else sum(totals.values())
    page = min(_page_number(), max(1, -(-count // report.PER_PAGE)))
    rows = report.page_of_rows(current_user, flt, today, locale, version, page, counts=totals)
    cells = page_rows(rows, version)  # each row's cells ready for the template
    labels = translated(report.STATUS_LABELS)
    return render_template(
        "reports/certification.html", flt=flt, rows=cells, totals=totals, count=count,
        page=page, pages=max(1, -(-count // report.PER_PAGE)), labels=labels,
        sorted_by=sort_links(flt),
        options=options, bars=status_bars(totals, labels),
        current_version=version, today=today,
        chart=status_chart(totals, labels, text_direction() == "rtl"),
    )  # fmt: skip


def _export_parts():
    flt, options = report.filter_and_options(current_user, request.args)
    today, locale, version = clock.today(), current_language(), _current_version()
    now = files.local_now()
    about = [[_("Certification status report")], [_("Generated"), now]]
    about += report.describe_filter(flt, options, locale) or [[_("Filters"), _("none")]]
    rows = report.iter_rows(current_user, flt, today, locale, version)
    labels = translated(report.STATUS_LABELS)
    codes = {
        "department_id": {d.id: d.code for d in options.departments},
        "team_id": {t.id: t.code for t in options.teams},
        "manager_id": {m.id: m.code for m in options.managers},
    }
    return flt, about, rows, labels, lambda ext: exports.file_name(flt, codes, now, ext)


@bp.route("/certification/report/choices/<any(team, manager):choice_kind>")
@allow(*VIEWERS)
def filter_choices(choice_kind: str):
    """Teams or managers for the report's search field: what the viewer may filter by whose
    code or name (either language) contains `q`, at most a score of them."""
    found = report_filters.search(choice_kind, current_user, request.args.get("q", ""))
    return jsonify(items=[
        {"id": c.id, "code": c.code, "name_ar": c.name_ar, "name_en": c.name_en,
         "label": c.name(current_language())} for c in found
    ])  # fmt: skip


@bp.route("/reports/certification.csv")
@allow(*VIEWERS)
def certification_csv():
    _flt, _about, rows, labels, name = _export_parts()
    return files.csv_response(name("csv"), exports.header_row(), exports.table(rows, labels))


@bp.route("/reports/certification.xlsx")
@allow(*VIEWERS)
def certification_xlsx():
    _flt, about, rows, labels, name = _export_parts()
    workbook = exports.xlsx_file(about, rows, labels, rtl=current_language() == "ar")
    return files.xlsx_response(name("xlsx"), workbook)


@bp.route("/team")
@allow("manager")
@conditional_page(OVERALL)
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
        over_time=progress_over_time(agent, rtl=text_direction() == "rtl"),
    )  # fmt: skip
