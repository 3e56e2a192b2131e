"""What the standards capability does when other capabilities' events happen, and the names of
standards, observations and KPI files that other records keep by id; connected at app start."""

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app import events, references
from app.extensions import db
from app.standards import definitions, services
from app.standards.models import KpiUpload, Observation


@events.attempt_submitted.connect
def roleplay_evidence(attempt, **_) -> None:
    """Role-play criteria are standards evidence: the agent's standing moves now, not tonight."""
    if any(answer.score is not None for answer in attempt.answers):
        services.recompute_statuses([attempt.user_id])


@events.score_overridden.connect
def overridden_evidence(attempt, **_) -> None:
    """An override replaces the automatic criteria as evidence straight away."""
    services.recompute_statuses([attempt.user_id])


@events.content_synced.connect
def new_version_published(_catalogue, *, report, **_) -> None:
    services.ask_for_acknowledgement(report)


def observation_names(ids: set[str], lang: str) -> dict[str, str]:
    query = (
        select(Observation)
        .options(joinedload(Observation.agent))
        .where(Observation.id.in_(references.int_ids(ids)))
    )
    return {
        str(o.id): _(
            "%(person)s on %(day)s",
            person=o.agent.name(lang),
            day=format_date(o.observed_on, "medium"),
        )  # fmt: skip
        for o in db.session.scalars(query)
    }


def kpi_file_names(ids: set[str], _lang: str) -> dict[str, str]:
    query = select(KpiUpload.id, KpiUpload.filename).where(
        KpiUpload.id.in_(references.int_ids(ids))
    )
    names = {str(row.id): row.filename or _("a file without a name")
             for row in db.session.execute(query)}  # fmt: skip
    if "cli" in ids:  # loaded with `flask standards import-kpis`
        names["cli"] = _("a file on the server")
    return names


def standard_names(ids: set[str], lang: str) -> dict[str, str]:
    """Standards by their code and title in the current version."""
    found = {
        s["id"]: s
        for s in definitions.standards_of(definitions.current_version())
        if s["id"] in ids
    }
    return {code: definitions.standard_label(standard, lang) for code, standard in found.items()}


def scorecard_names(ids: set[str], _lang: str) -> dict[str, str]:
    """The one scorecard entries name: the choice of critical standards."""
    return {"critical": _("Critical standards")} if "critical" in ids else {}


references.register("standard", standard_names, keys=("critical",))
references.register("scorecard", scorecard_names, objects=("scorecard",))
references.register("observation", observation_names, objects=("observation",))
references.register("kpi_import", kpi_file_names, objects=("kpi_import",))
