from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SubmitField, TextAreaField
from wtforms.validators import DataRequired

from app.text import Follows, TextRule

REASON = TextRule(max_length=1000, min_length=5, multiline=True)


class RevokeForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason"),
        validators=[
            DataRequired(message=_l("Give the reason for revoking (5 characters or more).")),
            Follows(REASON),
        ],
    )
    submit = SubmitField(_l("Revoke the certificate"))
