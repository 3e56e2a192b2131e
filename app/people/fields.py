"""The rules of the people fields, shared by the forms and the people CSV import.

Lengths come from the database columns, so a value that passes here also fits there.
"""

from __future__ import annotations

import email_validator

from app.people.models import Team, User
from app.text import N_, TextProblem, TextRule


def _width(column) -> int:
    return column.property.columns[0].type.length


def email_problem(value: str) -> TextProblem | None:
    """The check the person form made through WTForms' Email validator: email-validator,
    without a DNS look-up."""
    try:
        email_validator.validate_email(value, check_deliverability=False)
    except email_validator.EmailNotValidError:
        return TextProblem(N_("not an email address: %(value)s"), {"value": value})
    return None


EMPLOYEE_NO = TextRule(max_length=_width(User.employee_no))
EMAIL = TextRule(max_length=_width(User.email), check=email_problem)
PERSON_NAME = TextRule(max_length=_width(User.name_en))  # name_ar and name_en alike
# The names of teams and of departments (their columns have the same width).
UNIT_NAME = TextRule(max_length=_width(Team.name_en))
