"""Scorecards: checking the file against rubrics and standards, and judging a conversation on
one. Pure Python: no Flask, no database.

An item's rating is met (1), partly (0.5), not met (0) or n/a (not counted). The score is the
weighted mean of the rated items, times 100; a critical item not met fails the conversation
and its score is 0 (auto-fail), whatever the other items say.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.conversations.schemas import ScorecardsFile

RATING_VALUES = {"met": 1.0, "partly": 0.5, "not_met": 0.0, "na": None}


@dataclass(frozen=True)
class Outcome:
    score: float | None  # 0-100; None when no item was rated
    failed: bool
    passed: bool


def file_problems(spec: ScorecardsFile, rubrics: dict[str, dict],
                  standard_ids: set[str] | None) -> list[tuple[tuple, str]]:  # fmt: skip
    """(location, message) of every reference in the file that does not resolve."""
    problems: list[tuple[tuple, str]] = []
    rubric = rubrics.get(spec.rubric)
    if rubric is None:
        known = ", ".join(sorted(rubrics)) or "none"
        problems.append((("rubric",), f"unknown rubric {spec.rubric!r} (known: {known})"))
    criteria = {c.get("id") for c in (rubric or {}).get("criteria", [])}
    channels: set[str] = set()
    ids: set[str] = set()
    for i, card in enumerate(spec.scorecards):
        if card.id in ids:
            problems.append((("scorecards", i, "id"), "duplicate scorecard id"))
        if card.channel in channels:
            problems.append((("scorecards", i, "channel"), "a channel has one scorecard"))
        ids.add(card.id)
        channels.add(card.channel)
        problems += _item_problems(card, ("scorecards", i), criteria if rubric else None,
                                   standard_ids)  # fmt: skip
    problems += _sampling_problems(spec, standard_ids)
    return problems


def _item_problems(card, loc: tuple, criteria: set | None, standard_ids: set | None) -> list:
    problems = []
    seen: set[str] = set()
    for j, item in enumerate(card.items):
        where = (*loc, "items", j)
        if item.id in seen:
            problems.append(((*where, "id"), "duplicate item id"))
        seen.add(item.id)
        if item.criterion is not None and criteria is not None and item.criterion not in criteria:
            problems.append(((*where, "criterion"), f"unknown rubric criterion {item.criterion!r}"))
        known = standard_ids if standard_ids is not None else {item.standard}
        if item.standard is not None and item.standard not in known:
            problems.append(((*where, "standard"), f"unknown standard {item.standard!r}"))
    return problems


def _sampling_problems(spec: ScorecardsFile, standard_ids: set | None) -> list:
    problems = []
    teams: set[str] = set()
    for i, rule in enumerate(spec.sampling):
        if rule.team in teams:
            problems.append((("sampling", i, "team"), "a team has one sampling rule"))
        teams.add(rule.team)
        below = rule.below_standard
        for j, standard in enumerate(below.standards if below else []):
            if standard_ids is not None and standard not in standard_ids:
                where = ("sampling", i, "below_standard", "standards", j)
                problems.append((where, f"unknown standard {standard!r}"))
    return problems


def card_definition(card, rubric: dict, standards: dict[str, dict]) -> dict:
    """What is stored for a scorecard: its items with titles resolved, and the rubric."""
    titles = {c["id"]: c.get("title") for c in rubric.get("criteria", [])}
    items = []
    for item in card.items:
        default = titles.get(item.criterion) if item.criterion else _title(standards, item)
        title = item.title.model_dump() if item.title else _bilingual(default, item.id)
        items.append({"id": item.id, "title": title, "criterion": item.criterion,
                      "standard": item.standard, "weight": item.weight,
                      "critical": item.critical})  # fmt: skip
    return {"title": card.title.model_dump(), "pass_mark": card.pass_mark, "items": items,
            "rubric": rubric}  # fmt: skip


def _title(standards: dict[str, dict], item) -> object:
    return standards.get(item.standard, {}).get("title")


def _bilingual(value, fallback: str) -> dict:
    if isinstance(value, dict):
        return {
            "ar": value.get("ar") or value.get("en", ""),
            "en": value.get("en") or value.get("ar", ""),
        }
    text = value or fallback
    return {"ar": text, "en": text}


def automatic_ratings(items: list[dict], criterion_values: dict[str, float]) -> dict[str, str]:
    """The rating of each criterion item from the scorer's decisions over the agent turns
    (1: the required criterion was shown, or the forbidden one was avoided, in every sense the
    role-play evidence uses); standard items are for the reviewer."""
    ratings = {}
    for item in items:
        value = criterion_values.get(item["criterion"]) if item["criterion"] else None
        if value is not None:
            ratings[item["id"]] = "met" if value >= 1 else "not_met"
    return ratings


def judge(items: list[dict], ratings: dict[str, str], pass_mark: int) -> Outcome:
    """The scorecard's outcome for these item ratings (unrated items do not count)."""
    total = weighted = 0.0
    failed = False
    for item in items:
        rating = ratings.get(item["id"], "na")
        value = RATING_VALUES[rating]
        if value is None:
            continue
        if item["critical"] and rating == "not_met":
            failed = True
        total += item["weight"]
        weighted += item["weight"] * value
    if failed:
        return Outcome(0.0, True, False)
    if total == 0:
        return Outcome(None, False, False)
    score = round(100 * weighted / total, 1)
    return Outcome(score, False, score >= pass_mark)
