"""Conversations: importing them (all or nothing, each stored once), scoring their agent turns
with the role-play rubric and scorer, loading the scorecards from content, and the evidence
they give on the standards. Callers commit, or roll back when a report is not ok."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC
from pathlib import PurePath
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select

from app import clock
from app.audit import services as audit
from app.conversations import importer, scorecards
from app.conversations.importer import ConversationIn, ImportProblem, Parsed
from app.conversations.models import Conversation, ConversationTurn, SamplingRule, Scorecard
from app.extensions import db
from app.people import services as people
from app.people.models import Role, User
from app.quizzes import rubrics as rubric_tools
from app.standards import compliance
from app.standards import services as standards

N_ = importer.N_


@dataclass
class ImportReport:
    problems: list[ImportProblem] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)  # already stored with other content: kept

    @property
    def ok(self) -> bool:
        return not self.problems


def _zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def import_file(raw: bytes, filename: str, *, actor: User | None) -> ImportReport:
    """Import a .csv or .json file of conversations; writes nothing when any part is bad."""
    kind = PurePath(filename or "").suffix.lower().lstrip(".")
    if kind not in ("csv", "json"):
        return ImportReport([ImportProblem(None, None, "-", N_("upload a .csv or .json file"))])
    text, problem = importer.decode(raw)
    if problem is not None:
        return ImportReport([problem])
    parse = importer.parse_csv if kind == "csv" else importer.parse_json
    return _import(parse(text, _zone(), clock.now()), actor=actor, source=kind)


def import_items(items: list, *, actor: User | None, source: str) -> ImportReport:
    """Import conversations given as mappings (the JSON API), with the JSON file's rules."""
    return _import(importer.parse_items(items, _zone(), clock.now()), actor=actor, source=source)


def _import(parsed: Parsed, *, actor: User | None, source: str) -> ImportReport:
    report = ImportReport(list(parsed.problems))
    agents = _agents(parsed.conversations, actor, report)
    cards = active_scorecards()
    existing = _existing([c.external_id for c in parsed.conversations])
    fresh = []
    for conversation in parsed.conversations:
        if conversation.channel not in cards:
            message = N_("no scorecard for this channel is loaded (run the content sync)")
            report.problems.append(conversation.problem("channel", message))
            continue
        stored = existing.get(conversation.external_id)
        if stored is None:
            fresh.append(conversation)
        elif stored.digest == digest_of(conversation):
            report.unchanged.append(conversation.external_id)
        else:
            report.changed.append(conversation.external_id)
    report.problems.sort(key=lambda p: (p.row or 0, p.item or 0, p.field))
    if not report.ok:
        return report
    for conversation in fresh:
        store_conversation(conversation, agents[conversation.agent_no],
                           cards[conversation.channel], actor, source)  # fmt: skip
        report.added.append(conversation.external_id)
    audit.record("conversations_imported", "import", source, actor=actor,
                 after={"added": len(report.added), "unchanged": len(report.unchanged),
                        "changed": report.changed})  # fmt: skip
    if fresh:
        standards.recompute_statuses(sorted({agents[c.agent_no].id for c in fresh}))
    return report


def _agents(conversations: list[ConversationIn], actor: User | None, report) -> dict[str, User]:
    """The agents by employee number; an unknown one, or one the importing manager does not
    manage, is a problem at the conversation's agent field."""
    numbers = sorted({c.agent_no for c in conversations})
    query = select(User).where(User.employee_no.in_(numbers))
    if actor is not None:
        query = people.visible_people_query(actor).where(User.employee_no.in_(numbers))
    found = {u.employee_no: u for u in db.session.scalars(query)}
    for conversation in conversations:
        user = found.get(conversation.agent_no)
        if user is None:
            message = N_("no agent with employee number %(no)s in your teams")
            if actor is None or actor.role in (Role.ADMIN, Role.HR):
                message = N_("no agent with employee number %(no)s")
            report.problems.append(conversation.problem("agent", message, no=conversation.agent_no))
        elif user.role != Role.AGENT or not user.active:
            message = N_("%(no)s is not an active agent")
            report.problems.append(conversation.problem("agent", message, no=conversation.agent_no))
    return found


def _existing(external_ids: list[str]) -> dict[str, Conversation]:
    if not external_ids:
        return {}
    query = select(Conversation).where(Conversation.external_id.in_(external_ids))
    return {c.external_id: c for c in db.session.scalars(query)}


def digest_of(conversation: ConversationIn) -> str:
    """A hash of what was imported, to tell a repeated import from a changed one."""
    canonical = json.dumps(
        {
            "channel": conversation.channel,
            "agent": conversation.agent_no,
            "started_at": conversation.started_at.astimezone(UTC).isoformat(),
            "language": conversation.language,
            "turns": [[t.speaker, t.text] for t in conversation.turns],
        },
        ensure_ascii=False,
        sort_keys=True,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def store_conversation(data: ConversationIn, agent: User, card: Scorecard, actor: User | None,
                       source: str) -> Conversation:  # fmt: skip
    """Store one conversation with its agent turns scored and its automatic scorecard result."""
    definition = card.definition
    details = score_turns(data, definition)
    # Role-play evidence's meaning over the agent turns: a required criterion shown in any
    # turn is met, a forbidden one committed in any turn is not.
    conversation = Conversation(
        external_id=data.external_id, channel=data.channel, agent_id=agent.id,
        started_at=data.started_at.astimezone(UTC), language=data.language,
        digest=digest_of(data), scorecard_id=card.id, source=source[:40],
        imported_by_id=getattr(actor, "id", None), imported_at=clock.now(),
    )  # fmt: skip
    conversation.turns = [
        ConversationTurn(position=n, speaker=turn.speaker, text=turn.text, detail=detail)
        for n, (turn, detail) in enumerate(zip(data.turns, details, strict=True), start=1)
    ]
    values = compliance.criterion_values({"turns": [d for d in details if d]}, None)
    ratings = scorecards.automatic_ratings(definition["items"], values)
    outcome = scorecards.judge(definition["items"], ratings, definition["pass_mark"])
    conversation.auto_criteria, conversation.auto_items = values, ratings
    conversation.auto_score = outcome.score
    conversation.auto_failed = outcome.failed
    db.session.add(conversation)
    db.session.flush()
    return conversation


def score_turns(data: ConversationIn, definition: dict) -> list[dict | None]:
    """The scorer's detail of every agent turn (None for customer turns): the scorecard's rubric
    bound to the customer turns since the agent last spoke, as a role-play reply is bound to
    the customer's message."""
    details: list[dict | None] = []
    heard: list[str] = []
    for turn in data.turns:
        if turn.speaker == "customer":
            heard.append(turn.text)
            details.append(None)
            continue
        customer = "\n".join(heard)
        rubric = rubric_tools.bind(definition["rubric"], [], {}, customer or None)
        detail = rubric_tools.result_detail(
            turn.text,
            rubric_tools.score_text(turn.text, rubric, data.language, definition["pass_mark"]),
            data.language,
        )
        details.append(detail | {"kind": "conversation_turn", "customer": customer})
        heard = []
    return details


# --- scorecards from content ------------------------------------------------------------------


def active_scorecards() -> dict[str, Scorecard]:
    """The scorecard in force for each channel."""
    rows = db.session.scalars(select(Scorecard).where(Scorecard.active).order_by(Scorecard.id))
    return {row.channel: row for row in rows}


def sync_scorecards(catalogue, report) -> None:
    """Load standards/scorecards.yaml in the content sync's transaction: a changed scorecard
    becomes a new version, the old one stays for what was judged on it."""
    spec = catalogue.scorecards
    rows = list(db.session.scalars(select(Scorecard)))
    wanted: set[int] = set()
    if spec is not None:
        rubric = catalogue.rubrics[spec.rubric]
        known = catalogue.standards.standards if catalogue.standards else []
        standard_defs = {s.id: s.model_dump(mode="json") for s in known}
        for card in spec.scorecards:
            definition = scorecards.card_definition(card, rubric, standard_defs)
            wanted.add(_scorecard_row(card, definition, rows, report).id)
    for row in rows:
        row.active = row.id in wanted
    _sync_sampling(spec)


def _scorecard_row(card, definition: dict, rows: list[Scorecard], report) -> Scorecard:
    digest = _definition_digest(definition)
    for row in rows:
        if row.key == card.id and row.digest == digest:
            row.channel = card.channel
            return row
    row = Scorecard(key=card.id, channel=card.channel, digest=digest, definition=definition,
                    loaded_at=clock.now())  # fmt: skip
    db.session.add(row)
    db.session.flush()
    rows.append(row)
    report.bump("scorecards_added")
    return row


def _sync_sampling(spec) -> None:
    existing = {r.team_code: r for r in db.session.scalars(select(SamplingRule))}
    for entry in spec.sampling if spec else []:
        row = existing.pop(entry.team, None) or SamplingRule(team_code=entry.team)
        db.session.add(row)
        below = entry.below_standard
        row.per_agent_per_month = entry.per_agent_per_month
        row.below_standards = list(below.standards) if below else []
        row.below_per_agent_per_month = below.per_agent_per_month if below else None
    for row in existing.values():
        db.session.delete(row)


def _definition_digest(definition: dict) -> str:
    """The same digest as the content sync gives quiz versions: a changed scorecard only."""
    canonical = json.dumps(definition, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()
