"""Role-play scoring: normalisation, matchers, rubrics and explanations (pure Python)."""

from app.scoring.normalize import normalize, reply_language
from app.scoring.result import CriterionOutcome, ScoreResult
from app.scoring.rubric import Criterion, Rubric, RubricError
from app.scoring.scorer import score_reply, score_rule

__all__ = [
    "Criterion",
    "CriterionOutcome",
    "Rubric",
    "RubricError",
    "ScoreResult",
    "normalize",
    "reply_language",
    "score_reply",
    "score_rule",
]
