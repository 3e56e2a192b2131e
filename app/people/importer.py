"""Parsing and validating a people CSV file. No database access: callers pass what exists."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date

from app.people.fields import EMAIL, EMPLOYEE_NO, PERSON_NAME
from app.people.models import ROLES

REQUIRED_COLUMNS = ("employee_no", "email", "role", "hire_date")
OPTIONAL_COLUMNS = ("name_ar", "name_en", "department", "team", "locale", "active")
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
# The person form's rules for the same fields (app/people/fields.py).
RULES = {"employee_no": EMPLOYEE_NO, "email": EMAIL, "name_ar": PERSON_NAME, "name_en": PERSON_NAME}
TRUE_WORDS = {"yes", "true", "1", "نعم"}
FALSE_WORDS = {"no", "false", "0", "لا"}


def N_(message: str) -> str:
    """Marks a message for translation; the page translates it when it shows it."""
    return message


@dataclass(frozen=True)
class RowError:
    row: int  # the spreadsheet row: the header is row 1
    column: str
    template: str  # %-style, with `params`; translated where it is shown
    params: dict = field(default_factory=dict)

    @property
    def message(self) -> str:
        return self.template % self.params

    def __str__(self) -> str:
        return f"row {self.row}, column {self.column}: {self.message}"


@dataclass
class PersonRow:
    row: int
    employee_no: str
    email: str
    role: str
    hire_date: date
    name_ar: str = ""
    name_en: str = ""
    department: str = ""
    team: str = ""
    locale: str = ""
    active: bool = True


@dataclass
class ParsedFile:
    rows: list[PersonRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def decode(raw: bytes) -> str:
    """UTF-8 with or without the BOM that Excel writes; anything else is refused."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(exc.start) from None


def parse_people_csv(
    text: str, team_departments: dict[str, str], departments: set[str], default_locale: str
) -> ParsedFile:
    """Read every row and report every problem; rows are only usable when errors is empty."""
    result = ParsedFile()
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [(name or "").strip() for name in (reader.fieldnames or [])]
    if not _check_header(header, result):
        return result
    reader.fieldnames = header
    _parse_rows(enumerate(reader, start=2), team_departments, departments, default_locale, result)
    if not result.rows and not result.errors:
        result.errors.append(RowError(2, "-", N_("the file has a header but no rows")))
    return result


def parse_people_records(
    records: list[dict[str, str]],
    team_departments: dict[str, str],
    departments: set[str],
    default_locale: str,
) -> ParsedFile:
    """The same checks for people given as mappings of column to text (the JSON API); each
    error's `row` is then the record's index in the list, from 0."""
    result = ParsedFile()
    _parse_rows(enumerate(records), team_departments, departments, default_locale, result)
    return result


def _parse_rows(numbered, team_departments, departments, default_locale, result) -> None:
    seen: dict[tuple[str, str], int] = {}
    for number, raw in numbered:
        row = _parse_row(number, raw, team_departments, departments, default_locale, result)
        if row is not None:
            _check_duplicates(row, seen, result)
            result.rows.append(row)


def _check_header(header: list[str], result: ParsedFile) -> bool:
    if not header:
        result.errors.append(RowError(1, "-", N_("the file is empty")))
        return False
    for name in header:
        if name not in COLUMNS:
            result.errors.append(RowError(1, name or "(blank)", N_("unknown column")))
    for name in REQUIRED_COLUMNS:
        if name not in header:
            result.errors.append(RowError(1, name, N_("required column is missing")))
    if len(set(header)) != len(header):
        result.errors.append(RowError(1, "-", N_("a column appears twice")))
    return not result.errors


def _parse_row(number, raw, team_departments, departments, default_locale, result):
    """One row as a PersonRow, or None after adding each of its problems to the result."""
    errors = result.errors
    start = len(errors)
    if None in raw:
        errors.append(RowError(number, "-", N_("more cells than columns")))
    cell = {k: (v or "").strip() for k, v in raw.items() if k is not None}
    _check_identity(number, cell, errors)
    hired = _parse_date(number, cell.get("hire_date", ""), errors)
    _check_placement(number, cell, team_departments, departments, errors)
    locale = cell.get("locale", "").lower() or default_locale
    if locale not in ("ar", "en"):
        errors.append(RowError(number, "locale", N_("must be ar or en")))
    active = _parse_bool(number, cell.get("active", ""), errors)
    if len(errors) > start:
        return None
    team = cell.get("team", "")
    return PersonRow(
        row=number,
        employee_no=cell["employee_no"],
        email=cell["email"].lower(),
        role=cell["role"].lower(),
        hire_date=hired,
        name_ar=cell.get("name_ar", ""),
        name_en=cell.get("name_en", ""),
        department=cell.get("department", "") or team_departments.get(team, ""),
        team=team,
        locale=locale,
        active=active,
    )


def _check_identity(number: int, cell: dict, errors: list[RowError]) -> None:
    """Required cells, a name in one language, the form's rules of each text cell (length,
    characters, email address) and a known role."""
    for name in REQUIRED_COLUMNS:
        if not cell.get(name):
            errors.append(RowError(number, name, N_("is required")))
    if not cell.get("name_ar") and not cell.get("name_en"):
        errors.append(RowError(number, "name_ar", N_("give name_ar or name_en")))
    for name, rule in RULES.items():
        problem = rule.problem(cell[name]) if cell.get(name) else None
        if problem is not None:
            errors.append(RowError(number, name, problem.template, problem.params))
    role = cell.get("role", "").lower()
    if role and role not in ROLES:
        values = {"values": ", ".join(ROLES)}
        errors.append(RowError(number, "role", N_("must be one of %(values)s"), values))


def _check_placement(number, cell, team_departments, departments, errors) -> None:
    """The team and department exist, and the team belongs to the department."""
    department, team = cell.get("department", ""), cell.get("team", "")
    if team and team not in team_departments:
        errors.append(RowError(number, "team", N_("no team with code %(value)s"), {"value": team}))
    elif team and department and team_departments[team] != department:
        message = N_("team %(team)s is not in department %(department)s")
        errors.append(RowError(number, "team", message, {"team": team, "department": department}))
    if department and department not in departments:
        message = N_("no department with code %(value)s")
        errors.append(RowError(number, "department", message, {"value": department}))


def _parse_date(number: int, value: str, errors: list[RowError]) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors.append(
            RowError(
                number,
                "hire_date",
                N_("not a date in YYYY-MM-DD form: %(value)s"),
                {"value": value},
            )
        )
        return None


def _parse_bool(number: int, value: str, errors: list[RowError]) -> bool:
    lowered = value.lower()
    if not lowered or lowered in TRUE_WORDS:
        return True
    if lowered in FALSE_WORDS:
        return False
    errors.append(RowError(number, "active", N_("must be yes or no")))
    return True


def _check_duplicates(row: PersonRow, seen: dict, result: ParsedFile) -> None:
    for column in ("employee_no", "email"):
        key = (column, getattr(row, column).lower())
        if key in seen:
            result.errors.append(
                RowError(
                    row.row,
                    column,
                    N_("same value as row %(row)s: %(value)s"),
                    {"row": seen[key], "value": getattr(row, column)},
                )
            )
        else:
            seen[key] = row.row
