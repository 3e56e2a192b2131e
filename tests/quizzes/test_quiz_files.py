"""Role-play questions in quiz files: every problem reported as file:line, and EXAMPLE.yaml."""

import shutil

import pytest

from app.content.services import ContentError, check_content, sync_content
from app.quizzes.examples import check_examples
from app.quizzes.files import load_quiz_source
from app.quizzes.rubrics import load_rubric_folder
from app.yaml_source import load_yaml
from tests.conftest import REPO_ROOT
from tests.content_tree import write

HEADER = """
id: service-quiz
course: service
title: "Service quiz"
pass_mark: 70
questions:
"""


def _problems(root, body: str) -> list[str]:
    write(root, "quizzes/service-quiz.yaml", HEADER + body)
    _, problems = check_content(root)
    return [str(p) for p in problems]


def test_the_test_tree_is_valid(quiz_root):
    assert _problems(quiz_root, "  - {id: t, type: true_false, prompt: P, answer: true}\n") == []


@pytest.mark.parametrize(
    "body, expected",
    [
        (
            """
  - id: r
    type: roleplay
    language: en
    customer: "Hello"
    rubric: no-such-rubric
""",
            "quizzes/service-quiz.yaml:11: questions[0].rubric: unknown rubric 'no-such-rubric'",
        ),
        (
            """
  - id: r
    type: roleplay
    language: en
    customer: "Hello"
    rubric: complaint-handling
    criteria:
      apology:
        weight: -3
""",
            "quizzes/service-quiz.yaml:14: questions[0].criteria.apology.weight: must be a number",
        ),
        (
            """
  - id: r
    type: roleplay
    language: en
    customer: "Hello"
    rubric: complaint-handling
    examples:
      - text: "Sorry"
        criteria: [apology, charm]
""",
            "quizzes/service-quiz.yaml:14: questions[0].examples[0].criteria[1]: unknown required "
            "criterion 'charm'",
        ),
        (
            """
  - id: r
    type: roleplay
    language: fr
    customer: "Hello"
    rubric: complaint-handling
""",
            "quizzes/service-quiz.yaml:9: questions[0].language:",
        ),
    ],
)
def test_roleplay_problems_name_file_and_line(quiz_root, body, expected):
    problems = _problems(quiz_root, body)
    assert any(p.startswith(expected) for p in problems), problems


DIALOGUE = """
  - id: d
    type: roleplay_dialogue
    language: en
    rubric: complaint-handling
    turns:
      - id: opening
        customer: "My bill is double!"
        branches:
          - {{if_missed: [{missed}], goto: {goto}}}
          - {{goto: calm}}
      - id: calm
        customer: "OK"
      - id: {third}
        customer: "Fine"
"""


def test_dialogue_problems_name_file_and_line(quiz_root):
    problems = _problems(quiz_root, DIALOGUE.format(missed="apology", goto="nowhere", third="calm"))
    path = "quizzes/service-quiz.yaml"
    assert f"{path}:15: questions[0].turns[0].branches[0].goto: unknown turn 'nowhere'" in problems
    assert f"{path}:19: questions[0].turns[2].id: duplicate turn id 'calm'" in problems


def test_dialogue_unreachable_turns_loops_and_unknown_criteria(quiz_root):
    body = DIALOGUE.format(missed="charm", goto="calm", third="lost")
    problems = _problems(quiz_root, body)
    path = "quizzes/service-quiz.yaml"
    assert f"{path}:19: questions[0].turns[2].id: turn 'lost' cannot be reached from the first turn" in problems  # fmt: skip
    assert any(p.startswith(f"{path}:15: questions[0].turns[0].branches[0].if_missed[0]: unknown criterion 'charm'") for p in problems)  # fmt: skip
    looping = DIALOGUE.format(missed="apology", goto="calm", third="last").replace(
        '        customer: "OK"\n', '        customer: "OK"\n        branches: [{goto: opening}]\n'
    )
    assert any("must name a later turn" in p for p in _problems(quiz_root, looping))


def test_sync_refuses_a_quiz_with_problems(app, quiz_root):
    write(quiz_root, "quizzes/service-quiz.yaml",
          HEADER + "  - {id: r, type: roleplay, language: en, customer: Hi, rubric: nope}\n")  # fmt: skip
    with pytest.raises(ContentError):
        sync_content(quiz_root)


def test_example_file_is_valid_through_the_same_loader(tmp_path):
    rubrics = load_rubric_folder(REPO_ROOT / "quizzes" / "rubrics")
    source, problems = load_yaml(REPO_ROOT / "quizzes" / "EXAMPLE.yaml", "quizzes/EXAMPLE.yaml")
    loaded = load_quiz_source(source, rubrics, problems)
    assert problems == []
    types = {q.type for q in loaded.questions}
    assert types == {"single_choice", "multiple_choice", "true_false", "ordering", "roleplay",
                     "roleplay_dialogue"}  # fmt: skip
    # its answers in both languages score as they say, each with its own language's points
    report = check_examples({"example-quiz": loaded}, rubrics)
    assert [str(m) for m in report.mismatches] == [] and report.count >= 4


def test_example_file_is_skipped_by_the_loader(quiz_root):
    shutil.copy(REPO_ROOT / "quizzes" / "EXAMPLE.yaml", quiz_root / "quizzes" / "EXAMPLE.yaml")
    catalogue, problems = check_content(quiz_root)
    assert problems == [] and "example-quiz" not in catalogue.quizzes
