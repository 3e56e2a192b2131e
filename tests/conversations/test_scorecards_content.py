"""Scorecards are content: standards/scorecards.yaml is checked by `flask content check` (every
problem as path:line: field: message) and loaded by `flask content sync`, versions kept."""

from pathlib import Path

from sqlalchemy import select

from app.content.catalogue import validate
from app.content.services import check_content, sync_content
from app.conversations.models import SamplingRule, Scorecard
from app.conversations.schemas import ScorecardsFile
from app.conversations.scorecards import file_problems
from app.extensions import db
from app.quizzes.rubrics import load_rubric_folder
from app.yaml_source import load_yaml
from tests.conftest import REPO_ROOT
from tests.conversations.conftest import SCORECARDS, write_scorecards

BROKEN = """
rubric: complaint-handling
scorecards:
  - id: chat
    channel: chat
    title: "Chat"
    items:
      - {id: apology, criterion: apologies}
      - {id: prompt, standard: STD-99}
      - {id: both, criterion: apology, standard: STD-01}
      - {id: heavy, criterion: thanks, weight: 0}
  - id: chat-two
    channel: chat
    title: "Chat again"
    items:
      - {id: apology, criterion: apology}
      - {id: apology, criterion: empathy}
sampling:
  - team: "*"
    per_agent_per_month: 5
    below_standard: {standards: [STD-42], per_agent_per_month: 8}
"""


def test_content_check_reports_every_scorecard_problem_at_its_line(qa_root, runner, app,
                                                                    monkeypatch):  # fmt: skip
    write_scorecards(qa_root, BROKEN)
    _, problems = check_content(qa_root)
    assert [str(p) for p in problems] == [  # the format first: then references are checked
        "standards/scorecards.yaml:9: scorecards[0].items[2]: give either criterion or standard",
        "standards/scorecards.yaml:10: scorecards[0].items[3].weight: "
        "Input should be greater than 0",
    ]
    write_scorecards(qa_root, BROKEN.replace("weight: 0", "weight: 1").replace(
        "standard: STD-01}", "}"))  # fmt: skip
    _, problems = check_content(qa_root)
    assert [str(p) for p in problems] == [
        "standards/scorecards.yaml:7: scorecards[0].items[0].criterion: "
        "unknown rubric criterion 'apologies'",
        "standards/scorecards.yaml:8: scorecards[0].items[1].standard: unknown standard 'STD-99'",
        "standards/scorecards.yaml:12: scorecards[1].channel: a channel has one scorecard",
        "standards/scorecards.yaml:16: scorecards[1].items[1].id: duplicate item id",
        "standards/scorecards.yaml:20: sampling[0].below_standard.standards[0]: "
        "unknown standard 'STD-42'",
    ]
    monkeypatch.setitem(app.config, "CONTENT_DIR", qa_root)
    result = runner.invoke(args=["content", "check"])
    assert result.exit_code != 0
    assert "standards/scorecards.yaml:12: scorecards[1].channel: a channel has one scorecard" in (
        result.output
    )


def test_sync_loads_scorecards_and_keeps_the_version_a_changed_one_replaces(synced):
    cards = {c.key: c for c in db.session.scalars(select(Scorecard))}
    assert sorted(cards) == ["chat", "phone"] and all(c.active for c in cards.values())
    chat = cards["chat"].definition
    assert chat["pass_mark"] == 70 and chat["rubric"]["id"] == "complaint-handling"
    titles = {item["id"]: item["title"]["en"] for item in chat["items"]}
    assert titles["apology"] == "Apology"  # the criterion's title from the rubric
    assert titles["prompt"] == "Answer promptly"  # the standard's title
    assert [item["critical"] for item in chat["items"]] == [False, False, False, True, False]
    rules = {r.team_code: r for r in db.session.scalars(select(SamplingRule))}
    assert rules["*"].per_agent_per_month == 2 and rules["*"].below_standards == ["STD-07"]
    assert rules["other"].below_per_agent_per_month is None

    write_scorecards(synced, SCORECARDS.replace("pass_mark: 70", "pass_mark: 75")
                     .replace("  - team: other\n    per_agent_per_month: 1\n", ""))  # fmt: skip
    report = sync_content(synced)
    db.session.commit()
    assert report.counts["scorecards_added"] == 1
    rows = db.session.scalars(
        select(Scorecard).where(Scorecard.key == "chat").order_by(Scorecard.id)
    )
    assert [(r.definition["pass_mark"], r.active) for r in rows] == [(70, False), (75, True)]
    assert list(db.session.scalars(select(SamplingRule.team_code))) == ["*"]


def test_the_shipped_scorecards_and_the_example_follow_the_format():
    rubrics = load_rubric_folder(REPO_ROOT / "quizzes" / "rubrics")
    standards, _ = load_yaml(REPO_ROOT / "standards" / "standards.yaml", "standards.yaml")
    standard_ids = {s["id"] for s in standards.data["standards"]}
    for name in ("scorecards.yaml", "SCORECARDS-EXAMPLE.yaml"):
        source, problems = load_yaml(Path(REPO_ROOT / "standards" / name), name)
        spec = validate(ScorecardsFile, source, problems)
        assert not problems and spec is not None, [str(p) for p in problems]
        assert file_problems(spec, rubrics, standard_ids) == []
        assert {card.channel for card in spec.scorecards} <= {"phone", "chat", "email"}
