"""Quiz operations other capabilities rely on."""

from sqlalchemy import and_, func, or_, select

from app.extensions import db
from app.quizzes.models import Attempt, ScoreOverride


def latest_override_ids():
    """Subquery: the newest override id of each overridden attempt."""
    return (
        select(func.max(ScoreOverride.id).label("id"), ScoreOverride.attempt_id)
        .group_by(ScoreOverride.attempt_id)
        .subquery()
    )


def passed_quiz_ids(user_ids: list[int]) -> dict[int, set[str]]:
    """For each user, the quizzes they have passed, counting managers' overrides."""
    latest = latest_override_ids()
    query = (
        select(Attempt.user_id, Attempt.quiz_id)
        .outerjoin(latest, latest.c.attempt_id == Attempt.id)
        .outerjoin(ScoreOverride, ScoreOverride.id == latest.c.id)
        .where(Attempt.user_id.in_(user_ids))
        .where(
            or_(
                and_(ScoreOverride.id.is_(None), Attempt.auto_passed.is_(True)),
                ScoreOverride.passed.is_(True),
            )
        )
        .distinct()
    )
    passed: dict[int, set[str]] = {user_id: set() for user_id in user_ids}
    for user_id, quiz_id in db.session.execute(query):
        passed[user_id].add(quiz_id)
    return passed
