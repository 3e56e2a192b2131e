from datetime import date

from flask import Blueprint, render_template, request

from app.access import allow
from app.audit import services

bp = Blueprint("audit", __name__, url_prefix="/admin")


def _date_arg(name: str) -> date | None:
    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


@bp.route("/audit")
@allow("admin")
def audit_log():
    flt = services.AuditFilter(
        action=request.args.get("action", "")[:64],
        object_type=request.args.get("object_type", "")[:64],
        actor_id=request.args.get("actor", type=int),
        since=_date_arg("since"),
        until=_date_arg("until"),
    )
    page = services.search_entries(flt, page=request.args.get("page", type=int) or 1)
    return render_template("audit/list.html", page=page, flt=flt, actions=services.known_actions())
