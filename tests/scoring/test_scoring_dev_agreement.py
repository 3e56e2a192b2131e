"""Agreement with the human-labelled development replies: macro F1 >= 0.90 per language."""

import os
from pathlib import Path

import pytest

from app.scoring.evaluation import evaluate, format_report, load_labelled, predict, score_slice

TARGET = 0.90


@pytest.fixture(scope="module")
def dev_replies(repo_root):
    default = repo_root.parent / "shared" / "roleplay-dev"
    folder = Path(os.environ.get("KHIDMA_ROLEPLAY_DEV", default))
    if not (folder / "scenarios.yaml").is_file():
        message = f"labelled role-play replies not found in {folder} (set KHIDMA_ROLEPLAY_DEV)"
        if os.environ.get("KHIDMA_REQUIRE_DEV_DATA") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return load_labelled(folder)


def test_macro_f1_per_language(rubric, dev_replies):
    reports = evaluate(predict(rubric, dev_replies), dev_replies)
    table = format_report(reports)
    assert reports["ar"].macro_f1 >= TARGET, table
    assert reports["en"].macro_f1 >= TARGET, table


def test_f1_arithmetic():
    preds = {"a": {"apology"}, "b": {"apology"}, "c": set()}
    gold = {"a": {"apology"}, "b": set(), "c": {"apology"}}
    report = score_slice("x", preds, gold, ids=["apology", "thanks"])
    s = report.per_criterion["apology"]
    assert (s.tp, s.fp, s.fn) == (1, 1, 1)
    assert s.precision == s.recall == s.f1 == 0.5
    assert report.per_criterion["thanks"].f1 == 0.0  # undefined values count as 0
    assert report.macro_f1 == 0.25
