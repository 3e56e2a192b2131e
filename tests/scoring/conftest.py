"""Shared fixtures for the scoring tests: the complaint-handling rubric, compiled once."""

from pathlib import Path

import pytest

from app.scoring import Rubric, score_reply

REPO_ROOT = Path(__file__).resolve().parents[2]
RUBRIC_PATH = REPO_ROOT / "quizzes" / "rubrics" / "complaint-handling.yaml"


def _minimal() -> dict:
    feedback = {"ar": "نص", "en": "text"}
    return {
        "id": "mini",
        "classes": {"sorry": {"en": ["sorry", "apologise"], "ar": ["اسف"]}},
        "criteria": [
            {
                "id": "apology",
                "kind": "required",
                "weight": 2,
                "title": "Apology",
                "feedback": {"met": feedback, "missed": feedback},
                "patterns": {"en": ["@sorry"], "ar": ["@sorry"]},
            },
            {
                "id": "blame",
                "kind": "forbidden",
                "weight": 1,
                "critical": True,
                "title": {"en": "Blame"},
                "feedback": {"committed": feedback, "avoided": feedback},
                "patterns": {"en": ["your ~1 fault"]},
            },
        ],
    }


@pytest.fixture
def minimal_data():
    """A factory for a small valid rubric mapping (a fresh copy on each call)."""
    return _minimal


@pytest.fixture(scope="session")
def rubric_path():
    return RUBRIC_PATH


@pytest.fixture(scope="session")
def repo_root():
    return REPO_ROOT


@pytest.fixture(scope="session")
def rubric() -> Rubric:
    return Rubric.load(RUBRIC_PATH)


@pytest.fixture(scope="session")
def found(rubric):
    """found(text, language="en", key_points=None, customer=None) -> set of ids the rule stage
    finds present (the wording families below are the rules' own; the learned second opinion
    is tested on whole corpora, in test_scoring_learned.py)."""

    def _found(text, language="en", key_points=None, customer=None):
        bound = rubric.for_question(key_points=key_points, customer=customer)
        result = score_reply(text, bound, language, second_opinion=False)
        return {o.id for o in result.outcomes() if o.present}

    return _found
