"""`flask quizzes export-labels`: human judgements written as a corpus that `flask quizzes
evaluate` reads back, with figures that follow the overrides."""

import re
from datetime import UTC, datetime

import pytest
import yaml
from sqlalchemy import select

from app.conversations import reviews
from app.conversations.models import Conversation
from app.extensions import db
from app.labelling.export import ExportError, write_corpus
from app.scoring.evaluation import CRITERIA_IDS
from app.scoring.judgements import HumanJudgement
from tests.conversations.conftest import conversation
from tests.quizzes.conftest import GOOD_REPLY, POOR_REPLY


def _counts(output: str, language: str) -> dict[str, tuple[int, int, int]]:
    """criterion -> (tp, fp, fn) from the `evaluate` table of one language."""
    block = output.split(f"== {language}:")[1].split("\n==")[0]
    found = {}
    for line in block.splitlines():
        match = re.match(r"(\w+)\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+(\d+)\s+(\d+)\s+(\d+)$", line)
        if match:
            found[match[1]] = tuple(int(n) for n in match.groups()[1:])
    return found


def _auto(answer) -> dict[str, bool]:
    return {o["id"]: o["present"] for o in answer.detail["outcomes"]}


def test_export_then_evaluate_shows_the_overrides(answered, override, runner, tmp_path):
    poor, good = answered(POOR_REPLY), answered(GOOD_REPLY)
    assert not _auto(poor)["apology"] and _auto(good)["thanks"]
    override(poor, {"apology": True})  # the scorer missed it, says the manager
    override(good, {"thanks": False})  # the scorer saw it where there was none
    out = tmp_path / "real"
    result = runner.invoke(args=["quizzes", "export-labels", str(out)])
    assert result.exit_code == 0, result.output
    assert "2 reply(ies) in 1 scenario(s)" in result.output

    folds = yaml.safe_load((out / "folds.yaml").read_text(encoding="utf-8"))
    [sid] = folds["real-use"]
    scenario = yaml.safe_load((out / "scenarios" / f"{sid}.yaml").read_text(encoding="utf-8"))
    assert scenario["industry"] == "real-use" and scenario["language"] == "en"
    assert [r["text"] for r in scenario["responses"]] == [POOR_REPLY, GOOD_REPLY]
    assert scenario["key_points"][1] == ["two days", "2 days"]
    labels = yaml.safe_load((out / "labels" / "final" / f"{sid}.yaml").read_text("utf-8"))
    first, second = labels["labels"]
    assert "apology" in first["criteria"] and "thanks" not in second["criteria"]
    assert first["note"].startswith("decided by a person: apology (override), empathy (override)")

    evaluated = runner.invoke(args=["quizzes", "evaluate", str(out), "--fold", "real-use"])
    assert evaluated.exit_code == 0, evaluated.output
    counts = _counts(evaluated.output, "en")
    assert counts["apology"][2] == 1  # labelled, not found: the override of the poor reply
    assert counts["thanks"][1] == 1  # found, not labelled: the override of the good reply
    agreed = [c for c in CRITERIA_IDS if c not in ("apology", "thanks")]
    assert all(counts[c][1:] == (0, 0) for c in agreed), counts
    assert "== ar: 0 replies" in evaluated.output


def test_review_judgements_export_without_key_points(team, import_json, synced, runner, tmp_path):
    import_json(conversation("C-1", team["agents"][0]))
    talk = db.session.scalar(select(Conversation))
    ratings = {"apology": ("met", ""), "restate": ("not_met", ""), "no-policy": ("met", ""),
               "no-blame": ("met", ""), "prompt": ("met", "")}  # fmt: skip
    reviews.record_review(team["manager"], talk, ratings)
    db.session.commit()
    out = tmp_path / "reviews"
    result = runner.invoke(args=["quizzes", "export-labels", str(out), "--language", "en"])
    assert result.exit_code == 0, result.output
    [path] = (out / "scenarios").glob("*.yaml")
    assert yaml.safe_load(path.read_text("utf-8"))["key_points"] == []
    [label] = yaml.safe_load((out / "labels" / "final" / path.name).read_text("utf-8"))["labels"]
    assert "restate" not in label["criteria"]
    assert label["note"].startswith(
        "decided by a person: apology (review), restate (review), policy_speak (review), "
        "blame_customer (review);"
    )
    evaluated = runner.invoke(args=["quizzes", "evaluate", str(out)])
    assert evaluated.exit_code == 0, evaluated.output
    assert _counts(evaluated.output, "en")["restate"] == (0, 1, 0)


def test_an_occupied_folder_is_refused_and_left_as_it_was(answered, override, runner, tmp_path):
    override(answered(POOR_REPLY), {"apology": True})
    out = tmp_path / "exports" / "taken"
    out.mkdir(parents=True)
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    result = runner.invoke(args=["quizzes", "export-labels", str(out)])
    assert result.exit_code != 0
    assert "already exists and is not an empty folder; nothing was written" in result.output
    assert [p.name for p in out.iterdir()] == ["notes.txt"]
    assert [p.name for p in out.parent.iterdir()] == ["taken"]  # no work folder left


def test_an_empty_folder_is_filled(answered, override, runner, tmp_path):
    override(answered(POOR_REPLY), {"apology": True})
    out = tmp_path / "empty"
    out.mkdir()
    result = runner.invoke(args=["quizzes", "export-labels", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["folds.yaml", "labels", "scenarios"]


@pytest.mark.parametrize("args", [[], ["--language", "ar"], ["--since", "2999-01-01"]])
def test_nothing_to_export_writes_nothing(answered, override, runner, tmp_path, args):
    if args:
        override(answered(POOR_REPLY), {"apology": True})
    out = tmp_path / "exports" / "none"
    result = runner.invoke(args=["quizzes", "export-labels", str(out), *args])
    assert result.exit_code != 0
    assert "no human judgements to export (nothing was written)" in result.output
    assert not out.parent.exists()


def test_a_corpus_that_does_not_read_back_leaves_nothing(tmp_path):
    odd = HumanJudgement(
        language="fr", text="Désolé.", customer="Rien ne marche.", criterion="apology",
        auto_met=False, human_met=True, source="calibration", source_ref="calibration:1:1",
        decided_at=datetime(2026, 12, 1, tzinfo=UTC), auto_present=frozenset(),
    )  # fmt: skip
    out = tmp_path / "exports" / "odd"
    with pytest.raises(ExportError, match="language: must be ar or en"):
        write_corpus(out, [odd], auto_labels=lambda replies: [])
    assert list(out.parent.iterdir()) == []


def test_a_reply_without_kept_decisions_gets_the_scorers_for_the_rest(app, tmp_path):
    from app.labelling.cli import _scorer_labels

    judged = HumanJudgement(
        language="en", text=GOOD_REPLY, customer="My internet has been down for two days!",
        criterion="thanks", auto_met=True, human_met=False, source="calibration",
        source_ref="calibration:4:2", decided_at=datetime(2026, 12, 1, tzinfo=UTC),
    )  # fmt: skip
    out = tmp_path / "exports" / "calibrated"
    write_corpus(out, [judged], _scorer_labels)
    [path] = (out / "labels" / "final").glob("*.yaml")
    [label] = yaml.safe_load(path.read_text("utf-8"))["labels"]
    assert "apology" in label["criteria"] and "commit_action" in label["criteria"]
    assert "thanks" not in label["criteria"]
    assert label["note"].startswith("decided by a person: thanks (calibration);")
