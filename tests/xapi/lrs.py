"""A small Learning Record Store for the tests: a real HTTP server on 127.0.0.1 (werkzeug) that
takes `PUT /xapi/statements?statementId=...` as an LRS does, checks each statement's shape
against xAPI 1.0.3, and can be told to fail the first tries or refuse everything."""

from __future__ import annotations

import base64
import json
import re
import threading
import uuid
from datetime import datetime
from urllib.parse import urlsplit

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

STATEMENT_KEYS = {"id", "actor", "verb", "object", "result", "context", "timestamp"}
DURATION = re.compile(r"^PT\d+(\.\d{1,2})?S$")


def is_iri(value) -> bool:
    parts = urlsplit(value) if isinstance(value, str) else None
    return bool(parts and parts.scheme in ("http", "https") and parts.netloc)


def is_language_map(value) -> bool:
    return (
        isinstance(value, dict)
        and bool(value)
        and all(re.fullmatch(r"[a-z]{2}(-[A-Z]{2})?", k) and isinstance(v, str) and v
                for k, v in value.items())
    )  # fmt: skip


def _activity_problems(activity, base_url: str, where: str) -> list[str]:
    problems = []
    if activity.get("objectType", "Activity") != "Activity":
        problems.append(f"{where}.objectType is not Activity")
    if not is_iri(activity.get("id")) or not activity["id"].startswith(base_url):
        problems.append(f"{where}.id {activity.get('id')!r} is not an IRI under {base_url}")
    definition = activity.get("definition", {})
    if not is_iri(definition.get("type")):
        problems.append(f"{where}.definition.type is not an IRI")
    if "name" in definition and not is_language_map(definition["name"]):
        problems.append(f"{where}.definition.name is not a language map")
    return problems


def _result_problems(result) -> list[str]:
    problems = []
    score = result.get("score")
    if score is not None:
        if not -1 <= score.get("scaled", 0) <= 1:
            problems.append("result.score.scaled outside -1..1")
        low, high, raw = score.get("min", 0), score.get("max", 100), score.get("raw", 0)
        if not low <= raw <= high or low >= high:
            problems.append("result.score.raw outside min..max")
    for key in ("success", "completion"):
        if key in result and not isinstance(result[key], bool):
            problems.append(f"result.{key} is not a boolean")
    if "duration" in result and not DURATION.match(result["duration"]):
        problems.append("result.duration is not an ISO 8601 duration")
    if "extensions" in result and not all(is_iri(k) for k in result["extensions"]):
        problems.append("result.extensions keys are not IRIs")
    return problems


def statement_problems(statement: dict, base_url: str) -> list[str]:
    """What is wrong with a statement, per xAPI 1.0.3 (the parts Khidma sends)."""
    problems = [f"unexpected property {k!r}" for k in set(statement) - STATEMENT_KEYS]
    try:
        if str(uuid.UUID(statement.get("id", ""))) != statement["id"]:
            problems.append("id is not a lower-case UUID")
    except ValueError:
        problems.append("id is not a UUID")
    actor = statement.get("actor", {})
    if actor.get("objectType") != "Agent" or not re.fullmatch(
        r"mailto:[^@\s]+@[^@\s]+", actor.get("mbox", "")
    ):
        problems.append("actor is not an Agent with a mailto: mbox")
    verb = statement.get("verb", {})
    if not is_iri(verb.get("id")) or not is_language_map(verb.get("display")):
        problems.append("verb needs an IRI id and a display language map")
    problems += _activity_problems(statement.get("object", {}), base_url, "object")
    problems += _result_problems(statement.get("result", {}))
    context = statement.get("context", {})
    for i, parent in enumerate(context.get("contextActivities", {}).get("parent", [])):
        problems += _activity_problems(parent, base_url, f"context.parent[{i}]")
    try:
        moment = datetime.fromisoformat(statement["timestamp"].replace("Z", "+00:00"))
        if moment.utcoffset() is None:
            problems.append("timestamp has no time zone")
    except (KeyError, ValueError):
        problems.append("timestamp is not ISO 8601")
    return problems


class RecordStore:
    """The LRS: statements kept by id, every request logged with the answer given."""

    def __init__(self, key: str, secret: str, base_url: str):
        self.key, self.secret, self.base_url = key, secret, base_url
        self.statements: dict[str, dict] = {}
        self.log: list[tuple[str, int]] = []  # (statementId, status answered)
        self.problems: list[str] = []
        self.fail_next = 0  # answer 503 to that many requests
        self.refuse_all = False  # answer 400 to every request
        self.lock = threading.Lock()

    def __call__(self, environ, start_response):
        request = Request(environ)
        with self.lock:
            status, text = self._answer(request)
            self.log.append((request.args.get("statementId", ""), status))
        return Response(text, status=status)(environ, start_response)

    def _answer(self, request: Request) -> tuple[int, str]:
        if request.method != "PUT" or request.path != "/xapi/statements":
            return 405, "PUT /xapi/statements only"
        if request.headers.get("X-Experience-API-Version") != "1.0.3":
            return 400, "X-Experience-API-Version 1.0.3 is required"
        expected = base64.b64encode(f"{self.key}:{self.secret}".encode()).decode()
        if request.headers.get("Authorization") != f"Basic {expected}":
            return 401, "bad credentials"
        if self.fail_next:
            self.fail_next -= 1
            return 503, "try again later"
        if self.refuse_all:
            return 400, "this LRS refuses everything today"
        if request.mimetype != "application/json":
            return 400, "JSON only"
        statement = json.loads(request.get_data())
        problems = statement_problems(statement, self.base_url)
        if statement.get("id") != request.args.get("statementId"):
            problems.append("statementId differs from the statement's id")
        if problems:
            self.problems += problems
            return 400, "; ".join(problems)
        known = self.statements.get(statement["id"])
        if known is not None and known != statement:
            return 409, "a different statement has this id"
        self.statements[statement["id"]] = statement
        return 204, ""

    def by_verb(self, verb: str) -> list[dict]:
        return [s for s in self.statements.values() if s["verb"]["id"].endswith(f"/{verb}")]


class RunningStore:
    def __init__(self, store: RecordStore):
        self.store = store
        self.server = make_server("127.0.0.1", 0, store, threaded=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/xapi/"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)
