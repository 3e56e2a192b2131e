from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, NumberRange, Optional

from app.text import Follows, TextRule

REASON = TextRule(max_length=1000, multiline=True)


class FlagForm(FlaskForm):
    reason = TextAreaField(
        _l("Why do you think this was scored wrongly?"),
        validators=[DataRequired(), Follows(REASON)],
    )
    submit = SubmitField(_l("Ask for a review"))


class OverrideForm(FlaskForm):
    """The reason and optional total; each criterion comes as a `c-<key>` select (1 or 0)."""

    total = IntegerField(
        _l("Score of this answer (0-100), instead of the one computed from the criteria"),
        validators=[Optional(), NumberRange(min=0, max=100)],
    )
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Follows(REASON)])
    submit = SubmitField(_l("Save the override"))
