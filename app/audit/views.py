import json
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


@bp.route("/audit")
@allow("admin")
def audit_log():
    flt = _filter()
    page = services.search_entries(flt, page=request.args.get("page", type=int) or 1)
    return render_template("audit/list.html", page=page, flt=flt, actions=services.known_actions())


@bp.route("/audit.csv")
@allow("admin")
def audit_csv():
    """The entries under the page's filters, newest first, as CSV."""
    flt = _filter()
    parts = [flt.action, flt.object_type, f"actor-{flt.actor_id}" if flt.actor_id else "",
             f"from-{flt.since}" if flt.since else "", f"to-{flt.until}" if flt.until else ""]  # fmt: skip
    name = exports.file_name("audit-log", parts, exports.local_now(), "csv")
    header = [_("When"), _("Who"), _("Action"), _("Object"), _("Object id"), _("Before"),
              _("After"), _("Reason")]  # fmt: skip
    return exports.csv_response(name, header, _audit_rows(flt, current_language()))


def _audit_rows(flt: services.AuditFilter, locale: str):
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    for entry in services.iter_entries(flt):
        at = entry.at if entry.at.tzinfo else entry.at.replace(tzinfo=UTC)
        yield [at.astimezone(zone), entry.actor.name(locale) if entry.actor else _("system"),
               entry.action, entry.object_type, entry.object_id, _json(entry.before),
               _json(entry.after), entry.reason or ""]  # fmt: skip


def _json(value) -> str:
    # Arabic stays Arabic (no \u0623 escapes) and keys keep their order.
    return json.dumps(value, ensure_ascii=False) if value else ""
