from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectMultipleField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Optional

from app.text import Follows, TextRule

NOTE = TextRule(max_length=1000, multiline=True)


class AssignForm(FlaskForm):
    course_ids = SelectMultipleField(_l("Courses"), choices=[], validators=[DataRequired()])
    user_ids = SelectMultipleField(_l("Agents"), coerce=int, choices=[], validators=[Optional()])
    team_ids = SelectMultipleField(
        _l("Whole teams"), coerce=int, choices=[], validators=[Optional()]
    )
    due_date = DateField(_l("Due date"), validators=[DataRequired()])
    note = TextAreaField(_l("Note to the agents"), validators=[Optional(), Follows(NOTE)])
    submit = SubmitField(_l("Assign"))


class DueDateForm(FlaskForm):
    due_date = DateField(_l("New due date"), validators=[DataRequired()])
    submit = SubmitField(_l("Change"))
