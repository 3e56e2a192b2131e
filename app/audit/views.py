from datetime import date

from flask import Blueprint, render_template, request

from app.audit import services
from app.auth.access import allow

bp = Blueprint("audit", __name__, url_prefix="/admin")


def _date_arg(name: str) -> date | None:
    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


@bp.route("/audit")
@allow("admin")
def audit_log():
    actor = request.args.get("actor", "")
    flt = services.AuditFilter(
        action=request.args.get("action", "")[:64],
        object_type=request.args.get("object_type", "")[:64],
        actor_id=int(actor) if actor.isdigit() else None,
        since=_date_arg("since"),
        until=_date_arg("until"),
    )
    page_no = request.args.get("page", "1")
    page = services.search_entries(flt, page=int(page_no) if page_no.isdigit() else 1)
    return render_template("audit/list.html", page=page, flt=flt, actions=services.known_actions())
