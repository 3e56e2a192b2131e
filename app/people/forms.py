from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, DateField, EmailField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from app.people.fields import EMAIL, EMPLOYEE_NO, PERSON_NAME, UNIT_NAME
from app.text import Follows

CODE = Regexp(r"^[a-z0-9][a-z0-9-]*$", message=_l("Lower-case letters, digits and dashes only."))


def role_choices():
    return [
        ("agent", _l("Agent")),
        ("manager", _l("Manager")),
        ("hr", _l("HR")),
        ("admin", _l("Administrator")),
    ]


def locale_choices():
    return [("ar", "العربية"), ("en", "English")]


class PersonForm(FlaskForm):
    # The CSV import checks these four with the same rules (app/people/fields.py).
    employee_no = StringField(
        _l("Employee number"), validators=[DataRequired(), Follows(EMPLOYEE_NO)]
    )
    email = EmailField(_l("Email"), validators=[DataRequired(), Follows(EMAIL)])
    name_ar = StringField(_l("Name in Arabic"), validators=[Optional(), Follows(PERSON_NAME)])
    name_en = StringField(_l("Name in English"), validators=[Optional(), Follows(PERSON_NAME)])
    role = SelectField(_l("Role"), choices=role_choices)
    team_id = SelectField(_l("Team"), coerce=int, choices=[])
    hire_date = DateField(_l("Hire date"), validators=[DataRequired()])
    locale = SelectField(_l("Language"), choices=locale_choices)
    # Offered (ticked) when a person is added and e-mail is set up.
    invite = BooleanField(_l("Send an invitation to choose a password by e-mail"))
    submit = SubmitField(_l("Save"))

    def validate_name_en(self, field):
        if not (field.data or "").strip() and not (self.name_ar.data or "").strip():
            raise ValueError(_l("Give a name in Arabic or in English."))


class TeamForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=40), CODE])
    name_ar = StringField(_l("Name in Arabic"), validators=[DataRequired(), Follows(UNIT_NAME)])
    name_en = StringField(_l("Name in English"), validators=[DataRequired(), Follows(UNIT_NAME)])
    department_id = SelectField(_l("Department"), coerce=int, choices=[])
    manager_id = SelectField(_l("Manager"), coerce=int, choices=[])
    submit = SubmitField(_l("Save"))


class DepartmentForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=40), CODE])
    name_ar = StringField(_l("Name in Arabic"), validators=[DataRequired(), Follows(UNIT_NAME)])
    name_en = StringField(_l("Name in English"), validators=[DataRequired(), Follows(UNIT_NAME)])
    submit = SubmitField(_l("Save"))


class ImportForm(FlaskForm):
    file = FileField(_l("CSV file"), validators=[FileRequired()])
    submit = SubmitField(_l("Check the file"))


class ConfirmForm(FlaskForm):
    """A form with only its CSRF token, for buttons that change something."""

    submit = SubmitField(_l("Confirm"))


class ConfirmImportForm(ConfirmForm):
    # Ticked on the page; a request without the box invites nobody.
    invite = BooleanField(_l("Send each new person an invitation by e-mail"))
