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


def test_score_explains_each_decision(runner, tmp_path):
    quiz = write(tmp_path, "q.yaml", ROLEPLAY_QUIZ)
    reply = "I won't transfer you to anyone. I'm sorry your internet has been down for two days."
    result = runner.invoke(args=["quizzes", "score", str(quiz), "outage", "--explain"],
                           input=json.dumps({"text": reply}) + "\n")  # fmt: skip
    assert result.exit_code == 0, result.output
    why = json.loads(result.output)["explanation"]
    assert why["apology"]["status"] == "met" and why["apology"]["decided_by"] in ("rules", "model")
    assert why["apology"]["clause"] == "I'm sorry your internet has been down for two days"
    assert {"words": "transfer you to", "reason": "negated"} in why["needless_transfer"]["rejected"]
    assert why["needless_transfer"]["status"] == "avoided"


CORPUS_SCENARIO = """\
id: en-test-late-parcel
language: en
industry: delivery
customer: "My parcel is five days late and nobody answers."
key_points:
- [five days, 5 days]
responses:
- n: 1
  text: "I'm so sorry your parcel is five days late. I'll send a new one today."
- n: 2
  text: "Per our policy we can't do anything."
"""
CORPUS_LABELS = """\
scenario: en-test-late-parcel
labels:
- {n: 1, criteria: [apology, restate, commit_action], violations: []}
- {n: 2, criteria: [], violations: [policy_speak, blame_customer]}
"""


def _corpus(root, labels=CORPUS_LABELS):
    write(root, "corpus/scenarios/en-test-late-parcel.yaml", CORPUS_SCENARIO)
    write(root, "corpus/labels/final/en-test-late-parcel.yaml", labels)
    write(root, "corpus/folds.yaml", "locked: []\ndevelopment: [en-test-late-parcel]\n")
    return root / "corpus"


def test_evaluate_prints_precision_recall_and_every_mismatch(runner, tmp_path):
    corpus = _corpus(tmp_path)
    result = runner.invoke(args=["quizzes", "evaluate", str(corpus), "--show", "mismatches"])
    assert result.exit_code == 0, result.output
    assert "== en: 2 replies, macro F1" in result.output
    english = result.output.split("== en:")[1].split("== all")[0]
    row = next(line for line in english.splitlines() if line.startswith("blame_customer"))
    assert row.split()[1:] == ["0.00", "0.00", "0.00", "0", "0", "1"]  # P R F1 tp fp fn
    assert "en-test-late-parcel/2: blame_customer: labelled, not found" in result.output
    dev = runner.invoke(args=["quizzes", "evaluate", str(corpus), "--fold", "development"])
    assert dev.exit_code == 0 and "== en: 2 replies" in dev.output


def test_evaluate_reports_a_bad_label_file_by_item_and_field(runner, tmp_path):
    corpus = _corpus(tmp_path, CORPUS_LABELS.replace("[policy_speak,", "[policy,"))
    result = runner.invoke(args=["quizzes", "evaluate", str(corpus)])
    assert result.exit_code != 0
    assert "labels[2]: violations: unknown id 'policy'" in result.output


def test_evaluate_reports_a_scenario_batch_that_is_not_a_name(runner, tmp_path):
    corpus = _corpus(tmp_path)
    path = corpus / "scenarios" / "en-test-late-parcel.yaml"
    path.write_text(CORPUS_SCENARIO.replace("industry:", "batch: [2]\nindustry:"), encoding="utf-8")
    result = runner.invoke(args=["quizzes", "evaluate", str(corpus)])
    assert result.exit_code != 0
    assert "en-test-late-parcel.yaml: batch: must be a string" in result.output
    path.write_text(CORPUS_SCENARIO.replace("industry:", "batch: mixed\nindustry:"), "utf-8")
    assert runner.invoke(args=["quizzes", "evaluate", str(corpus)]).exit_code == 0
