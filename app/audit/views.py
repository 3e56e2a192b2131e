from datetime import UTC, date
from zoneinfo import ZoneInfo

from flask import Blueprint, current_app, render_template, request
from flask_babel import gettext as _

from app import exports
from app.access import allow
from app.audit import labels, services
from app.i18n import current_language

bp = Blueprint("audit", __name__, url_prefix="/admin")


@bp.record_once
def _template_helpers(state) -> None:
    """Audit actions, objects and changes, and content counts, as sentences on every page."""
    state.app.jinja_env.globals.update(
        action_label=labels.action_label,
        object_label=labels.object_label,
        audit_changes=labels.changes,
        content_counts=labels.count_lines,
    )


def _date_arg(name: str) -> date | None:
    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


def _filter() -> services.AuditFilter:
    return services.AuditFilter(
        action=request.args.get("action", "")[:64],
        object_type=request.args.get("object_type", "")[:64],
        actor_id=request.args.get("actor", type=int),
        since=_date_arg("since"),
        until=_date_arg("until"),
    )


AUDIT_READERS = ("hr", "admin")


@bp.route("/audit")
@allow(*AUDIT_READERS)
def audit_log():
    flt = _filter()
    page = services.search_entries(flt, page=request.args.get("page", type=int) or 1)
    names = services.names_of(page.items, current_language())
    return render_template("audit/list.html", page=page, flt=flt, names=names,
                           actions=services.known_actions())  # fmt: skip


@bp.route("/audit.csv")
@allow(*AUDIT_READERS)
def audit_csv():
    """The entries under the page's filters, newest first, as CSV."""
    flt = _filter()
    name = exports.file_name("audit-log", _name_parts(flt), exports.local_now(), "csv")
    return exports.csv_response(name, _header(), _audit_rows(flt, current_language()))


@bp.route("/audit.xlsx")
@allow(*AUDIT_READERS)
def audit_xlsx():
    """The entries under the page's filters, newest first, as a workbook: the entries on the
    first sheet, the title, time and filters on the second; right to left in Arabic."""
    flt, lang = _filter(), current_language()
    now = exports.local_now()
    about = [[_("Audit log")], [_("Generated"), now], *_described(flt)]
    workbook = exports.xlsx_file(_("Audit log"), _header(), _audit_rows(flt, lang), about=about,
                                 about_title=_("Report"), rtl=lang == "ar")  # fmt: skip
    return exports.xlsx_response(exports.file_name("audit-log", _name_parts(flt), now, "xlsx"),
                                 workbook)  # fmt: skip


def _name_parts(flt: services.AuditFilter) -> list[str]:
    return [flt.action, flt.object_type, f"actor-{flt.actor_id}" if flt.actor_id else "",
            f"from-{flt.since}" if flt.since else "", f"to-{flt.until}" if flt.until else ""]  # fmt: skip


def _described(flt: services.AuditFilter) -> list[list]:
    """The filters in force, one line each, for the workbook's second sheet."""
    lines = [[_("Action"), labels.action_label(flt.action)] if flt.action else [],
             [_("Object"), labels.object_label(flt.object_type)] if flt.object_type else [],
             [_("Who"), _actor_name(flt.actor_id)] if flt.actor_id else [],
             [_("From"), flt.since] if flt.since else [],
             [_("To"), flt.until] if flt.until else []]  # fmt: skip
    return [line for line in lines if line] or [[_("Filters"), _("none")]]


def _actor_name(user_id: int) -> str:
    actor = services.actor(user_id)
    return actor.name(current_language()) if actor else str(user_id)


def _header() -> list[str]:
    return [_("When"), _("Who"), _("Action"), _("Object"), _("Object id"), _("Changes"),
            _("Reason")]  # fmt: skip


def _audit_rows(flt: services.AuditFilter, locale: str):
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    for entry, names in services.iter_named_entries(flt, locale):
        at = entry.at if entry.at.tzinfo else entry.at.replace(tzinfo=UTC)
        changed = labels.change_lines(entry.action, entry.before, entry.after, names=names)
        yield [at.astimezone(zone), entry.actor.name(locale) if entry.actor else _("system"),
               labels.action_label(entry.action),
               labels.object_name(entry.object_type, entry.object_id, names), entry.object_id,
               "; ".join(changed), entry.reason or ""]  # fmt: skip
