"""How often people agreed with the auto-marker: per criterion and language, by source, and
the replies where they did not."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from functools import lru_cache
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from app import clock
from app.extensions import db
from app.people.models import User
from app.quizzes.rubrics import load_rubric_folder
from app.scoring.evaluation import CRITERIA_IDS
from app.scoring.judgements import HumanJudgement

WINDOW_DAYS = 90
PER_PAGE = 50
SOURCES = ("override", "review", "calibration")


@dataclass
class Tally:
    """Judgements compared with an automatic decision, and how many agreed with it."""

    compared: int = 0
    agreed: int = 0

    def add(self, judgement: HumanJudgement) -> None:
        if judgement.agrees is not None:
            self.compared += 1
            self.agreed += judgement.agrees

    @property
    def share(self) -> float | None:
        return self.agreed / self.compared if self.compared else None


@dataclass
class Row:
    criterion: str
    language: str
    judgements: int = 0
    total: Tally = field(default_factory=Tally)
    by_source: dict[str, Tally] = field(default_factory=dict)


def window_start():
    return clock.now() - timedelta(days=WINDOW_DAYS)


def agreement_rows(judgements: Iterable[HumanJudgement]) -> list[Row]:
    """One row per criterion and language that people judged, in the rubric's order."""
    rows: dict[tuple[str, str], Row] = {}
    for j in judgements:
        row = rows.setdefault((j.criterion, j.language), Row(j.criterion, j.language))
        row.judgements += 1
        row.total.add(j)
        row.by_source.setdefault(j.source, Tally()).add(j)
    order = {cid: n for n, cid in enumerate(CRITERIA_IDS)}
    return sorted(rows.values(), key=lambda r: (order.get(r.criterion, len(order)), r.criterion,
                                                r.language))  # fmt: skip


def sources_seen(rows: list[Row]) -> list[str]:
    seen = {source for row in rows for source in row.by_source}
    return [s for s in SOURCES if s in seen] + sorted(seen - set(SOURCES))


@dataclass
class DisagreementPage:
    items: list[HumanJudgement]
    deciders: dict[int, User]
    page: int
    pages: int
    total: int

    def iter_pages(self):
        return range(1, self.pages + 1)


def disagreements(judgements: Iterable[HumanJudgement], page: int = 1) -> DisagreementPage:
    """The judgements that went against the automatic decision, newest first, one page, with
    the people who made them."""
    found = [j for j in judgements if j.agrees is False]
    found.sort(key=lambda j: (j.decided_at, j.source_ref), reverse=True)
    pages = max(1, -(-len(found) // PER_PAGE))
    page = min(max(page, 1), pages)
    items = found[(page - 1) * PER_PAGE : page * PER_PAGE]
    ids = {j.decided_by_id for j in items if j.decided_by_id is not None}
    people = db.session.scalars(select(User).where(User.id.in_(ids))) if ids else []
    return DisagreementPage(items, {u.id: u for u in people}, page, pages, len(found))


def reply_link(judgement: HumanJudgement) -> tuple[str, dict] | None:
    """(endpoint, arguments) of the page showing the reply, from its reference."""
    parts = judgement.reply_ref.split(":")
    if len(parts) >= 2 and parts[1].isdigit():
        if parts[0] == "attempt":
            return "quizzes.result", {"attempt_id": int(parts[1])}
        if parts[0] == "conversation":
            return "conversations.detail", {"conversation_id": int(parts[1])}
    return None


def criterion_titles() -> dict[str, dict]:
    """Each criterion's title in both languages, as the rubrics in the content folder give it
    (the titles the result and review pages show)."""
    folder = Path(current_app.config["CONTENT_DIR"]) / "quizzes" / "rubrics"
    stamp = tuple((p.name, p.stat().st_mtime_ns) for p in sorted(folder.glob("*.yaml")))
    return _titles(str(folder), stamp)


@lru_cache(maxsize=4)
def _titles(folder: str, stamp: tuple) -> dict[str, dict]:
    titles: dict[str, dict] = {}
    for rubric in load_rubric_folder(Path(folder)).values():
        for criterion in rubric.get("criteria") or []:
            titles.setdefault(criterion.get("id"), criterion.get("title") or {})
    return titles
