"""What the audit log and the content page show for stored codes: each action, field and
content count by a translated name, and a change as "field: old → new" lines, never as raw
JSON (an Arabic value would read as \\u0623 escapes)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import format_date, format_decimal, gettext, ngettext
from flask_babel import lazy_gettext as _l

ACTIONS = {
    "answer_flagged": _l("Answer flagged for review"),
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
    "department_saved": _l("Department saved"),
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
    "role_changed": _l("Role changed"),
    "score_overridden": _l("Score overridden"),
    "scorecard_changed": _l("Critical standards changed"),
    "standards_acknowledged": _l("Standards acknowledged"),
    "team_saved": _l("Team saved"),
}

OBJECTS = {
    "answer": _l("Answer"),
    "assignment": _l("Assignment"),
    "attempt": _l("Attempt"),
    "calibration": _l("Calibration"),
    "certificate": _l("Certificate"),
    "content_version": _l("Content version"),
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
    "answer_id": _l("Answer"),
    "answer_score": _l("Answer score"),
    "certification": _l("Certification"),
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
    "locale": _l("Language"),
    "manager_id": _l("Manager"),
    "name_ar": _l("Name (Arabic)"),
    "name_en": _l("Name (English)"),
    "note": _l("Note"),
    "observed_on": _l("Observed on"),
    "passed": _l("Passed"),
    "ratings": _l("Ratings"),
    "reason": _l("Reason"),
    "reference": _l("Reference"),
    "replaced": _l("Replaced"),
    "reviewers": _l("Reviewers"),
    "role": _l("Role"),
    "score": _l("Score"),
    "standards_version": _l("Standards version"),
    "team_id": _l("Team"),
    "title": _l("Title"),
    "updated": _l("Updated"),
    "user_id": _l("Person"),
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


def show(value) -> str:
    """One stored value as a reader sees it."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, int | float):
        return format_decimal(value)
    if isinstance(value, datetime | date):
        return format_date(value, "medium")
    if isinstance(value, str) and _iso_date(value):
        return format_date(_iso_date(value), "medium")
    if isinstance(value, list):
        return ", ".join(show(v) for v in value) or "—"
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


def changes(before: dict | None, after: dict | None) -> list[Change]:
    """An entry's before and after as one line per field. A mapping (a reviewer's criteria,
    an observation's ratings) is summarised by how many of its entries changed."""
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
            show(old) if key in before else None,
            show(new) if key in after else None,
        ))  # fmt: skip
    return found
