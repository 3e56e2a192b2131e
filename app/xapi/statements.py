"""xAPI 1.0.3 statements, built from plain values (no database): who (mbox of the person's
e-mail), did what (verbs from the ADL vocabulary, and "earned" from the Tin Can registry), to
which activity (ids under PUBLIC_BASE_URL), with what result, when."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

XAPI_VERSION = "1.0.3"
ADL = "http://adlnet.gov/expapi"

VERBS = {
    "completed": f"{ADL}/verbs/completed",
    "passed": f"{ADL}/verbs/passed",
    "failed": f"{ADL}/verbs/failed",
    "earned": "http://id.tincanapi.com/verb/earned",
}
ACTIVITY_TYPES = {
    "course": f"{ADL}/activities/course",
    "assessment": f"{ADL}/activities/assessment",
    "certificate": "http://id.tincanapi.com/activitytype/certificate",
}


def statement_id(base_url: str, source: str) -> str:
    """The same id for the same event (e.g. "attempt:42") every time it is built."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{base_url.rstrip('/')}/xapi/{source}"))


def iri(base_url: str, path: str) -> str:
    return f"{base_url.rstrip('/')}/{path.lstrip('/')}"


def actor(email: str, name: str) -> dict:
    found = {"objectType": "Agent", "mbox": f"mailto:{email}"}
    return {**found, "name": name} if name else found


def verb(name: str) -> dict:
    return {"id": VERBS[name], "display": {"en-US": name}}


def language_map(texts: dict) -> dict:
    """{ar: ..., en: ...} with the empty languages left out (xAPI keys are RFC 5646 tags)."""
    return {lang: text for lang, text in (texts or {}).items() if text}


def activity(activity_id: str, kind: str, name: dict) -> dict:
    definition = {"type": ACTIVITY_TYPES[kind]}
    if language_map(name):
        definition["name"] = language_map(name)
    return {"objectType": "Activity", "id": activity_id, "definition": definition}


def timestamp(moment: datetime) -> str:
    """ISO 8601 in UTC with milliseconds, as LRSs store it."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def duration(seconds: float) -> str:
    return f"PT{max(seconds, 0):.2f}S"


def score_result(score: float, passed: bool, seconds: float | None = None) -> dict:
    """A quiz result: score as a percentage (raw 0-100, scaled 0-1), success and completion."""
    raw = round(float(score), 2)
    result = {
        "score": {"scaled": round(raw / 100, 4), "raw": raw, "min": 0, "max": 100},
        "success": bool(passed),
        "completion": True,
    }
    if seconds is not None:
        result["duration"] = duration(seconds)
    return result


def statement(sid: str, who: dict, verb_name: str, what: dict, *, when: datetime,
              language: str, result: dict | None = None,
              parents: list[dict] | None = None) -> dict:  # fmt: skip
    found = {
        "id": sid,
        "actor": who,
        "verb": verb(verb_name),
        "object": what,
        "timestamp": timestamp(when),
        "context": {"platform": "Khidma", "language": language},
    }
    if result is not None:
        found["result"] = result
    if parents:
        found["context"]["contextActivities"] = {"parent": parents}
    return found
