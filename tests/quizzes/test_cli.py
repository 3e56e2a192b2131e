"""`flask quizzes check` and `flask quizzes score`, run through the CLI runner."""

import json

import pytest

from tests.content_tree import write

from .conftest import GOOD_REPLY, POOR_REPLY, ROLEPLAY_QUIZ

CONTRACT_KEYS = ["score", "passed", "criteria", "violations", "feedback"]


@pytest.fixture
def runner(app, runner, quiz_root, monkeypatch):
    """Rubrics come from the content folder: the test tree's copy of the real rubric."""
    monkeypatch.setitem(app.config, "CONTENT_DIR", quiz_root)
    return runner


def test_check_passes_on_good_files_and_prints_the_table(app, quiz_root, runner, monkeypatch):
    monkeypatch.setitem(app.config, "CONTENT_DIR", quiz_root)
    result = runner.invoke(args=["quizzes", "check"])
    assert result.exit_code == 0, result.output
    assert "apology" in result.output and "macro F1" in result.output
    assert "quizzes ok: 2 quiz file(s), 1 example(s)" in result.output


def test_check_reports_a_wrong_example_with_file_and_line(app, quiz_root, runner, monkeypatch):
    wrong = ROLEPLAY_QUIZ.replace(
        "criteria: [apology, restate, commit_action]",
        "criteria: [apology, restate, commit_action, thanks]",
    )
    write(quiz_root, "quizzes/service-quiz.yaml", wrong)
    monkeypatch.setitem(app.config, "CONTENT_DIR", quiz_root)
    result = runner.invoke(args=["quizzes", "check"])
    assert result.exit_code != 0
    line = next(n for n, text in enumerate(wrong.lstrip().splitlines(), 1) if "- text:" in text)
    expected = f"quizzes/service-quiz.yaml:{line}: questions[0].examples[0]: thanks: expected met"
    assert expected in result.output, result.output


def test_check_reports_invalid_files(app, quiz_root, runner, monkeypatch):
    write(
        quiz_root,
        "quizzes/service-quiz.yaml",
        ROLEPLAY_QUIZ.replace("type: roleplay\n", "type: essay\n"),
    )
    monkeypatch.setitem(app.config, "CONTENT_DIR", quiz_root)
    result = runner.invoke(args=["quizzes", "check"])
    assert result.exit_code != 0
    assert (
        "quizzes/service-quiz.yaml:8: questions[0].type: unknown question type 'essay'"
        in result.output
    )


def test_score_follows_the_contract_for_a_file_outside_quizzes(runner, tmp_path):
    quiz = write(tmp_path, "elsewhere/my-quiz.yaml", ROLEPLAY_QUIZ)
    lines = [json.dumps({"text": GOOD_REPLY}), json.dumps({"text": POOR_REPLY}), ""]
    result = runner.invoke(args=["quizzes", "score", str(quiz), "outage"], input="\n".join(lines))
    assert result.exit_code == 0, result.output
    good, poor = (json.loads(line) for line in result.output.splitlines())
    assert list(good) == CONTRACT_KEYS
    assert good["score"] == 100 and good["passed"] is True and good["criteria"]["apology"] is True
    assert good["violations"] == {k: False for k in good["violations"]} and good["violations"]
    assert poor["passed"] is False and isinstance(poor["feedback"], list)


def test_score_works_for_a_dialogue_turn(runner, tmp_path):
    quiz = write(tmp_path, "q.yaml", ROLEPLAY_QUIZ)
    result = runner.invoke(args=["quizzes", "score", str(quiz), "bill/opening"],
                           input=json.dumps({"text": "Sorry about the bill"}) + "\n")  # fmt: skip
    assert result.exit_code == 0 and json.loads(result.output)["criteria"]["apology"] is True


def test_score_names_the_bad_line(runner, tmp_path):
    quiz = write(tmp_path, "q.yaml", ROLEPLAY_QUIZ)
    stdin = json.dumps({"text": GOOD_REPLY}) + "\n{not json\n"
    result = runner.invoke(args=["quizzes", "score", str(quiz), "outage"], input=stdin)
    assert result.exit_code != 0
    assert "line 2: not valid JSON" in result.output
    wrong_shape = runner.invoke(
        args=["quizzes", "score", str(quiz), "outage"], input='{"txt": 1}\n'
    )
    assert wrong_shape.exit_code != 0 and "line 1:" in wrong_shape.output


def test_score_refuses_an_unknown_question(runner, tmp_path):
    quiz = write(tmp_path, "q.yaml", ROLEPLAY_QUIZ)
    result = runner.invoke(args=["quizzes", "score", str(quiz), "nope"], input="")
    assert result.exit_code != 0 and "no role-play question 'nope'" in result.output
