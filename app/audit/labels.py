"""What the audit log and the content page show for stored codes: each action, field and
content count by a translated name, and a change as "field: old → new" lines, never as raw
JSON (an Arabic value would read as \\u0623 escapes)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import format_date, format_decimal, gettext, ngettext
from flask_babel import lazy_gettext as _l

from app.i18n import role_label
from app.references import Names

ACTIONS = {
    "answer_flagged": _l("Answer flagged for review"),
    "api_token_created": _l("API token made"),
    "api_token_revoked": _l("API token revoked"),
    "assignment_cancelled": _l("Assignment cancelled"),
    "assignment_created": _l("Course assigned"),
    "assignment_due_date_changed": _l("Due date changed"),
    "calibration_agreed": _l("Agreed calibration scores recorded"),
    "calibration_closed": _l("Calibration closed"),
    "calibration_created": _l("Calibration started"),
    "calibration_scored": _l("Calibration scores submitted"),
    "calibration_scoring_closed": _l("Calibration scoring closed"),
    "certificate_expired": _l("Certificate expired"),
    "certificate_issued": _l("Certificate issued"),
    "certificate_renewed": _l("Certificate renewed"),
    "certificate_revoked": _l("Certificate revoked"),
    "content_synced": _l("Content loaded"),
    "conversation_reviewed": _l("Conversation reviewed"),
    "conversations_imported": _l("Conversations imported"),
    "department_saved": _l("Department saved"),
    "dispute_resolved": _l("Dispute resolved"),
    "invitation_sent": _l("Invitation sent"),
    "kpis_imported": _l("KPIs imported"),
    "observation_corrected": _l("Observation corrected"),
    "observation_edited": _l("Observation edited"),
    "observation_recorded": _l("Observation recorded"),
    "password_set": _l("Password set"),
    "people_imported": _l("People imported"),
    "person_activated": _l("Person reactivated"),
    "person_created": _l("Person added"),
    "person_deactivated": _l("Person deactivated"),
    "person_updated": _l("Person updated"),
    "review_disputed": _l("Review disputed"),
    "role_changed": _l("Role changed"),
    "score_overridden": _l("Score overridden"),
    "scorecard_changed": _l("Critical standards changed"),
    "sso_sign_in": _l("Signed in through single sign-on"),
    "sso_sign_in_refused": _l("Single sign-on refused"),
    "standards_acknowledged": _l("Standards acknowledged"),
    "team_saved": _l("Team saved"),
}

OBJECTS = {
    "answer": _l("Answer"),
    "api_token": _l("API token"),
    "assignment": _l("Assignment"),
    "attempt": _l("Attempt"),
    "calibration": _l("Calibration"),
    "certificate": _l("Certificate"),
    "content_version": _l("Content version"),
    "conversation_review": _l("Conversation review"),
    "department": _l("Department"),
    "import": _l("Import"),
    "kpi_import": _l("KPI import"),
    "observation": _l("Observation"),
    "scorecard": _l("Scorecard"),
    "standards_version": _l("Standards version"),
    "team": _l("Team"),
    "user": _l("Person"),
}

FIELDS = {
    "active": _l("Active"),
    "added": _l("Added"),
    "answer": _l("Role-play answer"),
    "answer_id": _l("Answer"),
    "answer_score": _l("Answer score"),
    "answers": _l("Role-play answers"),
    "certification": _l("Certification"),
    "changed": _l("Changed"),
    "channel": _l("Channel"),
    "code": _l("Code"),
    "conversation": _l("Conversation"),
    "conversations": _l("Conversations"),
    "course_id": _l("Course"),
    "created": _l("Created"),
    "criteria": _l("Criteria"),
    "critical": _l("Critical standards"),
    "department_id": _l("Department"),
    "due_date": _l("Due date"),
    "email": _l("Email"),
    "employee_no": _l("Employee number"),
    "expires_on": _l("Expires on"),
    "failed": _l("Failed on a critical standard"),
    "hire_date": _l("Hire date"),
    "invited": _l("Invited"),
    "issuer": _l("Identity provider"),
    "items": _l("Items"),
    "locale": _l("Language"),
    "manager_id": _l("Manager"),
    "name": _l("Name"),
    "name_ar": _l("Name (Arabic)"),
    "name_en": _l("Name (English)"),
    "note": _l("Note"),
    "observed_on": _l("Observed on"),
    "outcome": _l("Outcome"),
    "passed": _l("Passed"),
    "prefix": _l("Token prefix"),
    "ratings": _l("Ratings"),
    "reason": _l("Reason"),
    "reference": _l("Reference"),
    "replaced": _l("Replaced"),
    "reviewers": _l("Reviewers"),
    "role": _l("Role"),
    "score": _l("Score"),
    "scopes": _l("Scopes"),
    "standards_version": _l("Standards version"),
    "status": _l("Status"),
    "subject": _l("Identity at the provider"),
    "team_id": _l("Team"),
    "title": _l("Title"),
    "unchanged": _l("Unchanged"),
    "updated": _l("Updated"),
    "user_id": _l("Person"),
}

# Stored codes that some fields hold, by what a reader calls them.
VALUES = {
    "channel": {
        "phone": _l("Phone"),
        "chat": _l("Chat"),
        "email": _l("Email"),
        "in_person": _l("In person"),
    },  # fmt: skip
    "locale": {"ar": _l("Arabic"), "en": _l("English")},
    "outcome": {"upheld": _l("Review upheld"), "changed": _l("Review changed")},
    "status": {"valid": _l("Valid"), "expired": _l("Expired"), "revoked": _l("Revoked")},
}

# Content counts (a sync's summary): a number of things, with the noun in its plural form.
COUNTS = {
    "certifications_added": lambda n: ngettext(
        "%(num)s certification added", "%(num)s certifications added", n
    ),
    "certifications_retired": lambda n: ngettext(
        "%(num)s certification retired", "%(num)s certifications retired", n
    ),
    "courses_added": lambda n: ngettext("%(num)s course added", "%(num)s courses added", n),
    "courses_retired": lambda n: ngettext("%(num)s course retired", "%(num)s courses retired", n),
    "lessons_added": lambda n: ngettext("%(num)s lesson added", "%(num)s lessons added", n),
    "lessons_retired": lambda n: ngettext("%(num)s lesson retired", "%(num)s lessons retired", n),
    "quiz_versions_added": lambda n: ngettext(
        "%(num)s new quiz version", "%(num)s new quiz versions", n
    ),
    "standards_versions_added": lambda n: ngettext(
        "%(num)s new standards version", "%(num)s new standards versions", n
    ),
    "standards_versions_edited": lambda n: ngettext(
        "%(num)s standards version edited", "%(num)s standards versions edited", n
    ),
}


def _words(code: str) -> str:
    """A code nobody has named yet, read as words rather than as an identifier."""
    return code.replace("_", " ").strip().capitalize()


def action_label(code: str) -> str:
    return str(ACTIONS[code]) if code in ACTIONS else _words(code)


def object_label(code: str) -> str:
    return str(OBJECTS[code]) if code in OBJECTS else _words(code)


def object_name(object_type: str, object_id: str, names: Names | None = None) -> str:
    """What an entry is about, by name where its kind has a namer ("Person: Noura"), else by
    its type and stored reference ("Import: people.csv")."""
    named = names.of_object(object_type, object_id) if names is not None else None
    shown = named if named is not None else object_id
    return f"{object_label(object_type)}: {shown}" if shown else object_label(object_type)


def field_label(code: str) -> str:
    return str(FIELDS[code]) if code in FIELDS else _words(code)


def count_lines(counts: dict | None) -> list[str]:
    """A content summary as sentences: "3 courses added"."""
    lines = []
    for key, n in sorted((counts or {}).items()):
        if key in COUNTS and isinstance(n, int):
            lines.append(COUNTS[key](n).replace(str(n), format_decimal(n), 1))
        else:
            lines.append(f"{_words(key)}: {show(n)}")
    return lines


def value_label(key: str, value) -> str | None:
    """The name of a code a field holds (a role, a language, a channel...), or None."""
    if key == "role" and isinstance(value, str):
        return role_label(value)
    names = VALUES.get(key, {})
    return str(names[value]) if isinstance(value, str) and value in names else None


def show(value, *, iso: bool = False) -> str:
    """One stored value as a reader sees it; with `iso`, dates stay ISO 8601 (for files)."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, int | float):
        return str(value) if iso else format_decimal(value)
    if isinstance(value, datetime | date):
        return value.isoformat() if iso else format_date(value, "medium")
    if isinstance(value, str) and _iso_date(value):
        return value if iso else format_date(_iso_date(value), "medium")
    if isinstance(value, list):
        return ", ".join(show(v, iso=iso) for v in value) or "—"
    if isinstance(value, dict):
        return ngettext("%(num)s item", "%(num)s items", len(value))
    return str(value)


def _iso_date(value: str) -> date | None:
    if len(value) != 10:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


@dataclass(frozen=True)
class Change:
    field: str
    before: str | None  # None: the entry records no earlier value
    after: str | None  # None: the entry records no later value


def changes(before: dict | None, after: dict | None, *, iso: bool = False,
            names: Names | None = None) -> list[Change]:  # fmt: skip
    """An entry's before and after as one line per field. A mapping (a reviewer's criteria,
    an observation's ratings) is summarised by how many of its entries changed; a code (a
    role, a language) is shown by its name, and so is a reference (a person, a course) found
    in `names`."""
    before, after = before or {}, after or {}
    found = []
    for key in [*before, *(k for k in after if k not in before)]:
        old, new = before.get(key), after.get(key)
        if isinstance(old, dict) or isinstance(new, dict):
            old, new = old or {}, new or {}
            moved = sum(old.get(k) != new.get(k) for k in {*old, *new})
            summary = ngettext("%(num)s changed", "%(num)s changed", moved)
            found.append(Change(field_label(key), None, summary))
            continue
        found.append(Change(
            field_label(key),
            _shown(key, old, iso, names) if key in before else None,
            _shown(key, new, iso, names) if key in after else None,
        ))  # fmt: skip
    return found


def _shown(key: str, value, iso: bool, names: Names | None) -> str:
    named = names.of_key(key, value) if names is not None else None
    if named is not None:
        return (", ".join(named) or "—") if isinstance(named, list) else named
    label = value_label(key, value)
    return label if label is not None else show(value, iso=iso)


def change_lines(action: str, before: dict | None, after: dict | None, *,
                 names: Names | None = None) -> list[str]:  # fmt: skip
    """An entry's changes as text lines, "field: old → new", as a file shows them (dates in
    ISO 8601); a content load as its counts."""
    if action == "content_synced":
        return count_lines(after)
    lines = []
    for change in changes(before, after, iso=True, names=names):
        values = [v for v in (change.before, change.after) if v is not None]
        lines.append(f"{change.field}: {' → '.join(values)}")
    return lines
