"""The auto-marker agreement page (admins): how often people agreed with the automatic
decisions over the last 90 days, and the replies where they did not."""

from flask import Blueprint, render_template, request
from flask_babel import format_percent

from app.access import allow
from app.labelling import agreement, sources
from app.scoring.evaluation import FORBIDDEN_IDS

bp = Blueprint("labelling", __name__, url_prefix="/admin")


@bp.record_once
def _template_helpers(state) -> None:
    state.app.jinja_env.filters["percent"] = lambda share: format_percent(share, "#,##0%")


@bp.route("/auto-marker")
@allow("admin")
def agreement_page():
    since = agreement.window_start()
    judgements = sources.collect(since=since)
    rows = agreement.agreement_rows(judgements)
    page = agreement.disagreements(judgements, request.args.get("page", type=int) or 1)
    return render_template(
        "labelling/agreement.html", rows=rows, page=page, since=since,
        sources=agreement.sources_seen(rows), titles=agreement.criterion_titles(),
        forbidden=FORBIDDEN_IDS, reply_link=agreement.reply_link, days=agreement.WINDOW_DAYS,
    )  # fmt: skip
