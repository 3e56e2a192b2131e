"""Reading a quiz file: the quiz header and each question through the question-type registry,
with every problem placed at its file and line. Pure Python (no Flask)."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.quizzes import question_types
from app.quizzes.schemas import QuizFile
from app.yaml_source import Problem, SourceFile, validate


@dataclass
class LoadedQuiz:
    source: SourceFile
    quiz: QuizFile
    questions: list = field(default_factory=list)


def load_quiz_source(source: SourceFile, rubrics: dict, problems: list[Problem]):
    """Validate a quiz file and each of its questions through the question-type registry."""
    if not isinstance(source.data, dict):
        problems.append(source.problem((), "a quiz file must be a mapping"))
        return None
    quiz = validate(QuizFile, source, problems)
    raw_questions = source.data.get("questions")
    questions = _load_questions(source, raw_questions, rubrics, problems)
    if quiz is None:
        return None
    return LoadedQuiz(source, quiz, questions)


def _load_questions(source, raw_questions, rubrics, problems) -> list:
    """Each question is checked even when the quiz header is wrong, so one run shows all."""
    if not isinstance(raw_questions, list):
        return []
    questions = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_questions):
        question = _load_question(source, index, raw, rubrics, problems)
        if question is None:
            continue
        if question.id in seen:
            problems.append(source.problem(("questions", index, "id"), "duplicate question id"))
        seen.add(question.id)
        questions.append(question)
    return questions


def _load_question(source, index, raw, rubrics, problems):
    loc = ("questions", index)
    if not isinstance(raw, dict):
        problems.append(source.problem(loc, "a question must be a mapping"))
        return None
    try:
        qtype = question_types.get_type(str(raw.get("type", "")))
    except KeyError as exc:
        problems.append(source.problem((*loc, "type"), exc.args[0]))
        return None
    question = validate(qtype.schema, source, problems, prefix=loc)
    if question is None:
        return None
    found = qtype.problems(question, rubrics)
    problems.extend(source.problem((*loc, *sub), message) for sub, message in found)
    return None if found else question
