"""Reading conversations from a CSV or JSON file. No database access: the service checks agents
and scorecards. Every problem is reported, by row and column (CSV) or item and field (JSON).

CSV: one row per turn, in order, with the columns conversation_id, channel, agent, started_at,
speaker, text and optionally language; the rows of one conversation repeat its first four
columns. JSON: a list of conversations (or {"conversations": [...]}), each
{"id", "channel", "agent", "started_at", "language" (optional), "turns": [{"speaker", "text"}]}.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from datetime import datetime, tzinfo

from app.conversations.models import CHANNELS, SPEAKERS
from app.text import N_, N_plural, TextRule

REQUIRED_COLUMNS = ("conversation_id", "channel", "agent", "started_at", "speaker", "text")
COLUMNS = (*REQUIRED_COLUMNS, "language")
HEADER_COLUMNS = ("channel", "agent", "started_at", "language")  # the same on every row
ITEM_FIELDS = {"id", "channel", "agent", "started_at", "language", "turns"}
LANGUAGES = ("ar", "en")
ID_RULE = TextRule(max_length=120)
AGENT_RULE = TextRule(max_length=40)
TEXT_RULE = TextRule(max_length=5000, multiline=True)
MAX_TURNS = 200
_ARABIC = re.compile(r"[\u0600-\u06ff]")
_LATIN = re.compile(r"[A-Za-z]")


@dataclass(frozen=True)
class ImportProblem:
    """One problem: at a CSV row (the header is row 1) and column, or at a JSON item (its
    index in the list, from 0) and field."""

    row: int | None
    item: int | None
    field: str
    template: str  # %-style with `params`; translated where it is shown
    params: dict = field(default_factory=dict)

    @property
    def message(self) -> str:
        return self.template % self.params

    def __str__(self) -> str:
        if self.row is not None:
            return f"row {self.row}, column {self.field}: {self.message}"
        if self.item is not None:
            return f"item {self.item}, field {self.field}: {self.message}"
        return self.message


@dataclass
class TurnIn:
    speaker: str
    text: str


@dataclass
class ConversationIn:
    external_id: str
    channel: str
    agent_no: str
    started_at: datetime
    language: str
    turns: list[TurnIn] = field(default_factory=list)
    row: int | None = None  # where it starts, for the problems the service finds
    item: int | None = None

    def problem(self, name: str, template: str, **params) -> ImportProblem:
        return ImportProblem(self.row, self.item, name, template, params)


@dataclass
class Parsed:
    conversations: list[ConversationIn] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)


def decode(raw: bytes) -> tuple[str | None, ImportProblem | None]:
    try:
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        message = N_("the file is not UTF-8 text (byte %(byte)s)")
        return None, ImportProblem(1, None, "-", message, {"byte": exc.start})


def guess_language(texts: list[str]) -> str:
    """Arabic when the text has more Arabic letters than Latin ones."""
    joined = " ".join(texts)
    return "ar" if len(_ARABIC.findall(joined)) >= len(_LATIN.findall(joined)) else "en"


# --- single values ----------------------------------------------------------------------------


class _Bad(Exception):
    def __init__(self, template: str, **params):
        super().__init__(template)
        self.template, self.params = template, params


def _text(value, rule: TextRule) -> str:
    if not isinstance(value, str):
        raise _Bad(N_("must be text"))
    value = value.strip()
    if not value:
        raise _Bad(N_("required"))
    found = rule.problem(value)
    if found is not None:
        raise _Bad(found.template, **found.params)
    return value


def _choice(value, choices: tuple[str, ...]) -> str:
    value = value.strip().lower() if isinstance(value, str) else value
    if value not in choices:
        raise _Bad(N_("must be one of: %(choices)s"), choices=", ".join(choices))
    return value


def _moment(value, zone: tzinfo, now: datetime) -> datetime:
    if not isinstance(value, str) or not value.strip():
        raise _Bad(N_("required"))
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise _Bad(N_("not a date and time like 2026-03-01T09:30:00+03:00")) from None
    if moment.tzinfo is None:  # local time of the installation
        moment = moment.replace(tzinfo=zone)
    if moment > now:
        raise _Bad(N_("is in the future"))
    return moment


def _language(value) -> str:
    if value is None or (isinstance(value, str) and not value.strip()):
        return ""
    return _choice(value, LANGUAGES)


HEADER_RULES = {
    "conversation_id": lambda v, z, n: _text(v, ID_RULE),
    "channel": lambda v, z, n: _choice(v, CHANNELS),
    "agent": lambda v, z, n: _text(v, AGENT_RULE),
    "started_at": _moment,
    "language": lambda v, z, n: _language(v),
}
TURN_RULES = {
    "speaker": lambda v: _choice(v, SPEAKERS),
    "text": lambda v: _text(v, TEXT_RULE),
}


def _check(rule, value, problems: list, row: int | None, item: int | None, name: str):
    """The rule's value, or None with the problem recorded at (row or item, name)."""
    try:
        return rule(value)
    except _Bad as bad:
        problems.append(ImportProblem(row, item, name, bad.template, bad.params))
        return None


def _header_values(get, zone, now, problems, row, item, names: dict[str, str]) -> dict:
    """The conversation's own fields (`names`: rule key -> the name in the file)."""
    values = {}
    for key, name in names.items():
        rule = HEADER_RULES[key]
        values[key] = _check(lambda v, rule=rule: rule(v, zone, now), get(name),
                             problems, row, item, name)  # fmt: skip
    return values


# --- CSV --------------------------------------------------------------------------------------


def parse_csv(text: str, zone: tzinfo, now: datetime) -> Parsed:
    """Every conversation of a CSV file and every problem in it."""
    parsed = Parsed()
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [(name or "").strip() for name in (reader.fieldnames or [])]
    if not _csv_header(header, parsed.problems):
        return parsed
    reader.fieldnames = header
    found: dict[str, ConversationIn] = {}
    for number, raw in enumerate(reader, start=2):
        _csv_row(number, raw, zone, now, found, parsed)
    if not found and not parsed.problems:
        parsed.problems.append(ImportProblem(2, None, "-", N_("the file has a header but no rows")))
    for conversation in found.values():
        _finish(conversation, parsed)
    return parsed


def _csv_header(header: list[str], problems: list[ImportProblem]) -> bool:
    if not header:
        problems.append(ImportProblem(1, None, "-", N_("the file is empty")))
        return False
    for name in header:
        if name not in COLUMNS:
            problems.append(ImportProblem(1, None, name or "(blank)", N_("unknown column")))
    for name in REQUIRED_COLUMNS:
        if name not in header:
            problems.append(ImportProblem(1, None, name, N_("required column is missing")))
    if len(set(header)) != len(header):
        problems.append(ImportProblem(1, None, "-", N_("a column appears twice")))
    return not problems


def _csv_row(number: int, raw: dict, zone, now, found: dict, parsed: Parsed) -> None:
    if None in raw:  # more cells than columns
        parsed.problems.append(ImportProblem(number, None, "-", N_("more cells than columns")))
        return
    columns = {name: name for name in HEADER_RULES}
    values = _header_values(lambda name: raw.get(name) or "", zone, now, parsed.problems,
                            number, None, columns)  # fmt: skip
    turn = {name: _check(rule, raw.get(name) or "", parsed.problems, number, None, name)
            for name, rule in TURN_RULES.items()}  # fmt: skip
    external_id = values["conversation_id"]
    if external_id is None:
        return
    conversation = found.get(external_id)
    if conversation is None:
        if any(values[name] is None for name in ("channel", "agent", "started_at")):
            return
        conversation = ConversationIn(external_id, values["channel"], values["agent"],
                                      values["started_at"], values["language"], row=number)  # fmt: skip
        found[external_id] = conversation
    else:
        _same_header(conversation, values, number, parsed.problems)
    if None not in turn.values():
        conversation.turns.append(TurnIn(turn["speaker"], turn["text"]))


def _same_header(conversation: ConversationIn, values: dict, number: int, problems) -> None:
    first = {"channel": conversation.channel, "agent": conversation.agent_no,
             "started_at": conversation.started_at, "language": conversation.language}  # fmt: skip
    for name in HEADER_COLUMNS:
        if values[name] is not None and values[name] != first[name]:
            message = N_("differs from row %(row)s of the same conversation")
            problems.append(ImportProblem(number, None, name, message, {"row": conversation.row}))


def _finish(conversation: ConversationIn, parsed: Parsed) -> None:
    """A conversation needs an agent turn to score and at most MAX_TURNS turns."""
    where = "speaker" if conversation.row is not None else "turns"
    if len(conversation.turns) > MAX_TURNS:
        message = N_plural("more than %(num)s turn", "more than %(num)s turns")
        parsed.problems.append(conversation.problem(where, message, num=MAX_TURNS))
        return
    if not any(turn.speaker == "agent" for turn in conversation.turns):
        parsed.problems.append(
            conversation.problem(where, N_("the conversation has no agent turn"))
        )
        return
    if not conversation.language:
        conversation.language = guess_language([t.text for t in conversation.turns])
    parsed.conversations.append(conversation)


# --- JSON -------------------------------------------------------------------------------------


def parse_json(text: str, zone: tzinfo, now: datetime) -> Parsed:
    """Every conversation of a JSON file and every problem in it."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        line = getattr(exc, "lineno", 1)
        return Parsed(problems=[ImportProblem(None, None, "-", N_("not valid JSON (line %(line)s)"),
                                              {"line": line})])  # fmt: skip
    if isinstance(data, dict) and set(data) == {"conversations"}:
        data = data["conversations"]
    if not isinstance(data, list):
        message = N_('give a list of conversations, or {"conversations": [...]}')
        return Parsed(problems=[ImportProblem(None, None, "-", message)])
    return parse_items(data, zone, now)


def parse_items(items: list, zone: tzinfo, now: datetime) -> Parsed:
    """Conversations given as mappings (a JSON file or the API), checked item by item."""
    parsed = Parsed()
    seen: dict[str, int] = {}
    for index, item in enumerate(items):
        conversation = _item(index, item, zone, now, parsed.problems)
        if conversation is None:
            continue
        if conversation.external_id in seen:
            message = N_("the same id as item %(item)s")
            parsed.problems.append(
                conversation.problem("id", message, item=seen[conversation.external_id])
            )
            continue
        seen[conversation.external_id] = index
        _finish(conversation, parsed)
    if not items:
        parsed.problems.append(ImportProblem(None, None, "-", N_("no conversations given")))
    return parsed


def _item(index: int, item, zone, now, problems: list) -> ConversationIn | None:
    if not isinstance(item, dict):
        problems.append(ImportProblem(None, index, "-", N_("must be an object")))
        return None
    for name in sorted(set(item) - ITEM_FIELDS):
        problems.append(ImportProblem(None, index, name, N_("unknown field")))
    names = {"conversation_id": "id", "channel": "channel", "agent": "agent",
             "started_at": "started_at", "language": "language"}  # fmt: skip
    values = _header_values(lambda name: item.get(name, ""), zone, now, problems, None, index,
                            names)  # fmt: skip
    turns = _turns(index, item.get("turns"), problems)
    if None in [values[k] for k in ("conversation_id", "channel", "agent", "started_at")]:
        return None
    if turns is None or values["language"] is None:
        return None
    return ConversationIn(values["conversation_id"], values["channel"], values["agent"],
                          values["started_at"], values["language"], turns, item=index)  # fmt: skip


def _turns(index: int, raw, problems: list) -> list[TurnIn] | None:
    if not isinstance(raw, list) or not raw:
        problems.append(ImportProblem(None, index, "turns", N_("give a list of turns")))
        return None
    turns, ok = [], True
    for n, turn in enumerate(raw):
        if not isinstance(turn, dict) or set(turn) - {"speaker", "text"}:
            problems.append(ImportProblem(None, index, f"turns[{n}]",
                                          N_("a turn is {\"speaker\": ..., \"text\": ...}")))  # fmt: skip
            ok = False
            continue
        values = {name: _check(rule, turn.get(name, ""), problems, None, index,
                               f"turns[{n}].{name}")
                  for name, rule in TURN_RULES.items()}  # fmt: skip
        if None in values.values():
            ok = False
        else:
            turns.append(TurnIn(values["speaker"], values["text"]))
    return turns if ok else None
